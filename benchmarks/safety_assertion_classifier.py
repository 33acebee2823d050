"""Would a learned assertion classifier cut false escalations without losing urgent reports? (docs/safety.md)

Run: .venv/bin/python benchmarks/safety_assertion_classifier.py [--fresh PART.yml] [--show]
(after `make setup`; about 4 minutes, most of it encoding every labelled message once).

The idea measured: when the rules read an urgent symptom as reported now in an English message, a logistic
regression over [the MiniLM encoding of the symptom's sentence, the encoding of the message, the rules' ConText cues
on that symptom (negated, hypothetical, question, past, resolved, someone else, current, weak sign of now, everyday
cause, tie to the treatment, first person, mild, animal), its assertion, its name, a question mark] gives the
likelihood that the symptom really is reported now. Below a threshold for every symptom read as now, the emergency
answer is downgraded to the warning signs (utter_side_effects). Allergic signs and faints get their own, lower
threshold. The threshold is 0.8 x the lowest likelihood a real urgent report got when its part was held out.

Figures, leave one part out: for each held-out part, the urgency net and the classifier are trained on every other
labelled part (and the net on the NLU data too, as `python -m bot build-urgency-net` does), and the thresholds are
chosen by a leave-one-part-out inside those other parts, so nothing of the held-out part is used. The rules were
tuned by reading every part, so their own figures here are optimistic; the learned part is not.
With --fresh, a part not in bot/safety/labelled is measured once with everything trained on all the labelled parts:
counts only, unless --show (read its messages only after its figure is recorded).

Result, 2026-12-05 (docs/safety.md, "Also rejected"): leave one part out, non-urgent escalated 128/2165 -> 83/2165
with no urgent report lost (dev8 17 -> 10, dev9 20 -> 9, dev10 49 -> 38); on dev11, fresh, 46/326 -> 24/326 but
urgent 92/94 -> 91/94 (a report in clinical shorthand downgraded). Not built into bot/.

Nothing here changes bot/: the analyser's internals are wrapped only inside this process, to read the cues.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Dict, List

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from bot.safety import analyser, urgency_net  # noqa: E402
from bot.safety import context_rules as C  # noqa: E402
from bot.safety.findings import URGENT, Assertion, Decision, decide  # noqa: E402

CUES = [C.NEGATED, C.HYPOTHETICAL, C.HISTORICAL, C.RESOLVED, C.OTHER_PERSON, C.CURRENT, C.CURRENT_HINT,
        C.EVERYDAY_CAUSE, C.TREATMENT_LINK, C.QUESTION, C.FIRST_PERSON, C.MILD, C.ANIMAL]
NAMES = ["swallowing", "breathing", "speech_voice", "vision", "general_weakness", "eyelid_weakness", "allergic",
         "fainting"]
ALLERGIC_OR_FAINT = {"allergic", "fainting"}
NOW_WEIGHT = 3.0  # training weight of a symptom the rules read as now: those are the ones the classifier judges
MARGIN = 0.8  # threshold = MARGIN x the lowest likelihood of a real urgent report, left out


@dataclasses.dataclass
class Span:
    categories: frozenset
    name: str
    assertion: Assertion
    sentence: str


@dataclasses.dataclass
class Row:
    part: str
    id: str
    text: str
    urgent: bool
    category: str
    report: object  # SafetyReport without the net's likelihood
    net_text: str  # what the urgency net would read, "" when it does not read the message
    spans: List[Span]


def read(parts: Dict[str, Path]) -> List[Row]:
    """Every message read once by the rules, recording each urgent symptom's cues and sentence."""
    seen: List[Span] = []
    net: List[str] = []
    finding, likelihood = analyser._finding, analyser.urgent_likelihood

    def recording_finding(span):
        found = finding(span)
        if found.kind == URGENT:
            seen.append(Span(frozenset(m.category for m in span._.modifiers), found.name, found.assertion,
                             span.sent.text))
        return found

    def recording_likelihood(text):
        net.append(text)
        return 0.0

    analyser._finding, analyser.urgent_likelihood = recording_finding, recording_likelihood
    rows = []
    try:
        for part, path in parts.items():
            for item in yaml.safe_load(path.read_text(encoding="utf-8")):
                seen.clear()
                net.clear()
                report = analyser.analyse(item["text"])
                rows.append(Row(part, item.get("id", ""), item["text"], item["expect"] == "emergency",
                                item.get("category", ""), report, net[0] if net else "", list(seen)))
    finally:
        analyser._finding, analyser.urgent_likelihood = finding, likelihood
    return rows


class Encodings(dict):
    def __missing__(self, text):
        from bot.nlp.sentence_encoder import encode

        self[text] = vector = encode([text])[0]  # one at a time, as the analyser encodes
        return vector


EMB = Encodings()


def train_net(rows: List[Row], nlu) -> tuple:
    texts = [r.text for r in rows] + [t for t, _ in nlu]
    urgent = [r.urgent for r in rows] + [u for _, u in nlu]
    fitted = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(
        np.stack([EMB[t] for t in texts]), urgent)  # as urgency_net.build
    return fitted.coef_[0], float(fitted.intercept_[0])


def decision(row: Row, net) -> Decision:
    p = 0.0
    if row.net_text:
        p = float(1 / (1 + np.exp(-(EMB[row.net_text] @ net[0] + net[1]))))
    return decide(dataclasses.replace(row.report, urgent_likelihood=p))


