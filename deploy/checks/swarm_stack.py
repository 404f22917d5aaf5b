#!/usr/bin/env python3
"""Checks of the Swarm stack that its schema cannot make, run by deploy/checks/swarm.sh on
the stack files as `docker stack config` renders them (anchors merged, variables set).

    swarm_stack.py routes RENDERED_STACK OPENAPI_JSON
        Traefik's routing, evaluated from the labels: every path of the public API reaches
        the service its OpenAPI tag names, on its public port; the staff listener (8081) is
        reachable only through the intranet entrypoint, and there only /staff; monitoring
        reached from outside is behind basic auth.
    swarm_stack.py consistency RENDERED_STACK RENDERED_MIGRATE REPO
        The services' commands, secrets (each service mounts the shared ones and its own
        section's, no other service's; the migration job the shared ones only), configs (every file exists, every dashboard is mounted), images pinned,
        rollout settings, and the stack agreeing with config/production.toml.
    swarm_stack.py command DOCKERFILE SERVER_TS [RENDERED_STACK]
        The image's default command has the shape the end-to-end tests start the binary
        with (web/e2e/server.ts), and each service's command extends it.
    swarm_stack.py cmd-args DOCKERFILE
        Prints the image's CMD, one argument a line (for the entrypoint test).
    swarm_stack.py secret-fixture RENDERED_STACK DIR SERVICE
        Writes a fake file for every secret SERVICE mounts, with values the production
        config accepts, and prints its environment as KEY=VALUE.

Exit status 0 when every check passes, 1 with one line per problem otherwise, 2 on bad
usage. Needs PyYAML (installed with yamllint).
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

APP_SERVICES = ["identity", "content", "billing", "companion", "admin"]
# A secret's variable prefix names the service whose config section reads it; a secret
# under none of them is shared (databases, stores, token keys) and every process mounts it.
SECTION_OWNERS = {"YUJIE_WECHAT__": "identity", "YUJIE_BILLING__": "billing",
                  "YUJIE_COMPANION__": "companion", "YUJIE_ADMIN__": "admin"}
PUBLIC_PORT = "8080"
STAFF_PORT = "8081"
CONFIG_PATH = "/app/config/production.toml"
DEFAULT_ENTRYPOINT = "websecure"
STAFF_ENTRYPOINT = "staff"
DASHBOARDS_TARGET = "/etc/grafana/dashboards"
REPO = Path(__file__).resolve().parents[2]


class Problems:
    def __init__(self):
        self.lines = []

    def add(self, text):
        self.lines.append(text)

    def finish(self, what):
        for line in self.lines:
            print(f"{what}: {line}")
        if self.lines:
            return 1
        print(f"{what}: ok")
        return 0


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# --- Traefik rules -------------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(&&|\|\||\(|\))|(\w+)\(`([^`]*)`\))")


def parse_rule(rule):
    """A rule of Host, Path and PathPrefix matchers with &&, || and parentheses, as a
    predicate on (host, path). Anything else is refused, so the checker is never fooled."""
    tokens, position = [], 0
    while position < len(rule.rstrip()):
        match = TOKEN.match(rule, position)
        if not match:
            raise ValueError(f"rule not understood at {rule[position:]!r}")
        tokens.append(match.group(1) or (match.group(2), match.group(3)))
        position = match.end()

    def expression(index):
        left, index = conjunction(index)
        while index < len(tokens) and tokens[index] == "||":
            right, index = conjunction(index + 1)
            left = (lambda a, b: lambda host, path: a(host, path) or b(host, path))(left, right)
        return left, index

    def conjunction(index):
        left, index = atom(index)
        while index < len(tokens) and tokens[index] == "&&":
            right, index = atom(index + 1)
            left = (lambda a, b: lambda host, path: a(host, path) and b(host, path))(left, right)
        return left, index

    def atom(index):
        token = tokens[index]
        if token == "(":
            inner, index = expression(index + 1)
            if index >= len(tokens) or tokens[index] != ")":
                raise ValueError(f"unbalanced parentheses in {rule!r}")
            return inner, index + 1
        if not isinstance(token, tuple):
            raise ValueError(f"unexpected {token!r} in {rule!r}")
        name, argument = token
        if name == "Host":
            return (lambda value: lambda host, path: host == value)(argument), index + 1
        if name == "Path":
            return (lambda value: lambda host, path: path == value)(argument), index + 1
        if name == "PathPrefix":
            return (lambda value: lambda host, path: path.startswith(value))(argument), index + 1
        raise ValueError(f"matcher {name} is not understood by this checker (rule {rule!r})")

    predicate, index = expression(0)
    if index != len(tokens):
        raise ValueError(f"trailing tokens in {rule!r}")
    return predicate


def hosts_of(rule):
    return re.findall(r"Host\(`([^`]*)`\)", rule)


class Gateway:
    """The routers, services and middlewares that Traefik builds from the stack's labels."""

    def __init__(self, stack, problems):
        self.routers, self.middlewares, self.ports = [], {}, {}
        self.traefik_args = []
        for name, service in (stack.get("services") or {}).items():
            labels = (service.get("deploy") or {}).get("labels") or {}
            if name == "traefik":
                self.traefik_args = service.get("command") or []
            if str(labels.get("traefik.enable", "false")).lower() != "true":
                continue
            routers = {}
            for key, value in labels.items():
                parts = key.split(".")
                if key.startswith("traefik.http.routers.") and len(parts) == 5:
                    routers.setdefault(parts[3], {})[parts[4]] = str(value)
                elif key.startswith("traefik.http.services.") and key.endswith(".loadbalancer.server.port"):
                    self.ports[parts[3]] = (name, str(value))
                elif key.startswith("traefik.http.middlewares.") and len(parts) >= 5:
                    self.middlewares.setdefault(parts[3], {})[".".join(parts[4:])] = str(value)
            for router, fields in routers.items():
                if "rule" not in fields or "service" not in fields:
                    problems.add(f"router {router} (service {name}) needs an explicit rule and service")
                    continue
                try:
                    predicate = parse_rule(fields["rule"])
                except ValueError as error:
                    problems.add(f"router {router}: {error}")
                    continue
                entrypoints = [e.strip() for e in fields.get("entrypoints", DEFAULT_ENTRYPOINT).split(",")]
                middlewares = [m.strip().split("@")[0] for m in fields.get("middlewares", "").split(",") if m.strip()]
                priority = int(fields["priority"]) if "priority" in fields else len(fields["rule"])
                self.routers.append({
                    "name": router, "owner": name, "rule": fields["rule"], "match": predicate,
                    "entrypoints": entrypoints, "service": fields["service"].split("@")[0],
                    "middlewares": middlewares, "priority": priority,
                })
        for router in self.routers:
            if router["service"] not in self.ports:
                problems.add(f"router {router['name']} names service {router['service']}, which no label defines")

    def target(self, router):
        return self.ports.get(router["service"], (None, None))

    def route(self, entrypoint, host, path, problems):
        """The router that takes the request, or None."""
        matching = [r for r in self.routers if entrypoint in r["entrypoints"] and r["match"](host, path)]
        if not matching:
            return None
        matching.sort(key=lambda r: -r["priority"])
        if len(matching) > 1 and matching[0]["priority"] == matching[1]["priority"]:
            problems.add(f"{entrypoint} {host}{path}: routers {matching[0]['name']} and {matching[1]['name']} "
                         "match with the same priority")
        return matching[0]

    def arg(self, name):
        prefix = f"--{name}="
        values = [a[len(prefix):] for a in self.traefik_args if a.lower().startswith(prefix.lower())]
        return values[-1] if values else None


