#!/usr/bin/env python3
"""Offline checks of the Grafana provisioning and dashboards (no Grafana server needed).

Checks, from the repository root:
- the data source provisioning has exactly one Prometheus data source, with a fixed uid;
- every dashboard provider points at a folder that the stack mounts from this repository
  (MOUNTS below) and that exists here with at least one dashboard;
- every dashboard has a uid, unique across the dashboards, and unique panel ids;
- every panel with queries, every query, annotation and query variable uses the
  provisioned data source uid;
- every PromQL expression (panels, annotations, `label_values(...)` of variables) parses
  with promql-parser once Grafana's variables are replaced, and uses only variables the
  dashboard defines;
- every `yujie_*` metric that a panel or an alert rule names is registered in crates/
  (`register("name", ...)`, exposed with the `yujie_` prefix) or is one of the pipeline
  events pushed to the Pushgateway (PUSHED below).

With --prometheus URL, every expression also runs as an instant query on that server
(the variables set to match everything), and an error answer is a problem: this finds
what parses but cannot be evaluated (deploy/checks/prometheus-scrape.sh uses it).

Usage: dashboards.py [--datasources DIR] [--providers DIR] [--dashboards DIR] [--rules FILE ...]
                     [--prometheus URL]
Exits 1 and lists every problem when a check fails.
"""

import argparse
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import promql_parser
import yaml

GRAFANA = Path("deploy/monitoring/grafana")
# Where the stack mounts the repository's folders inside the Grafana container.
MOUNTS = {"/etc/grafana/dashboards": GRAFANA / "dashboards"}
# Gauges the CI pipelines push to the Pushgateway (deployment and incident events).
PUSHED = {
    "yujie_deployment_timestamp_seconds",
    "yujie_deployment_lead_time_seconds",
    "yujie_deployment_failed",
    "yujie_incident_duration_seconds",
}
# Series a metric family is exposed as, by suffix (counter, histogram, gauge).
SUFFIXES = ("", "_total", "_bucket", "_sum", "_count")
# Grafana's built-in variables, replaced by a sample value of the right kind.
BUILTINS = {
    "__rate_interval": "5m",
    "__interval": "1m",
    "__interval_ms": "60000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]")
LABEL_VALUES = re.compile(r"^\s*label_values\((?:(.*),\s*)?(\w+)\s*\)\s*$", re.S)


class Problems(list):
    checked = 0
    prometheus = None  # URL of a server to evaluate every expression on
    evaluated = 0
    with_data = 0

    def add(self, where, message):
        self.append(f"{where}: {message}")


def load_yaml_files(folder, problems):
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not files:
        problems.add(folder, "no provisioning file")
    documents = []
    for path in files:
        try:
            documents.append((path, yaml.safe_load(path.read_text()) or {}))
        except yaml.YAMLError as error:
            problems.add(path, f"not YAML: {error}")
    return documents


def datasource_uids(folder, problems):
    uids = set()
    for path, document in load_yaml_files(folder, problems):
        for source in document.get("datasources") or []:
            if source.get("type") != "prometheus":
                continue
            if not source.get("uid"):
                problems.add(path, f"data source {source.get('name')!r} has no fixed uid")
            else:
                uids.add(source["uid"])
    if len(uids) != 1:
        problems.add(folder, f"expected exactly one Prometheus data source uid, found {sorted(uids)}")
    return uids


def dashboard_dirs(folder, problems):
    dirs = []
    for path, document in load_yaml_files(folder, problems):
        for provider in document.get("providers") or []:
            target = (provider.get("options") or {}).get("path", "")
            local = next((base / Path(target).relative_to(mount) for mount, base in MOUNTS.items()
                          if target == mount or target.startswith(mount + "/")), None)
            if local is None:
                problems.add(path, f"provider {provider.get('name')!r}: {target!r} is not a folder the stack mounts "
                             f"({', '.join(MOUNTS)})")
            elif not local.is_dir():
                problems.add(path, f"provider {provider.get('name')!r}: {target!r} is {local}, which does not exist")
            elif not list(local.glob("*.json")):
                problems.add(path, f"provider {provider.get('name')!r}: {local} holds no dashboard")
            else:
                dirs.append(local)
    if not dirs:
        problems.add(folder, "no dashboard provider points at a usable folder")
    return dirs


def registered_metrics():
    names = set(PUSHED)
    for source in Path("crates").rglob("*.rs"):
        for match in re.finditer(r'\bregister\(\s*"([a-z0-9_]+)"', source.read_text()):
            names.update(f"yujie_{match.group(1)}{suffix}" for suffix in SUFFIXES)
    return names


