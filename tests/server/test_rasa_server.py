"""The Rasa server as `make run` starts it: the API token never in the process list, no CORS for other origins,
conversations kept in the SQL tracker store."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import MODEL, ROOT, free_port, wait_until_up


@pytest.fixture(scope="module")
def rasa_server(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it first).")
    token = secrets.token_urlsafe(24)
    port = free_port()
    folder = tmp_path_factory.mktemp("rasa-server")
    env = {**os.environ, "RASA_API_TOKEN": token, "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
           "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.rasa_server", "--port", str(port), "--model", str(MODEL)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process, timeout=180)
        yield process, f"http://127.0.0.1:{port}", token, folder / "tracker.db"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_api_token_is_not_in_the_process_list(rasa_server):
    process, _, token, _ = rasa_server
    command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode("utf-8", "replace")
    assert "bot.rasa_server" in command_line and token not in command_line


def test_numeric_libraries_run_one_thread_each_set_before_they_load():
    """Spin-waiting worker threads doubled the CPU per message (docs/performance.md). Rasa's own entry point is
    replaced by one that reports what it would start with."""
    probe = ("import os, sys, types; fake = types.ModuleType('rasa.__main__'); "
             "fake.main = lambda: print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'], "
             "os.environ['TF_INTRA_OP_PARALLELISM_THREADS'], 'numpy' in sys.modules); "
             "sys.modules['rasa.__main__'] = fake; from bot.rasa_server import main; main()")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS")}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**environment, "RASA_API_TOKEN": "probe-token"})
    assert result.stdout.split() == ["1", "1", "1", "False"], result.stderr


def test_the_http_api_needs_the_token(rasa_server):
    _, url, token, _ = rasa_server
    assert requests.get(f"{url}/status", timeout=10).status_code == 401
    assert requests.get(f"{url}/status", params={"token": token}, timeout=10).status_code == 200


def test_no_cors_for_other_websites(rasa_server):
    _, url, _, _ = rasa_server
    answer = requests.options(f"{url}/webhooks/rest/webhook", timeout=10, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_conversations_are_kept_in_the_sql_tracker_store(rasa_server):
    import sqlite3

    _, url, _, store = rasa_server
    message = {"sender": "kept-conversation-0001", "message": "hello"}
    answer = requests.post(f"{url}/webhooks/rest/webhook", json=message, timeout=60)
    assert answer.status_code == 200 and answer.json()
    with sqlite3.connect(store) as connection:
        senders = {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}
    assert senders == {"rest:kept-conversation-0001"}


def test_a_token_that_starts_with_a_dash_is_read_as_the_token():
    """token_urlsafe starts one token in 64 with "-"; passed as its own word, argparse took it for an option."""
    import argparse

    from rasa.cli.arguments.run import add_server_arguments

    from bot.rasa_server import rasa_argv

    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    options = parser.parse_args(rasa_argv("-P1uYTaOjKV1DvJ2", ["--port", "5005"])[3:])
    assert options.auth_token == "-P1uYTaOjKV1DvJ2" and options.port == 5005
