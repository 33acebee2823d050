"""Shared fixtures: the trained assistant, loaded in-process and talking to a real action server."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "clinic.tar.gz"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with code {process.returncode}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


def endpoints_with_action_server(folder: Path, action_port: int) -> Path:
    """The project's endpoints.yml (NLG, tracker store) with the action server at `action_port`, in `folder`."""
    import yaml

    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{action_port}/webhook"}
    path = folder / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


@pytest.fixture(scope="module", autouse=True)
def no_event_loop_left_running() -> None:
    """Each test module starts with no asyncio event loop marked running in this thread. Playwright's sync API marks
    its loop running for as long as it is started: a fixture that keeps it past its module (scope="session") breaks
    every later asyncio test with "Cannot run the event loop while another loop is running"."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    pytest.fail("An asyncio event loop is still running from an earlier test module (a Playwright fixture kept past "
                "its module?): stop it in the module that starts it.")


@pytest.fixture(scope="session", autouse=True)
def tracker_store_file(tmp_path_factory) -> str:
    """Conversations of in-process assistants go to a throwaway SQL tracker store, never the developer's var/."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.db'}"
    os.environ["TRACKER_STORE_URL"] = url
    return url


@pytest.fixture(scope="session", autouse=True)
def event_broker_file(tmp_path_factory) -> str:
    """Their conversation events go to a throwaway SQL event broker (bot/handoff/events.py), never var/events.db."""
    url = f"sqlite:///{tmp_path_factory.mktemp('events') / 'events.db'}"
    os.environ["EVENT_BROKER_URL"] = url
    return url


def seeded_database_url(folder: Path) -> str:
    """A fresh SQLite clinic database in `folder`, migrated and seeded as `make db` does."""
    from bot.clinic import clinic
    from bot.db.seed import seed
    from bot.db.session import Database

    url = f"sqlite:///{folder / 'clinic.db'}"
    database = Database(url)
    database.upgrade()
    seed(database.sessions, clinic())
    database.dispose()
    return url


@contextmanager
def running_action_server(database_url: str) -> Iterator[str]:
    """An action server on `database_url`; yields its webhook URL."""
    port = free_port()
    # A clinic with e-mail set up, so widget bookings plan their e-mails (nothing is sent while booking).
    email = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "EMAIL_LINK_SECRET": "conversation-tests"}
    env = {**os.environ, "DATABASE_URL": database_url, "TF_CPP_MIN_LOG_LEVEL": "3", **email}
    process = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def test_database_url(tmp_path_factory) -> str:
    """The session's clinic database, for the session's action server."""
    return seeded_database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def action_server(test_database_url):
    with running_action_server(test_database_url) as url:
        yield url


class Assistant:
    """The trained model in this process: `reply` talks like a patient, `parse` shows the NLU result."""

    def __init__(self, agent, loop: asyncio.AbstractEventLoop):
        self.agent = agent
        self.loop = loop

    def messages(self, text: str, sender: Optional[str] = None) -> List[Dict]:
        sender = sender or f"test-{uuid.uuid4().hex}"
        return self.loop.run_until_complete(self.agent.handle_text(text, sender_id=sender)) or []

    def reply(self, text: str, sender: Optional[str] = None) -> str:
        return "\n".join(m.get("text", "") for m in self.messages(text, sender) if m.get("text"))

    def parse(self, text: str) -> Dict:
        return self.loop.run_until_complete(self.agent.parse_message(text))

    def tracker(self, sender: str):
        return self.loop.run_until_complete(self.agent.tracker_store.get_or_create_tracker(sender))

    def pause(self, sender: str) -> None:
        """What the staff inbox's handoff does to the conversation: Rasa predicts nothing more until resumed."""
        from rasa.shared.core.events import ConversationPaused

        tracker = self.tracker(sender)
        tracker.update(ConversationPaused())
        self.loop.run_until_complete(self.agent.tracker_store.save(tracker))

    def bot_messages(self, sender: str) -> List[Tuple[str, str]]:
        """(response name, text) of every bot message in the conversation so far."""
        return [(e.metadata.get("utter_action", ""), e.text or "") for e in self.tracker(sender).events
                if e.type_name == "bot"]


def load_assistant(action_url: str) -> Assistant:
    """The trained model in this process with the project's endpoints.yml (NLG, tracker store) and the action
    server at `action_url`. Two assistants on the same tracker store are one server before and after a restart."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it first).")
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    loop = asyncio.new_event_loop()
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    endpoints.action = EndpointConfig(url=action_url)
    return Assistant(loop.run_until_complete(load_agent(model_path=str(MODEL), endpoints=endpoints)), loop)


@pytest.fixture(scope="session")
def assistant(action_server) -> Assistant:
    loaded = load_assistant(action_server)
    yield loaded
    loaded.loop.close()


@pytest.fixture(scope="session")
def assistant_without_action_server() -> Assistant:
    """The trained model with its action endpoint pointing where nothing listens, as when the action server is down."""
    loaded = load_assistant(f"http://127.0.0.1:{free_port()}/webhook")
    yield loaded
    loaded.loop.close()
