#!/usr/bin/env python3
"""Policy checks over one rendered overlay (the output of `kubectl kustomize`).

The schema check (kubernetes-validate) proves the objects are well-formed; this proves
they say what we mean:

- every Deployment's containers have liveness (/healthz) and readiness (/readyz)
  probes, requests and limits for CPU and memory, and run non-root, read-only,
  without privilege escalation and with every capability dropped; images are pinned;
- every Deployment has a PodDisruptionBudget, and one without a replica count has an
  HorizontalPodAutoscaler; Services and the Ingress point at what exists;
- no Secret carries data: secrets are created by hand (deploy/k8s/README.md); each
  Deployment mounts the Secret yujie-shared and no Secret but its own yujie-<component>;
- the NetworkPolicies admit only: admin's staff port from the intranet CIDR (the same
  as admin-intranet's loadBalancerSourceRanges, never the base's placeholder) and the
  monitoring namespace; the other services' staff port from this app's pods and
  monitoring; their public port from ingress-nginx; all else is denied by default;
- every YUJIE_* variable names a key of config/example.toml (the config refuses
  unknown keys) with a value of that key's type as the config loader (figment) reads
  it, and the TOML in the ConfigMap has only known keys.

Usage: k8s_policy.py --reference config/example.toml RENDERED.yaml
Prints one line per problem and exits 1 when there is any.
"""

import argparse
import ipaddress
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("k8s_policy: needs Python 3.11+ (tomllib)")
import yaml

PLACEHOLDER_CIDR = "192.0.2.0/24"
PUBLIC, STAFF = 8080, 8081
APP_LABEL = ("app.kubernetes.io/part-of", "yujie")
NAMESPACE_LABEL = "kubernetes.io/metadata.name"
# Who may reach which port of which pods; the peers are classified by `peer_kind`.
ALLOWED = {
    "admin": {PUBLIC: set(), STAFF: {"intranet", "monitoring"}},
    "*": {PUBLIC: {"ingress"}, STAFF: {"app", "monitoring"}},
}
# Per-environment keys an overlay must set (the base leaves them to the defaults, which
# production refuses or which cannot work in the cluster).
REQUIRED_ENV = [
    "public.base_url",
    "http.trusted_proxies",
    "storage.s3_endpoint",
    "storage.s3_bucket",
    "wechat.appid",
    "wechat.original_id",
    "companion.dify.api_base",
    "admin.oidc.issuer",
    "admin.oidc.redirect_url",
]


class Report:
    def __init__(self):
        self.problems = []

    def __call__(self, where, message):
        self.problems.append(f"{where}: {message}")


def name_of(obj):
    return f"{obj['kind']}/{obj['metadata']['name']}"


