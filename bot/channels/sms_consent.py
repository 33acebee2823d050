"""SMS consent: the carriers' STOP / START / HELP keywords, and who has opted out.

A text that is exactly one of these words (any case, surrounding spaces ignored) is a keyword, never a message for
the assistant:

* STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT opt the number out. It gets one confirmation and then nothing more
  (no answers, no reminders, no staff replies through `send_sms`) until it opts back in. A bare "cancel" is therefore
  an opt-out on SMS, not "cancel my appointment": the booking flow must ask for more words there.
* START, UNSTOP, YES opt an opted-out number back in (with a confirmation). From a number that has not opted out
  they are ordinary answers ("yes" to "Shall I book it?") and go to the assistant.
* HELP, INFO get the clinic's name, phone and website, even from an opted-out number (carriers require an answer).

Twilio's Advanced Opt-Out, when on, classifies keywords itself and sends `OptOutType`; that value wins.

Opt-outs persist across restarts in the table `sms_consent` (address, opted_out, keyword, updated_at) of the clinic
database (`bot.db.session.make_engine()`, i.e. `DATABASE_URL`, else `var/clinic.db`); this module creates the table
if it is missing and adds nothing to the clinic's models. Without `bot.db` it falls back to `DATABASE_URL`, then to
`var/sms_consent.db`. An address is the number in E.164 form, with its `whatsapp:` prefix on WhatsApp, so opting out
on WhatsApp does not opt out of SMS and vice versa. Numbers never go to the logs: `redact()` gives a short keyed
pseudonym (`bot.privacy`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.clinic import PROJECT_ROOT, Clinic, clinic
from bot.privacy import log_id

logger = logging.getLogger(__name__)

STOP_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

OPT_OUT, OPT_IN, HELP = "opt_out", "opt_in", "help"
_TWILIO_OPT_OUT_TYPES = {"STOP": OPT_OUT, "START": OPT_IN, "HELP": HELP}


def keyword(text: Optional[str], opt_out_type: Optional[str] = None) -> Optional[str]:
    """OPT_OUT, OPT_IN or HELP when the whole message is a carrier keyword (or Twilio classified it), else None."""
    if opt_out_type and opt_out_type.strip().upper() in _TWILIO_OPT_OUT_TYPES:
        return _TWILIO_OPT_OUT_TYPES[opt_out_type.strip().upper()]
    word = (text or "").strip().upper()
    if word in STOP_KEYWORDS:
        return OPT_OUT
    if word in START_KEYWORDS:
        return OPT_IN
    if word in HELP_KEYWORDS:
        return HELP
    return None


@dataclass(frozen=True)
class Decision:
    """What to do with one inbound text: change consent (`change`), answer it (`reply`), pass it to the assistant."""

    change: Optional[str] = None  # OPT_OUT or OPT_IN
    reply: Optional[str] = None  # OPT_OUT, OPT_IN or HELP: which confirmation to send (even to an opted-out number)
    forward: bool = True


def decide(text: Optional[str], opted_out: bool, opt_out_type: Optional[str] = None) -> Decision:
    """The consent rules, as a pure function of the message and whether its number has opted out."""
    word = keyword(text, opt_out_type)
    if word == OPT_OUT:
        return Decision(change=None if opted_out else OPT_OUT, reply=None if opted_out else OPT_OUT, forward=False)
    if word == HELP:
        return Decision(reply=HELP, forward=False)
    if word == OPT_IN and opted_out:
        return Decision(change=OPT_IN, reply=OPT_IN, forward=False)
    return Decision(forward=not opted_out)


def opt_out_text(c: Optional[Clinic] = None) -> str:
    c = c or clinic()
    return f"{c.name}: You're unsubscribed and won't get more texts from us. Reply START to resubscribe."


def opt_in_text(c: Optional[Clinic] = None) -> str:
    c = c or clinic()
    return f"{c.name}: You're resubscribed to our texts. Reply HELP for help, STOP to unsubscribe."


def help_text(c: Optional[Clinic] = None) -> str:
    c = c or clinic()
    return f"{c.name}: call {c.phone} or visit {c.website}. Msg & data rates may apply. Reply STOP to unsubscribe."


REPLY_TEXTS = {OPT_OUT: opt_out_text, OPT_IN: opt_in_text, HELP: help_text}


def redact(address: Optional[str]) -> str:
    """A short, stable stand-in for a phone number in logs."""
    return log_id(address)


def normalize_address(address: str) -> str:
    """'whatsapp:+1 (512) 555-0100' -> 'whatsapp:+15125550100'; a national number gets SMS_DEFAULT_REGION (US)."""
    raw = (address or "").strip()
    prefix = ""
    if raw.lower().startswith("whatsapp:"):
        prefix, raw = "whatsapp:", raw[len("whatsapp:") :].strip()
    try:
        import phonenumbers

        number = phonenumbers.parse(raw, None if raw.startswith("+") else os.environ.get("SMS_DEFAULT_REGION", "US"))
        if phonenumbers.is_possible_number(number):
            raw = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except Exception:  # not a phone number (a short code, an alphanumeric sender): keep it as given
        raw = "".join(raw.split())
    return prefix + raw


# --- persistence ---------------------------------------------------------------------------------------------------

metadata = MetaData()
sms_consent = Table(
    "sms_consent",
    metadata,
    Column("address", String(64), primary_key=True),
    Column("opted_out", Boolean, nullable=False),
    Column("keyword", String(16)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def default_engine() -> Engine:
    """The clinic database's engine when `bot.db` is there, else DATABASE_URL, else a SQLite file under var/."""
    try:
        from bot.db.session import make_engine
    except ImportError:
        url = os.environ.get("DATABASE_URL")
        if url:
            return create_engine(url, future=True, hide_parameters=True, pool_pre_ping=not url.startswith("sqlite"))
        path = PROJECT_ROOT / "var" / "sms_consent.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
    return make_engine()


