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
# One Rasa process answers one message at a time. Left to their defaults, OpenBLAS, OpenMP, TensorFlow and the
# tokenizer each start a thread per core that spin-waits between the many small operations of a turn: that doubled
# the CPU per message for a few milliseconds less latency (benchmarks/cost_per_message.py, docs/performance.md).
# More messages at once are served by more processes, not more threads. An operator's own setting wins.
ONE_THREAD_EACH = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1",
                   "TOKENIZERS_PARALLELISM": "false"}


def rasa_argv(token: str, options: list) -> list:
    # "--auth-token=TOKEN", not two words: a token that starts with "-" (1 in 64 of token_urlsafe's) would read as
    # an option, and Rasa would refuse to start.
    return ["rasa", "run", "--enable-api", f"--auth-token={token}", *options]


def main() -> None:
    token = (os.environ.get(TOKEN_ENV) or "").strip()
    if not token:
        sys.exit(f"Set {TOKEN_ENV} (Rasa's HTTP API token); `make run` makes one in var/rasa_api_token.")
    for name, value in ONE_THREAD_EACH.items():  # before numpy and TensorFlow are imported: they read it once
        os.environ.setdefault(name, value)
    from rasa.__main__ import main as rasa_main

    sys.argv = rasa_argv(token, sys.argv[1:])
    rasa_main()


if __name__ == "__main__":
    main()
