"""Urgent symptoms after a treatment (FDA boxed warning: spread of toxin effect, allergic reaction).

A message that mentions one of these always gets the emergency answer first, whatever the intent classifier
thinks: a missed emergency costs far more than an unneeded 911 reminder.
"""

import re

_TROUBLE = r"(trouble|difficulty|difficult|hard time|hard|problems?|struggl\w*|can'?t|cannot|cant|unable to)"
_URGENT_PATTERNS = [
    rf"{_TROUBLE}\s+(with\s+)?(breath\w*|swallow\w*|speak\w*|talk\w*)",
    r"(breath\w*|swallow\w*|speak\w*|talk\w*)\s+(is|are|got|feels?)\s+(hard|difficult)",
    r"short(ness)? of breath|out of breath|choking|gasping",
    r"(double|blurr?y|blurred)\s+vision|seeing double",
    r"(throat|tongue|lips?|face)\s+(is\s+|are\s+|feels?\s+)?(swelling|swollen|closing|tight)",
    r"swelling (of|in) (my )?(throat|tongue|lips?|face)",
    r"\bhives\b|\bwheez\w*|\bfaint\w*|passed out|anaphyla\w*",
    r"(weak|weakness)\s+(all over|everywhere|in my (whole|entire) body|in my arms|in my legs)",
    r"(whole|entire) body (is|feels)\s+weak|generali[sz]ed (muscle )?weakness|muscle weakness",
    r"slurr\w* (speech|words)|speech (is )?slurr\w*",
]
_URGENT = re.compile("|".join(f"(?:{p})" for p in _URGENT_PATTERNS), re.IGNORECASE)


def mentions_urgent_symptom(text: str) -> bool:
    return bool(_URGENT.search(text.replace("’", "'")))