class ConsentStore:
    """Who has opted out, in the `sms_consent` table (created on first use if missing)."""

    def __init__(self, engine: Optional[Engine] = None) -> None:
        self._engine = engine
        self._ready = False

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = default_engine()
        if not self._ready:
            metadata.create_all(self._engine, tables=[sms_consent], checkfirst=True)
            self._ready = True
        return self._engine

    def is_opted_out(self, address: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(sms_consent.c.opted_out).where(sms_consent.c.address == normalize_address(address))
            ).first()
        return bool(row and row.opted_out)

    def set_opted_out(self, address: str, opted_out: bool, keyword: Optional[str] = None) -> None:
        values = {
            "opted_out": opted_out,
            "keyword": (keyword or "")[:16] or None,
            "updated_at": datetime.now(timezone.utc),
        }
        key = normalize_address(address)
        for _ in range(2):  # insert, or update when the row exists (or appeared meanwhile)
            try:
                with self.engine.begin() as connection:
                    updated = connection.execute(
                        sms_consent.update().where(sms_consent.c.address == key).values(**values)
                    ).rowcount
                    if not updated:
                        connection.execute(sms_consent.insert().values(address=key, **values))
                break
            except IntegrityError:
                continue
        logger.info("SMS consent of %s: %s", redact(key), "opted out" if opted_out else "opted in")

    def opt_out(self, address: str, keyword: Optional[str] = None) -> None:
        self.set_opted_out(address, True, keyword)

    def opt_in(self, address: str, keyword: Optional[str] = None) -> None:
        self.set_opted_out(address, False, keyword)

    async def ais_opted_out(self, address: str) -> bool:
        return await asyncio.to_thread(self.is_opted_out, address)

    async def aset_opted_out(self, address: str, opted_out: bool, keyword: Optional[str] = None) -> None:
        await asyncio.to_thread(self.set_opted_out, address, opted_out, keyword)


_default_store: Optional[ConsentStore] = None


def consent_store() -> ConsentStore:
    """The process's consent store on the clinic database."""
    global _default_store
    if _default_store is None:
        _default_store = ConsentStore()
    return _default_store


async def check(
    store: ConsentStore, address: str, text: Optional[str], opt_out_type: Optional[str] = None
) -> "tuple[Decision, Optional[str]]":
    """Apply the consent rules to one inbound text: records the change and returns the decision and reply text."""
    decision = decide(text, await store.ais_opted_out(address), opt_out_type)
    if decision.change:
        await store.aset_opted_out(address, decision.change == OPT_OUT, (text or opt_out_type or "").strip().upper())
    return decision, (REPLY_TEXTS[decision.reply]() if decision.reply else None)
