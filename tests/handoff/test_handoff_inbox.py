"""The inbox's side of a handoff against a fake Rasa API: patient messages copied from the tracker once each, an
emergency while paused becomes urgent, replies relayed (and REST-only channels detected),
closing relays "the assistant is back" and resumes the conversation."""

import pytest
from handoff_fakes import FakeRasa

from bot.handoff.inbox import Inbox, new_messages
from bot.handoff.queue import RESUMED_TEXT, NewRequest
from bot.handoff.staff_auth import StaffAuth


@pytest.fixture
def maria(db):
    return StaffAuth(db).add_account("maria", "correct horse battery", "Maria")


@pytest.fixture
def setup(queue, events):
    events.user("talk to a person", "request_human")
    since = events.events[-1]["timestamp"]
    request, _ = queue.open_request(NewRequest("conv-1", "socketio", "patient_asked", False, True, {}, since_ts=since))
    rasa = FakeRasa()
    rasa.trackers["conv-1"] = {"events": events.events, "paused": True}
    return Inbox(queue, rasa), rasa, request


@pytest.mark.asyncio
async def test_patient_messages_are_copied_once(setup, events, queue):
    inbox, rasa, request = setup
    events.action("action_handoff_to_staff").bot("I've asked a member of our team to join.")
    events.user("are you there?", "greet")
    events.action("action_relay_staff_message").bot("Hi, Maria here.")  # a relayed staff message: stored already
    events.user("my brow is uneven", "ask_uneven_brows")
    added = await inbox.sync(request)
    assert [(m.kind, m.text) for m in added] == [
        ("bot", "I've asked a member of our team to join."), ("patient", "are you there?"),
        ("patient", "my brow is uneven")]
    assert await inbox.sync(request) == []
    assert not queue.get(request.id).urgent


@pytest.mark.asyncio
async def test_an_emergency_while_paused_goes_urgent_and_rasa_answers_it(setup, events, queue):
    """The 911 answer comes from Rasa itself (tests/safety/test_paused_safety.py); the inbox only escalates."""
    inbox, rasa, request = setup
    events.user("now i cant breathe", "report_emergency")
    await inbox.sync(request)
    assert queue.get(request.id).urgent and queue.get(request.id).reason == "emergency"
    assert not [c for c in rasa.calls if c[0] == "execute"]


@pytest.mark.asyncio
async def test_reply_take_and_close(setup, queue, maria):
    inbox, rasa, request = setup
    sent = []
    def relay(cid, action):
        if action == "action_relay_staff_message":
            sent.extend({"recipient_id": cid, "text": m.text} for m in queue.claim_outgoing(cid)[1])
        return []

    rasa.on_execute = relay

    await inbox.take(request.id, maria.id, "Maria")
    message = await inbox.reply(request.id, maria.id, "Hi, this is Maria. How can I help?")
    assert [m["text"] for m in sent] == [
        "Maria from our team has joined the chat.", "Hi, this is Maria. How can I help?"]
    assert [m.delivery for m in queue.messages(request.id) if m.id == message.id] == ["pushed"]

    await inbox.close(request.id, maria.id)
    assert sent[-1]["text"] == RESUMED_TEXT
    assert rasa.calls[-1] == ("resume", "conv-1")
    assert queue.get(request.id).status == "closed"


@pytest.mark.asyncio
async def test_a_rest_only_channel_is_detected(setup, queue, maria):
    inbox, rasa, request = setup
    rasa.collecting = True
    rasa.on_execute = lambda cid, action: [{"recipient_id": cid, "text": m.text} for m in queue.claim_outgoing(cid)[1]]
    message = await inbox.reply(request.id, maria.id, "Hello?")
    assert [m.delivery for m in queue.messages(request.id) if m.id == message.id] == ["not_pushable"]


@pytest.mark.asyncio
async def test_rasa_down_keeps_the_reply_and_retries(setup, queue, maria):
    inbox, rasa, request = setup

    import aiohttp

    async def refused(*_args, **_kwargs):
        raise aiohttp.ClientConnectionError("refused")

    rasa.execute = refused
    message = await inbox.reply(request.id, maria.id, "Hello?")
    [stored] = [m for m in queue.messages(request.id) if m.id == message.id]
    assert stored.relayed_at is None and stored.delivery is None  # not lost, not claimed
    rasa.execute = FakeRasa.execute.__get__(rasa)
    rasa.on_execute = lambda cid, action: [{"text": m.text} for m in queue.claim_outgoing(cid)[1]]
    await inbox.sync(request)  # the next sync retries
    [stored] = [m for m in queue.messages(request.id) if m.id == message.id]
    assert stored.relayed_at is not None and stored.delivery == "pushed"


def test_new_messages_skip_older_events(events):
    events.user("old", "greet")
    since = events.events[-1]["timestamp"]
    events.user("new", "greet")
    assert [m.text for m in new_messages(events.events, since)] == ["new"]
