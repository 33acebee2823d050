"""Fixtures for the website and the chat widget.

* `widget_build`: builds the widget (`npm ci && npm run build` in widget/) when bot/web/static/widget/ is missing
  or older than its sources.
* `web_app_factory` / `web_app`: the web app (`python -m bot.web`) as a subprocess on a free port.
* `live_stack`: a real action server and a real Rasa server (the trained model, the clinic's Socket.IO channel
  restricted to the test web app's origin), the web app pointing at it, and a second web app that reaches Rasa
  through a TCP proxy the tests can cut to simulate a network drop. Skips when the model is not trained.
* `browser` / `new_page`: headless Debian Chromium driven by Playwright, stopped after each module.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional

import pytest
import requests

from tests.conftest import endpoints_with_action_server
from tests.local_services import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
WIDGET_DIR = ROOT / "widget"
WIDGET_BUILD = ROOT / "bot" / "web" / "static" / "widget"
ARTIFACTS = ROOT / "test-artifacts"
# Another model or action package can be tried with WEB_TEST_MODEL / WEB_TEST_ACTIONS (default: the project's).
MODEL = Path(os.environ.get("WEB_TEST_MODEL") or ROOT / "models" / "clinic.tar.gz")
ACTIONS = os.environ.get("WEB_TEST_ACTIONS") or "actions"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONUNBUFFERED": "1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def python_path() -> str:
    return os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


class Service:
    """A subprocess with its output in a log file; `stop()` ends it (and only it)."""

    def __init__(self, name: str, args: List[str], log_dir: Path, env: Optional[dict] = None):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **QUIET_ENV, "PYTHONPATH": python_path(), **(env or {})},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{log_tail(self.log)}")
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer {url} within {timeout:.0f}s:\n{log_tail(self.log)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()


def widget_sources() -> List[Path]:
    return [*sorted((WIDGET_DIR / "src").rglob("*")), WIDGET_DIR / "build.mjs", WIDGET_DIR / "package-lock.json"]


@pytest.fixture(scope="session")
def widget_build() -> Path:
    """bot/web/static/widget/widget.js, built from widget/ when it is missing or older than its sources."""
    bundle = WIDGET_BUILD / "widget.js"
    newest = max(path.stat().st_mtime for path in widget_sources() if path.is_file())
    if bundle.is_file() and bundle.stat().st_mtime >= newest:
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("The widget is not built and npm is missing: run `npm ci && npm run build` in widget/.")
    if not (WIDGET_DIR / "node_modules" / ".package-lock.json").is_file():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WIDGET_DIR, check=True, capture_output=True)
    result = subprocess.run([npm, "run", "build"], cwd=WIDGET_DIR, capture_output=True, text=True)
    assert result.returncode == 0, f"npm run build failed:\n{result.stdout}\n{result.stderr}"
    return bundle


@pytest.fixture(scope="session")
def service_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("service-logs")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A migrated, seeded SQLite database shared by the action server and the web app (calendar files)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web-db') / 'clinic.db'}"
    try:
        from bot.clinic import clinic
        from bot.db.seed import migrate_and_seed
    except ImportError:  # no database layer in this tree
        return url
    migrate_and_seed(url, clinic())
    return url


@pytest.fixture(scope="session")
def web_app_factory(widget_build, service_logs, database_url):
    """`start(rasa_url, port=None)` -> the base URL of a new web app that points the widget at `rasa_url`."""
    services: List[Service] = []

    def start(rasa_url: str, port: Optional[int] = None) -> str:
        port = port or free_port()
        service = Service(
            f"web-{port}",
            [sys.executable, "-m", "bot.web", "--port", str(port)],
            service_logs,
            env={"RASA_URL": rasa_url, "WEB_HOST": "127.0.0.1", "DATABASE_URL": database_url},
        )
        services.append(service)
        service.wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=60)
        return f"http://127.0.0.1:{port}"

    yield start
    for service in services:
        service.stop()


@pytest.fixture(scope="session")
def dead_rasa_url() -> str:
    """A URL nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


@dataclass
class LiveStack:
    rasa_url: str  # the real Rasa server
    web_url: str  # the demo site, an allowed origin, widget -> Rasa
    proxied_web_url: str  # the demo site, an allowed origin, widget -> proxy -> Rasa
    proxy: TcpProxy
    start_web_app: Callable[..., str]


@pytest.fixture(scope="session")
def live_stack(web_app_factory, service_logs, database_url, tmp_path_factory) -> LiveStack:
    if not MODEL.is_file():
        pytest.skip(f"No trained model at {MODEL}: run `make train` first (the browser tests need a real Rasa).")
    rasa_bin = VENV_BIN / "rasa"
    action_port, rasa_port, web_port, proxied_web_port = (free_port() for _ in range(4))
    config_dir = tmp_path_factory.mktemp("rasa-config")
    credentials = config_dir / "credentials.yml"
    credentials.write_text(
        "bot.channels.socketio.ClinicSocketIOInput:\n"
        "  user_message_evt: user_uttered\n"
        "  bot_message_evt: bot_uttered\n"
        "  session_persistence: true\n"
    )
    endpoints = endpoints_with_action_server(config_dir, action_port)
    origins = f"http://127.0.0.1:{web_port} http://127.0.0.1:{proxied_web_port}"
    env = {"DATABASE_URL": database_url, "WIDGET_ALLOWED_ORIGINS": origins,
           "TRACKER_STORE_URL": f"sqlite:///{config_dir / 'tracker.db'}"}

    services = []
    proxy = None
    try:
        actions = Service(
            "action-server",
            [str(rasa_bin), "run", "actions", "--actions", ACTIONS, "--port", str(action_port)],
            service_logs,
            env=env,
        )
        services.append(actions)
        rasa = Service(
            "rasa",
            [
                str(rasa_bin),
                "run",
                "--enable-api",
                "--cors",
                "*",
                "--port",
                str(rasa_port),
                "--credentials",
                str(credentials),
                "--endpoints",
                str(endpoints),
                "--model",
                str(MODEL),
            ],
            service_logs,
            env=env,
        )
        services.append(rasa)
        actions.wait_until_up(f"http://127.0.0.1:{action_port}/health", timeout=180)
        rasa.wait_until_up(f"http://127.0.0.1:{rasa_port}/status", timeout=300)
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        proxy = TcpProxy(rasa_port)
        yield LiveStack(
            rasa_url=rasa_url,
            web_url=web_app_factory(rasa_url, port=web_port),
            proxied_web_url=web_app_factory(f"http://127.0.0.1:{proxy.port}", port=proxied_web_port),
            proxy=proxy,
            start_web_app=web_app_factory,
        )
    finally:
        if proxy is not None:
            proxy.close()
        for service in reversed(services):
            service.stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium under Playwright's sync API, for one module's tests. Module-scoped, not session-scoped: while
    Playwright runs, it marks its event loop running in this thread, so every asyncio test after it would fail
    ("Cannot run the event loop while another loop is running"); it stops with the module that uses it."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"No Chromium at {CHROMIUM}: `apt-get install chromium` (or set CHROMIUM_PATH).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """`new_page(**context_options)` -> a page in a fresh browser context (its own localStorage)."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
