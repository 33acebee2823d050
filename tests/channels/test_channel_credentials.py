"""The credentials.yml snippet in docs/channels.md, loaded by Rasa itself: every channel on or off by environment."""

import re
from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels.messenger import ClinicMessengerInput
from bot.channels.slack import ClinicSlackInput
from bot.channels.telegram import ClinicTelegramInput
from bot.channels.twilio import ClinicTwilioInput

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "FACEBOOK_VERIFY_TOKEN": "v",
    "FACEBOOK_APP_SECRET": "s",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "p",
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "TELEGRAM_BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "TELEGRAM_SECRET_TOKEN": "a-random-secret-token",
}
pytestmark = pytest.mark.asyncio


def snippet_file(tmp_path) -> str:
    docs = (ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    path = tmp_path / "credentials.yml"
    path.write_text("rest:\n" + snippet, encoding="utf-8")
    return str(path)


async def test_all_channels_load_and_are_off_without_their_variables(tmp_path, monkeypatch, serve):
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    channels = create_http_input_channels(None, snippet_file(tmp_path))
    assert [type(c) for c in channels[1:]] == [
        ClinicTwilioInput,
        ClinicMessengerInput,
        ClinicSlackInput,
        ClinicTelegramInput,
    ]
    assert not any(c.enabled for c in channels[1:])
    for channel in channels[1:]:
        server = await serve(channel)
        assert '"disabled"' in (await server.get(f"/webhooks/{channel.name()}/"))[1]
        assert (await server.post(f"/webhooks/{channel.name()}/webhook", data=b"{}"))[0] == 503


async def test_all_channels_are_on_with_their_variables_and_share_one_server(tmp_path, monkeypatch, fake_assistant):
    from channel_fakes import Server

    for variable, value in VARIABLES.items():
        monkeypatch.setenv(variable, value)
    channels = create_http_input_channels(None, snippet_file(tmp_path))
    assert all(c.enabled for c in channels[1:])
    server = Server(channels[0], fake_assistant)  # rest, then every clinic channel on the same app, like `rasa run`
    from rasa.core.channels.channel import register

    register(channels[1:], server.app, route="/webhooks/")
    await server.start()
    try:
        for channel in channels[1:]:
            assert await server.get(f"/webhooks/{channel.name()}/") == (200, '{"status":"ok"}')
    finally:
        await server.stop()
