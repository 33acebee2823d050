"""`rasa run --enable-api` with the HTTP API token from the environment, never from argv.

`rasa run --auth-token TOKEN` puts the token in the process list, where every user of the machine can read it. This
starts the same server in-process with the token from RASA_API_TOKEN (the Makefile makes one per checkout in
var/rasa_api_token), so the command line only shows the other options:

    python -m bot.rasa_server --port 5005 --model models/clinic.tar.gz
"""

from __future__ import annotations

import os
import sys

TOKEN_ENV = "RASA_API_TOKEN"


def rasa_argv(token: str, options: list) -> list:
    return ["rasa", "run", "--enable-api", "--auth-token", token, *options]


def main() -> None:
    token = (os.environ.get(TOKEN_ENV) or "").strip()
    if not token:
        sys.exit(f"Set {TOKEN_ENV} (Rasa's HTTP API token); `make run` makes one in var/rasa_api_token.")
    from rasa.__main__ import main as rasa_main

    sys.argv = rasa_argv(token, sys.argv[1:])
    rasa_main()


if __name__ == "__main__":
    main()
