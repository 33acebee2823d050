"""The domain's responses outside Rasa: what the reminders worker e-mails is the e-mail variation
(`channel: email`) of the response the assistant would utter in a chat, filled in the way Rasa fills it. Tests read
the default variation of what an action utters, as the patient would."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from bot.answers import answer_facts
from bot.clinic import clinic

DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"


@dataclass(frozen=True)
class Rendered:
    text: str
    custom: Dict[str, str]


@lru_cache(maxsize=1)
def _domain() -> Dict[str, Any]:
    return yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))


def _responses() -> Dict[str, List[Dict[str, Any]]]:
    return _domain()["responses"]


def render(name: str, channel: Optional[str], values: Mapping[str, Any], language: str = "en") -> Rendered:
    """Response `name`'s variation for `channel` (None: the one for no channel), chosen as the Rasa server chooses it
    (bot/nlp/nlg.py): the most specific variation whose conditions all hold for `values` and the patient's
    `language`; filled with the clinic's facts and `values`. A placeholder without a value raises KeyError, so a
    half-filled message is never sent."""
    facts = {**values, "patient_language": language}
    variations = [v for v in _responses()[name] if v.get("channel") == channel and _holds(v, facts)]
    if not variations:
        raise KeyError(f"{name} has no variation for channel {channel}")
    variation = max(variations, key=lambda v: len(v.get("condition") or ()))
    filling = {**answer_facts(clinic()), **values}
    custom = {key: str(value).format_map(filling) for key, value in (variation.get("custom") or {}).items()}
    return Rendered(variation["text"].format_map(filling), custom)


def _holds(variation: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    return all(facts.get(c.get("name")) == c.get("value") for c in variation.get("condition") or ())


# Intents whose answer is not named after them; a request's is the reply that starts its form.
ANSWERS = {
    "report_treatment_concern": "utter_treatment_concern", "book_consultation": "utter_booking_start",
    "reschedule_booking": "utter_reschedule_start", "cancel_booking": "utter_cancel_start",
}


def answer_response(intent: str) -> str:
    """The response that answers `intent`: utter_<topic> for ask_<topic>, utter_greet for greet."""
    return ANSWERS.get(intent, "utter_" + intent.removeprefix("ask_"))


# Requests answered by a form and its action rather than one response: every response of theirs, by prefix.
FLOW_RESPONSES = {"request_human": ("utter_handoff_", "utter_ask_handoff_")}


def answer_responses(intent: str) -> List[str]:
    """The response that answers `intent` and its topic variants (utter_<topic>__<area>), or every response of the
    form that carries out a request (FLOW_RESPONSES)."""
    if intent in FLOW_RESPONSES:
        return [key for key in _responses() if key.startswith(FLOW_RESPONSES[intent])]
    name = answer_response(intent)
    return [key for key in _responses() if key == name or key.startswith(name + "__")]


@lru_cache(maxsize=None)
def intents_answered_in(language: str) -> frozenset:
    """The intents whose every answering response has a variation in `language` (the patient_language slot). In a
    language every response has, that is every intent: a form's answers, a yes or a no included."""
    if speaks(language):
        return frozenset(_domain()["intents"])
    return frozenset(
        intent
        for intent in _domain()["intents"]
        if answer_responses(intent) and all(_has_language(name, language) for name in answer_responses(intent))
    )


@lru_cache(maxsize=None)
def speaks(language: str) -> bool:
    """Every response has a variation in `language`: the whole conversation can be held in it."""
    return all(_has_language(name, language) for name in _responses())


def _has_language(name: str, language: str) -> bool:
    return any(
        {"type": "slot", "name": "patient_language", "value": language} in variation.get("condition", [])
        for variation in _responses()[name]
    )
