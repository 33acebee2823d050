"""Urgent symptoms after a treatment (FDA boxed warning: spread of toxin effect, allergic reaction).

A message that mentions one of these always gets the emergency answer first, whatever the intent classifier
thinks: a missed emergency costs far more than an unneeded 911 reminder.
"""

import re

_TROUBLE = (
    r"(trouble|difficulty|difficult|hard time|hard|problems?|struggl\w*|can'?t|cannot|cant|unable to"
    r"|can (barely|hardly)|barely( able to)?|hardly)"
)
# Speaking and talking, but not "talk to someone" or "can't talk on the phone": those are requests, not symptoms.
_SPEAK = r"(speak\w*|talk\w*)(?!\s+(to|on|with|about|over|through)\b)"
_URGENT_PATTERNS = [
    rf"{_TROUBLE}\s+((with|to)\s+)?(breath\w*|swallow\w*|{_SPEAK})",
    r"(breath\w*|swallow\w*|speak\w*|talk\w*)\s+(is|are|got|feels?)\s+(so\s+|really\s+|very\s+)?(hard|difficult)",
    r"short(ness)? of breath|out of breath|catch (my|her|his|their) breath|choking|gasping",
    r"(double|blurr?y|blurred)\s+vision|seeing double",
    (
        r"vision\s+(is\s+|went\s+|got\s+|has\s+gotten\s+|looks\s+|seems\s+|feels\s+)?(all\s+|so\s+|really\s+)?"
        r"(blurr?y|blurred|double|fuzzy)"
    ),
    r"(everything|things)\s+(is|are|looks?|seems?)\s+(all\s+|so\s+|really\s+)?(blurr?y|blurred|fuzzy|double)",
    r"(throat|tongue|lips?|face)\s+(is\s+|are\s+|feels?\s+)?(swelling|swollen|closing|tight)",
    r"swelling (of|in) (my )?(throat|tongue|lips?|face)",
    r"\bhives\b|\bwheez\w*|passed out|anaphyla\w*",
    # "faint" as a symptom, not "I faint at the sight of needles" or "faint of heart".
    (
        r"\bfaint(ed|ing)?\b(?!\s+(of\s+heart|when|if|(at|around|from|with|during|over)\s+(the\s+)?"
        r"(sight|needles?|shots?|blood|injections?)))"
    ),
    # A reaction happening now, not "what if I get an allergic reaction" or "I had one to penicillin once".
    r"(having|got|getting)\s+(an?\s+)?(bad\s+|severe\s+)?allergic reaction",
    r"(weak|weakness)\s+(all over|everywhere|in my (whole|entire) body|in my arms|in my legs)",
    r"(whole|entire) body (is|feels)\s+weak|generali[sz]ed (muscle )?weakness|muscle weakness",
    r"\b(arms?|legs?|body|muscles|neck)\s+(feels?|is|are|got|getting|went)\s+(so\s+|really\s+|very\s+|super\s+)?weak",
    r"(can'?t|cannot|unable to)\s+(hold|keep|lift)\s+(my\s+)?head\s+up",
    r"slurr\w* (speech|words)|speech (is )?slurr\w*|\bslurring\b",
]
_URGENT = re.compile("|".join(f"(?:{p})" for p in _URGENT_PATTERNS), re.IGNORECASE)


def mentions_urgent_symptom(text: str) -> bool:
    return bool(_URGENT.search(text.replace("’", "'")))
