"""actions/handoff.py with a real database: within staff hours the patient is queued and the conversation paused;
outside them a message is taken (form), queued and the next opening named; emergencies are urgent; the relay
action sends pending staff messages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from handoff_fakes import tracker_for
from rasa_sdk.executor import CollectingDispatcher

import actions.handoff as handoff_actions
from actions.handoff import ActionHandoffToStaff, ActionRelayStaffMessage, ValidateHandoffMessageForm
from bot.handoff.queue import NewRequest

CHICAGO = ZoneInfo("America/Chicago")
MONDAY_10AM = datetime(2026, 3, 2, 10, 0, tzinfo=CHICAGO)
SATURDAY_8PM = datetime(2026, 3, 7, 20, 0, tzinfo=CHICAGO)


def at(monkeypatch, moment):
    monkeypatch.setattr(handoff_actions, "utcnow", lambda: moment)


async def run(action, tracker, domain=None):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain or {})
    return dispatcher.messages, events


def event_names(events):
    return [e["event"] for e in events]


def slot(events, name):
    return next((e["value"] for e in reversed(events) if e["event"] == "slot" and e["name"] == name), "unset")


@pytest.mark.asyncio
async def test_within_staff_hours_queues_and_pauses(action_queue, events, monkeypatch):
    at(monkeypatch, MONDAY_10AM)
    action_queue.open_request(NewRequest("someone-else", "socketio", "patient_asked", False, True, {}))
    events.user("can botox fix a gummy smile", "ask_gummy_smile").bot("Yes ...")
    events.user("talk to a person", "request_human")
    messages, result = await run(ActionHandoffToStaff(), tracker_for("patient-1", events.events))
    assert messages[0]["response"] == "utter_handoff_queued"
    assert messages[0]["people_ahead"] == "There is 1 person ahead of you"
    assert "pause" in event_names(result)
    request = action_queue.open_for_conversation("patient-1")
    assert request.reason == "patient_asked" and not request.urgent and request.live and request.status == "waiting"
    assert request.summary["topic"] == "gummy smile"
    assert request.since_ts == events.events[-1]["timestamp"]
    texts = [(m.kind, m.text) for m in action_queue.messages(request.id)]
    assert texts == [("patient", "can botox fix a gummy smile"), ("bot", "Yes ..."), ("patient", "talk to a person")]


@pytest.mark.asyncio
async def test_a_spanish_patient_is_told_in_spanish_how_the_handoff_goes(action_queue, events, monkeypatch):
    """The words the action fills in follow the patient's language, as the responses' variations do."""
    at(monkeypatch, MONDAY_10AM)
    events.user("quiero hablar con una persona, por favor", "request_human")
    spanish = {"patient_language": "es"}
    messages, _ = await run(ActionHandoffToStaff(), tracker_for("patient-es", events.events, spanish))
    assert messages[0]["response"] == "utter_handoff_queued"
    assert messages[0]["people_ahead"] == "Usted es la siguiente persona en la fila"
    assert action_queue.open_for_conversation("patient-es").summary["language"] == "Spanish"

    at(monkeypatch, SATURDAY_8PM)
    events.user("necesito hablar con alguien del equipo", "request_human")
    messages, _ = await run(ActionHandoffToStaff(), tracker_for("patient-es-2", events.events, spanish))
    assert messages[0]["response"] == "utter_handoff_after_hours"
    assert messages[0]["next_opening"] == "el lunes a las 9:00 (CDT)"
    assert messages[0]["staff_hours"].startswith("de lunes a jueves")


@pytest.mark.asyncio
async def test_asking_again_while_waiting_does_not_queue_twice(action_queue, events, monkeypatch):
    at(monkeypatch, MONDAY_10AM)
    events.user("talk to a person", "request_human")
    await run(ActionHandoffToStaff(), tracker_for("patient-2", events.events))
    messages, result = await run(ActionHandoffToStaff(), tracker_for("patient-2", events.events))
    assert messages[0]["response"] == "utter_handoff_already_waiting"
    assert len(action_queue.queue()) == 1


@pytest.mark.asyncio
async def test_outside_staff_hours_a_message_is_taken_and_queued(action_queue, events, monkeypatch):
    at(monkeypatch, SATURDAY_8PM)
    events.user("talk to a person", "request_human")
    tracker = tracker_for("patient-3", events.events)
    messages, result = await run(ActionHandoffToStaff(), tracker)
    # 1. the form starts, the next opening is named, nothing is queued yet
    assert messages[0]["response"] == "utter_handoff_after_hours"
    assert messages[0]["next_opening"] == "Monday at 9:00 AM CDT"
    assert "Saturday" in messages[0]["staff_hours"]
    assert {"event": "followup", "name": "handoff_message_form", "timestamp": None} in result
    assert slot(result, "handoff_reason") == "patient_asked"
    assert action_queue.queue() == []

    # 2. the form's checks
    validate = ValidateHandoffMessageForm()
    assert validate.validate_handoff_name("my name is Jane Doe", CollectingDispatcher(), tracker, {}) == {
        "handoff_name": "Jane Doe"}
    dispatcher = CollectingDispatcher()
    assert validate.validate_handoff_contact("call me maybe", dispatcher, tracker, {}) == {"handoff_contact": None}
    assert dispatcher.messages[0]["response"] == "utter_handoff_invalid_contact"
    assert validate.validate_handoff_contact("it's (512) 555-0134", CollectingDispatcher(), tracker, {}) == {
        "handoff_contact": "+15125550134"}

    # 3. the filled form is queued, not paused (the assistant keeps answering), with the promise named
    events.user("Jane Doe", "out_of_scope").user("512 555 0134", "out_of_scope")
    events.user("Can I get Botox if I'm breastfeeding?", "ask_pregnancy")
    filled = {"handoff_reason": "patient_asked", "handoff_name": "Jane Doe", "handoff_contact": "+15125550134",
              "handoff_question": "Can I get Botox if I'm breastfeeding?"}
    messages, result = await run(ActionHandoffToStaff(), tracker_for("patient-3", events.events, filled))
    assert messages[0]["response"] == "utter_handoff_message_taken"
    assert messages[0]["next_opening"] == "Monday at 9:00 AM CDT"
    assert "pause" not in event_names(result)
    assert slot(result, "handoff_question") is None  # the form's slots are cleared for next time
    request = action_queue.open_for_conversation("patient-3")
    assert (request.contact_name, request.contact_phone, request.live) == ("Jane Doe", "+15125550134", False)
    assert request.question == "Can I get Botox if I'm breastfeeding?"
    assert request.reply_by == datetime(2026, 3, 9, 9, 0, tzinfo=CHICAGO)

    # 4. asking again after hours does not start another form
    messages, _ = await run(ActionHandoffToStaff(), tracker_for("patient-3", events.events))
    assert messages[0]["response"] == "utter_handoff_already_taken"


@pytest.mark.asyncio
async def test_sms_patients_are_not_asked_for_their_number(action_queue, events, monkeypatch):
    at(monkeypatch, SATURDAY_8PM)
    events.user("talk to someone", "request_human", {"phone": "+15125550134", "channel": "sms"}, channel="twilio")
    _, result = await run(ActionHandoffToStaff(), tracker_for("+15125550134", events.events))
    assert slot(result, "handoff_contact") == "+15125550134"


@pytest.mark.asyncio
async def test_emergency_is_urgent_and_never_waits_for_a_form(action_queue, events, monkeypatch):
    at(monkeypatch, SATURDAY_8PM)
    events.user("i cant swallow since my botox", "report_emergency").action("utter_emergency").bot("call 911")
    messages, result = await run(ActionHandoffToStaff(), tracker_for("patient-4", events.events))
    assert messages[0]["response"] == "utter_handoff_emergency_after_hours"
    request = action_queue.open_for_conversation("patient-4")
    assert request.urgent and request.reason == "emergency" and request.question == "i cant swallow since my botox"

    at(monkeypatch, MONDAY_10AM)
    events.user("my throat is closing", "report_emergency")
    messages, result = await run(ActionHandoffToStaff(), tracker_for("patient-5", events.events))
    assert messages[0]["response"] == "utter_handoff_emergency_live" and "pause" in event_names(result)
    assert [r.conversation_id for r in action_queue.queue()][:2] == ["patient-4", "patient-5"]


@pytest.mark.asyncio
async def test_treatment_concern_after_hours_prefills_the_question(action_queue, events, monkeypatch):
    at(monkeypatch, SATURDAY_8PM)
    events.user("my eyelid is drooping since my botox", "report_treatment_concern")
    _, result = await run(ActionHandoffToStaff(), tracker_for("patient-6", events.events))
    assert slot(result, "handoff_reason") == "treatment_concern"
    assert slot(result, "handoff_question") == "my eyelid is drooping since my botox"


@pytest.mark.asyncio
async def test_form_answers_with_urgent_symptoms_get_911_and_end_the_form(events):
    events.user("my throat is closing up", "report_emergency")
    tracker = tracker_for("p", events.events, {"requested_slot": "handoff_name"}, active_loop="handoff_message_form")
    messages, result = await run(ValidateHandoffMessageForm(), tracker)
    assert messages[0]["response"] == "utter_emergency"
    assert slot(result, "handoff_reason") == "emergency" and slot(result, "requested_slot") is None


@pytest.mark.asyncio
async def test_the_form_can_be_cancelled(action_queue, events, monkeypatch):
    events.user("no thanks", "deny")
    tracker = tracker_for("p", events.events, {"requested_slot": "handoff_name"}, active_loop="handoff_message_form")
    _, result = await run(ValidateHandoffMessageForm(), tracker)
    assert slot(result, "handoff_cancelled") is True
    messages, result = await run(ActionHandoffToStaff(), tracker_for("p", events.events, {"handoff_cancelled": True}))
    assert messages[0]["response"] == "utter_handoff_cancelled" and action_queue.queue() == []


@pytest.mark.asyncio
async def test_the_database_being_down_is_said_honestly(events, monkeypatch):
    class Broken:
        def open_for_conversation(self, _):
            raise OSError("disk")

    monkeypatch.setattr(handoff_actions, "_queue", Broken())
    at(monkeypatch, MONDAY_10AM)
    events.user("talk to a person", "request_human")
    messages, result = await run(ActionHandoffToStaff(), tracker_for("p", events.events))
    assert messages[0]["response"] == "utter_handoff_unavailable" and "pause" not in event_names(result)


@pytest.mark.asyncio
async def test_relay_sends_pending_staff_messages_once(action_queue, db, events):
    from bot.handoff.staff_auth import StaffAuth

    maria = StaffAuth(db).add_account("maria", "correct horse battery", "Maria")
    request, _ = action_queue.open_request(NewRequest("patient-7", "socketio", "patient_asked", False, True, {}))
    action_queue.add_staff_message(request.id, maria.id, "Hi, Maria here.")
    action_queue.add_staff_message(request.id, maria.id, "a private note", kind="note")
    action_queue.add_staff_message(request.id, maria.id, "How can I help?")
    events.user("talk to a person", "request_human")
    messages, result = await run(ActionRelayStaffMessage(), tracker_for("patient-7", events.events, paused=True))
    assert [m["text"] for m in messages] == ["Hi, Maria here.", "How can I help?"] and result == []
    messages, _ = await run(ActionRelayStaffMessage(), tracker_for("patient-7", events.events, paused=True))
    assert messages == []
    # not paused (message taken after hours, or the session expired): a staff reply puts the person in charge
    action_queue.add_staff_message(request.id, maria.id, "Still there?")
    messages, result = await run(ActionRelayStaffMessage(), tracker_for("patient-7", events.events, paused=False))
    assert [m["text"] for m in messages] == ["Still there?"] and event_names(result) == ["pause"]
