"""The summary staff see: reason, topic, a booking in progress and the last messages."""

from bot.handoff.conversation import handoff_reason, known_contact, people_ahead, transcript_rows
from bot.handoff.summary import summarize, summary_lines


def test_summary_has_topic_booking_and_last_messages(events):
    events.user("hi", "greet").bot("Hi! How can I help?")
    events.user("can botox fix a gummy smile", "ask_gummy_smile").bot("Yes, a few units ...")
    events.user("how much is it", "ask_cost").bot("About $150.")
    for i in range(3):
        events.user(f"question {i}", "nlu_fallback").bot("Sorry ...")
    events.user("talk to a person", "request_human")
    slots = {"booking_location": "austin", "concern": "gummy smile", "phone": "+15125550134",
             "patient_name": "Jane", "booking_failures": [1], "clinic_phone": "+1 512-555-0100"}
    summary = summarize(events.events, "patient_asked", slots, "booking_form")
    assert summary["topic"] == "prices"
    assert summary["reason_label"] == "Patient asked for a person"
    # never contact details
    assert summary["booking"] == "booking_form in progress: booking_location=austin, concern=gummy smile"
    assert len(summary["last_messages"]) == 6
    assert summary["last_messages"][-1] == {"who": "patient", "text": "talk to a person"}
    text = "\n".join(summary_lines(summary))
    assert "Topic: prices" in text and "Patient: talk to a person" in text


def test_no_booking_no_topic(events):
    events.user("talk to a person", "request_human")
    summary = summarize(events.events, "patient_asked", {}, None)
    assert summary["topic"] is None and summary["booking"] is None


def test_a_question_asked_beside_a_booking_is_in_the_topic(events):
    events.user("I'd like to book a consultation. How much is it?", "book_consultation")
    events.events[-1]["parse_data"]["entities"] = [{"entity": "also_asked", "value": "ask_cost", "role": "after"}]
    events.user("talk to a person", "request_human")
    assert summarize(events.events, "patient_asked", {}, None)["topic"] == "book consultation, and prices"


def test_staff_are_told_which_language_to_reply_in(events):
    events.user("quiero hablar con una persona", "request_human")
    spanish = summarize(events.events, "patient_asked", {"patient_language": "es"}, None)
    assert "Writes in: Spanish" in summary_lines(spanish)
    assert summarize(events.events, "patient_asked", {"patient_language": "en"}, None)["language"] is None


def test_reasons(events):
    events.user("talk to a person", "request_human")
    assert handoff_reason(events.events) == "patient_asked"
    events.user("asdf", "nlu_fallback").action("action_handle_misunderstanding").bot("Sorry")
    events.user("qwer", "nlu_fallback").action("action_handle_misunderstanding")
    events.bot("Want a person?", "utter_offer_human")
    events.user("/request_human", "request_human")
    assert handoff_reason(events.events) == "not_understood"
    events.user("my eyelid is drooping since my botox", "report_treatment_concern")
    assert handoff_reason(events.events) == "treatment_concern"
    events.user("i cant breathe", "report_emergency")
    assert handoff_reason(events.events) == "emergency"


def test_known_contact_from_slots_and_sms():
    assert known_contact({"patient_name": "Jane Doe", "patient_email": "Jane@Example.com"}, "socketio", "abc") == {
        "name": "Jane Doe", "phone": None, "email": "jane@example.com"}
    assert known_contact({}, "twilio", "+15125550134", {"phone": "+15125550134"})["phone"] == "+15125550134"
    assert known_contact({}, "twilio", "whatsapp:+15125550134")["phone"] == "+15125550134"
    assert known_contact({}, "socketio", "abc") == {"name": None, "phone": None, "email": None}


def test_transcript_rows_and_queue_phrase(events):
    events.user("hi", "greet").bot("Hello")
    rows = transcript_rows(events.events)
    assert [(kind, text) for kind, text, _, _ in rows] == [("patient", "hi"), ("bot", "Hello")]
    assert rows[0][2] == events.events[0]["message_id"]
    assert people_ahead(0) == "You're next in line"
    assert people_ahead(1) == "There is 1 person ahead of you"
    assert people_ahead(3) == "There are 3 people ahead of you"
    assert people_ahead(0, "es") == "Usted es la siguiente persona en la fila"
    assert people_ahead(3, "es") == "Hay 3 personas antes que usted"


def test_staff_are_told_every_language_the_assistant_recognises():
    from bot.handoff.summary import LANGUAGE_NAMES
    from bot.safety.language import LANGUAGES

    assert {language.iso_code_639_1.name.lower() for language in LANGUAGES} - {"en"} == set(LANGUAGE_NAMES)