def features(row: Row, span: Span) -> np.ndarray:
    cues = [c in span.categories for c in CUES] + [span.assertion == a for a in Assertion]
    cues += [span.name == n for n in NAMES] + ["?" in span.sentence, "?" in row.text, len(row.text) > 200]
    return np.concatenate([EMB[span.sentence], EMB[row.text], np.array(cues, float)])


def english(row: Row) -> bool:
    return row.report.language == "en"


def train_classifier(rows: List[Row]) -> LogisticRegression:
    """Positives: symptoms read as now in urgent messages. Negatives: every urgent symptom of a non-urgent message."""
    X, y, weight = [], [], []
    for row in filter(english, rows):
        for span in row.spans:
            if row.urgent and not span.assertion.holds_now:
                continue  # a denied symptom beside the urgent one: no label for it
            X.append(features(row, span))
            y.append(row.urgent)
            weight.append(NOW_WEIGHT if span.assertion.holds_now else 1.0)
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(
        np.stack(X), y, sample_weight=np.array(weight))


def likelihood(model, row: Row):
    """(likelihood that the symptoms the rules read as now are reported now, group), or None when not judged."""
    now = [s for s in row.spans if s.assertion.holds_now]
    if not now or not english(row):
        return None
    p = max(float(model.predict_proba(features(row, s)[None])[0, 1]) for s in now)
    return p, "allergic_or_faint" if any(s.name in ALLERGIC_OR_FAINT for s in now) else "other"


def judged(test: List[Row], train: List[Row], nlu):
    net, model = train_net(train, nlu), train_classifier(train)
    return [(row, decision(row, net), likelihood(model, row) if decision(row, net) == Decision.EMERGENCY else None)
            for row in test]


def thresholds(rows: List[Row], nlu) -> Dict[str, float]:
    lowest = {"other": 1.0, "allergic_or_faint": 1.0}
    for part in sorted({r.part for r in rows}):
        for row, _, judged_as in judged([r for r in rows if r.part == part], [r for r in rows if r.part != part], nlu):
            if row.urgent and judged_as:
                lowest[judged_as[1]] = min(lowest[judged_as[1]], judged_as[0])
    return {group: MARGIN * p for group, p in lowest.items()}


def counts(results, limits) -> Dict[str, int]:
    def after(item):
        _, before, judged_as = item
        return before == Decision.EMERGENCY and not (judged_as and judged_as[0] < limits[judged_as[1]])

    urgent = [x for x in results if x[0].urgent]
    other = [x for x in results if not x[0].urgent]
    return dict(urgent=len(urgent), kept_before=sum(x[1] == Decision.EMERGENCY for x in urgent),
                kept_after=sum(map(after, urgent)), non_urgent=len(other),
                escalated_before=sum(x[1] == Decision.EMERGENCY for x in other),
                escalated_after=sum(map(after, other)))


def line(name: str, c: Dict[str, int]) -> str:
    n = c["non_urgent"]
    return (f"{name:7s} urgent kept {c['kept_before']:3d}/{c['urgent']:3d} -> {c['kept_after']:3d}/{c['urgent']:3d}"
            f"   non-urgent escalated {c['escalated_before']:3d}/{n} ({c['escalated_before'] / n:.3f})"
            f" -> {c['escalated_after']:3d}/{n} ({c['escalated_after'] / n:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=Path, help="a part not in bot/safety/labelled, measured once")
    parser.add_argument("--show", action="store_true", help="print the fresh part's changed and missed messages")
    args = parser.parse_args()
    labelled = {p.stem: p for p in sorted(urgency_net.LABELLED.glob("*.yml"))}
    rows = read(labelled)
    nlu = urgency_net._nlu_messages()
    print("leave one part out (net, classifier and thresholds trained without the held-out part)")
    total: Dict[str, int] = {}
    for part in sorted(labelled, key=lambda name: (len(name), name)):
        others = [r for r in rows if r.part != part]
        limits = thresholds(others, nlu)
        c = counts(judged([r for r in rows if r.part == part], others, nlu), limits)
        total = {k: total.get(k, 0) + v for k, v in c.items()}
        print(line(part, c), f"  thresholds {limits['other']:.3f}",
              f"/ allergic or faint {limits['allergic_or_faint']:.3f}", flush=True)
    print(line("all", total))
    if args.fresh:
        fresh = read({"fresh": args.fresh})
        limits = thresholds(rows, nlu)
        results = judged(fresh, rows, nlu)
        print(f"\n{args.fresh} ({len(fresh)} messages), trained on every labelled part; thresholds "
              f"{limits['other']:.3f} / allergic or faint {limits['allergic_or_faint']:.3f}")
        print(line("fresh", counts(results, limits)))
        if args.show:
            for row, before, judged_as in results:
                downgraded = before == Decision.EMERGENCY and judged_as and judged_as[0] < limits[judged_as[1]]
                if row.urgent and (before != Decision.EMERGENCY or downgraded):
                    print("  urgent missed" if not downgraded else "  urgent DOWNGRADED", row.id, judged_as, row.text)
                elif not row.urgent and before == Decision.EMERGENCY:
                    print("  escalated", "(downgraded)" if downgraded else "", row.id, row.category, judged_as,
                          row.text[:160])


if __name__ == "__main__":
    main()
