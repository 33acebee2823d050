"""A patient's name and phone number or e-mail address, as typed into the after-hours message form."""

from __future__ import annotations

import re
from typing import Dict, Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "US"
EMAIL = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[A-Za-z]{2,}")
NAME_PREFIXES = re.compile(
    r"^(?:hi|hello|hey)?[,!. ]*(?:my name is|my name's|name is|i am|i'm|im|it's|its|this is)\s+", re.I
)
MAX_NAME_WORDS = 6


def parse_contact(text: str, region: str = DEFAULT_REGION) -> Optional[Dict[str, str]]:
    """{"email": "jane@example.com"} or {"phone": "+15125550134"} found in `text`, else None."""
    text = (text or "").strip()
    found = EMAIL.search(text)
    if found:
        try:
            return {"email": validate_email(found.group(0), check_deliverability=False).normalized.lower()}
        except EmailNotValidError:
            return None
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        return {"phone": phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)}
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number(number):
        return {"phone": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)}
    return None


def contact_text(contact: Dict[str, str]) -> str:
    return contact.get("email") or contact.get("phone") or ""


def parse_name(text: str) -> Optional[str]:
    """'my name is Jane Doe.' -> 'Jane Doe'; None for something that is not a name (digits, a long sentence)."""
    name = NAME_PREFIXES.sub("", (text or "").strip()).strip(" .!,")
    if not name or len(name) > 100 or any(ch.isdigit() for ch in name) or "@" in name or "?" in name:
        return None
    if len(name.split()) > MAX_NAME_WORDS:
        return None
    return name
