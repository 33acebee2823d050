"""Which language a message is in, offline (lingua-language-detector), among the languages patients here write in.

Short or mixed messages are English unless the detector is sure: a wrong "not English" would hide the answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.PORTUGUESE, Language.GERMAN, Language.ITALIAN,
    Language.VIETNAMESE, Language.CHINESE, Language.TAGALOG, Language.KOREAN, Language.JAPANESE, Language.ARABIC,
    Language.RUSSIAN, Language.HINDI,
)
MIN_WORDS = 3
MIN_CONFIDENCE = 0.6
_NON_LATIN = re.compile(r"[^\x00-\u024f\s\d\W]")


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_minimum_relative_distance(0.1).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the message's language; "en" when the detector is unsure or the message is too short."""
    if len(re.findall(r"\w+", text)) < MIN_WORDS and not _NON_LATIN.search(text):
        return "en"
    confidences = _detector().compute_language_confidence_values(text)
    best = confidences[0] if confidences else None
    if best is None or best.language == Language.ENGLISH or best.value < MIN_CONFIDENCE:
        return "en"
    return best.language.iso_code_639_1.name.lower()
