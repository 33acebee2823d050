"""Patients' spelling, made matchable: lower case, no accents, texting shorthand expanded, typos of safety words fixed.

Typos are corrected with SymSpell (symspellpy) towards the safety vocabulary only, and only for words that are not
English words already (symspellpy's bundled English frequency list), so "swalowing" becomes "swallowing" while
"swollen" stays "swollen".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import FrozenSet

from symspellpy import SymSpell, Verbosity

from bot.safety.lexicon import VOCABULARY

SHORTHAND = {
    "can't": "cannot", "cant": "cannot", "cnt": "cannot", "couldn't": "could not",
    "couldnt": "could not", "cudnt": "could not", "won't": "will not", "wont": "will not", "don't": "do not",
    "dont": "do not", "doesn't": "does not", "doesnt": "does not", "didn't": "did not", "didnt": "did not",
    "isn't": "is not", "isnt": "is not", "aren't": "are not", "arent": "are not", "haven't": "have not",
    "havent": "have not", "hasn't": "has not", "hasnt": "has not", "wasn't": "was not", "wasnt": "was not",
    "i'm": "i am", "i'd": "i would", "you're": "you are", "youre": "you are", "we're": "we are",
    "they're": "they are",
    "im": "i am", "i've": "i have", "ive": "i have", "u": "you", "ur": "your", "r": "are",
    "rn": "right now", "bc": "because", "cuz": "because", "coz": "because", "cos": "because", "pls": "please",
    "plz": "please", "idk": "i do not know", "tmrw": "tomorrow", "tmr": "tomorrow", "ppl": "people", "w": "with",
    "w/o": "without", "n": "and", "it's": "it is", "that's": "that is", "she's": "she is", "he's": "he is",
    "everything's": "everything is", "sight's": "sight is", "vision's": "vision is", "breathing's": "breathing is",
    "voice's": "voice is", "speech's": "speech is", "swallowing's": "swallowing is", "hrs": "hours",
    "thru": "through", "preg": "pregnant", "prego": "pregnant",
}
_WORD = re.compile(r"[a-z0-9]+(?:['/][a-z0-9]+)*")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def plain(text: str) -> str:
    """Lower case, straight apostrophes, no accents ("está" -> "esta"), single spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


# "ni" after a denial continues it ("no me desmaye ni me siento debil" = "... y no me siento debil"); after "no
# puedo" it means "not even" and reports ("no puedo ni tragar").
_NI_AFTER_A_DENIAL = re.compile(r"(\bno\b(?! (?:puedo|puede|pude|podia|logro|logra|alcanzo)\b)[^,.;?!]{1,40}?)\bni\b")


def plain_spanish(text: str) -> str:
    """The plain text, with "ni" that continues a denial spelled out as "y no", which ConText reads as one."""
    return _NI_AFTER_A_DENIAL.sub(r"\1y no", plain(text))


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    dictionary = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    return frozenset(line.split(" ", 1)[0] for line in dictionary.read_text().splitlines())


@lru_cache(maxsize=1)
def _speller() -> SymSpell:
    speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in VOCABULARY:
        speller.create_dictionary_entry(word, 1)
    return speller


def _corrected(word: str) -> str:
    if len(word) < 4 or not word.isalpha() or word in english_words():
        return word
    distance = 1 if len(word) <= 5 else 2
    found = _speller().lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
    # Two edits that also change the first letter make another word, not a typo: "reults" is not "welts".
    if not found or (found[0].distance == 2 and found[0].term[0] != word[0]):
        return word
    return found[0].term


def _word(match: re.Match) -> str:
    word = _REPEATS.sub(r"\1\1", match.group(0))
    return SHORTHAND.get(word) or _corrected(word)


def normalise(text: str) -> str:
    """The English form the lexicon matches: plain text, shorthand expanded, typos of safety words corrected."""
    return _WORD.sub(_word, plain(text))
