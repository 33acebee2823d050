"""The Kubernetes manifests in deploy/kubernetes/ (deploy/README.md, docs/deployment.md), parsed, never applied.

They mirror the production profile in README.md, so these tests hold them to the code they run: the ingress exposes
only the public paths and none of Rasa's HTTP API (the routes of Rasa's own app and of the web app are read here,
not listed by hand); Rasa and the action server keep two replicas and a disruption budget; every long-running
container has probes on its own port and every container has requests and limits; secrets come from the Secret one
key at a time, never as literals, never in a ConfigMap or on a command line; every variable name is one the code
(or a named library) reads; every command line parses with the real command's own parser; and the pods run
locked down. No cluster, kubectl or kustomize is needed.
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KUBE = ROOT / "deploy" / "kubernetes"
SECRET_TEMPLATE = "secret.template.yaml"
SECRET_NAME = "clinic-secrets"
NAMESPACE = "clinic"
# Literal `value:` entries allowed in a container's env: settings, not secrets.
LITERAL_ENV = {"HOME"}
# Long-running containers without probes, and why (the test fails if such a container gains a port).
NO_PROBES = {"reminders": "the worker serves no HTTP endpoint and writes no heartbeat (deploy/README.md, Gaps)"}
# Each long-running container's health endpoint: Rasa's GET / (no token; /status needs one), rasa_sdk's /health, the
# web app's /healthz.
HEALTH_PATHS = {"rasa": "/", "actions": "/health", "web": "/healthz"}
# Secrets each process cannot start or work without (no `optional: true`). LOG_PSEUDONYM_KEY: without it a process
# writes var/log_pseudonym_key, on a read-only file system and different in every pod (bot/privacy.py).
REQUIRED_SECRETS = {
    # REDIS_URL: the conversation locks and Socket.IO's rooms across replicas (bot/nlp/lock_store.py,
    # bot/channels/socketio.py); without it each replica locks and emits on its own.
    "rasa": {"RASA_API_TOKEN", "TRACKER_STORE_URL", "EVENT_BROKER_URL", "DATABASE_URL", "REDIS_URL",
             "LOG_PSEUDONYM_KEY"},
    "actions": {"DATABASE_URL", "LOG_PSEUDONYM_KEY", "EMAIL_LINK_SECRET"},
    "web": {"DATABASE_URL", "RASA_API_TOKEN", "EVENT_BROKER_URL", "EMAIL_LINK_SECRET", "LOG_PSEUDONYM_KEY"},
    "reminders": {"DATABASE_URL", "RASA_API_TOKEN", "EMAIL_LINK_SECRET", "LOG_PSEUDONYM_KEY"},
    "retention": {"DATABASE_URL", "TRACKER_STORE_URL", "LOG_PSEUDONYM_KEY"},
    "db-upgrade": {"DATABASE_URL"},
    "db-seed": {"DATABASE_URL"},
}
# Rasa's resident memory after loading the model, measured for docs/deployment.md (1,483 MB after 220 messages).
MEASURED_RASA_RSS_MIB = 1483 * 1000**2 / 1024**2


# --- loading ------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def manifests() -> Dict[str, List[Dict[str, Any]]]:
    return {path.name: [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
            for path in sorted(KUBE.glob("*.yaml"))}


def applied() -> List[Dict[str, Any]]:
    """Every object `kubectl apply -k` creates (the kustomization's resources)."""
    kustomization = manifests()["kustomization.yaml"][0]
    return [doc for name in kustomization["resources"] for doc in manifests()[name]]


def objects(kind: str) -> List[Dict[str, Any]]:
    return [doc for doc in applied() if doc["kind"] == kind]


def one(kind: str, name: str) -> Dict[str, Any]:
    found = [doc for doc in objects(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_specs() -> Iterator[Tuple[str, Dict[str, Any]]]:
    """(workload kind/name, pod spec) of every Deployment, Job and CronJob."""
    for doc in applied():
        label = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] in ("Deployment", "Job"):
            yield label, doc["spec"]["template"]["spec"]
        elif doc["kind"] == "CronJob":
            yield label, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def containers() -> Iterator[Tuple[str, Dict[str, Any], Dict[str, Any]]]:
    """(workload, pod spec, container) for every container and init container."""
    for label, spec in pod_specs():
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield label, spec, container


def deployment_containers() -> Iterator[Tuple[Dict[str, Any], Dict[str, Any]]]:
    for deployment in objects("Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            yield deployment, container


def secret_template() -> Dict[str, Any]:
    (secret,) = manifests()[SECRET_TEMPLATE]
    return secret


def config_map(name: str) -> Dict[str, str]:
    return one("ConfigMap", name)["data"]


def rasa_endpoints() -> Dict[str, Any]:
    return yaml.safe_load(config_map("rasa-endpoints")["endpoints.yml"])


def quantity(text: Any) -> float:
    """A Kubernetes quantity as a number: cores for CPU ("250m" = 0.25), bytes for memory ("512Mi")."""
    text = str(text)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    for suffix, factor in sorted(units.items(), key=lambda item: -len(item[0])):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


# --- what the code reads --------------------------------------------------------------------------------------------

ENV_READS = (
    re.compile(r"""(?:environ\.get|getenv|env\.get|environ\[)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""_setting\([^)]*?["']([A-Z][A-Z0-9_]+)["']\s*\)"""),  # bot/channels/*: (credentials, key, VAR)
    re.compile(r"""^[A-Z_]*_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", re.MULTILINE),  # TOKEN_ENV = "RASA_API_TOKEN"
)


@lru_cache(maxsize=None)
def names_the_code_reads() -> frozenset:
    names = set()
    for folder in ("bot", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for pattern in ENV_READS:
                names.update(pattern.findall(text))
    return frozenset(names)


def names_rasa_expands() -> set:
    """${VAR} in the endpoints.yml Rasa runs with (Rasa expands them from the environment, and fails if unset)."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", config_map("rasa-endpoints")["endpoints.yml"]))


def names_libraries_read() -> Dict[str, str]:
    """Variables read by the libraries the processes run on, each checked against the library itself."""
    import rasa.core.constants
    import rasa.shared.constants
    import rasa.telemetry

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    names = {
        rasa.shared.constants.ENV_LOG_LEVEL: "Rasa",
        rasa.telemetry.TELEMETRY_ENABLED_ENVIRONMENT_VARIABLE: "Rasa",
        rasa.core.constants.POSTGRESQL_POOL_SIZE: "Rasa's SQL tracker store",
        rasa.core.constants.POSTGRESQL_MAX_OVERFLOW: "Rasa's SQL tracker store",
    }
    for name in ("TF_CPP_MIN_LOG_LEVEL", "SQLALCHEMY_SILENCE_UBER_WARNING"):  # exported by the Makefile for `make run`
        assert f"export {name}" in makefile
        names[name] = "TensorFlow / SQLAlchemy (as the Makefile exports it)"
    return names


def read_by_sanic(name: str) -> bool:
    """SANIC_<SETTING>: Sanic loads it into app.config.<SETTING> (env prefix SANIC_)."""
    from sanic.config import SANIC_PREFIX, Config

    return name.startswith(SANIC_PREFIX) and hasattr(Config(), name[len(SANIC_PREFIX):])


# --- the files ----------------------------------------------------------------------------------------------------


def test_every_manifest_parses_and_the_kustomization_applies_all_but_the_secret_template():
    files = manifests()
    assert files, "no manifests in deploy/kubernetes"
    for name, docs in files.items():
        assert docs, f"{name} is empty"
        for doc in docs:
            assert {"apiVersion", "kind"} <= doc.keys(), name
            if doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"], name
    kustomization = files["kustomization.yaml"][0]
    assert kustomization["namespace"] == NAMESPACE
    listed = set(kustomization["resources"])
    assert listed == set(files) - {"kustomization.yaml", SECRET_TEMPLATE}, (
        "every manifest is applied, except the Secret template (it would overwrite the real Secret with empty values)")
    for doc in applied():
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == NAMESPACE, doc["metadata"]["name"]
    images = {container["image"] for _, _, container in containers()}
    assert images == {image["name"] for image in kustomization["images"]}, "one image, set by the kustomization"


# --- the ingress: public paths only -------------------------------------------------------------------------------


def ingress_paths() -> List[Tuple[Dict[str, Any], str, str, str]]:
    """(ingress, path, pathType, backend service) for every rule."""
    rows = []
    for ingress in objects("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                rows.append((ingress, path["path"], path["pathType"], path["backend"]["service"]["name"]))
    return rows


def reaches(prefix: str, route: str) -> bool:
    """Whether an ingress Prefix path lets requests for `route` (a route template) through."""
    route = "/" + route.lstrip("/")
    if prefix == "/":
        return True
    return route == prefix or route.startswith(prefix.rstrip("/") + "/")


def channel_names() -> Dict[str, str]:
    """The channels in credentials.yml, by their name in Rasa's webhook URLs (/webhooks/<name>/webhook)."""
    from rasa.shared.utils.common import class_from_module_path

    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    return {class_from_module_path(path).name(): path for path in credentials}


def rasa_api_routes() -> List[str]:
    """Every route of Rasa's HTTP API (`rasa run --enable-api`), from Rasa's own app."""
    import rasa.server

    app = rasa.server.create_app(auth_token="not-a-real-token")
    return sorted({"/" + route.path.lstrip("/") for route in app.router.routes})


def test_the_ingress_exposes_no_path_of_rasas_http_api():
    channels = channel_names()
    assert {"socketio", "rest", "twilio"} <= set(channels)
    public_rasa = {"/socket.io"} | {f"/webhooks/{name}" for name in channels if name not in ("socketio", "rest")}
    api = rasa_api_routes()
    assert "/conversations/<conversation_id:path>/tracker" in api and "/model" in api  # the list is Rasa's own
    rasa_paths = set()
    for ingress, path, path_type, service in ingress_paths():
        annotations = ingress["metadata"].get("annotations") or {}
        assert annotations.get("nginx.ingress.kubernetes.io/use-regex") != "true", "plain prefixes only"
        assert "nginx.ingress.kubernetes.io/rewrite-target" not in annotations
        assert path_type in ("Prefix", "Exact"), path
        assert path != "/", f"{ingress['metadata']['name']} exposes everything of {service}"
        if service == "rasa":
            rasa_paths.add(path)
            assert path in public_rasa, f"{path} is not a public path of Rasa"
            assert not [route for route in api if reaches(path, route)], f"{path} reaches Rasa's HTTP API"
    assert not any(reaches(path, "/webhooks/rest/webhook") for path in rasa_paths), (
        "the REST channel is off in production without REST_CHANNEL_TOKEN and not a public path")
    assert "/socket.io" in rasa_paths
    assert {path for path in rasa_paths if path.startswith("/webhooks/")}, "no channel webhook is routed"


def web_routes(monkeypatch, tmp_path) -> List[str]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    from bot.web.app import create_app

    app = create_app()
    return sorted({"/" + route.path.lstrip("/") for route in app.router.routes})


def test_the_web_apps_public_paths_are_its_routes_and_not_its_demo_page(monkeypatch, tmp_path):
    routes = web_routes(monkeypatch, tmp_path)
    web_paths = {path for _, path, _, service in ingress_paths() if service == "web"}
    assert {"/widget", "/calendar", "/staff", "/email"} <= web_paths
    for path in web_paths:
        assert any(reaches(path, route) for route in routes), f"{path} matches no route of the web app"
        assert not reaches(path, "/healthz") and not reaches(path, "/"), path
    assert HEALTH_PATHS["web"] in routes


def test_socketio_has_cookie_affinity_and_timeouts_above_engineios_heartbeat():
    import inspect

    import engineio

    socketio_ingresses = [ingress for ingress, path, _, _ in ingress_paths() if path == "/socket.io"]
    assert len(socketio_ingresses) == 1
    annotations = socketio_ingresses[0]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "session-cookie-path"] == "/socket.io"
    assert annotations[prefix + "session-cookie-name"]
    # The Socket.IO path the channel serves (no socketio_path in credentials.yml: the connector's default).
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert (credentials["bot.channels.socketio.ClinicSocketIOInput"] or {}).get("socketio_path",
                                                                                 "/socket.io") == "/socket.io"
    # A WebSocket or long-poll request is silent for at most ping_interval + ping_timeout: the proxy must wait longer.
    server_defaults = inspect.signature(engineio.AsyncServer.__init__).parameters
    heartbeat = server_defaults["ping_interval"].default + server_defaults["ping_timeout"].default
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(annotations[prefix + timeout]) > heartbeat, timeout
    # Only Socket.IO is pinned: webhooks and the web app are balanced freely.
    for ingress in objects("Ingress"):
        if ingress is not socketio_ingresses[0]:
            assert prefix + "affinity" not in (ingress["metadata"].get("annotations") or {})


# --- replicas, disruption budgets, autoscaling ----------------------------------------------------------------------


def pod_labels(deployment: Dict[str, Any]) -> Dict[str, str]:
    return deployment["spec"]["template"]["metadata"]["labels"]


def test_rasa_and_actions_keep_two_replicas_through_disruptions():
    hpa = one("HorizontalPodAutoscaler", "rasa")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "rasa"}
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and 0 < metric["resource"]["target"]["averageUtilization"] <= 80
    rasa = one("Deployment", "rasa")
    assert "replicas" not in rasa["spec"], "the HPA owns Rasa's replica count; `kubectl apply` would reset it"
    minimum = {"rasa": hpa["spec"]["minReplicas"], "actions": one("Deployment", "actions")["spec"]["replicas"]}
    assert minimum["actions"] >= 2
    for name, replicas in minimum.items():
        budget = one("PodDisruptionBudget", name)["spec"]
        labels = pod_labels(one("Deployment", name))
        assert budget["selector"]["matchLabels"].items() <= labels.items(), name
        assert 1 <= budget["minAvailable"] < replicas, f"{name}: a drain must be able to move a pod"
    # The HPA measures CPU against the request, which must therefore exist.
    (container,) = rasa["spec"]["template"]["spec"]["containers"]
    assert quantity(container["resources"]["requests"]["cpu"]) > 0


def test_services_select_their_deployments_on_named_ports():
    for service in objects("Service"):
        selected = [d for d in objects("Deployment")
                    if service["spec"]["selector"].items() <= pod_labels(d).items()]
        assert len(selected) == 1, service["metadata"]["name"]
        ports = {port["name"]: port["containerPort"]
                 for container in selected[0]["spec"]["template"]["spec"]["containers"]
                 for port in container.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, service["metadata"]["name"]
            assert port["port"] == ports[port["targetPort"]]
    for _, _, _, service in ingress_paths():
        one("Service", service)
    rasa_url = urlsplit(config_map("clinic-config")["RASA_URL"])
    assert (rasa_url.hostname, rasa_url.port) == ("rasa", one("Service", "rasa")["spec"]["ports"][0]["port"])
    action_url = urlsplit(rasa_endpoints()["action_endpoint"]["url"])
    assert (action_url.hostname, action_url.port, action_url.path) == (
        "actions", one("Service", "actions")["spec"]["ports"][0]["port"], "/webhook")


# --- probes and resources -------------------------------------------------------------------------------------------


def test_every_long_running_container_has_probes_on_its_own_health_endpoint():
    for _, container in deployment_containers():
        name = container["name"]
        if name in NO_PROBES:
            assert not container.get("ports"), f"{name} now serves a port: give it probes ({NO_PROBES[name]})"
            continue
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        for probe in ("readinessProbe", "livenessProbe"):
            assert probe in container, f"{name} has no {probe}"
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if probe not in container:
                continue
            check = container[probe]["httpGet"]
            assert check["path"] == HEALTH_PATHS[name], (name, probe)
            assert check["port"] in ports or check["port"] in ports.values(), (name, probe)
            assert container[probe]["timeoutSeconds"] < container[probe]["periodSeconds"]


def test_every_container_has_requests_and_limits():
    for workload, _, container in containers():
        resources = container.get("resources") or {}
        for kind in ("cpu", "memory"):
            request, limit = resources["requests"][kind], resources["limits"][kind]
            assert 0 < quantity(request) <= quantity(limit), (workload, container["name"], kind)
    (rasa,) = one("Deployment", "rasa")["spec"]["template"]["spec"]["containers"]
    assert quantity(rasa["resources"]["requests"]["memory"]) / 2**20 > MEASURED_RASA_RSS_MIB, (
        "Rasa's memory request is below its measured resident size (docs/deployment.md)")


# --- secrets -----------------------------------------------------------------------------------------------------


def env_entries() -> Iterator[Tuple[str, Dict[str, Any], Dict[str, Any]]]:
    for workload, _, container in containers():
        for entry in container.get("env", []):
            yield workload, container, entry


def test_secrets_come_only_from_the_secret_one_key_at_a_time():
    template = secret_template()
    assert template["kind"] == "Secret" and template["metadata"]["name"] == SECRET_NAME
    assert all(value == "" for value in template["stringData"].values()), "the template holds names, no values"
    secret_keys = set(template["stringData"])
    for workload, container, entry in env_entries():
        where = f"{workload} {container['name']} {entry['name']}"
        if "value" in entry:
            assert entry["name"] in LITERAL_ENV, f"{where}: a literal value; secrets come from secretKeyRef"
            continue
        reference = entry["valueFrom"].get("secretKeyRef")
        assert reference is not None, f"{where}: only secretKeyRef here (settings come from the ConfigMap)"
        assert reference["name"] == SECRET_NAME and reference["key"] == entry["name"], where
        assert reference["key"] in secret_keys, f"{where}: not in {SECRET_TEMPLATE}"
    for workload, _, container in containers():
        for source in container.get("envFrom", []):
            assert set(source) == {"configMapRef"}, f"{workload}: no whole Secret in the environment"
        argv = " ".join(container.get("command", []) + container.get("args", []))
        assert "$(" not in argv, f"{workload}: Kubernetes would expand a variable into the command line"
        assert "--auth-token" not in argv and "token" not in argv.lower(), f"{workload}: a token on the command line"
    settings = config_map("clinic-config")
    assert not secret_keys & set(settings), "a secret in the ConfigMap"
    for key, value in settings.items():
        assert not re.search(r"TOKEN|SECRET|PASSWORD|_KEY$", key), key
        assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", str(value)), f"{key} holds a URL with a password"
    assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", config_map("rasa-endpoints")["endpoints.yml"])


def test_each_process_gets_the_secrets_it_needs_as_required_keys():
    for _, _, container in containers():
        required = {entry["name"] for entry in container.get("env", [])
                    if "valueFrom" in entry and not entry["valueFrom"]["secretKeyRef"].get("optional")}
        missing = REQUIRED_SECRETS[container["name"]] - required
        assert not missing, f"{container['name']} lacks {sorted(missing)}"


def test_every_variable_is_one_the_code_or_a_named_library_reads():
    code = names_the_code_reads()
    assert {"DATABASE_URL", "TRACKER_STORE_URL", "EVENT_BROKER_URL", "RASA_API_TOKEN", "TWILIO_AUTH_TOKEN",
            "LOG_PSEUDONYM_KEY", "REST_CHANNEL_TOKEN"} <= code  # the patterns still find the code's reads
    expanded = names_rasa_expands()
    libraries = names_libraries_read()
    for key in secret_template()["stringData"]:
        assert key in code or key in expanded, f"secret {key} is read by nothing"
    for _, _, entry in env_entries():
        name = entry["name"]
        assert name in code or name in expanded or name in LITERAL_ENV, f"{name} is read by nothing"
    for key in config_map("clinic-config"):
        assert key in code or key in expanded or key in libraries or read_by_sanic(key), f"{key} is read by nothing"
    # Rasa refuses to start when a ${VAR} of its endpoints.yml is unset: each must reach the Rasa container.
    (rasa,) = one("Deployment", "rasa")["spec"]["template"]["spec"]["containers"]
    given = {entry["name"] for entry in rasa["env"]} | set(config_map("clinic-config"))
    assert expanded <= given, f"{sorted(expanded - given)} not given to Rasa"


# --- commands -----------------------------------------------------------------------------------------------------


class Parsed(Exception):
    """Raised instead of running a command once its command line has parsed."""


def parse_only(monkeypatch) -> None:
    """Makes the top-level ArgumentParser.parse_args raise Parsed(namespace): the real parsers, nothing run."""
    original = argparse.ArgumentParser.parse_args

    def parse_args(self, args=None, namespace=None):
        raise Parsed(original(self, args, namespace))

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_args)


def parsed(monkeypatch, argv: List[str]) -> argparse.Namespace:
    """The namespace the container's command line parses to, with the command's own parser (SystemExit if not)."""
    parse_only(monkeypatch)
    monkeypatch.setenv("RASA_API_TOKEN", "not-a-real-token")
    if argv[:3] == ["python", "-m", "bot.rasa_server"]:
        import bot.rasa_server as rasa_server

        for name, value in rasa_server.ONE_THREAD_EACH.items():  # main() sets them; the test restores them
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["python", *argv[3:]])
        call = rasa_server.main
    elif argv[:1] == ["rasa"]:
        import rasa.__main__

        monkeypatch.setattr(sys, "argv", ["rasa", *argv[1:]])
        call = rasa.__main__.main
    elif argv[:3] == ["python", "-m", "bot.web"]:
        from bot.web.__main__ import main

        def call():
            return main(argv[3:])
    elif argv[:3] == ["python", "-m", "bot"]:
        from bot.__main__ import main

        def call():
            return main(argv[3:])
    else:
        raise AssertionError(f"unknown command {argv}")
    with pytest.raises(Parsed) as result:
        call()
    return result.value.args[0]


def test_every_command_line_parses_with_the_real_commands_parser(monkeypatch):
    seen = set()
    for _, spec, container in containers():
        argv = container["command"] + container.get("args", [])
        with monkeypatch.context() as patch:
            namespace = parsed(patch, argv)
        assert callable(getattr(namespace, "func", None)) or argv[:3] == ["python", "-m", "bot.web"], argv
        seen.add(container["name"])
        if container["name"] == "rasa":
            mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
            volumes = {volume["name"]: volume for volume in spec["volumes"]}
            endpoints = Path(namespace.endpoints)
            (volume,) = [name for name, path in mounts.items() if Path(path) == endpoints.parent]
            assert volumes[volume]["configMap"]["name"] == "rasa-endpoints"
            assert endpoints.name in config_map("rasa-endpoints")
            assert (ROOT / namespace.credentials).is_file()
            assert namespace.enable_api and namespace.port == 5005
            assert f"--model {namespace.model}" in (ROOT / "Makefile").read_text(encoding="utf-8")
        if container["name"] == "web":
            assert (namespace.host, namespace.port) == ("0.0.0.0", 8000)
        if container["name"] == "actions":
            assert (namespace.actions, int(namespace.port)) == ("actions", 5055)
    assert {"rasa", "actions", "web", "reminders", "retention", "db-upgrade", "db-seed"} <= seen


# --- Rasa's endpoints -------------------------------------------------------------------------------------------


def test_rasas_endpoints_mirror_the_repository_and_lock_conversations_in_redis(monkeypatch, tmp_path):
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.utils.endpoints import read_endpoint_config

    production = rasa_endpoints()
    development = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    # Everything but where the action server is: the same response generator, tracker store, broker and lock store.
    assert {key: value for key, value in production.items() if key != "action_endpoint"} == {
        key: value for key, value in development.items() if key != "action_endpoint"}
    assert "lock_store" in production, "several Rasa replicas need a shared lock store"
    # Rasa's own reader and factory (no connection is made), as Rasa builds the lock store from the mounted file.
    path = tmp_path / "endpoints.yml"
    path.write_text(config_map("rasa-endpoints")["endpoints.yml"], encoding="utf-8")
    monkeypatch.setenv("REDIS_URL", "rediss://:not-a-real-password@redis.example:6379/0")  # as the Secret gives it
    store = LockStore.create(read_endpoint_config(str(path), "lock_store"))
    assert isinstance(store, RedisLockStore), "the replicas would each lock in their own memory"
    assert store.red.connection_pool.connection_kwargs["host"] == "redis.example"


# --- the pods -----------------------------------------------------------------------------------------------------


def test_pods_run_locked_down_with_only_tmp_writable():
    for workload, spec in pod_specs():
        assert spec.get("enableServiceLinks") is False, (
            f"{workload}: Service links would set WEB_PORT=tcp://..., which bot/web/app.py reads as a number")
        assert spec.get("automountServiceAccountToken") is False, workload
        context = spec["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] != 0, workload
        assert context["seccompProfile"]["type"] == "RuntimeDefault", workload
    for workload, spec, container in containers():
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, workload
        assert context["readOnlyRootFilesystem"] is True, workload
        assert context["capabilities"]["drop"] == ["ALL"], workload
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        writable = [mount for mount in container["volumeMounts"]
                    if not mount.get("readOnly") and "emptyDir" in volumes[mount["name"]]]
        assert [mount["mountPath"] for mount in writable] == ["/tmp"], workload
        home = [entry for entry in container.get("env", []) if entry["name"] == "HOME"]
        assert home and home[0]["value"] == "/tmp", f"{workload}: Rasa and TensorFlow write under $HOME"


def test_the_dockerfile_mirrors_make_setup_and_train():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.10[.\w-]* AS build$", dockerfile, re.MULTILINE)
    for step in ("pip install -q -r requirements.txt", "-m bot build-spacy", "-m bot build-encoder",
                 "-m bot build-urgency-net", "npm ci --no-audit --no-fund --loglevel=error", "npm run build",
                 "train --fixed-model-name clinic --out models", "site-packages/tests"):
        assert step in dockerfile and step in makefile, step
    user = re.findall(r"^USER (\d+)", dockerfile, re.MULTILINE)
    run_as = {spec["securityContext"]["runAsUser"] for _, spec in pod_specs()}
    assert user and run_as == {int(user[-1].split(":")[0])}
