"""Follow-up questions answered in the context of the conversation.

"how long does that last?" after the gummy-smile answer gets the gummy-smile duration (utter_results_duration__
gummy_smile, where the domain has such a variant); "and for the brows?" after a price question gets the brow price;
"and san diego?" after the opening hours gets the hours again. A turn is (intent, entities) as the NLU gave them.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

QUESTION_PREFIX = "ask_"
SAME_QUESTION_INTENT = "follow_up_other_topic"
# Questions about an area; their answers are utter_<topic>.
TOPICS = ("gummy_smile", "uneven_brows", "mouth_asymmetry", "eye_asymmetry", "nose_asymmetry", "chin", "jawline")
# The `area` entity's values (bot/nlp/spacy_pipeline.py) and the topic each belongs to.
AREA_TOPICS = {
    "gummy smile": "gummy_smile", "brows": "uneven_brows", "mouth corners": "mouth_asymmetry",
    "lips": "mouth_asymmetry", "eyes": "eye_asymmetry", "nose": "nose_asymmetry", "chin": "chin",
    "jawline": "jawline",
}

Turn = Tuple[Optional[str], Sequence[Dict[str, Any]]]

_OPENER = re.compile(
    r"^(?:and|what about|how about|same for|same with|same goes for|even|also|or|but|plus|ok and|so)\b")
# Words that leave an elliptical follow-up elliptical: "and for the brows too?", "what about the denver clinic".
_FILLER = set(
    "the my your a an for in at on around near by area areas one ones too then please pls lol there location clinic"
    " office side sides treatment botox tox of with same what how about and even also or but plus ok so".split()
)


def asks_the_same_about(text: str, entities: Sequence[Dict[str, Any]]) -> bool:
    """ "and for the brows?", "what about san diego?": the previous question, about another area or location. Only
    an opener, the area or location and filler words; "what about doing my chin" asks something new."""
    named = [e for e in entities if e.get("entity") in ("area", "location") and e.get("end", 0) > e.get("start", 0)]
    lowered = text.lower()
    if not named or not _OPENER.match(lowered.strip()):
        return False
    rest = lowered
    for entity in sorted(named, key=lambda e: -e["start"]):
        rest = rest[: entity["start"]] + " " + rest[entity["end"]:]
    return all(word in _FILLER for word in re.findall(r"[a-z']+", rest))


def answer_in_context(turns: Sequence[Turn], responses: Iterable[str]) -> Optional[str]:
    """The response for the latest turn's question, in the context of the earlier turns; None when there is no
    question to answer (a bare "and for the brows?" with nothing asked before and no area)."""
    *earlier, (intent, entities) = turns
    responses = set(responses)
    topic = _area_topic(entities)
    if intent != SAME_QUESTION_INTENT:
        question = (intent or "").removeprefix(QUESTION_PREFIX)
        return _response(question, topic or last_topic(earlier), responses)
    question = last_question(earlier)
    if question is None or question in TOPICS:
        return f"utter_{topic}" if topic else None
    return _response(question, topic or last_topic(earlier), responses)


def last_topic(turns: Sequence[Turn]) -> Optional[str]:
    """The most recent area the patient asked about: by its question or by naming it."""
    for intent, entities in reversed(turns):
        question = (intent or "").removeprefix(QUESTION_PREFIX)
        topic = question if question in TOPICS else _area_topic(entities)
        if topic:
            return topic
    return None


def last_question(turns: Sequence[Turn]) -> Optional[str]:
    return next(
        (intent.removeprefix(QUESTION_PREFIX) for intent, _ in reversed(turns)
         if intent and intent.startswith(QUESTION_PREFIX)),
        None,
    )


def _area_topic(entities: Sequence[Dict[str, Any]]) -> Optional[str]:
    areas: List[str] = [e.get("value") for e in entities if e.get("entity") == "area"]
    return next((AREA_TOPICS[area] for area in areas if area in AREA_TOPICS), None)


def _response(question: str, topic: Optional[str], responses: set) -> str:
    specific = f"utter_{question}__{topic}"
    return specific if topic and specific in responses else f"utter_{question}"
