"""The assistant's side, action by action (rasa-sdk, real trackers, a fresh SQLite database): a reminder is uttered
once as a domain response; YES confirms the visit (the staff CLI shows "confirmed"); R prepares the reschedule
form without asking for the reference; a reply from another conversation or channel changes nothing."""

from datetime import timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import booking_service as service
from actions.reminders import ActionDeliverScheduledMessage, ActionReminderConfirm, ActionReminderReschedule
from bot.booking import BookingRequest, book_consultation
from bot.cli_appointments import list_appointments
from bot.reminders import outbox
from bot.scheduling.availability import Slot
from tests.actions.conftest import next_monday_morning
from tests.actions.driver import CHICAGO, DOMAIN, run
from tests.reminders.conftest import SMS_CONVERSATION, delivery

START = next_monday_morning() + timedelta(days=7, hours=2)  # a Monday, 10:00 in Austin (Dr. Rivera)
REMINDED_AT = START - timedelta(hours=48)


@pytest.fixture
def reminded(tmp_path, monkeypatch):
    """A booking made by text, whose 48-hour reminder the worker has claimed; the actions' clock at that time."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    service.forget_database()
    monkeypatch.setattr(service, "now_utc", lambda: REMINDED_AT)
    request = BookingRequest(
        slot=Slot("dr-rivera", "austin", START, START + timedelta(minutes=30)), patient_name="Jamie Example",
        phone="+15125550134", email=None, is_returning=False, source_channel="twilio", idempotency_key="k1",
        policy_version="2026-01", policy_accepted_at=REMINDED_AT - timedelta(days=3), delivery=delivery(),
    )
    booked = book_consultation(service.sessions(), request, now=REMINDED_AT - timedelta(days=3))
    [claim] = outbox.claim_due(service.sessions(), REMINDED_AT)
    yield booked, claim
    service.forget_database()


def tracker(sender: str = SMS_CONVERSATION, channel: str = "twilio", intent: str = "affirm", text: str = "YES",
            entities=(), **slots) -> Tracker:
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": list(entities), "text": text}
    events = [{"event": "user", "text": text, "parse_data": parse, "input_channel": channel}]
    all_slots = {**{name: None for name in DOMAIN["slots"]}, **slots}
    return Tracker(sender, all_slots, dict(parse, text=text), events, False, None, {}, None)


def act(action, the_tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = run(action.run(dispatcher, the_tracker, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def trigger(message_id: int, **kwargs) -> Tracker:
    entity = {"entity": "scheduled_message", "value": str(message_id)}
    return tracker(intent="EXTERNAL_scheduled_message", text="", entities=[entity], **kwargs)


def test_the_reminder_is_a_domain_response_uttered_once(reminded) -> None:
    booked, claim = reminded
    messages, slots = act(ActionDeliverScheduledMessage(), trigger(claim.id))
    [message] = messages
    assert message["response"] == "utter_scheduled_reminder"
    assert "Monday" in message["visit_when"] and "Austin" in message["visit_place"]
    assert slots == {"reminder_context": "reminder", "reminder_message": float(claim.id)}
    assert act(ActionDeliverScheduledMessage(), trigger(claim.id)) == ([], {})  # a retried trigger: silence


def trigger_outside_the_window(message_id: int, delivery: str) -> Tracker:
    entities = [{"entity": "scheduled_message", "value": str(message_id)},
                {"entity": "scheduled_delivery", "value": delivery}]
    return tracker(intent="EXTERNAL_scheduled_message", text="", entities=entities)


def test_outside_the_window_the_message_tells_the_channel_how_to_send_it(reminded) -> None:
    _, claim = reminded
    [message], _ = act(ActionDeliverScheduledMessage(), trigger_outside_the_window(claim.id, "template:HX01"))
    assert message["response"] == "utter_scheduled_reminder"
    custom = message["custom"]
    assert custom["scheduled_delivery"] == "template:HX01"
    assert custom["template_variables"] == {"1": message["visit_when"], "2": message["visit_place"],
                                            "3": message["visit_provider"]}


def test_inside_the_window_the_message_is_plain(reminded) -> None:
    _, claim = reminded
    [message], _ = act(ActionDeliverScheduledMessage(), trigger(claim.id))
    assert not message["custom"]


def test_a_trigger_for_another_conversation_or_channel_says_nothing(reminded) -> None:
    _, claim = reminded
    assert act(ActionDeliverScheduledMessage(), trigger(claim.id, sender="sms:+15125550199")) == ([], {})
    assert act(ActionDeliverScheduledMessage(), trigger(claim.id, channel="rest")) == ([], {})


def test_yes_confirms_the_visit_and_staff_see_it(reminded) -> None:
    booked, claim = reminded
    act(ActionDeliverScheduledMessage(), trigger(claim.id))
    messages, slots = act(ActionReminderConfirm(), tracker(reminder_context="reminder", reminder_message=claim.id))
    assert [m["response"] for m in messages] == ["utter_reminder_confirmed"]
    assert slots == {"reminder_context": None, "reminder_message": None}
    rows = list_appointments(service.database(), START.astimezone(CHICAGO).date(), "austin")
    assert [(r["reference"], r["status"]) for r in rows] == [(booked.reference, "confirmed")]


@pytest.mark.parametrize("sender, channel", [("sms:+15125550199", "twilio"), ("rest:sms:+15125550134", "rest"),
                                             (SMS_CONVERSATION, "facebook")])
def test_a_reply_from_another_number_or_channel_cannot_act_on_the_booking(reminded, sender, channel) -> None:
    _, claim = reminded
    act(ActionDeliverScheduledMessage(), trigger(claim.id))
    reply = tracker(sender=sender, channel=channel, reminder_context="reminder", reminder_message=claim.id)
    messages, _ = act(ActionReminderConfirm(), reply)
    assert [m["response"] for m in messages] == ["utter_reminder_reply_not_verified"]
    rows = list_appointments(service.database(), START.astimezone(CHICAGO).date(), "austin")
    assert [r["status"] for r in rows] == ["booked"]
    messages, slots = act(ActionReminderReschedule(), reply)
    assert slots.get("manage_reference") is None and slots.get("manage_contact") is None


def test_yes_before_the_reminder_was_delivered_confirms_nothing(reminded) -> None:
    _, claim = reminded
    messages, _ = act(ActionReminderConfirm(), tracker(reminder_context="reminder", reminder_message=claim.id))
    assert [m["response"] for m in messages] == ["utter_reminder_reply_not_verified"]


def test_r_prepares_the_reschedule_without_asking_for_the_reference(reminded) -> None:
    booked, claim = reminded
    act(ActionDeliverScheduledMessage(), trigger(claim.id))
    reply = tracker(intent="reschedule_booking", text="R", reminder_context="reminder", reminder_message=claim.id)
    messages, slots = act(ActionReminderReschedule(), reply)
    assert messages == []
    assert slots["manage_reference"] == booked.reference and slots["manage_contact"] == "+15125550134"
    assert slots["manage_booking"] is None and slots["reminder_context"] is None


def test_yes_after_the_visit_was_cancelled_says_so_with_a_next_step(reminded) -> None:
    from bot.booking import cancel_appointment

    booked, claim = reminded
    act(ActionDeliverScheduledMessage(), trigger(claim.id))
    cancel_appointment(service.sessions(), booked.reference, actor="cli")
    messages, _ = act(ActionReminderConfirm(), tracker(reminder_context="reminder", reminder_message=claim.id))
    assert [m["response"] for m in messages] == ["utter_reminder_not_changeable"]