def selects(selector, labels):
    """Whether a label selector (matchLabels / matchExpressions) matches `labels`."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def pod_labels(deployment):
    return deployment["spec"]["template"]["metadata"].get("labels") or {}


def check_deployments(objects, report):
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    pdbs = [o for o in objects if o["kind"] == "PodDisruptionBudget"]
    hpas = {o["spec"]["scaleTargetRef"]["name"]: o for o in objects if o["kind"] == "HorizontalPodAutoscaler"}
    if not deployments:
        report("overlay", "renders no Deployment")
    for deployment in deployments:
        where = name_of(deployment)
        pod = deployment["spec"]["template"]["spec"]
        if not (pod.get("securityContext") or {}).get("runAsNonRoot"):
            report(where, "pod securityContext.runAsNonRoot is not true")
        if pod.get("automountServiceAccountToken") is not False:
            report(where, "automountServiceAccountToken must be false (the pods never call the API)")
        if pod.get("enableServiceLinks") is not False:
            report(where, "enableServiceLinks must be false (service variables would reach the config)")
        for container in pod.get("containers") or []:
            check_container(f"{where} container {container['name']}", container, True, report)
        for container in pod.get("initContainers") or []:
            check_container(f"{where} init container {container['name']}", container, False, report)
        labels = pod_labels(deployment)
        if not any(selects(pdb["spec"].get("selector"), labels) for pdb in pdbs):
            report(where, "no PodDisruptionBudget selects its pods")
        if "replicas" not in deployment["spec"] and deployment["metadata"]["name"] not in hpas:
            report(where, "has no replica count and no HorizontalPodAutoscaler")
    names = {d["metadata"]["name"] for d in deployments}
    for target, hpa in hpas.items():
        if target not in names:
            report(name_of(hpa), f"scales Deployment {target}, which does not exist")


def check_container(where, container, serves, report):
    image = container.get("image", "")
    tag = image.rsplit("/", 1)[-1].partition(":")[2] if "@" not in image else "digest"
    if not tag or tag == "latest":
        report(where, f"image `{image}` is not pinned to a tag (overlay `images:`)")
    resources = container.get("resources") or {}
    for bound in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in (resources.get(bound) or {}):
                report(where, f"has no {resource} {bound[:-1]}")
    security = container.get("securityContext") or {}
    if security.get("allowPrivilegeEscalation") is not False:
        report(where, "allowPrivilegeEscalation is not false")
    if security.get("readOnlyRootFilesystem") is not True:
        report(where, "readOnlyRootFilesystem is not true")
    if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
        report(where, "does not drop ALL capabilities")
    if serves:
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            http = (container.get(probe) or {}).get("httpGet") or {}
            if http.get("path") != path:
                report(where, f"has no {probe} on {path}")


def check_secrets(objects, report):
    for obj in objects:
        if obj["kind"] == "Secret" and (obj.get("data") or obj.get("stringData")):
            report(name_of(obj), "carries data; secrets are created by hand, never committed")


def check_secret_volumes(objects, report):
    for obj in objects:
        if obj["kind"] != "Deployment":
            continue
        component = (obj["metadata"].get("labels") or {}).get("app.kubernetes.io/component")
        names = set()
        for volume in obj["spec"]["template"]["spec"].get("volumes") or []:
            if "secret" in volume:
                names.add(volume["secret"].get("secretName"))
            for source in (volume.get("projected") or {}).get("sources") or []:
                if "secret" in source:
                    names.add(source["secret"].get("name"))
        if "yujie-shared" not in names:
            report(name_of(obj), "does not mount the Secret yujie-shared")
        for name in sorted(names - {"yujie-shared", f"yujie-{component}"}):
            report(name_of(obj), f"mounts the Secret {name}, which is not the shared one nor {component}'s own")


def check_services(objects, report):
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    services = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Service"}
    for name, service in services.items():
        selector = {"matchLabels": service["spec"].get("selector") or {}}
        matching = [d for d in deployments if selects(selector, pod_labels(d))]
        if not matching:
            report(name_of(service), "selects no Deployment's pods")
            continue
        containers = [c for d in matching for c in d["spec"]["template"]["spec"]["containers"]]
        container_ports = {p.get("name") for c in containers for p in c.get("ports") or []}
        for port in service["spec"].get("ports") or []:
            target = port.get("targetPort")
            if isinstance(target, str) and target not in container_ports:
                report(name_of(service), f"targetPort `{target}` is no container port of its pods")
        if name.startswith("yujie-") or name.startswith("yujie_"):
            report(name_of(service), "a Service named yujie-… puts YUJIE_… variables in pods with service links")
    for ingress in (o for o in objects if o["kind"] == "Ingress"):
        if not ingress["spec"].get("tls"):
            report(name_of(ingress), "has no TLS")
        for rule in ingress["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = path["backend"]["service"]
                service = services.get(backend["name"])
                if service is None:
                    report(name_of(ingress), f"{path['path']} goes to Service {backend['name']}, which does not exist")
                    continue
                port = backend["port"].get("name") or backend["port"].get("number")
                ports = service["spec"]["ports"]
                if port not in {p.get("name") for p in ports} | {p["port"] for p in ports}:
                    report(name_of(ingress), f"{path['path']} goes to port {port}, which {backend['name']} lacks")
                if port not in ("public", PUBLIC):
                    report(name_of(ingress), f"{path['path']} is routed to a port other than the public listener")


def peer_kind(peer, intranet):
    """What kind of client a NetworkPolicy peer admits."""
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        if block.get("cidr") == intranet and not block.get("except"):
            return "intranet"
        return f"ipBlock {block.get('cidr')}"
    namespace = peer.get("namespaceSelector")
    pods = peer.get("podSelector")
    if namespace is None:
        ours = pods is not None and not pods.get("matchExpressions")
        ours = ours and (pods.get("matchLabels") or {}).get(APP_LABEL[0]) == APP_LABEL[1]
        return "app" if ours else "other pods"
    name = (namespace.get("matchLabels") or {}).get(NAMESPACE_LABEL)
    if name == "monitoring":
        return "monitoring"
    if name == "ingress-nginx":
        return "ingress"
    return f"namespace {name or 'selected by labels'}"


def check_network_policies(objects, report):
    policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
    lb = next((o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "admin-intranet"), None)
    ranges = (lb or {}).get("spec", {}).get("loadBalancerSourceRanges") or []
    intranet = ranges[0] if len(ranges) == 1 else None
    if intranet is None:
        report("Service/admin-intranet", "needs exactly one loadBalancerSourceRanges entry: the intranet CIDR")
    elif intranet == PLACEHOLDER_CIDR:
        report("Service/admin-intranet", f"still has the base's placeholder {PLACEHOLDER_CIDR}; the overlay sets it")
    else:
        try:
            network = ipaddress.ip_network(intranet, strict=True)
        except ValueError as error:
            report("Service/admin-intranet", f"{intranet} is no CIDR: {error}")
        else:
            if not network.is_private or network.prefixlen < 8:
                report("Service/admin-intranet", f"{intranet} is not a private intranet range")
        if lb["spec"].get("externalTrafficPolicy") != "Local":
            report("Service/admin-intranet", "externalTrafficPolicy must be Local, or the policy sees node addresses")

    def denies_all(policy):
        spec = policy["spec"]
        return spec.get("podSelector") == {} and "Ingress" in (spec.get("policyTypes") or []) and not spec.get("ingress")

    if not any(denies_all(p) for p in policies):
        report("NetworkPolicy", "no default-deny policy for ingress")
    for deployment in (o for o in objects if o["kind"] == "Deployment"):
        labels = pod_labels(deployment)
        component = labels.get("app.kubernetes.io/component", "")
        allowed = ALLOWED.get(component, ALLOWED["*"])
        for policy in policies:
            if not selects(policy["spec"].get("podSelector"), labels):
                continue
            for rule in policy["spec"].get("ingress") or []:
                ports = [p.get("port") for p in rule.get("ports") or []] or ["every port"]
                peers = rule.get("from")
                kinds = [peer_kind(peer, intranet) for peer in peers] if peers else ["anyone"]
                for port in ports:
                    for kind in kinds:
                        if kind not in allowed.get(port, set()):
                            report(
                                name_of(policy),
                                f"lets {kind} reach {component or deployment['metadata']['name']} on {port}",
                            )


def flatten(table, prefix=""):
    keys = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        keys[path] = value
        if isinstance(value, dict):
            keys.update(flatten(value, path + "."))
    return keys


def figment_type(raw):
    """The type figment's Env provider gives a value (figment value/parse.rs)."""
    value = raw.strip()
    if value in ("true", "false"):
        return bool
    if value.startswith("[") and value.endswith("]"):
        return list
    if value.startswith("{") and value.endswith("}"):
        return dict
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return str
    if re.search(r"[,{}\[\]]", value):
        return str
    if "." in value:
        try:
            float(value)
            return float
        except ValueError:
            return str
    if re.fullmatch(r"[+-]?[0-9]+", value) and -(2**63) <= int(value) < 2**64:
        return int
    return str


