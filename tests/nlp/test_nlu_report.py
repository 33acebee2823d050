"""The cross-validation report (bot/nlu_report.py) measures the classifier alone: the config it runs has no safety
guard and is otherwise config.yml."""

from pathlib import Path

import yaml

from bot.nlu_report import SAFETY_GUARD, classifier_config

ROOT = Path(__file__).resolve().parents[2]


def test_the_crossval_config_is_config_yml_without_the_safety_guard():
    full = yaml.safe_load((ROOT / "config.yml").read_text())
    classifier = yaml.safe_load(classifier_config(ROOT / "config.yml"))
    assert SAFETY_GUARD in [step["name"] for step in full["pipeline"]]
    assert classifier["pipeline"] == [step for step in full["pipeline"] if step["name"] != SAFETY_GUARD]
    assert classifier["policies"] == full["policies"]
