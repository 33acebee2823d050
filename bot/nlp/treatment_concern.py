"""A patient who says a treatment has happened and something is wrong with it is reporting a concern, not asking.

"my smile looks crooked since my lip flip" reads, by its topic, like the question about crooked smiles; the clinic
wants to see it instead (the treatment-concern answer and the staff handoff). Both parts must be there: a treatment
that has happened and a problem with the result.
"""

from __future__ import annotations

import re

CONCERN_INTENT = "report_treatment_concern"
_TREATMENT = r"(?:botox|tox|treatment|injections?|shots?|lip flip|appointment|appt|visit|jab|needles?)"
_AFTER_TREATMENT = re.compile(
    rf"\b(?:since|after|from|following)\s+(?:my|the|your|last\s+\w+'?s?)\s+(?:\w+\s+)?{_TREATMENT}\b"
    rf"|\b{_TREATMENT}\s+(?:\w+\s+){{0,3}}?(?:made|left|gave|has made|turned)\b",
    re.IGNORECASE,
)
_PROBLEM = re.compile(
    r"\b(?:uneven|crooked|lopsided|asymmetr\w*|droop\w*|off|weird|wrong|frozen|flat|higher|lower|worse|odd|strange"
    r"|pulls?|pulling|one[- ]sided|not even|stuck)\b",
    re.IGNORECASE,
)


# The same in Spanish: "desde la inyección la sonrisa me quedó chueca", "me pusieron bótox y tengo una ceja caída".
_TREATMENT_ES = r"(?:b[oó]tox|tox|tratamiento|inyecci[oó]n|inyecciones|piquetes?|aplicaci[oó]n|cita)"
_AFTER_TREATMENT_ES = re.compile(
    rf"\b(?:desde|despu[eé]s\s+de|tras)\s+(?:el|la|las|los|mi|mis|su|sus)\s+(?:\w+\s+)?{_TREATMENT_ES}\b"
    rf"|\b(?:despu[eé]s|desde)\s+del\s+(?:\w+\s+)?{_TREATMENT_ES}\b|\bpor\s+el\s+{_TREATMENT_ES}\b"
    rf"|\bme\s+(?:pusieron|puse|hice|hicieron|aplicaron|inyectaron)\s+(?:\w+\s+){{0,2}}?{_TREATMENT_ES}\b"
    r"|\bme\s+inyect\w+|\bdesde\s+que\s+me\s+(?:inyect|pus|hic|aplic)\w*",
    re.IGNORECASE,
)
_PROBLEM_ES = re.compile(
    r"\b(?:disparej\w*|chuec\w*|torcid\w*|ca[ií]d\w*|desigual\w*|asim[eé]tric\w*|m[aá]s\s+(?:alt|baj)\w*|rar[oa]s?"
    r"|congelad\w*|mal|peor|de\s+lado|no\s+(?:quedaron|qued[oó]|est[aá]n|se\s+ven)\s+(?:iguales|parejas?|igual))\b",
    re.IGNORECASE,
)


def reports_a_treatment_problem(text: str) -> bool:
    return bool(
        (_AFTER_TREATMENT.search(text) and _PROBLEM.search(text))
        or (_AFTER_TREATMENT_ES.search(text) and _PROBLEM_ES.search(text))
    )
