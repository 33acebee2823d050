"""Questions a patient answers in their own message, read as what the answers say before the analyser reads the text.

A sign answered no ("Trouble swallowing? No", "Wheeze: no", "Double vision? No.") is taken out; an ability or a good
state answered no becomes the report it is ("Can she swallow? No." -> "she cannot swallow", "Breathing ok? No." ->
"I have trouble breathing", "¿Puede tragar mi mamá? No." -> "no puede tragar mi mama"); a sign that has not stopped
is still there ("Has the wheezing stopped? No." -> "still wheezing"); a sign answered yes is said ("Is she wheezing?
Yes." -> "she wheezing"). What is taken out must be a plain answer that ends its sentence and is not taken back.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

# A form's question about a sign, answered no on a line of its own ("Trouble swallowing? No", "Wheeze: no", "Any
# fever? no", "Visión doble - no"): the line is taken out before reading, so it denies only its own sign, never a
# report on another line ("I'm having trouble breathing\nChest pain: no"; normalising joins the lines, so a denial
# cue would reach across them). Only a short line that names a sign first: not a report with a question after it
# ("He can't swallow, any fever? no"), not the patient's own words ("I can't swallow - no"), and not a question
# whose "no" is the problem ("Vision normal? no", "Can she swallow? No").
_FORM_SIGNS = (
    r"trouble|difficulty|difficulties|problems?|shortness|short of breath|wheez\w*|hoarse\w*|double|blurr\w*|droop\w*"
    r"|swelling|swollen|rash\w*|hives|itch\w*|fever|chest|faint\w*|dizz\w*|weakness|voice change|vision|slurr\w*"
    r"|allerg\w*|lips?|tongue|throat|eyelids?|dificultad|visión|fiebre|ronchas|hinchaz[oó]n|debilidad"
    r"|desmay\w*|mareos?|sarpullido|urticaria"
    r"|headaches?|bruis\w*|pain|redness|numb\w*|tender\w*|nausea|pregnan\w*|breastfeeding|dolor|moret\w*"
)
_DENIED_FORM_LINE = re.compile(
    rf"^[ \t]{{0,8}}(?:¿[ \t]*)?(?:(?:have you had|did you have|do you have|any|ever had|cualquier)[ \t]+)*"
    rf"(?:{_FORM_SIGNS})\b[^\n?:.,;!]{{0,50}}?(?:\?+|:|[ \t][-–])[ \t]*"
    r"(?P<answer>no|nope|none|negative|nil|ninguno|ninguna|nada)\.?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_STATE_ASKED = re.compile(r"\b(?:i|i'm|im|i've|ive|my|me|mine|yo|mi|normal|ok|okay|fine|good|able|can|could|working"
                          r"|clear|better|improv\w*|bien|puede)\b", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def _without_denied_form_lines(text: str) -> str:
    return _DENIED_FORM_LINE.sub(_read_form_line, _LINE_BREAKS.sub("\n", text))


def _read_form_line(line: re.Match) -> str:
    """A denied sign's line goes. Where the question asks for a good state ("Vision normal? No"), its "no" is the
    problem: the question stays without the "no", which would deny the next line once the lines are joined."""
    asked = line.group(0)[:line.start("answer") - line.start()]
    if len(line.group(0).split()) > 8 or "?" in asked and (_GOOD_STATE.search(asked) or _RESOLUTION.search(asked)):
        return line.group(0)  # read by _read_answer: "Vision normal? no", "Swelling any less? no" report the sign
    if _STATE_ASKED.search(line.group(0)):
        return line.group(0)[:line.start("answer") - line.start()]
    return ""


# The same answers inside a line, after a sentence ("Double vision? No. Blurry? No. Just a bruise", "Can I open my
# eye? Not fully."): the question is at most ten words with no comma, so "He can't swallow, any fever? no" keeps
# its report, and the answer ends its sentence ("No one is answering" answers nothing). An answer is taken out only
# when it ends with a full stop or the line and is not taken back ("no... wait, yes", "no, it's more like").
_ANSWERED = re.compile(
    r"(?:^|(?<=[.!?\n]))(?P<question>[ \t]*(?:¿[ \t]*)?(?P<words>[^.!?\n,;:¿]{2,60}?)[ \t]*\?+)[ \t]*"
    r"(?P<answer>no+|nope|nah|none|negative|not really|not fully|not (?:at all|well|properly|much|completely)|barely"
    r"|hardly|nada|ninguno|ninguna|yes|yep|yeah|yup|s[ií])\b[ \t]*(?:lol|haha|lmao|jaja)?[ \t]*"
    r"(?=(?P<end>\.\.|[.!,;\n]|$|[ \t]+but\b))",
    re.IGNORECASE | re.MULTILINE,
)
_YES = re.compile(r"yes|yep|yeah|yup|s[ií]", re.IGNORECASE)
_PLAIN_NO = re.compile(r"no+|nope|nah|none|negative|nada|ninguno|ninguna", re.IGNORECASE)
# "Can she swallow", "Is he able to breathe", "Is she breathing": the subject and what the question asks they can do.
# Only a body's abilities: "Can you see me today? No." is about an appointment.
_ABLE_TO = (r"(?P<rest>(?:swallow|breathe|breath|talk|speak|open|close|lift|raise|hold|keep|move|drink|eat|chew|walk"
            r"|stand|focus|get (?:air|food|water|anything)"
            r"|see (?:properly|clearly|straight|well|out|anything|normally))\b"
            r"(?! (?:now|today|tomorrow|later|to you|to someone|on the phone|with)\b).*)")
_ABILITY = re.compile(r"^(?:(?:can|could)\s+(?P<subject>i|you|she|he|they|(?:my|your|his|her) \w+)\s+(?:still\s+)?"
                      r"|(?:is|are)\s+(?P<able>i|you|she|he|they|(?:my|your|his|her) \w+)\s+(?:still\s+)?able to\s+)"
                      + _ABLE_TO + "$", re.IGNORECASE)
_DOING = re.compile(r"^(?:is|are)\s+(?P<subject>you|she|he|they|(?:my|your|his|her) \w+)\s+(?:still\s+)?"
                    r"(?P<verb>breathing|swallowing|talking|speaking|moving)\b(?P<rest>.*)$", re.IGNORECASE)
_SPANISH_ABILITY = re.compile(r"^(?:puede|puedes|pueden|podia|podias)\s+(?P<rest>(?:tragar|respirar|hablar|abrir"
                              r"|ver bien|mover|levantar|comer|beber|tomar)\b.*)$", re.IGNORECASE)
_SIGNS_ASKED = re.compile(
    r"^(?:(?:did|do|does|have|has|had|any|is|are|was|were|am i)\s+"
    rf"(?:\w+\s+){{0,3}})?(?:\w+\s+)?(?:{_FORM_SIGNS}|weak\w*|chok\w*|slurr\w*)\b", re.IGNORECASE)
# Yes to "is it hard to breathe?", "are you short of breath?" says the sign.
_FUNCTION_ASKED = re.compile(r"^(?:is|are|do|does|did)\s+(?:\w+\s+){0,3}?(?:breath\w*|swallow\w*)\b", re.IGNORECASE)
_GOOD_STATE = re.compile(r"\b(?:ok|okay|fine|good|normal|alright|clear|working|better|strong|bien)\b", re.IGNORECASE)
# "Has the wheezing stopped? No.", "did the swelling go down? nope": the sign is still there.
# "Throat swelling any less? no", "Trouble breathing any worse? no": the sign is there all the same.
_RESOLUTION = re.compile(r"\b(?:stopp?ed|stop|gone|go away|went away|clear(?:ed)?(?: up)?|settled?|go(?:ne)? down"
                         r"|went down|improv\w*|resolved?|eas(?:e|ed|ing)(?: up)?|pass(?:ed)?|less|smaller|better|worse"
                         r"|down)\b", re.IGNORECASE)  # "worse" only to take it out of the sign's words
_ASKING = re.compile(r"has|have|had|did|does|do|is|are|was|were|the|it|yet|at|all|any|up", re.IGNORECASE)
# A good state asked about and answered no, as the report it is: "Breathing ok? No." -> "trouble breathing".
_SYSTEM_REPORTS = [
    (re.compile(r"\bbreath\w*", re.IGNORECASE), "trouble breathing"),
    (re.compile(r"\bswallow\w*|\beating\b|\bdrinking\b", re.IGNORECASE), "trouble swallowing"),
    (re.compile(r"\bvoice\b|\bspeech\b|\btalk\w*|\bspeak\w*", re.IGNORECASE), "trouble speaking"),
    (re.compile(r"\bvision\b|\beyesight\b|\beyes?\b|\bseeing\b", re.IGNORECASE), "blurred vision"),
    (re.compile(r"\barms?\b|\blegs?\b|\bneck\b|\bhead\b", re.IGNORECASE), "muscle weakness"),
    (re.compile(r"\bthroat\b|\blips?\b|\btongue\b", re.IGNORECASE), "swelling in the throat"),
]
_A_REPORT = re.compile(r"\b(?:can'?t|cannot|can not|unable|won'?t|will not|couldn'?t|barely|hardly|trouble|hard to"
                       r"|difficult\w*|struggl\w*|no puedo|no puede)\b", re.IGNORECASE)
# "Can she swallow? Yes, but barely.": a yes that is a no.
_BUT_BARELY = re.compile(r"[ \t]*[,.]?[ \t]*but\b[^.!?\n]{0,40}?\b(?:barely|hardly|difficult\w*"
                         r"|not (?:well|really|properly|much|fully)|struggl\w*|slowly|hard|shallow|fast)\b",
                         re.IGNORECASE)
_TAKEN_BACK = re.compile(r"^[.!]?[ \t]*(?:but|well|hmm|except|although|though)\b|\b(?:wait|actually)\b", re.IGNORECASE)
_INFINITIVES = {"breathing": "breathe", "swallowing": "swallow", "talking": "talk", "speaking": "speak",
                "moving": "move"}


def read_answers(text: str) -> str:
    return _ANSWERED.sub(_read_answer, _without_denied_form_lines(text))


def _read_answer(found: re.Match) -> str:
    """What the patient's answer to their own question says: an ability answered no is a statement of what they cannot
    do, a good state answered no the report it is, a sign that has not stopped is still there; a sign answered a
    plain no goes, and so does an ability or a good state answered yes. Anything else stays as written."""
    words, answer, rest = found.group("words").strip(), found.group("answer"), found.string[found.end():]
    said_yes = bool(_YES.fullmatch(answer)) and not _BUT_BARELY.match(rest)
    plain_no = bool(_PLAIN_NO.fullmatch(answer))
    kept = found.group(0)
    said = _what_it_says(words, said_yes) if len(words.split()) <= 10 else None
    if said is None:
        return kept
    if said:
        return said
    # All is well: only a plain, final answer to a question that is not itself a report ("Is it normal that I can
    # barely swallow? yes") takes the question out.
    final = found.group("end") in (".", "!", "\n", "") and not _TAKEN_BACK.search(rest)
    return " " if final and (said_yes or plain_no) and not _A_REPORT.search(words) else kept


def _what_it_says(words: str, said_yes: bool) -> Optional[str]:
    """The statement an answered question makes, "" when it says all is well, None when it says nothing certain."""
    statement = _ability_answered(words, said_yes)
    if statement is not None:
        return statement
    if _GOOD_STATE.search(words):
        report = next((said for system, said in _SYSTEM_REPORTS if system.search(words)), None)
        if report is None:
            return None
        return "" if said_yes else f" {_whose(words)} {report}"
    if not (_SIGNS_ASKED.match(words) or _FUNCTION_ASKED.match(words)):
        return None
    if re.search(r"\bworse\b", words, re.IGNORECASE):  # "any worse? no": there all the same
        return f" still {_sign_words(words)}"
    if _RESOLUTION.search(words):
        return "" if said_yes else f" still {_sign_words(words)}"
    if said_yes:
        return f" {_sign_words(words)}"
    return "" if _SIGNS_ASKED.match(words) else None


def _ability_answered(words: str, said_yes: bool) -> Optional[str]:
    ability, doing = _ABILITY.match(words), _DOING.match(words)
    spanish = _SPANISH_ABILITY.match(_folded(words))
    if not (ability or doing or spanish):
        return None
    if said_yes:
        return ""
    if spanish:
        return f" no puede {spanish.group('rest')}"
    if doing:
        subject = doing.group("subject")
        return f" {_said_by_patient(subject)} cannot {_INFINITIVES[doing.group('verb').lower()]}{doing.group('rest')}"
    subject = ability.group("subject") or ability.group("able")
    return f" {_said_by_patient(subject)} cannot {ability.group('rest')}"


def _said_by_patient(subject: str) -> str:
    """"Can you swallow? No" quotes the clinic's question: the patient is the one who cannot."""
    return "I" if subject.lower() == "you" else subject


def _whose(words: str) -> str:
    found = re.search(r"\b(?:she|her)\b|\b(?:he|his)\b|\bmy (\w+)", words, re.IGNORECASE)
    if not found:
        return "I have"
    if found.group(1):
        return f"my {found.group(1)} has"
    return "she has" if found.group(0).lower() in ("she", "her") else "he has"


def _sign_words(words: str) -> str:
    """The sign a question asks about, said by the patient: "is it hard to breathe" -> "hard to breathe", "are you
    short of breath" -> "I short of breath"."""
    kept = [w for w in _RESOLUTION.sub(" ", words).split() if not _ASKING.fullmatch(w)]
    return " ".join(_said_by_patient(w) for w in kept)


def _folded(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
