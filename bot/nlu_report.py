"""Turns `rasa test nlu --cross-validation` output into the Markdown report committed under docs/.

Cross-validation measures the classifier alone, as the held-out gate does (tests/test_nlu_eval.py): config.yml
without the safety guard, whose answers (an emergency, a deferral, the notice for what has no Spanish answer yet)
are decisions about the patient, not readings of the intent; the safety gate measures those.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import List

import yaml

SAFETY_GUARD = "bot.nlp.rasa_components.SafetyGuard"


def render_report(results_dir: Path) -> str:
    report = json.loads((results_dir / "intent_report.json").read_text())
    errors_file = results_dir / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    macro = report["macro avg"]
    lines: List[str] = [
        "# NLU cross-validation report",
        "",
        "Made by `make crossval` (5-fold cross-validation of `data/nlu`, test folds; the classifier alone: config.yml",
        "without the safety guard, as the held-out gate measures it).",
        "",
        f"- Accuracy: {report.get('accuracy', 0):.3f}",
        f"- Macro precision {macro['precision']:.3f}, recall {macro['recall']:.3f}, **F1 {macro['f1-score']:.3f}**",
        f"- Weighted F1: {report['weighted avg']['f1-score']:.3f}",
        "",
        "| intent | precision | recall | F1 | examples |",
        "|---|---|---|---|---|",
    ]
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "support" in scores and not intent.endswith("avg"):
            lines.append(
                f"| {intent} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
                f"{scores['f1-score']:.3f} | {scores['support']} |"
            )
    confusions = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    lines += ["", "## Confusions (true intent -> predicted, count)", ""]
    lines += [f"- {true} -> {predicted}: {count}" for (true, predicted), count in confusions.most_common()]
    if not confusions:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def classifier_config(config: Path) -> str:
    """`config` without the safety guard, as YAML."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["pipeline"] = [step for step in settings["pipeline"] if step["name"] != SAFETY_GUARD]
    return yaml.safe_dump(settings, sort_keys=False)