def check_routes(stack_path, openapi_path):
    problems = Problems()
    stack = load(stack_path)
    gateway = Gateway(stack, problems)
    if gateway.arg(f"entrypoints.{DEFAULT_ENTRYPOINT}.asDefault") != "true":
        problems.add(f"Traefik must make {DEFAULT_ENTRYPOINT} the default entrypoint (asDefault=true): "
                     "routers that name none would otherwise listen on every entrypoint")
    idle = gateway.arg("serversTransport.forwardingTimeouts.idleConnTimeout") or "90s"
    if not re.fullmatch(r"[1-9]s", idle):
        problems.add(f"Traefik keeps idle connections to the app for {idle}: it must be under the app's 10 s "
                     "keep-alive wait (http.header_read_timeout_secs), or requests race a closing connection (502)")
    public_hosts = sorted({h for r in gateway.routers if DEFAULT_ENTRYPOINT in r["entrypoints"] for h in hosts_of(r["rule"])})
    if len(public_hosts) != 1:
        problems.add(f"the public routers should name exactly one host, found {public_hosts}")
        return problems.finish("routes")
    host = public_hosts[0]

    # Every public API path reaches the service of its OpenAPI tag, on the public port.
    with open(openapi_path, encoding="utf-8") as handle:
        paths = json.load(handle)["paths"]
    for path, operations in sorted(paths.items()):
        tags = {t for o in operations.values() if isinstance(o, dict) for t in o.get("tags", [])}
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        router = gateway.route(DEFAULT_ENTRYPOINT, host, concrete, problems)
        got = gateway.target(router) if router else (None, None)
        if len(tags) != 1 or got != (next(iter(tags)), PUBLIC_PORT):
            problems.add(f"{path} (tag {sorted(tags)}) goes to {got[0]}:{got[1]}")
    for path in ["/healthz", "/readyz", "/api/openapi.json", "/", "/posts/42"]:
        router = gateway.route(DEFAULT_ENTRYPOINT, host, path, problems)
        got = gateway.target(router) if router else (None, None)
        if got[0] not in APP_SERVICES or got[1] != PUBLIC_PORT:
            problems.add(f"{path} on the public host goes to {got[0]}:{got[1]}, not an app's public listener")

    # Staff and internal paths never reach a staff listener from the public entrypoints.
    staff_paths = ["/staff/", "/staff/admin/me", "/internal/identity/users/1", "/internal/safety/words", "/metrics"]
    for entrypoint in ["web", DEFAULT_ENTRYPOINT]:
        for probe_host in [host, "another.example"]:
            for path in staff_paths:
                router = gateway.route(entrypoint, probe_host, path, problems)
                if router and gateway.target(router)[1] == STAFF_PORT:
                    problems.add(f"{path} on {entrypoint} reaches the staff listener of {gateway.target(router)[0]} "
                                 f"(router {router['name']})")
    for router in gateway.routers:
        owner, port = gateway.target(router)
        if owner in APP_SERVICES and port == STAFF_PORT and router["entrypoints"] != [STAFF_ENTRYPOINT]:
            problems.add(f"router {router['name']} reaches the staff listener of {owner} on {router['entrypoints']}: "
                         f"only the {STAFF_ENTRYPOINT} entrypoint may")
        if owner not in APP_SERVICES and STAFF_ENTRYPOINT not in router["entrypoints"]:
            auth = [m for m in router["middlewares"] if any(k.startswith("basicauth") for k in gateway.middlewares.get(m, {}))]
            if not auth:
                problems.add(f"router {router['name']} exposes {owner} outside the intranet without basic auth")

    # On the intranet entrypoint: the console reaches admin's staff listener; internal APIs
    # and metrics are not routed at all.
    for path in ["/staff/", "/staff/admin/me"]:
        router = gateway.route(STAFF_ENTRYPOINT, "staff.any", path, problems)
        got = gateway.target(router) if router else (None, None)
        if got != ("admin", STAFF_PORT):
            problems.add(f"{path} on {STAFF_ENTRYPOINT} goes to {got[0]}:{got[1]}, not admin:{STAFF_PORT}")
    for path in ["/internal/identity/users/1", "/internal/safety/words", "/metrics", "/api/v1/me"]:
        router = gateway.route(STAFF_ENTRYPOINT, "staff.any", path, problems)
        if router and gateway.target(router)[0] in APP_SERVICES:
            problems.add(f"{path} is routed on {STAFF_ENTRYPOINT} (router {router['name']}); only /staff should be")

    # The intranet entrypoint is restricted by source address.
    staff_middlewares = [m.split("@")[0] for m in (gateway.arg(f"entrypoints.{STAFF_ENTRYPOINT}.http.middlewares") or "").split(",") if m]
    ranges = [gateway.middlewares.get(m, {}).get("ipallowlist.sourcerange", "") for m in staff_middlewares]
    if not any(r.strip() for r in ranges):
        problems.add(f"the {STAFF_ENTRYPOINT} entrypoint has no ipAllowList middleware with a source range")
    return problems.finish("routes")


