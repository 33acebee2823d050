"""Which language a message is in, offline (lingua-language-detector), among the languages patients here write in.

Short or mixed messages are English unless the detector is sure or the message asks the Spanish way ("¿duele?"): a
wrong "not English" would hide the answer. Such a message does not change the conversation's language either
(`language_is_clear`): "María López" or "ok" in a Spanish conversation is still answered in Spanish.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Tuple

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.PORTUGUESE, Language.GERMAN, Language.ITALIAN,
    Language.VIETNAMESE, Language.CHINESE, Language.TAGALOG, Language.KOREAN, Language.JAPANESE, Language.ARABIC,
    Language.RUSSIAN, Language.HINDI,
)
MIN_WORDS = 3
MIN_CONFIDENCE = 0.6
POSSIBLE_CONFIDENCE = 0.3
_SPANISH_MARKS = re.compile(r"[¿¡]")  # only Spanish writes them, and a short message is often just a question
_CONTACT_DETAILS = re.compile(r"\S*[@/\d]\S*")  # e-mail addresses, links, numbers: no language
_NON_LATIN = re.compile(r"[^\x00-\u024f\s\d\W]")


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_minimum_relative_distance(0.1).build()


@lru_cache(maxsize=1024)
def _confidences(text: str) -> Tuple[Tuple[str, float], ...]:
    """(ISO 639-1 code, confidence) of each language, best first; nothing for a text too short to tell."""
    if len(re.findall(r"\w+", text)) < MIN_WORDS and not _NON_LATIN.search(text):
        return ()
    return tuple((c.language.iso_code_639_1.name.lower(), c.value)
                 for c in _detector().compute_language_confidence_values(text))


def detect_language(text: str) -> str:
    """ISO 639-1 code of the message's language; when the detector is unsure or the message is too short, "en",
    unless it asks or exclaims the Spanish way ("¿duele mucho?")."""
    if _detector_is_sure(text):
        return _confidences(text)[0][0]
    return "es" if _SPANISH_MARKS.search(text) else "en"


def language_is_clear(text: str) -> bool:
    """Whether the message says which language the patient writes in, as `detect_language` reads it. A name, a
    phone number, an e-mail address or "ok" does not; the conversation keeps the language it had. Capitalised
    words are left out, as names: "Juan Carlos Ramírez" is a name in an English conversation too."""
    words = " ".join(word for word in _CONTACT_DETAILS.sub(" ", text).split() if not word.istitle())
    confidences = _confidences(words)
    return bool(_SPANISH_MARKS.search(text)) or (
        bool(confidences) and (confidences[0][0] == "en" or confidences[0][1] >= MIN_CONFIDENCE))


def _detector_is_sure(text: str) -> bool:
    confidences = _confidences(text)
    return bool(confidences) and confidences[0][1] >= MIN_CONFIDENCE


def possible_languages(text: str, at_least: float = POSSIBLE_CONFIDENCE) -> List[str]:
    """Languages other than English the message may be in, though the detector is not sure enough to answer in
    them ("da ieri non riesco a deglutire dopo il botox" is 58% Italian): the safety analyser reads them too."""
    return [code for code, value in _confidences(text) if code != "en" and value >= at_least]
