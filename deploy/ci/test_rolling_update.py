"""Tests for deploy/ci/rolling-update.sh and deploy-swarm.sh, with stand-ins on PATH.

The stand-ins log every call and play a Swarm (or a cluster) in which the services named
in FAKE_FAIL fail their update and are rolled back. What they check is the script's own
logic: the flags it passes, how it reads the outcome, and that it stops at the first
failure. Real Swarm behaviour (healthcheck gating, rollback) cannot be exercised here.

Run: python3 -m unittest discover -s deploy/ci -p 'test_*.py' -v
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rolling-update.sh")
DEPLOY_SWARM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deploy-swarm.sh")
IMAGE = "registry.example.invalid/yujie/yujie:abc1234-57"

FAKE_DOCKER = textwrap.dedent(
    """\
    #!/usr/bin/env python3
    import os, sys
    state_dir = os.environ["FAKE_DIR"]
    failing = os.environ.get("FAKE_FAIL", "").split(",")
    with open(os.path.join(state_dir, "calls"), "a") as log:
        log.write(" ".join(["docker"] + sys.argv[1:]) + "\\n")
    def path(service, kind):
        return os.path.join(state_dir, f"{service}.{kind}")
    def read(service, kind, default):
        try:
            with open(path(service, kind)) as f:
                return f.read()
        except FileNotFoundError:
            return default
    args = sys.argv[1:]
    if args[:2] == ["service", "update"]:
        service, image = args[-1], args[args.index("--image") + 1]
        if service in failing:
            open(path(service, "state"), "w").write("rollback_completed")
            print("rollback: update rolled back due to failure", file=sys.stderr)
            sys.exit(1)
        open(path(service, "state"), "w").write("completed")
        open(path(service, "image"), "w").write(image + "@sha256:" + "0" * 64)
    elif args[:2] == ["service", "inspect"]:
        service, template = args[-1], args[args.index("--format") + 1]
        if service == "yujie_missing":
            print("Error: no such service", file=sys.stderr)
            sys.exit(1)
        if "UpdateStatus" in template:
            print(read(service, "state", ""))
        else:
            print(read(service, "image", "old/image:1@sha256:" + "1" * 64))
    else:
        sys.exit(f"fake docker: unexpected {args}")
    """
)

FAKE_KUBECTL = textwrap.dedent(
    """\
    #!/usr/bin/env python3
    import os, sys
    state_dir = os.environ["FAKE_DIR"]
    failing = os.environ.get("FAKE_FAIL", "").split(",")
    with open(os.path.join(state_dir, "calls"), "a") as log:
        log.write(" ".join(["kubectl"] + sys.argv[1:]) + "\\n")
    args = sys.argv[1:]
    deployment = next(a for a in args if a.startswith("deployment/")).split("/", 1)[1]
    marker = os.path.join(state_dir, deployment + ".undone")
    if "rollout" in args and "status" in args:
        sys.exit(1 if deployment in failing and not os.path.exists(marker) else 0)
    if "rollout" in args and "undo" in args:
        open(marker, "w").close()
    """
)


# Stands in for deploy/swarm/deploy.sh: logs the subcommand; FAKE_FAIL_STEP fails one;
# `status` prints the file FAKE_DIR/status.
FAKE_SWARM_DEPLOY = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    echo "deploy.sh $1 YUJIE_IMAGE=$YUJIE_IMAGE" >>"$FAKE_DIR/calls"
    [[ $1 != "${FAKE_FAIL_STEP:-}" ]] || { echo "deploy: $1 failed" >&2; exit 1; }
    if [[ $1 == status ]]; then cat "$FAKE_DIR/status"; fi
    """
)


class RollingUpdateTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        bin_dir = os.path.join(self.tmp.name, "bin")
        os.mkdir(bin_dir)
        for name, source in (("docker", FAKE_DOCKER), ("kubectl", FAKE_KUBECTL)):
            with open(os.path.join(bin_dir, name), "w") as f:
                f.write(source.replace("/usr/bin/env python3", sys.executable, 1))
            os.chmod(os.path.join(bin_dir, name), 0o755)
        self.results = os.path.join(self.tmp.name, "results")
        self.env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], FAKE_DIR=self.tmp.name,
                        RESULTS_FILE=self.results, CONVERGE_TIMEOUT_SECS="0")
        self.env.pop("SWARM_SSH_KEY_FILE", None)
        self.fake_deploy = os.path.join(bin_dir, "fake-swarm-deploy.sh")
        with open(self.fake_deploy, "w") as f:
            f.write(FAKE_SWARM_DEPLOY)
        os.chmod(self.fake_deploy, 0o755)

    def run_script(self, *args, fail=""):
        return subprocess.run(["bash", SCRIPT, *args], env=dict(self.env, FAKE_FAIL=fail),
                              capture_output=True, text=True, timeout=60)

    def calls(self):
        with open(os.path.join(self.tmp.name, "calls")) as f:
            return f.read().splitlines()

    def results_lines(self):
        with open(self.results) as f:
            return f.read().splitlines()

    def test_swarm_updates_every_service_start_first_with_rollback(self):
        result = self.run_script("swarm", IMAGE, "yujie_identity", "yujie_content")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.results_lines(), ["yujie_identity ok", "yujie_content ok"])
        updates = [c for c in self.calls() if c.startswith("docker service update")]
        self.assertEqual(len(updates), 2)
        for flag in ("--detach=false", "--with-registry-auth", f"--image {IMAGE}", "--update-order start-first",
                     "--update-parallelism 1", "--update-failure-action rollback", "--update-monitor 90s",
                     "--rollback-order start-first"):
            self.assertIn(flag, updates[0])
        self.assertTrue(updates[0].endswith(" yujie_identity"))

    def test_swarm_stops_at_the_first_rolled_back_service(self):
        result = self.run_script("swarm", IMAGE, "yujie_identity", "yujie_content", "yujie_billing",
                                 fail="yujie_content")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(self.results_lines(), ["yujie_identity ok", "yujie_content failed"])
        self.assertFalse(any(c.endswith(" yujie_billing") for c in self.calls()))
        self.assertIn("rollback_completed", result.stderr)

    def test_swarm_unknown_service_fails(self):
        result = self.run_script("swarm", IMAGE, "yujie_missing")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(self.results_lines(), ["yujie_missing failed"])

    def test_k8s_sets_the_image_and_undoes_a_failed_rollout(self):
        result = self.run_script("k8s", IMAGE, "yujie_identity", "yujie_content", "yujie_admin", fail="content")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(self.results_lines(), ["yujie_identity ok", "yujie_content failed"])
        calls = self.calls()
        self.assertIn(f"kubectl -n yujie set image deployment/identity *={IMAGE}", calls)
        self.assertIn("kubectl -n yujie rollout undo deployment/content", calls)
        self.assertFalse(any("deployment/admin" in c for c in calls))

    def deploy_swarm(self, *args, fail_step="", fail="", status=""):
        with open(os.path.join(self.tmp.name, "status"), "w") as f:
            f.write(status)
        env = dict(self.env, SWARM_DEPLOY=self.fake_deploy, FAKE_FAIL_STEP=fail_step, FAKE_FAIL=fail,
                   SERVICES="yujie_identity yujie_content", ROLLOUT_TIMEOUT_SECS="0")
        return subprocess.run(["bash", DEPLOY_SWARM, *args], env=env, capture_output=True, text=True, timeout=60)

    def test_deploy_swarm_migrates_before_any_service_rolls(self):
        result = self.deploy_swarm("image", IMAGE)
        self.assertEqual(result.returncode, 0, result.stderr)
        calls = self.calls()
        self.assertEqual(calls[:2], [f"deploy.sh preflight YUJIE_IMAGE={IMAGE}", f"deploy.sh migrate YUJIE_IMAGE={IMAGE}"])
        self.assertTrue(calls[2].startswith("docker service update"))
        self.assertEqual(self.results_lines(), ["yujie_identity ok", "yujie_content ok"])

    def test_deploy_swarm_a_failed_migration_touches_no_service(self):
        result = self.deploy_swarm("image", IMAGE, fail_step="migrate")
        self.assertEqual(result.returncode, 1)
        self.assertFalse(any(c.startswith("docker") for c in self.calls()))
        self.assertFalse(os.path.exists(self.results))

    def test_deploy_swarm_stack_mode_reports_each_service_from_status(self):
        status = "yujie_admin completed\nyujie_content rollback_completed\nyujie_identity completed\nyujie_traefik none\n"
        result = self.deploy_swarm("stack", IMAGE, status=status)
        self.assertEqual(result.returncode, 1)
        self.assertEqual([c.split()[1] for c in self.calls()], ["preflight", "migrate", "deploy", "status"])
        self.assertEqual(self.results_lines(), ["yujie_identity ok", "yujie_content failed"])
        ok = self.deploy_swarm("stack", IMAGE, status="yujie_identity completed\nyujie_content completed\n")
        self.assertEqual(ok.returncode, 0, ok.stderr)

    def test_bad_usage(self):
        self.assertEqual(self.run_script("nomad", IMAGE, "yujie_identity").returncode, 2)
        self.assertEqual(self.run_script("swarm", IMAGE).returncode, 2)
        self.assertEqual(self.deploy_swarm("helm", IMAGE).returncode, 2)


if __name__ == "__main__":
    unittest.main()