# --- Consistency -----------------------------------------------------------------------

def app_secrets(service):
    return {(s["source"], s["target"]) for s in service.get("secrets") or []}


def owner_of(target):
    return next((owner for prefix, owner in SECTION_OWNERS.items() if target.startswith(prefix)), None)


def secret_difference(name, mounted, wanted, problems):
    for source, target in sorted(wanted - mounted):
        problems.add(f"{name}: does not mount {source} ({target})")
    for source, target in sorted(mounted - wanted):
        owner = owner_of(target)
        whose = f"only {owner} may read" if owner else "is not among the services' shared secrets"
        problems.add(f"{name}: mounts {source} ({target}), which {whose}")


def check_consistency(stack_path, migrate_path, repo):
    problems = Problems()
    repo = Path(repo)
    stack, migrate = load(stack_path), load(migrate_path)
    services = stack.get("services") or {}
    production = tomllib.loads((repo / "config/production.toml").read_text(encoding="utf-8"))

    for name in APP_SERVICES:
        if name not in services:
            problems.add(f"service {name} is missing")
    present = [n for n in APP_SERVICES if n in services]
    for name in present:
        service = services[name]
        command = service.get("command")
        if command != ["serve", "--config", CONFIG_PATH, "--only", name]:
            problems.add(f"{name}: command {command} is not serve --config {CONFIG_PATH} --only {name}")
        if CONFIG_PATH not in [c.get("target") for c in service.get("configs") or []]:
            problems.add(f"{name}: no config mounted at {CONFIG_PATH}")
        deploy = service.get("deploy") or {}
        update = deploy.get("update_config") or {}
        wanted = {"parallelism": 1, "order": "start-first", "failure_action": "rollback"}
        for key, value in wanted.items():
            if update.get(key) != value:
                problems.add(f"{name}: update_config.{key} is {update.get(key)!r}, not {value!r}")
        if not update.get("monitor"):
            problems.add(f"{name}: update_config.monitor is not set")
        if not deploy.get("rollback_config"):
            problems.add(f"{name}: no rollback_config")
        if not (service.get("healthcheck") or {}).get("test"):
            problems.add(f"{name}: no healthcheck")
        resources = deploy.get("resources") or {}
        if not resources.get("limits") or not resources.get("reservations"):
            problems.add(f"{name}: needs resource limits and reservations")
        if not ((deploy.get("placement") or {}).get("preferences")):
            problems.add(f"{name}: no placement preference to spread its tasks")
        for key, value in (service.get("environment") or {}).items():
            match = re.fullmatch(r"YUJIE_INTERNAL__(\w+)_URL", key)
            if match:
                peer = match.group(1).lower()
                if value != f"http://{peer}:{STAFF_PORT}" or peer not in services:
                    problems.add(f"{name}: {key}={value} is not the staff listener of service {peer}")

    # Each service: the shared secrets and its own section's. The migration job: the
    # shared ones only (`yujie migrate` checks only the shared part).
    if present:
        mounted = {name: app_secrets(services[name]) for name in present}
        every = set().union(*mounted.values())
        shared = {secret for secret in every if owner_of(secret[1]) is None}
        for name in present:
            wanted = shared | {secret for secret in every if owner_of(secret[1]) == name}
            secret_difference(name, mounted[name], wanted, problems)
        job = (migrate.get("services") or {}).get("migrate") or {}
        if job.get("command") != ["migrate", "--config", CONFIG_PATH]:
            problems.add(f"migration job: command {job.get('command')} is not migrate --config {CONFIG_PATH}")
        if ((job.get("deploy") or {}).get("restart_policy") or {}).get("condition") != "none":
            problems.add("migration job: restart_policy.condition must be none (it runs once)")
        secret_difference("migration job", app_secrets(job), shared, problems)
        stack_names = {k: v.get("name") for k, v in (stack.get("secrets") or {}).items()}
        migrate_names = {k: v.get("name") for k, v in (migrate.get("secrets") or {}).items()}
        for source, _ in sorted(shared):
            if source in migrate_names and stack_names.get(source) != migrate_names.get(source):
                problems.add(f"secret {source}: named {stack_names.get(source)} in the stack, "
                             f"{migrate_names.get(source)} in the migration job")
        targets = {t for _, t in every}
        for target in sorted(targets):
            if not re.fullmatch(r"YUJIE_[A-Z0-9_]+", target):
                problems.add(f"secret target {target} is not a YUJIE_ variable name (the entrypoint's convention)")
        header = "".join(line for line in (repo / "config/production.toml").read_text(encoding="utf-8").splitlines(True)
                         if line.startswith("#"))
        for name in sorted(set(re.findall(r"YUJIE_[A-Z0-9_]*[A-Z0-9]", header)) - targets):
            problems.add(f"config/production.toml names secret {name}, which the services do not mount")
        for source, secret in (stack.get("secrets") or {}).items():
            if not secret.get("external"):
                problems.add(f"secret {source} must be external (created with docker secret create)")

    # Images are pinned: a tag that is not latest, or a digest.
    for name, service in services.items():
        image = service.get("image", "")
        if "@sha256:" not in image and (not re.search(r":[\w.-]+$", image) or image.endswith(":latest")):
            problems.add(f"{name}: image {image!r} is not pinned to a tag or digest")

    # Every config file exists; every dashboard in the repository is mounted.
    targets = {}
    for name, config in (stack.get("configs") or {}).items():
        if not Path(config.get("file", "")).is_file():
            problems.add(f"config {name}: file {config.get('file')} does not exist")
    for service in services.values():
        for config in service.get("configs") or []:
            targets[config["target"]] = config["source"]
    for dashboard in sorted((repo / "deploy/monitoring/grafana/dashboards").glob("*.json")):
        source = targets.get(f"{DASHBOARDS_TARGET}/{dashboard.name}")
        config = (stack.get("configs") or {}).get(source or "", {})
        if not source or Path(config.get("file", "")).resolve() != dashboard.resolve():
            problems.add(f"dashboard {dashboard.name} is not mounted at {DASHBOARDS_TARGET}/{dashboard.name}")

    # The stack and config/production.toml agree on the public host and the proxy network.
    base_url = production.get("public", {}).get("base_url", "")
    configured_host = re.sub(r"^https://([^/:]+).*$", r"\1", base_url)
    gateway_problems = Problems()
    routed = {h for r in Gateway(stack, gateway_problems).routers for h in hosts_of(r["rule"])}
    if routed != {configured_host}:
        problems.add(f"the gateway routes host(s) {sorted(routed)}, public.base_url is {base_url!r}")
    edge = [n for n in (stack.get("networks") or {}).values() if n.get("name", "").endswith("_edge")]
    subnets = [c.get("subnet") for n in edge for c in (n.get("ipam") or {}).get("config") or []]
    for name in present:
        proxies = (services[name].get("environment") or {}).get("YUJIE_HTTP__TRUSTED_PROXIES")
        if proxies is None or json.loads(proxies) != subnets:
            problems.add(f"{name}: YUJIE_HTTP__TRUSTED_PROXIES={proxies} is not the edge network's subnet {subnets}")
    return problems.finish("consistency")


