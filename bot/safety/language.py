"""Which language a message is in, offline (lingua-language-detector), among the languages patients here write in.

Short or mixed messages are English unless the detector is sure: a wrong "not English" would hide the answer. Such a
message does not change the conversation's language either (`shown_language`): "María López" or "ok" in a Spanish
conversation is still answered in Spanish.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.PORTUGUESE, Language.GERMAN, Language.ITALIAN,
    Language.VIETNAMESE, Language.CHINESE, Language.TAGALOG, Language.KOREAN, Language.JAPANESE, Language.ARABIC,
    Language.RUSSIAN, Language.HINDI,
)
MIN_WORDS = 3
MIN_CONFIDENCE = 0.6
POSSIBLE_CONFIDENCE = 0.3
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


def language_names() -> Dict[str, str]:
    """ISO 639-1 code -> English name ("es" -> "Spanish") of every language the detector tells apart."""
    return {language.iso_code_639_1.name.lower(): language.name.title() for language in LANGUAGES}


def detect_language(text: str) -> str:
    """ISO 639-1 code of the message's language; "en" when the detector is unsure or the message is too short."""
    confidences = _confidences(text)
    if not confidences or confidences[0][0] == "en" or confidences[0][1] < MIN_CONFIDENCE:
        return "en"
    return confidences[0][0]


def shown_language(text: str) -> Optional[str]:
    """The language the message shows the patient writes in, as `detect_language` reads it, or None when it does not
    say: a name ("Juan Carlos Ramírez", every word capitalised), a phone number, an e-mail address, "ok", or a mix
    the detector is unsure of. Then the conversation keeps the language it had."""
    words = _CONTACT_DETAILS.sub(" ", text).split()
    if all(word.istitle() for word in words):
        return None
    confidences = _confidences(" ".join(words))
    if not confidences or (confidences[0][0] != "en" and confidences[0][1] < MIN_CONFIDENCE):
        return None
    return confidences[0][0]


def possible_languages(text: str, at_least: float = POSSIBLE_CONFIDENCE) -> List[str]:
    """Languages other than English the message may be in, though the detector is not sure enough to answer in
    them ("da ieri non riesco a deglutire dopo il botox" is 58% Italian): the safety analyser reads them too."""
    return [code for code, value in _confidences(text) if code != "en" and value >= at_least]


# Greetings, thanks and farewells that only Spanish uses, accents left out ("adiós" -> "adios"), and the words that
# may come with them ("buenas tardes", "hasta luego", "muchas gracias").
_SPANISH_COURTESY = frozenset("hola buenas buenos buen gracias adios chao saludos hasta".split())
_WITH_COURTESY = frozenset("dia dias tardes noches que tal muchas mil luego pronto".split())


def spanish_courtesy(text: str) -> bool:
    """Whether the whole message is a Spanish greeting, thanks or farewell ("hola", "buenas tardes", "muchas
    gracias!"): too short for the detector, but enough to return the courtesy in Spanish. It says nothing about the
    conversation's language: English speakers write "gracias!" too."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words = set(re.findall(r"[a-z]+", folded))
    return bool(words & _SPANISH_COURTESY) and words <= _SPANISH_COURTESY | _WITH_COURTESY
