"""Test helper: a loopback HTTP server that records every request and answers from a script.

Used by test_dingtalk_notify.py and test_record_deployment.py, so the scripts under test
talk real HTTP without leaving the machine.
"""

import http.server
import importlib.machinery
import importlib.util
import os
import threading
from dataclasses import dataclass, field


@dataclass
class Captured:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"


@dataclass
class CaptureServer:
    """Start with `with CaptureServer(responder) as server:`; server.url, server.requests.

    responder(Captured) -> Answer decides each answer; the default answers 200 and nothing.
    """

    responder: object = None
    requests: list = field(default_factory=list)

    def __enter__(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                captured = Captured(self.command, self.path, dict(self.headers), self.rfile.read(length))
                outer.requests.append(captured)
                answer = outer.responder(captured) if outer.responder else Answer()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args):  # keep test output quiet
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        return False


def offline_env(**extra) -> dict:
    """The current environment without proxies (requests must reach loopback directly)."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def load_script(path: str, name: str):
    """Import an extension-less Python script as a module, to test its functions."""
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module