# --- The image's command and the tests' command ------------------------------------------

def dockerfile_instruction(dockerfile, keyword):
    """The last JSON-form `keyword` instruction of the Dockerfile (continuations joined)."""
    text = re.sub(r"\\\n", " ", Path(dockerfile).read_text(encoding="utf-8"))
    found = None
    for line in text.splitlines():
        match = re.match(rf"\s*{keyword}\s+(\[.*\])\s*$", line, re.IGNORECASE)
        if match:
            found = json.loads(match.group(1))
    return found


def shape(arguments):
    """Subcommand and flag names kept, values replaced: the part the two must share."""
    out = []
    for index, argument in enumerate(arguments):
        out.append(argument if index == 0 or argument.startswith("-") else "<value>")
    return out


def top_level_elements(text):
    """The elements of a TypeScript array literal's body, split at commas outside brackets."""
    elements, depth, current = [], 0, ""
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            elements.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        elements.append(current.strip())
    return elements


def check_command(dockerfile, server_ts, stack_path=None):
    problems = Problems()
    cmd = dockerfile_instruction(dockerfile, "CMD")
    entrypoint = dockerfile_instruction(dockerfile, "ENTRYPOINT")
    source = Path(server_ts).read_text(encoding="utf-8")
    match = re.search(r"spawn\(\s*binary\s*,\s*\[([^\]]*)\]", source)
    if not cmd:
        problems.add(f"{dockerfile} has no JSON-form CMD")
    if not match:
        problems.add(f"{server_ts}: no `spawn(binary, [...])` found")
    if cmd and match:
        tests = [literal.group(1) if (literal := re.fullmatch(r"'([^']*)'", element)) else "<value>"
                 for element in top_level_elements(match.group(1))]
        if shape(cmd) != shape(tests):
            problems.add(f"the image runs yujie {' '.join(shape(cmd))}, the e2e tests run yujie {' '.join(shape(tests))}")
        if stack_path:
            for name, service in (load(stack_path).get("services") or {}).items():
                if name in APP_SERVICES and shape(service.get("command") or [])[:len(cmd)] != shape(cmd):
                    problems.add(f"service {name} runs {service.get('command')}, which does not extend the image's CMD")
    if entrypoint:
        script = REPO / "deploy/docker" / Path(entrypoint[0]).name
        if not script.is_file() or not re.search(r'^exec yujie "\$@"$', script.read_text(encoding="utf-8"), re.MULTILINE):
            problems.add(f"ENTRYPOINT {entrypoint} is not deploy/docker/entrypoint.sh ending in exec yujie \"$@\"")
    else:
        problems.add(f"{dockerfile} has no JSON-form ENTRYPOINT")
    return problems.finish("command")


