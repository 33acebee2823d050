"""The questions in one message: "how much is it and do you take credit cards?" holds two.

A message splits at the end of a sentence, and at "and", "also" or "plus" when a new question starts after it
("..., and when can I work out again?"). "botox and filler" or "bruising and swelling" do not split: no question
word follows. Only questions count: a part that ends with "?" or starts as a question does ("is there parking",
"what's your phone number"); the story around a question ("I'm a hairdresser and...") is not one, though a request
beside a question can be ("I'd like to book. How much is it?": `sentence_parts`).
"""

from __future__ import annotations

import re
from typing import List, NamedTuple

_QUESTION_START = (
    r"do|does|did|is|are|was|were|can|could|will|would|should|how|what|whats|what's|when|whens|when's|where|wheres"
    r"|where's|who|which|why|any|have|has"
)
_ASKS = re.compile(rf"(?:{_QUESTION_START})\b", re.IGNORECASE)
_LEADING_JOINER = re.compile(r"^(?:and|also|plus|&|so|oh|ok|okay)\b[\s,]*", re.IGNORECASE)
_BOUNDARY = re.compile(
    rf"(?<=[?!.])\s+|\n+|,?\s+(?:and|also|plus|&)\s+(?=(?:{_QUESTION_START}|i|my)\b)|,\s*(?:also|plus|and also)\s+",
    re.IGNORECASE,
)


# The entity that names another question asked in the same message (bot/nlp/sentence_intents.py finds it,
# bot/nlp/nlg.py answers it).
ALSO_ASKED = "also_asked"
# Requests that start a form: a question asked beside one is answered as the form starts.
BOOKING = "book_consultation"
REQUESTS = {BOOKING, "reschedule_booking", "cancel_booking"}


class Part(NamedTuple):
    start: int
    end: int
    text: str


def question_parts(text: str) -> List[Part]:
    """The questions of a message, in order; fewer than two when it asks at most one."""
    return [part for part in sentence_parts(text) if is_a_question(part.text)]


def sentence_parts(text: str) -> List[Part]:
    """The parts of a message of two words or more, questions or not, in order."""
    parts, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        parts.append(_part(text, start, boundary.start()))
        start = boundary.end()
    parts.append(_part(text, start, len(text)))
    return [part for part in parts if len(part.text.split()) >= 2]


def _part(text: str, start: int, end: int) -> Part:
    return Part(start, end, _LEADING_JOINER.sub("", text[start:end].strip()))


def is_a_question(text: str) -> bool:
    return text.endswith("?") or bool(_ASKS.match(text))
