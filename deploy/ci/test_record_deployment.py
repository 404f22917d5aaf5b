"""Tests for deploy/ci/record-deployment, offline.

A loopback stand-in plays the Pushgateway: it keeps what is PUT per group and answers
GET /api/v1/metrics in the Pushgateway's own JSON shape. When Debian's
prometheus-pushgateway is installed, one more test runs the real one on loopback.

Run: python3 -m unittest discover -s deploy/ci -p 'test_*.py' -v
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_server import Answer, CaptureServer, offline_env  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "record-deployment")
SAMPLE = re.compile(r"^(\w+)\{(.*)\} (\S+)$")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class FakePushgateway:
    """Keeps the last body PUT to each group; answers /api/v1/metrics like the real one."""

    def __init__(self, fail_puts=False):
        self.groups = {}
        self.fail_puts = fail_puts

    def __call__(self, request):
        if request.method == "GET" and request.path == "/api/v1/metrics":
            return Answer(200, json.dumps(self.api_answer()).encode())
        if request.method == "PUT" and request.path.startswith("/metrics/job/"):
            if self.fail_puts:
                return Answer(400, b"pushed metrics are invalid or inconsistent", "text/plain")
            _, _, job, label, value = request.path.strip("/").split("/")
            if label.endswith("@base64"):
                label, value = label[: -len("@base64")], base64.urlsafe_b64decode(value).decode()
            self.groups[(job, label, value)] = request.body.decode()
            return Answer(200, b"", "text/plain")
        return Answer(404, b"not found", "text/plain")

    def api_answer(self):
        data = []
        for (job, label, value), body in self.groups.items():
            group = {"labels": {"job": job, label: value}, "last_push_successful": True}
            for line in body.splitlines():
                match = SAMPLE.match(line)
                if not match:
                    continue
                name, labels, number = match.groups()
                sample_labels = dict(LABEL.findall(labels), job=job, instance="", **{label: value})
                family = group.setdefault(name, {"time_stamp": "2026-01-01T00:00:00Z", "type": "GAUGE", "metrics": []})
                family["metrics"].append({"labels": sample_labels, "value": number})
            data.append(group)
        return {"status": "success", "data": data}


def run(*args, gateway=None, cwd=None):
    env = offline_env()
    env.pop("PUSHGATEWAY_URL", None)
    if gateway:
        env["PUSHGATEWAY_URL"] = gateway
    return subprocess.run(
        [sys.executable, SCRIPT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=30
    )


def deploy(gateway, deployment_id, finish, services=(), failed=(), environment="production"):
    args = ["--deployment-id", str(deployment_id), "--environment", environment,
            "--finish-time", str(finish), "--commit-time", str(finish - 600)]
    for service in services:
        args += ["--service", service]
    for service in failed:
        args += ["--failed-service", service]
    return run(*args, gateway=gateway)


class RecordDeploymentTest(unittest.TestCase):
    def test_pushes_the_exact_exposition(self):
        fake = FakePushgateway()
        with CaptureServer(fake) as server:
            result = run(
                "--deployment-id", "57", "--finish-time", "1800000000", "--commit-time", "1799996400",
                "--service", "yujie_identity", "--failed-service", "yujie_content", gateway=server.url,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        puts = [r for r in server.requests if r.method == "PUT"]
        self.assertEqual([r.path for r in puts], ["/metrics/job/yujie_deployments/deployment_id/57"])
        self.assertTrue(puts[0].headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        self.assertEqual(
            puts[0].body.decode(),
            "# HELP yujie_deployment_timestamp_seconds Unix time when the deployment finished.\n"
            "# TYPE yujie_deployment_timestamp_seconds gauge\n"
            'yujie_deployment_timestamp_seconds{service="yujie_identity",environment="production"} 1800000000\n'
            'yujie_deployment_timestamp_seconds{service="yujie_content",environment="production"} 1800000000\n'
            "# HELP yujie_deployment_lead_time_seconds Seconds from the commit of the change to the end of its deployment.\n"
            "# TYPE yujie_deployment_lead_time_seconds gauge\n"
            'yujie_deployment_lead_time_seconds{service="yujie_identity",environment="production"} 3600\n'
            'yujie_deployment_lead_time_seconds{service="yujie_content",environment="production"} 3600\n'
            "# HELP yujie_deployment_failed 1 if the service's rollout failed and was rolled back, else 0.\n"
            "# TYPE yujie_deployment_failed gauge\n"
            'yujie_deployment_failed{service="yujie_identity",environment="production"} 0\n'
            'yujie_deployment_failed{service="yujie_content",environment="production"} 1\n',
        )

    def test_lead_time_comes_from_git_log(self):
        with tempfile.TemporaryDirectory() as repo:
            git_env = dict(offline_env(), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                           GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
                           GIT_AUTHOR_DATE="@1700000000 +0800", GIT_COMMITTER_DATE="@1700000000 +0800")
            for command in (["git", "init", "-q"], ["git", "commit", "-q", "--allow-empty", "-m", "change"]):
                subprocess.run(command, cwd=repo, env=git_env, check=True)
            result = run("--dry-run", "--deployment-id", "1", "--finish-time", "1700000900",
                         "--service", "yujie_admin", cwd=repo)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('yujie_deployment_lead_time_seconds{service="yujie_admin",environment="production"} 900\n',
                      result.stdout)

    def test_success_after_failures_records_one_incident_per_recovered_service(self):
        fake = FakePushgateway()
        with CaptureServer(fake) as server:
            self.assertEqual(deploy(server.url, 9, 500, services=["yujie_identity", "yujie_content"]).returncode, 0)
            self.assertEqual(deploy(server.url, 10, 1000, services=["yujie_content"], failed=["yujie_identity"]).returncode, 0)
            self.assertEqual(deploy(server.url, 11, 1500, failed=["yujie_identity"]).returncode, 0)
            self.assertNotIn(("yujie_incidents", "incident_id", "production-yujie_identity-10"), fake.groups)
            result = deploy(server.url, 12, 2000, services=["yujie_identity", "yujie_content"])
        self.assertEqual(result.returncode, 0, result.stderr)
        incidents = {key: body for key, body in fake.groups.items() if key[0] == "yujie_incidents"}
        # identity failed in 10 and 11 and recovered in 12: down from 1000 to 2000.
        # content never failed, so it has no incident.
        self.assertEqual(list(incidents), [("yujie_incidents", "incident_id", "production-yujie_identity-10")])
        self.assertEqual(
            incidents[("yujie_incidents", "incident_id", "production-yujie_identity-10")],
            "# HELP yujie_incident_duration_seconds Seconds from a failed deployment to the next successful one.\n"
            "# TYPE yujie_incident_duration_seconds gauge\n"
            'yujie_incident_duration_seconds{service="yujie_identity",environment="production"} 1000\n',
        )
        # Recording the same recovery again replaces the record instead of adding one.
        with CaptureServer(fake) as server:
            self.assertEqual(deploy(server.url, 12, 2000, services=["yujie_identity"]).returncode, 0)
        self.assertEqual(len([k for k in fake.groups if k[0] == "yujie_incidents"]), 1)

    def test_no_incident_after_a_success_or_in_another_environment(self):
        fake = FakePushgateway()
        with CaptureServer(fake) as server:
            deploy(server.url, 1, 100, failed=["yujie_billing"], environment="staging")
            deploy(server.url, 2, 200, services=["yujie_billing"])
            deploy(server.url, 3, 300, failed=["yujie_billing"])
            deploy(server.url, 4, 400, services=["yujie_billing"])
            deploy(server.url, 5, 500, services=["yujie_billing"])
        incidents = sorted(key[2] for key in fake.groups if key[0] == "yujie_incidents")
        self.assertEqual(incidents, ["production-yujie_billing-3"])

    def test_deployment_ids_that_are_not_plain_go_base64(self):
        fake = FakePushgateway()
        with CaptureServer(fake) as server:
            result = deploy(server.url, "release/7", 100, services=["yujie_identity"])
        self.assertEqual(result.returncode, 0, result.stderr)
        encoded = base64.urlsafe_b64encode(b"release/7").decode()
        self.assertIn(f"/metrics/job/yujie_deployments/deployment_id@base64/{encoded}", [r.path for r in server.requests])

    def test_label_values_are_escaped(self):
        result = run("--dry-run", "--deployment-id", "1", "--finish-time", "10", "--commit-time", "5",
                     "--service", 'odd"name\\')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('{service="odd\\"name\\\\",environment="production"}', result.stdout)

    def test_results_file_from_rolling_update(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as results:
            results.write("yujie_identity ok\nyujie_content failed\n")
        self.addCleanup(os.unlink, results.name)
        result = run("--dry-run", "--deployment-id", "8", "--finish-time", "10", "--commit-time", "5",
                     "--results", results.name)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('yujie_deployment_failed{service="yujie_identity",environment="production"} 0\n', result.stdout)
        self.assertIn('yujie_deployment_failed{service="yujie_content",environment="production"} 1\n', result.stdout)
        with open(results.name, "w") as broken:
            broken.write("yujie_identity maybe\n")
        bad = run("--dry-run", "--deployment-id", "8", "--commit-time", "5", "--results", results.name)
        self.assertEqual(bad.returncode, 2)

    def test_a_refused_push_fails(self):
        with CaptureServer(FakePushgateway(fail_puts=True)) as server:
            result = deploy(server.url, 1, 100, services=["yujie_identity"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("HTTP 400", result.stderr)

    def test_an_unreachable_gateway_fails(self):
        with CaptureServer() as server:
            url = server.url
        result = deploy(url, 1, 100, services=["yujie_identity"])
        self.assertEqual(result.returncode, 1)

    def test_usage_errors(self):
        self.assertEqual(run("--deployment-id", "1", "--service", "x", "--commit-time", "1").returncode, 2)  # no URL
        self.assertEqual(run("--dry-run", "--deployment-id", "1", "--commit-time", "1").returncode, 2)  # no service
        both = run("--dry-run", "--deployment-id", "1", "--commit-time", "1", "--service", "a", "--failed-service", "a")
        self.assertEqual(both.returncode, 2)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@unittest.skipUnless(shutil.which("prometheus-pushgateway"), "Debian's prometheus-pushgateway is not installed")
class RealPushgatewayTest(unittest.TestCase):
    def test_the_real_pushgateway_accepts_the_pushes_and_the_history_works(self):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            ["prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            for _ in range(100):
                try:
                    opener.open(f"{url}/-/ready", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            self.assertEqual(deploy(url, 20, 1000, failed=["yujie_companion"]).returncode, 0)
            result = deploy(url, 21, 1300, services=["yujie_companion"])
            self.assertEqual(result.returncode, 0, result.stderr)
            scraped = opener.open(f"{url}/metrics", timeout=5).read().decode()
        finally:
            process.terminate()
            process.wait(timeout=10)
        self.assertIn(
            'yujie_deployment_failed{deployment_id="20",environment="production",instance="",'
            'job="yujie_deployments",service="yujie_companion"} 1', scraped)
        self.assertIn(
            'yujie_deployment_lead_time_seconds{deployment_id="21",environment="production",instance="",'
            'job="yujie_deployments",service="yujie_companion"} 600', scraped)
        self.assertIn(
            'yujie_incident_duration_seconds{environment="production",incident_id="production-yujie_companion-20",'
            'instance="",job="yujie_incidents",service="yujie_companion"} 300', scraped)


if __name__ == "__main__":
    unittest.main()
