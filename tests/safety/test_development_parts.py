"""The analyser on the development parts of the safety set (bot/safety/labelled: read while building, unlike the test
part that only the gate reads): what it finds there may not get worse. The figures to report are the test part's
(docs/safety.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import Decision, analyse

LABELLED = Path(__file__).resolve().parents[2] / "bot" / "safety" / "labelled"
WANTED = {"emergency": Decision.EMERGENCY, "deferral": Decision.DEFERRAL, "dose_deferral": Decision.DOSE}
# Share of each part's messages whose decision is the expected one, with the rules and the urgency net, when the
# fourth broadening landed. The parts also train the urgency net (all but its held-out parts, dev16-dev22), so
# these guard regressions and say nothing about new messages: dev3 and dev4 were each measured fresh first
# (docs/safety.md), the test part is what counts.
# dev3 and dev4 deferral, and dev4's ceiling, were lowered by one message each when a past reference stopped
# reaching across a comma ("I had botox last year, I cannot swallow" is urgent now): a toxin allergy described as
# "back in 2018, hives, but..." now gets the emergency answer instead of the deferral, the safe side of the error.
FLOORS = {
    ("dev", "emergency"): 1.0, ("dev", "deferral"): 1.0, ("dev", "dose_deferral"): 1.0,
    ("dev2", "emergency"): 1.0, ("dev2", "deferral"): 0.97, ("dev2", "dose_deferral"): 1.0,
    ("dev3", "emergency"): 1.0, ("dev3", "deferral"): 0.94, ("dev3", "dose_deferral"): 1.0,
    ("dev4", "emergency"): 1.0, ("dev4", "deferral"): 0.98, ("dev4", "dose_deferral"): 1.0,
    ("dev5", "emergency"): 0.99, ("dev5", "deferral"): 0.96, ("dev5", "dose_deferral"): 1.0,
    ("dev8", "emergency"): 1.0, ("dev8", "deferral"): 0.87, ("dev8", "dose_deferral"): 0.84,
    ("dev9", "emergency"): 1.0, ("dev9", "deferral"): 0.97, ("dev9", "dose_deferral"): 0.9,
    ("dev10", "emergency"): 1.0, ("dev10", "deferral"): 0.87, ("dev10", "dose_deferral"): 0.93,
    ("dev11", "emergency"): 1.0, ("dev11", "deferral"): 1.0, ("dev11", "dose_deferral"): 1.0,
    ("dev12", "emergency"): 1.0, ("dev12", "deferral"): 0.95, ("dev12", "dose_deferral"): 0.93,
    ("dev13", "emergency"): 1.0, ("dev13", "deferral"): 1.0, ("dev13", "dose_deferral"): 1.0,
    ("dev14", "emergency"): 1.0, ("dev14", "deferral"): 0.88, ("dev14", "dose_deferral"): 0.9,
    ("dev15", "emergency"): 1.0, ("dev15", "deferral"): 0.97, ("dev15", "dose_deferral"): 1.0,
    ("dev16", "emergency"): 1.0, ("dev16", "deferral"): 0.96, ("dev16", "dose_deferral"): 1.0,
    ("dev17", "emergency"): 1.0, ("dev17", "deferral"): 0.96,
    ("dev18", "emergency"): 1.0, ("dev18", "deferral"): 1.0, ("dev18", "dose_deferral"): 1.0,
    ("dev19", "emergency"): 1.0,
    ("dev20", "emergency"): 0.96, ("dev21", "emergency"): 0.95, ("dev22", "emergency"): 1.0,
}


def _share(part: str, expect: str) -> float:
    items = [i for i in yaml.safe_load((LABELLED / f"{part}.yml").read_text()) if i["expect"] == expect]
    return sum(analyse(i["text"]).decision == WANTED[expect] for i in items) / len(items)


@pytest.mark.parametrize("part, expect", sorted(FLOORS))
def test_development_part_findings_do_not_regress(part, expect):
    assert _share(part, expect) >= FLOORS[(part, expect)]


# dev8's ceiling rose by one message (0.055 -> 0.057) when the urgency net was trained with dev12 too. dev3, dev4 and
# dev8 rose by one, one and two messages (exertion and past episodes the net reads as reports) when the net became a
# second reader of symptoms the rules downgrade: on a held-out review, real reports caught went from 1 to 15 of 55
# (docs/safety.md). dev11's rose by one message (0.14 -> 0.141) when the net was trained with the second round of
# patient-style examples: "Thursday ok. My arms are very tired and weak because I move house all weekend" (an
# exertion the net now reads as a report; the urgent floors held). dev21's and dev22's fell (0.186 -> 0.173, 0.263 ->
# 0.244) when a symptom imagined in a conditional became a question ("suppose I got double vision, would I still be
# able to drive home?").
@pytest.mark.parametrize("part, ceiling",
                         [("dev", 0.02), ("dev2", 0.045), ("dev3", 0.047), ("dev4", 0.048), ("dev5", 0.02),
                          ("dev8", 0.064), ("dev9", 0.065), ("dev10", 0.165),
                          ("dev11", 0.141), ("dev12", 0.15), ("dev13", 0.13),
                          ("dev14", 0.154), ("dev15", 0.142), ("dev16", 0.143),
                          ("dev17", 0.238), ("dev18", 0.12), ("dev19", 0.12),
                          ("dev20", 0.146), ("dev21", 0.173), ("dev22", 0.244)])
def test_few_non_urgent_development_messages_are_escalated(part, ceiling):
    items = [i for i in yaml.safe_load((LABELLED / f"{part}.yml").read_text()) if i["expect"] != "emergency"]
    escalated = sum(analyse(i["text"]).decision == Decision.EMERGENCY for i in items) / len(items)
    assert escalated <= ceiling
