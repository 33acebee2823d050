"""A patient's name and phone number or e-mail address, as typed into the after-hours message form."""

from __future__ import annotations

import re
from typing import Dict, Optional

from bot.contact import find_email, find_phone

NAME_PREFIXES = re.compile(
    r"^(?:hi|hello|hey)?[,!. ]*(?:my name is|my name's|name is|i am|i'm|im|it's|its|this is)\s+", re.I
)
MAX_NAME_WORDS = 6


def parse_contact(text: str) -> Optional[Dict[str, str]]:
    """{"email": "jane@example.com"} or {"phone": "+15125550134"} found in `text`, else None."""
    text = (text or "").strip()
    email = find_email(text)
    if email:
        return {"email": email}
    phone = find_phone(text, any_country=True)
    return {"phone": phone} if phone else None


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
