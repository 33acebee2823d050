"""SMS consent: carrier keywords, the rules, and opt-outs that survive a restart."""

import logging

import pytest
from sqlalchemy import create_engine, inspect

from bot.channels import sms_consent
from bot.channels.sms_consent import (
    HELP,
    OPT_IN,
    OPT_OUT,
    ConsentStore,
    decide,
    help_text,
    keyword,
    normalize_address,
    opt_out_text,
    redact,
)
from bot.clinic import clinic


@pytest.mark.parametrize(
    "text", ["STOP", "stop", "  Stop ", "STOPALL", "unsubscribe", "CANCEL", "cancel", "End", "QUIT"]
)
def test_opt_out_keywords(text):
    assert keyword(text) == OPT_OUT


@pytest.mark.parametrize("text", ["START", "yes", "Unstop"])
def test_opt_in_keywords(text):
    assert keyword(text) == OPT_IN


@pytest.mark.parametrize("text", ["HELP", "help", " Info "])
def test_help_keywords(text):
    assert keyword(text) == HELP


@pytest.mark.parametrize(
    "text", ["stop it", "please stop", "cancel my appointment", "I need help", "yes please", "stopp", "", None]
)
def test_only_the_whole_message_is_a_keyword(text):
    assert keyword(text) is None


def test_twilio_advanced_opt_out_classification_wins():
    assert keyword("ARRET", opt_out_type="STOP") == OPT_OUT
    assert keyword("whatever", opt_out_type="help") == HELP


def test_rules():
    # opting out: one confirmation, nothing for the assistant
    assert decide("STOP", opted_out=False) == sms_consent.Decision(change=OPT_OUT, reply=OPT_OUT, forward=False)
    # STOP again: no second confirmation
    assert decide("stop", opted_out=True) == sms_consent.Decision(forward=False)
    # while opted out, nothing goes to the assistant and nothing is answered
    assert decide("when are you open?", opted_out=True) == sms_consent.Decision(forward=False)
    # START / YES / UNSTOP opt back in
    assert decide("YES", opted_out=True) == sms_consent.Decision(change=OPT_IN, reply=OPT_IN, forward=False)
    # ...but from a subscribed number "yes" is an answer for the assistant
    assert decide("yes", opted_out=False) == sms_consent.Decision(forward=True)
    # HELP is always answered, never forwarded
    assert decide("HELP", opted_out=False) == sms_consent.Decision(reply=HELP, forward=False)
    assert decide("info", opted_out=True) == sms_consent.Decision(reply=HELP, forward=False)
    assert decide("Do you do lip filler?", opted_out=False) == sms_consent.Decision(forward=True)


def test_reply_texts_name_the_clinic_and_its_contacts():
    c = clinic()
    assert c.phone in help_text() and c.website in help_text() and c.name in help_text()
    assert "START" in opt_out_text() and c.name in opt_out_text()


def test_addresses_are_normalized():
    assert normalize_address("+1 (512) 555-0123") == "+15125550123"
    assert normalize_address("512-555-0123") == "+15125550123"
    assert normalize_address("whatsapp:+1 512 555 0123") == "whatsapp:+15125550123"
    assert normalize_address("  +15125550123 ") == "+15125550123"


def test_redact_hides_the_number():
    assert "5550123" not in redact("+15125550123")
    assert redact("+15125550123") == redact("+15125550123")


def test_opt_out_survives_a_restart(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    caplog.set_level(logging.DEBUG)
    first = ConsentStore(create_engine(url, future=True))
    assert not first.is_opted_out("+15125550123")
    first.opt_out("+1 512 555 0123", "STOP")
    first.engine.dispose()

    restarted = ConsentStore(create_engine(url, future=True))  # a new process: new engine, same database
    assert restarted.is_opted_out("+15125550123")
    assert not restarted.is_opted_out("whatsapp:+15125550123")  # WhatsApp consent is its own
    restarted.opt_in("+15125550123", "START")
    assert not restarted.is_opted_out("+15125550123")
    restarted.opt_out("+15125550123", "STOP")
    assert restarted.is_opted_out("+15125550123")
    assert "sms_consent" in inspect(restarted.engine).get_table_names()
    assert "5550123" not in caplog.text  # numbers never reach the logs


def test_default_engine_is_the_clinic_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    store = ConsentStore()
    store.opt_out("+15125550123")
    assert str(store.engine.url).endswith("clinic.db")
    assert "sms_consent" in inspect(store.engine).get_table_names()
    store.engine.dispose()


@pytest.mark.asyncio
async def test_check_records_and_answers(consent):
    decision, reply = await sms_consent.check(consent, "+15125550123", "STOP")
    assert reply == opt_out_text() and not decision.forward
    assert consent.is_opted_out("+15125550123")
    decision, reply = await sms_consent.check(consent, "+15125550123", "hello?")
    assert reply is None and not decision.forward
    decision, reply = await sms_consent.check(consent, "+15125550123", "unstop")
    assert reply is not None and "resubscribed" in reply
    assert not consent.is_opted_out("+15125550123")