def substitute(expr, defined, placeholder="x"):
    """The expression with Grafana's variables replaced, and the undefined ones it uses."""
    unknown = set()

    def value(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if name.isdigit():  # a regex group in label_replace, not a variable
            return match.group(0)
        if name in BUILTINS:
            return BUILTINS[name]
        if name not in defined:
            unknown.add(name)
        return placeholder

    return VARIABLE.sub(value, expr), unknown


def metric_names(ast):
    names = []

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            names.append(node.name or next((m.value for m in node.matchers.matchers if m.name == "__name__"), None))

    promql_parser.walk(ast, visit)
    return [name for name in names if name]


def check_expr(where, expr, defined, known, problems, grafana=True):
    problems.checked += 1
    if not isinstance(expr, str) or not expr.strip():
        problems.add(where, "empty expression")
        return
    text, unknown = substitute(expr, defined) if grafana else (expr, set())
    if unknown:
        problems.add(where, f"uses undefined variable(s) {sorted(unknown)}")
    try:
        ast = promql_parser.parse(text)
    except ValueError as error:
        problems.add(where, f"cannot parse {expr!r}: {error}")
        return
    for name in sorted(set(metric_names(ast))):
        if name.startswith("yujie_") and name not in known:
            problems.add(where, f"unknown metric {name} (not registered in crates/, not a pushed event)")
    if problems.prometheus:
        evaluate(where, substitute(expr, defined, ".*")[0] if grafana else expr, problems)


def evaluate(where, query, problems):
    """Runs the query on problems.prometheus; an error answer is a problem."""
    url = f"{problems.prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        answer = json.load(error)
    except (urllib.error.URLError, OSError, ValueError) as error:
        answer = {"status": "error", "error": str(error)}
    if answer.get("status") != "success":
        problems.add(where, f"Prometheus cannot evaluate {query!r}: {answer.get('error')}")
        return
    problems.evaluated += 1
    problems.with_data += bool(answer["data"]["result"])


def panels_of(panels):
    for panel in panels:
        yield panel
        yield from panels_of(panel.get("panels") or [])


def check_datasource(where, datasource, uids, problems):
    uid = datasource.get("uid") if isinstance(datasource, dict) else datasource
    if uid not in uids:
        problems.add(where, f"data source uid {uid!r} is not the provisioned {sorted(uids)}")


def check_dashboard(path, uids, known, seen, problems):
    try:
        board = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        problems.add(path, f"not JSON: {error}")
        return
    uid = board.get("uid")
    if not uid or not isinstance(uid, str) or len(uid) > 40:
        problems.add(path, f"uid {uid!r} must be a fixed string of at most 40 characters")
    elif uid in seen:
        problems.add(path, f"uid {uid!r} is also the uid of {seen[uid]}")
    else:
        seen[uid] = path
    variables = (board.get("templating") or {}).get("list") or []
    defined = {variable.get("name") for variable in variables}
    for variable in variables:
        where = f"{path} variable {variable.get('name')}"
        if variable.get("type") != "query":
            continue
        check_datasource(where, variable.get("datasource"), uids, problems)
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query or ""
        match = LABEL_VALUES.match(query)
        if match and match.group(1):
            check_expr(where, match.group(1), defined, known, problems)
        elif not match:
            check_expr(where, query, defined, known, problems)
    for annotation in (board.get("annotations") or {}).get("list") or []:
        if annotation.get("builtIn") or not annotation.get("expr"):
            continue
        where = f"{path} annotation {annotation.get('name')!r}"
        check_datasource(where, annotation.get("datasource"), uids, problems)
        check_expr(where, annotation["expr"], defined, known, problems)
    ids = set()
    for panel in panels_of(board.get("panels") or []):
        where = f"{path} panel {panel.get('id')} {panel.get('title')!r}"
        if panel.get("id") in ids:
            problems.add(where, "panel id used twice")
        ids.add(panel.get("id"))
        targets = panel.get("targets") or []
        if not targets:
            continue
        check_datasource(where, panel.get("datasource"), uids, problems)
        for target in targets:
            check_datasource(f"{where} query {target.get('refId')}", target.get("datasource", panel.get("datasource")),
                             uids, problems)
            check_expr(f"{where} query {target.get('refId')}", target.get("expr"), defined, known, problems)


def check_rules(path, known, problems):
    document = yaml.safe_load(path.read_text()) or {}
    for group in document.get("groups") or []:
        for rule in group.get("rules") or []:
            name = rule.get("alert") or rule.get("record")
            check_expr(f"{path} rule {name}", rule.get("expr"), set(), known, problems, grafana=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=Path, help="check the dashboards of this folder instead of the provider's")
    parser.add_argument("--datasources", type=Path, default=GRAFANA / "provisioning/datasources")
    parser.add_argument("--providers", type=Path, default=GRAFANA / "provisioning/dashboards")
    parser.add_argument("--rules", type=Path, nargs="*", default=[Path("deploy/monitoring/prometheus/alerts.yml")])
    parser.add_argument("--prometheus", help="also evaluate every expression on this Prometheus (base URL)")
    args = parser.parse_args()

    problems = Problems()
    problems.prometheus = args.prometheus and args.prometheus.rstrip("/")
    known = registered_metrics()
    uids = datasource_uids(args.datasources, problems)
    dirs = dashboard_dirs(args.providers, problems)
    if args.dashboards:
        dirs = [args.dashboards]
    seen = {}
    boards = sorted(path for folder in dirs for path in folder.glob("*.json"))
    for path in boards:
        check_dashboard(path, uids, known, seen, problems)
    for path in args.rules:
        check_rules(path, known, problems)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"dashboards: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"dashboards: {len(boards)} dashboards ({', '.join(seen)}) and {len(args.rules)} rule file(s) OK, "
          f"{problems.checked} PromQL expressions parsed, data source uid {', '.join(uids)}")
    if problems.prometheus:
        print(f"dashboards: {problems.evaluated} expressions evaluated by Prometheus without error, "
              f"{problems.with_data} with data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
