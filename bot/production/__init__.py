"""The production profile on one machine (`make prod`, `python -m bot.production`).

nginx in front of two or more Rasa replicas and two or more action servers, with the web app and the reminders
worker, all supervised by supervisord (a process that exits is started again). Conversations and the clinic
database are on PostgreSQL, the lock store and the Socket.IO rooms on Redis, conversation events on RabbitMQ: the
machine's own services unless DATABASE_URL, TRACKER_STORE_URL, REDIS_URL or EVENT_BROKER_URL say otherwise.

nginx answers the public on PROD_PORT (default 8080) with only the public paths: the channels' webhooks and
Socket.IO (Rasa), the widget, the calendar files, the e-mail links and the staff inbox (the web app). Rasa's HTTP
API, the action servers and the web app listen on 127.0.0.1 only; nginx balances Rasa's API for the staff inbox and
the reminders, and the action servers for Rasa, on two more 127.0.0.1 ports. Socket.IO is sticky by client address
(its polling transport needs every request of a session at one replica); a staff reply reaches a widget on any
replica through the Redis manager (bot/channels/socketio.py).

Ports: PROD_PORT for the public; PROD_BASE_PORT (default 5100) and the ports after it for everything internal.
Secrets come from the environment, which supervisord passes on; the files written to PROD_FOLDER (default
var/prod) hold none.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Tuple

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.clinic import PROJECT_ROOT

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCAL_SERVICES = {
    "DATABASE_URL": "postgresql+psycopg2://postgres@127.0.0.1:5432/clinic",
    "TRACKER_STORE_URL": "postgresql+psycopg2://postgres@127.0.0.1:5432/clinic_conversations",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EVENT_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/",
}


@dataclass(frozen=True)
class Profile:
    folder: Path
    public_port: int = 8080
    base_port: int = 5100
    rasa_replicas: int = 2
    action_servers: int = 2
    public_host: str = "127.0.0.1"
    model: Path = PROJECT_ROOT / "models" / "clinic.tar.gz"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Profile":
        return cls(
            folder=Path(env.get("PROD_FOLDER") or PROJECT_ROOT / "var" / "prod").resolve(),
            public_port=int(env.get("PROD_PORT") or cls.public_port),
            base_port=int(env.get("PROD_BASE_PORT") or cls.base_port),
            rasa_replicas=max(1, int(env.get("PROD_RASA_REPLICAS") or cls.rasa_replicas)),
            action_servers=max(1, int(env.get("PROD_ACTION_SERVERS") or cls.action_servers)),
            public_host=env.get("PROD_HOST") or cls.public_host,
        )

    @property
    def rasa_api_port(self) -> int:  # nginx: Rasa's HTTP API, for the staff inbox and the reminders
        return self.base_port

    @property
    def action_port(self) -> int:  # nginx: the action servers, for Rasa
        return self.base_port + 1

    @property
    def web_port(self) -> int:
        return self.base_port + 2

    @property
    def rasa_ports(self) -> Tuple[int, ...]:
        return tuple(self.base_port + 10 + index for index in range(self.rasa_replicas))

    @property
    def action_ports(self) -> Tuple[int, ...]:
        return tuple(self.base_port + 30 + index for index in range(self.action_servers))

    @property
    def public_url(self) -> str:
        return f"http://{self.public_host}:{self.public_port}"

    @property
    def supervisor_conf(self) -> Path:
        return self.folder / "supervisord.conf"


def service_env(profile: Profile, env: Mapping[str, str]) -> Dict[str, str]:
    """The environment every process of the profile gets: the local services unless set, and the internal URLs.
    PUBLIC_URL is the address patients use (https://chat.clinic.example behind a TLS terminator); it is needed
    when nginx listens beyond this machine, since e-mail links and the widget's origin are made from it."""
    public_url = env.get("PUBLIC_URL") or profile.public_url
    if not env.get("PUBLIC_URL") and profile.public_host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"PROD_HOST={profile.public_host} needs PUBLIC_URL, the address patients reach nginx at")
    secure = {"STAFF_COOKIE_SECURE": "true"} if public_url.startswith("https://") else {}
    return {
        **LOCAL_SERVICES,
        **secure,
        "CLINIC_ENV": "production",  # the REST channel is off unless REST_CHANNEL_TOKEN is set
        "WIDGET_ALLOWED_ORIGINS": public_url,
        "WEB_BASE_URL": public_url,
        **env,
        "RASA_URL": f"http://127.0.0.1:{profile.rasa_api_port}",
        "WIDGET_SERVER_URL": public_url,
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(profile.web_port),
    }


def render(profile: Profile) -> None:
    """Writes nginx.conf, supervisord.conf and endpoints.yml into the profile's folder."""
    for sub in ("logs", "nginx"):
        (profile.folder / sub).mkdir(parents=True, exist_ok=True)
    templates = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True)
    values = {"profile": profile, "python": sys.executable, "root": PROJECT_ROOT,
              "nginx": shutil.which("nginx") or "/usr/sbin/nginx"}
    for name in ("nginx.conf", "supervisord.conf"):
        (profile.folder / name).write_text(templates.get_template(name).render(**values))
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{profile.action_port}/webhook"}
    (profile.folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints, sort_keys=False))
