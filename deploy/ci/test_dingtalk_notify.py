"""Tests for deploy/ci/dingtalk-notify, offline: a loopback server plays the robot.

Run: python3 -m unittest discover -s deploy/ci -p 'test_*.py' -v

The expected signatures are computed another way than the script does: by openssl and
base64 in a shell (and percent-encoded by hand), and as a vector derived once by hand:

    printf '1700000000000\nSEC0123456789abcdef' \
      | openssl dgst -sha256 -hmac 'SEC0123456789abcdef' -binary | base64
    # TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=
"""

import json
import os
import shutil
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_server import Answer, CaptureServer, load_script, offline_env  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dingtalk-notify")
SECRET = "SECtest0123456789abcdefSECRETVALUE"
TOKEN = "tok3n0123456789abcdef"

VECTOR_SECRET = "SEC0123456789abcdef"
VECTOR_TIMESTAMP = 1700000000000
VECTOR_BASE64 = "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="


def percent_encode_base64(value: str) -> str:
    # Base64 uses A-Z a-z 0-9 + / =; only the last three need escaping in a query.
    return value.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def openssl_sign(secret: str, timestamp_ms: int) -> str:
    digest = subprocess.run(
        ["sh", "-c", 'printf "%s\\n%s" "$1" "$2" | openssl dgst -sha256 -hmac "$2" -binary | base64',
         "sign", str(timestamp_ms), secret],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return percent_encode_base64(digest)


def run(*args, env=None, stdin=None):
    return subprocess.run(
        [sys.executable, SCRIPT, *args], env=env, input=stdin, capture_output=True, text=True, timeout=30
    )


def robot(errcode=0, errmsg="ok", status=200):
    return lambda _request: Answer(status, json.dumps({"errcode": errcode, "errmsg": errmsg}).encode())


class SignatureTest(unittest.TestCase):
    notify = load_script(SCRIPT, "dingtalk_notify")

    def test_hand_derived_vector(self):
        self.assertEqual(self.notify.sign(VECTOR_SECRET, VECTOR_TIMESTAMP), percent_encode_base64(VECTOR_BASE64))
        self.assertEqual(
            self.notify.sign(VECTOR_SECRET, VECTOR_TIMESTAMP), "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"
        )

    @unittest.skipUnless(shutil.which("openssl"), "openssl is not installed")
    def test_matches_openssl(self):
        for secret, timestamp in [(SECRET, 1714036504123), ("SEC+/=签名 with space", 1), (VECTOR_SECRET, VECTOR_TIMESTAMP)]:
            with self.subTest(secret=secret):
                self.assertEqual(self.notify.sign(secret, timestamp), openssl_sign(secret, timestamp))

    def test_url_building(self):
        base = "https://robot.invalid/robot/send?access_token=abc"
        self.assertEqual(
            self.notify.signed_url(base, VECTOR_SECRET, VECTOR_TIMESTAMP),
            base + "&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D",
        )
        # A URL without a query gets "?" (a relay in front of the robot, say).
        self.assertTrue(
            self.notify.signed_url("https://relay.invalid/send", "s", 5).startswith("https://relay.invalid/send?timestamp=5&sign=")
        )

    def test_redact_hides_token_and_sign(self):
        url = self.notify.signed_url(f"https://robot.invalid/robot/send?access_token={TOKEN}", SECRET, 42)
        redacted = self.notify.redact(url)
        self.assertNotIn(TOKEN, redacted)
        self.assertNotIn(self.notify.sign(SECRET, 42), redacted)
        self.assertIn("access_token=***", redacted)
        self.assertIn("timestamp=42", redacted)


class PostTest(unittest.TestCase):
    def assert_no_secrets(self, result):
        for stream in (result.stdout, result.stderr):
            self.assertNotIn(SECRET, stream)
            self.assertNotIn(TOKEN, stream)

    def env(self, server, **extra):
        return offline_env(
            DINGTALK_WEBHOOK=f"{server.url}/robot/send?access_token={TOKEN}", DINGTALK_SECRET=SECRET, **extra
        )

    def test_posts_a_signed_markdown_message(self):
        with CaptureServer(robot()) as server:
            before = int(time.time() * 1000)
            result = run("--title", "web: success", "### web · master\n- commit `abc1234`", env=self.env(server))
            after = int(time.time() * 1000)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_no_secrets(result)
        self.assertEqual(len(server.requests), 1)
        request = server.requests[0]
        self.assertEqual(request.method, "POST")
        path, _, raw_query = request.path.partition("?")
        self.assertEqual(path, "/robot/send")
        # The query is the webhook's own, then timestamp, then sign, in that order.
        names = [pair.split("=", 1)[0] for pair in raw_query.split("&")]
        self.assertEqual(names, ["access_token", "timestamp", "sign"])
        query = dict(pair.split("=", 1) for pair in raw_query.split("&"))
        self.assertEqual(query["access_token"], TOKEN)
        timestamp = int(query["timestamp"])
        self.assertTrue(before <= timestamp <= after, (before, timestamp, after))
        expected = openssl_sign(SECRET, timestamp) if shutil.which("openssl") else None
        if expected:
            self.assertEqual(query["sign"], expected)
        self.assertTrue(request.headers["Content-Type"].startswith("application/json"))
        body = json.loads(request.body)
        self.assertEqual(
            body, {"msgtype": "markdown", "markdown": {"title": "web: success", "text": "### web · master\n- commit `abc1234`"}}
        )

    def test_text_message_from_stdin_with_mentions(self):
        with CaptureServer(robot()) as server:
            result = run("--text", "--title", "deploy", "--at-mobile", "13800000000", env=self.env(server), stdin="生产发布失败")
        self.assertEqual(result.returncode, 0, result.stderr)
        body = json.loads(server.requests[0].body)
        self.assertEqual(body["msgtype"], "text")
        self.assertEqual(body["text"]["content"], "deploy\n生产发布失败")
        self.assertEqual(body["at"], {"atMobiles": ["13800000000"], "isAtAll": False})

    def test_refusal_fails_without_leaking(self):
        with CaptureServer(robot(310000, "sign not match")) as server:
            result = run("--title", "t", "m", env=self.env(server))
        self.assertEqual(result.returncode, 1)
        self.assertIn("310000", result.stderr)
        self.assert_no_secrets(result)

    def test_http_error_fails_without_leaking(self):
        with CaptureServer(robot(status=500)) as server:
            result = run("--title", "t", "m", env=self.env(server))
        self.assertEqual(result.returncode, 1)
        self.assertIn("HTTP 500", result.stderr)
        self.assert_no_secrets(result)

    def test_unreachable_fails_without_leaking(self):
        with CaptureServer() as server:
            url = server.url
        # The server is gone: nothing listens on that port any more.
        env = offline_env(DINGTALK_WEBHOOK=f"{url}/robot/send?access_token={TOKEN}", DINGTALK_SECRET=SECRET)
        result = run("--title", "t", "m", env=env)
        self.assertEqual(result.returncode, 1)
        self.assert_no_secrets(result)

    def test_dry_run_sends_nothing_and_prints_no_secret(self):
        with CaptureServer(robot()) as server:
            result = run("--dry-run", "--title", "t", "hello", env=self.env(server))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(server.requests, [])
        self.assert_no_secrets(result)
        first_line = result.stdout.splitlines()[0]
        self.assertTrue(first_line.startswith(f"POST {server.url}/robot/send?access_token=***&timestamp="), first_line)
        self.assertIn("sign=***", first_line)
        self.assertIn('"text": "hello"', result.stdout)

    def test_without_webhook_it_skips_or_fails_when_required(self):
        env = offline_env()
        env.pop("DINGTALK_WEBHOOK", None)
        env.pop("DINGTALK_SECRET", None)
        skipped = run("--title", "t", "m", env=env)
        self.assertEqual(skipped.returncode, 0)
        self.assertIn("not set", skipped.stderr)
        self.assertEqual(run("--require", "--title", "t", "m", env=env).returncode, 1)

    def test_without_secret_it_refuses_to_send_unsigned(self):
        with CaptureServer(robot()) as server:
            env = self.env(server)
            env["DINGTALK_SECRET"] = ""
            result = run("--title", "t", "m", env=env)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(server.requests, [])
        self.assertNotIn(TOKEN, result.stderr + result.stdout)

    def test_url_encoding_of_the_sign_survives_the_query(self):
        # Whatever the timestamp, the sign in the query decodes back to the raw base64.
        notify = load_script(SCRIPT, "dingtalk_notify_encoding")
        for timestamp in range(1700000000000, 1700000000040):
            raw = urllib.parse.unquote_plus(notify.sign(SECRET, timestamp))
            self.assertRegex(raw, r"^[A-Za-z0-9+/]{43}=$")


class NotifyBuildTest(unittest.TestCase):
    """deploy/ci/notify-build.sh: the pipelines' wording, and it never fails a build."""

    BUILD_SCRIPT = os.path.join(os.path.dirname(SCRIPT), "notify-build.sh")

    def run_build(self, server_url, *args):
        env = offline_env(
            DINGTALK_WEBHOOK=f"{server_url}/robot/send?access_token={TOKEN}", DINGTALK_SECRET=SECRET,
            PIPELINE_NAME="backend", CI_BRANCH="master", CI_BUILD_ID="57", CI_BUILD_URL="https://ci.invalid/b/57",
            CI_ACTOR="lin", CI_EVENT="push",
        )
        return subprocess.run(["bash", self.BUILD_SCRIPT, *args], env=env, cwd=os.path.dirname(SCRIPT),
                              capture_output=True, text=True, timeout=30)

    def test_started_message(self):
        with CaptureServer(robot()) as server:
            result = self.run_build(server.url, "started", "image yujie:abc-57")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn(SECRET, result.stdout + result.stderr)
        markdown = json.loads(server.requests[0].body)["markdown"]
        self.assertEqual(markdown["title"], "backend started · master #57")
        self.assertIn("- **build**: [#57](https://ci.invalid/b/57)", markdown["text"])
        self.assertIn("- **trigger**: push by lin", markdown["text"])
        self.assertIn("- **detail**: image yujie:abc-57", markdown["text"])
        self.assertRegex(markdown["text"], r"- \*\*commit\*\*: `[0-9a-f]{7,}` ")

    def test_a_refused_notification_does_not_fail_the_build(self):
        with CaptureServer(robot(130101, "send too fast")) as server:
            result = self.run_build(server.url, "failure")
        self.assertEqual(result.returncode, 0)
        self.assertIn("130101", result.stderr)
        self.assertIn("the build goes on", result.stderr)


if __name__ == "__main__":
    unittest.main()
