"""Booking references as patients type them: "7k2q-9xbm", "7K2Q 9XBM", "it's 7K2Q9XBM"."""

from __future__ import annotations

import re
from typing import Optional

from bot.booking import REFERENCE_ALPHABET, REFERENCE_LENGTH, normalize_reference

WORD = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
FILLER = re.compile(r"\W*(?:(?:it'?s|its|my|booking|reference|ref|code|number|is|no\.?)\W+)*", re.IGNORECASE)


def find_reference(text: str, strict: bool = False) -> Optional[str]:
    """A booking reference in `text` ("7k2q-9xbm" -> "7K2Q9XBM"). Strict (for messages that did not answer the
    question "what's your reference?") wants a code that contains a digit or was typed in capitals."""
    words = WORD.findall(text or "")
    candidates = list(words) + [a + b for a, b in zip(words, words[1:], strict=False)]
    for word in candidates:
        code = normalize_reference(word)
        if len(code) != REFERENCE_LENGTH:
            continue
        if strict and not (any(ch.isdigit() for ch in code) or word.replace("-", "").isupper()):
            continue
        if all(ch in REFERENCE_ALPHABET for ch in code) or not strict:
            return code
    return None


def is_only_a_reference(text: str) -> bool:
    """The message gives a booking reference and nothing else ("7K2Q9XBM", "ref: 7k2q-9xbm"). A random code can look
    like any word to a classifier, so the pipeline takes such a message as an answer, never as "bye" or "no"."""
    rest = FILLER.sub("", text or "", count=1).strip(" .!,:;#")
    code = find_reference(rest, strict=True)
    return code is not None and normalize_reference(rest) == code
