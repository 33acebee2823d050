"""The clinic's Socket.IO channel: origins, session rooms and message length, without a model."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.socketio import ClinicSocketIOInput
from bot.web.origins import DEFAULT_ALLOWED_ORIGINS, allowed_origins, is_allowed, parse_origins

SESSION = "0123456789abcdef0123456789abcdef"


def test_parse_origins():
    assert parse_origins("https://a.example, https://b.example/  https://a.example") == [
        "https://a.example",
        "https://b.example",
    ]
    assert parse_origins(["https://a.example/"]) == ["https://a.example"]
    assert parse_origins("https://a.example,*") == "*"
    assert parse_origins("") == [] and parse_origins(None) == []


def test_environment_wins_over_credentials_over_default():
    assert allowed_origins("https://cred.example", env={"WIDGET_ALLOWED_ORIGINS": "https://env.example"}) == [
        "https://env.example"
    ]
    assert allowed_origins(["https://cred.example"], env={}) == ["https://cred.example"]
    assert allowed_origins(None, env={"WIDGET_ALLOWED_ORIGINS": " "}) == list(DEFAULT_ALLOWED_ORIGINS)


def test_is_allowed():
    assert is_allowed("https://a.example", ["https://a.example"])
    assert not is_allowed("https://b.example", ["https://a.example"])
    assert not is_allowed(None, "*") and is_allowed("https://any.example", "*")


@pytest.fixture
def channel(monkeypatch):
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://clinic.example")
    return ClinicSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    )


def test_from_credentials_keeps_rasa_options_and_adds_origins(channel):
    assert channel.session_persistence is True
    assert (channel.user_message_evt, channel.bot_message_evt, channel.socketio_path) == (
        "user_uttered",
        "bot_uttered",
        "/socket.io",
    )
    assert channel.cors_allowed_origins == ["https://clinic.example"]
    assert channel.name() == "socketio"


def test_engineio_checks_the_origin(channel):
    channel.blueprint(lambda message: None)
    eio = channel.sio.eio
    assert eio.cors_allowed_origins == ["https://clinic.example"]
    assert eio._cors_allowed_origins({"HTTP_ORIGIN": "https://clinic.example"}) == ["https://clinic.example"]


class Recorder:
    def __init__(self):
        self.messages = []

    async def __call__(self, message):
        self.messages.append(message)


def run(coroutine):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def test_session_request_joins_the_session_room(channel):
    """Rasa 3.6 forgets to await enter_room (a coroutine in python-socketio 5.10+): replies reached nobody."""
    channel.blueprint(Recorder())
    sio = channel.sio
    emitted = []

    async def emit(event, data=None, room=None, **kwargs):
        emitted.append((event, data, room))

    sio.emit = emit
    handler = sio.handlers["/"]["session_request"]

    async def scenario():
        await sio.manager.connect("engine-sid", "/")  # a connected client, as engine.io would announce it
        sid = sio.manager.sid_from_eio_sid("engine-sid", "/")
        await handler(sid, {"session_id": SESSION})
        return sid

    sid = run(scenario())
    assert sid in dict(sio.manager.get_participants("/", SESSION))
    assert emitted == [("session_confirm", SESSION, sid)]


@pytest.mark.parametrize("requested", [None, "", "short", "x" * 65, "not/allowed/chars!!", 12345])
def test_guessable_or_malformed_session_ids_get_a_fresh_one(channel, requested):
    channel.blueprint(Recorder())
    sio = channel.sio
    emitted = []

    async def emit(event, data=None, room=None, **kwargs):
        emitted.append(data)

    sio.emit = emit

    async def scenario():
        await sio.manager.connect("engine-sid", "/")
        sid = sio.manager.sid_from_eio_sid("engine-sid", "/")
        await sio.handlers["/"]["session_request"](sid, {"session_id": requested})

    run(scenario())
    assert len(emitted) == 1 and emitted[0] != requested and len(emitted[0]) == 32


def _joined_socket(channel, session_id: str) -> str:
    """A connected socket that asked for `session_id`, as the widget does on load."""
    sio = channel.sio

    async def emit(event, data=None, room=None, **kwargs):
        return None

    sio.emit = emit

    async def scenario():
        await sio.manager.connect(f"engine-{session_id}", "/")
        sid = sio.manager.sid_from_eio_sid(f"engine-{session_id}", "/")
        await sio.handlers["/"]["session_request"](sid, {"session_id": session_id})
        return sid

    return run(scenario())


def test_long_messages_are_cut_to_the_limit(channel):
    recorder = Recorder()
    channel.blueprint(recorder)
    sid = _joined_socket(channel, SESSION)
    handler = channel.sio.handlers["/"]["user_uttered"]
    run(handler(sid, {"message": "  " + "word " * 300 + "  ", "session_id": SESSION}))
    run(handler(sid, {"message": "how long does botox last?", "session_id": SESSION}))
    assert [len(m.text) for m in recorder.messages] == [1000, len("how long does botox last?")]
    assert recorder.messages[0].sender_id == SESSION
    assert recorder.messages[0].input_channel == "socketio"


def test_a_socket_only_speaks_in_the_session_it_joined(channel):
    recorder = Recorder()
    channel.blueprint(recorder)
    sid = _joined_socket(channel, SESSION)
    handler = channel.sio.handlers["/"]["user_uttered"]
    for other in ("sms:+15125550134", "rest:k3J9x8Qm2ZpL7vRt4Y", "another-widget-session-0001"):
        run(handler(sid, {"message": "cancel my appointment", "session_id": other}))
    assert recorder.messages == []