# --- Fixtures for the entrypoint test with the real binary -------------------------------

def secret_fixture(stack_path, directory, name):
    stack = load(stack_path)
    service = stack["services"][name]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    special = {
        "YUJIE_DATABASE__URL": "mysql://yujie:fixture@db.internal:3306/yujie",
        "YUJIE_REDIS__URL": "redis://:fixture@redis.internal:6379/0",
        "YUJIE_WECHAT__ENCODING_AES_KEY": "k" * 43,
        "YUJIE_BILLING__WECHATPAY__API_V3_KEY": "v3" * 16,
    }
    for secret in service.get("secrets") or []:
        target = secret["target"]
        if target.endswith("_PRIVATE_KEY"):
            value = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                                   check=True, capture_output=True, text=True).stdout
        else:
            value = special.get(target, f"fixture-{target.lower()}-" + "x" * 32) + "\n"
        (directory / target).write_text(value, encoding="utf-8")
    for key, value in (service.get("environment") or {}).items():
        print(f"{key}={value}")
    return 0


def main(argv):
    commands = {
        "routes": (check_routes, 2),
        "consistency": (check_consistency, 3),
        "secret-fixture": (secret_fixture, 3),
    }
    if len(argv) >= 2 and argv[1] == "command" and len(argv) in (4, 5):
        return check_command(*argv[2:])
    if len(argv) == 3 and argv[1] == "cmd-args":
        print("\n".join(dockerfile_instruction(argv[2], "CMD") or []))
        return 0
    if len(argv) >= 2 and argv[1] in commands and len(argv) == 2 + commands[argv[1]][1]:
        return commands[argv[1]][0](*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
