"""One replica of the clinic's Socket.IO channel, for tests: the channel on a Sanic app of its own, answering each
widget message itself, and `POST /emit`, which sends a bot message to a session the way Rasa's output channel does
(an answer, or a staff message relayed through Rasa's HTTP API).

    python tests/web/socketio_replica.py PORT      (REDIS_URL and WIDGET_ALLOWED_ORIGINS from the environment)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.socketio import SocketIOOutput  # noqa: E402
from sanic import Sanic, response  # noqa: E402

from bot.channels.socketio import ClinicSocketIOInput  # noqa: E402


def replica(port: int) -> Sanic:
    channel = ClinicSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True})

    async def answer(message) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"answered by replica {port}")

    app = Sanic(f"replica_{port}")
    app.blueprint(channel.blueprint(answer))

    @app.get("/up")
    async def up(_request):
        return response.text("up")

    @app.post("/emit")
    async def emit(request):
        output = SocketIOOutput(channel.sio, channel.bot_message_evt)
        await output.send_text_message(request.json["session_id"], request.json["text"])
        return response.json({"sent": True})

    return app


if __name__ == "__main__":
    port = int(sys.argv[1])
    replica(port).run(host="127.0.0.1", port=port, access_log=False, workers=1)
