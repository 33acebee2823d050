"""Phone numbers and e-mail addresses as patients type them, with phonenumbers and email-validator: the one parser
the booking form, the booking service and the after-hours message form share."""

from __future__ import annotations

import re
from typing import Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "US"
_EMAIL_CANDIDATE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_e164(text: str, region: str = DEFAULT_REGION) -> Optional[str]:
    """The E.164 form of a whole text that is a possible phone number ("(512) 555-0134" -> "+15125550134")."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return _e164(number) if phonenumbers.is_possible_number(number) else None


def find_phone(text: str, any_country: bool = False) -> Optional[str]:
    """A phone number inside `text`, as E.164: by default a valid North American one (the clinic calls back from the
    US); with `any_country`, any possible number."""
    if any_country:
        for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.POSSIBLE):
            return _e164(match.number)
        return phone_e164(text.strip())
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID):
        if match.number.country_code == 1:
            return _e164(match.number)
    digits = re.sub(r"\D", "", text)
    if 10 <= len(digits) <= 11 and len(re.sub(r"[\d\s().+\-]", "", text)) < 3:  # digits typed with no separators
        try:
            number = phonenumbers.parse(digits if len(digits) == 10 else f"+{digits}", DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            return None
        if number.country_code == 1 and phonenumbers.is_valid_number(number):
            return _e164(number)
    return None


def display_phone(e164: str) -> str:
    """"+15125550134" -> "+1 512-555-0134"."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def email_normalized(text: str) -> Optional[str]:
    """A whole text that is a valid e-mail address, normalised and in lower case; None otherwise."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def find_email(text: str) -> Optional[str]:
    """A valid e-mail address inside `text`, normalised; None when there is none."""
    for candidate in _EMAIL_CANDIDATE.findall(text):
        found = email_normalized(candidate.rstrip(".!?"))
        if found:
            return found
    return None
