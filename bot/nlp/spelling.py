"""Patients' typos fixed towards the words the intent classifier was trained on ("whats ur adress" -> "whats ur
address"), before the sentence encoder reads the message (bot/nlp/sentence_intents.py).

SymSpell (symspellpy) looks a misspelt word up in the English training vocabulary (the examples of intents whose
metadata names no other language, as data/nlu/spanish.yml does), one edit away for words of up to five letters,
two for longer ones. Only plain lower-case words are looked up, and only in English messages (the safety analyser's
language detection, cached for the same text). A word is left alone when:
- the training data has it in any language, or it is an English word (symspellpy's bundled frequency list): a
  short Spanish question ("¿duele mucho?") is too short for the language detector, so it counts as English;
- it is in the safety analyser's vocabulary (drug names, conditions, symptoms), or texting shorthand;
- it is shorter than four letters, or nothing is within reach;
- it is part of something else: a name, an e-mail address, a link, a booking reference.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from symspellpy import SymSpell, Verbosity

from bot.safety.language import detect_language
from bot.safety.lexicon import VOCABULARY
from bot.safety.normalise import SHORTHAND, english_words

MIN_LENGTH = 4
LONG_WORD = 6  # from this length on, two edits
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_CHUNK = re.compile(r"(\S+)")
_EDGES = re.compile(r"^([\"'(\[¿¡]*)(.*?)([\"')\].,!?;:…]*)$")


def vocabulary(texts: Iterable[str]) -> Counter:
    """How often each lower-case word occurs in `texts`."""
    return Counter(word for text in texts for word in _WORD.findall(text.lower()))


class Speller:
    def __init__(self, counts: Counter, other_languages: Iterable[str] = ()) -> None:
        """`counts`: the English training words, which corrections lead to; `other_languages`: the other training
        words, left as written but never a correction."""
        self._known = frozenset(counts) | frozenset(other_languages)
        self._symspell = SymSpell(max_dictionary_edit_distance=2)
        for word, count in counts.items():
            if len(word) >= MIN_LENGTH:
                self._symspell.create_dictionary_entry(word, count)

    def correct(self, text: str) -> str:
        if detect_language(text) != "en":
            return text
        return _CHUNK.sub(lambda match: self._chunk(match.group()), text)

    def _chunk(self, chunk: str) -> str:
        before, word, after = _EDGES.match(chunk).groups()
        if not _WORD.fullmatch(word) or not self._misspelt(word):
            return chunk
        edits = 2 if len(word) >= LONG_WORD else 1
        suggestions = self._symspell.lookup(word, Verbosity.TOP, max_edit_distance=edits)
        return before + suggestions[0].term + after if suggestions else chunk

    def _misspelt(self, word: str) -> bool:
        return (
            len(word) >= MIN_LENGTH and word not in self._known and word not in english_words()
            and word not in SHORTHAND and word not in VOCABULARY
        )