def check_config(objects, reference, report):
    known = flatten(reference)
    env = {}
    for obj in objects:
        if obj["kind"] == "ConfigMap" and obj["metadata"]["name"].startswith("yujie-env"):
            env.update({k: (name_of(obj), v) for k, v in (obj.get("data") or {}).items()})
        if obj["kind"] == "ConfigMap" and obj["metadata"]["name"].startswith("yujie-config"):
            for file, text in (obj.get("data") or {}).items():
                for key in flatten(tomllib.loads(text)):
                    if key not in known:
                        report(f"{name_of(obj)} {file}", f"`{key}` is no key of the config")
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                for variable in container.get("env") or []:
                    env[variable["name"]] = (f"{name_of(obj)} env", variable.get("value", ""))
    set_keys = set()
    for variable, (where, value) in sorted(env.items()):
        if not variable.startswith("YUJIE_"):
            continue
        key = variable[len("YUJIE_"):].lower().replace("__", ".")
        set_keys.add(key)
        if key not in known:
            report(where, f"{variable} names no key of the config (it refuses unknown keys)")
            continue
        expected, got = type(known[key]), figment_type(value)
        if expected is float and got is int:
            continue
        if expected is not got:
            hint = " (quote it: \"…\")" if expected is str else ""
            report(where, f"{variable} is read as {got.__name__}, the config wants {expected.__name__}{hint}")
    for key in REQUIRED_ENV:
        if key not in set_keys:
            report("ConfigMap/yujie-env", f"the overlay does not set YUJIE_{key.upper().replace('.', '__')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="config/example.toml: every key with its type")
    parser.add_argument("rendered")
    args = parser.parse_args()
    with open(args.reference, "rb") as file:
        reference = tomllib.load(file)
    with open(args.rendered, encoding="utf-8") as file:
        objects = [o for o in yaml.safe_load_all(file) if o]
    report = Report()
    check_deployments(objects, report)
    check_secrets(objects, report)
    check_secret_volumes(objects, report)
    check_services(objects, report)
    check_network_policies(objects, report)
    check_config(objects, reference, report)
    for problem in report.problems:
        print(f"policy: {problem}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
