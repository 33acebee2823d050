"""The requests the inbox makes to Rasa's HTTP API (against a local fake): paths, the token, the events."""

import pytest
from handoff_fakes import FakeHTTP

from bot.handoff.rasa_api import RasaAPI, RasaAPIError


@pytest.fixture
def fake():
    server = FakeHTTP()
    yield server
    server.close()


@pytest.mark.asyncio
async def test_requests(fake):
    api = RasaAPI(base_url=fake.base + "/", token="s3cret")
    try:
        await api.execute("whatsapp:+15125550134")
        await api.resume("abc 123")
        assert (await api.tracker("abc"))["paused"] is False
        fake.status = 401
        with pytest.raises(RasaAPIError):
            await api.tracker("abc")
    finally:
        await api.close()
    execute, resume, tracker, _ = fake.requests
    assert (execute.method, execute.path) == ("POST", "/conversations/whatsapp:+15125550134/execute")
    assert execute.query == {"output_channel": "latest", "token": "s3cret"}
    assert execute.json == {"name": "action_relay_staff_message"}
    assert (resume.method, resume.path) == ("POST", "/conversations/abc%20123/tracker/events")
    assert resume.json == [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
    assert (tracker.method, tracker.path, tracker.query) == ("GET", "/conversations/abc/tracker", {"token": "s3cret"})


def test_settings_from_the_environment():
    api = RasaAPI(env={"RASA_URL": "http://rasa:5005/", "RASA_API_TOKEN": "t"})
    assert (api.base_url, api.token) == ("http://rasa:5005", "t")
    assert RasaAPI(env={}).base_url == "http://localhost:5005"
