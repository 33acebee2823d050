"""The handoff queue: ordering, one open request per conversation, taking, replies, notes, closing, messages."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db.handoff_models import HandoffMessage, HandoffRequest
from bot.db.types import utcnow
from bot.handoff.queue import RESUMED_TEXT, Conflict, NewRequest, PatientMessage


def new(conversation_id, urgent=False, reason="patient_asked", **kwargs):
    return NewRequest(conversation_id=conversation_id, channel="socketio", reason=reason, urgent=urgent, live=True,
                      summary={"reason": reason}, **kwargs)


def age(db, request_id, minutes):
    with db.write_session() as session:
        session.execute(update(HandoffRequest).where(HandoffRequest.id == request_id)
                        .values(created_at=utcnow() - timedelta(minutes=minutes)))


@pytest.fixture
def staff(db):
    from bot.handoff.staff_auth import StaffAuth

    auth = StaffAuth(db)
    return auth.add_account("maria", "correct horse battery", "Maria"), auth.add_account("sam", "another long pass")


def test_queue_is_urgent_first_then_longest_waiting(queue, db):
    old, _ = queue.open_request(new("old"))
    newer, _ = queue.open_request(new("newer"))
    urgent, _ = queue.open_request(new("urgent", urgent=True, reason="treatment_concern"))
    urgent_older, _ = queue.open_request(new("urgent-older", urgent=True, reason="emergency"))
    age(db, old.id, 30)
    age(db, newer.id, 10)
    age(db, urgent.id, 1)
    age(db, urgent_older.id, 5)
    assert [r.conversation_id for r in queue.queue()] == ["urgent-older", "urgent", "old", "newer"]
    assert queue.waiting_ahead(urgent_older.id) == 0
    assert queue.waiting_ahead(urgent.id) == 1
    assert queue.waiting_ahead(old.id) == 2
    assert queue.waiting_ahead(newer.id) == 3


def test_taken_requests_are_not_ahead_of_anyone_and_list_after_waiting(queue, staff):
    maria, _ = staff
    first, _ = queue.open_request(new("first"))
    second, _ = queue.open_request(new("second"))
    queue.take(first.id, maria.id)
    assert queue.waiting_ahead(second.id) == 0
    assert [r.conversation_id for r in queue.queue()] == ["second", "first"]


def test_one_open_request_per_conversation(queue):
    first, created = queue.open_request(new("c1", contact_phone="+15125550134"))
    again, created_again = queue.open_request(new("c1", urgent=True, reason="emergency", contact_email="a@b.example"))
    assert created and not created_again and again.id == first.id
    merged = queue.get(first.id)
    assert merged.urgent and merged.priority > 0 and merged.reason == "emergency"
    assert merged.contact_phone == "+15125550134" and merged.contact_email == "a@b.example"


def test_transcript_and_patient_messages_are_stored_once(queue):
    transcript = [("patient", "hi", "m1", 1.0), ("bot", "Hello!", "bot:2.0", 2.0)]
    request, _ = queue.open_request(new("c2", transcript=transcript))
    copied = [PatientMessage("m1", "hi", 1.0), PatientMessage("m2", "still there?", 5.0)]
    added = queue.add_patient_messages(request.id, copied)
    assert [m.text for m in added] == ["still there?"]
    assert queue.add_patient_messages(request.id, [PatientMessage("m2", "still there?", 5.0)]) == []
    kinds = [(m.kind, m.text, m.before_handoff) for m in queue.messages(request.id)]
    assert kinds == [("patient", "hi", True), ("bot", "Hello!", True), ("patient", "still there?", False)]
    assert queue.get(request.id).last_patient_message_at is not None


def test_take_reply_note_close(queue, staff, db):
    maria, sam = staff
    request, _ = queue.open_request(new("c3"))
    taken = queue.take(request.id, maria.id)
    assert taken.status == "with_staff" and taken.staff_id == maria.id and taken.taken_at
    with pytest.raises(Conflict):
        queue.take(request.id, sam.id)
    with pytest.raises(Conflict):
        queue.add_staff_message(request.id, sam.id, "hello from sam")
    queue.add_staff_message(request.id, sam.id, "sam's private note", kind="note")  # notes are for everyone
    reply = queue.add_staff_message(request.id, maria.id, "Hi, this is Maria.")
    # the relay action claims staff messages once
    claimed_request, claimed = queue.claim_outgoing("c3")
    assert claimed_request.id == request.id and [m.id for m in claimed] == [reply.id]
    assert queue.claim_outgoing("c3")[1] == []
    closed = queue.close(request.id, maria.id)
    assert closed.status == "closed" and closed.closed_at
    _, after_close = queue.claim_outgoing("c3")
    assert [m.text for m in after_close] == [RESUMED_TEXT]
    with pytest.raises(Conflict):
        queue.add_staff_message(request.id, maria.id, "too late")
    # a closed conversation can be handed off again
    again, created = queue.open_request(new("c3"))
    assert created and again.id != request.id


def test_reply_to_a_waiting_request_takes_it(queue, staff):
    maria, _ = staff
    request, _ = queue.open_request(new("c4"))
    queue.add_staff_message(request.id, maria.id, "Hello!")
    assert queue.get(request.id).status == "with_staff"
    assert queue.get(request.id).staff.display_name == "Maria"


def test_waiting_ahead_counts_only_waiting_requests(queue, db):
    a, _ = queue.open_request(new("a"))
    b, _ = queue.open_request(new("b"))
    with db.session() as session:
        assert session.execute(select(HandoffMessage)).first() is None
    assert queue.waiting_ahead(b.id) == 1
    queue.close(a.id, None)
    assert queue.waiting_ahead(b.id) == 0
