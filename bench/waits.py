#!/usr/bin/env python3
"""Sign-in waits, measured from outside (standard library only; run by bench/run.sh).

  waits.py sse-rss URL PID [STREAMS]   resident memory per idle sign-in event stream
  waits.py release URL_A URL_B [N]     a client waits on A, WeChat's callback reaches B:
                                       the time from the callback's arrival to the client
                                       released (p50, p99, max), through Redis
"""

import http.client
import json
import socket
import statistics
import sys
import time
import urllib.parse


def request(base, method, path, body=None):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"content-type": "application/json"} if body is not None else {}
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else None


def new_login(base):
    login = request(base, "POST", "/api/v1/auth/wechat/logins")
    return login["login_id"], login["ticket"]


def open_events(base, login_id):
    """An event stream of a login, open: its headers read (its one event comes when the
    login completes, fails or expires)."""
    url = urllib.parse.urlsplit(base)
    stream = socket.create_connection((url.hostname, url.port), timeout=10)
    path = f"/api/v1/auth/wechat/logins/{login_id}/events"
    stream.sendall(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode())
    head = read_until(stream, b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"the event stream was refused: {head[:200]!r}")
    return stream


def read_until(stream, marker):
    seen = b""
    while marker not in seen:
        chunk = stream.recv(4096)
        if not chunk:
            raise SystemExit(f"stream ended before {marker!r}: {seen[-300:]!r}")
        seen += chunk
    return seen


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def sse_rss(base, pid, count=1000):
    logins = [new_login(base)[0] for _ in range(count)]
    time.sleep(1)
    before = rss_kib(pid)
    streams = [open_events(base, login_id) for login_id in logins]
    time.sleep(1)
    after = rss_kib(pid)
    for stream in streams:
        stream.close()
    per_stream = (after - before) * 1024 / count
    print(f"{count} idle event streams: RSS {before / 1024:.1f} MB -> {after / 1024:.1f} MB, "
          f"{per_stream / 1024:.1f} KiB per stream")


def release(base_a, base_b, count=200):
    b = urllib.parse.urlsplit(base_b)
    callback = f"http://{b.hostname}:{b.port}/api/v1/auth/wechat/callback"
    delays = []
    for _ in range(count):
        login_id, ticket = new_login(base_a)
        stream = open_events(base_a, login_id)
        # The exact push WeChat would send, signed by the stand-in, not delivered yet.
        push = request(base_a, "POST", "/_standin/wechat/simulate-scan",
                       {"ticket": ticket, "deliver": False, "callback_url": callback})["push"]
        query = urllib.parse.urlencode([tuple(pair) for pair in push["query"]])
        sender = http.client.HTTPConnection(b.hostname, b.port, timeout=10)
        started = time.perf_counter()
        sender.request("POST", f"/api/v1/auth/wechat/callback?{query}", body=push["body"].encode(),
                       headers={"content-type": "text/xml"})
        read_until(stream, b"event: completed")
        delays.append((time.perf_counter() - started) * 1000)
        if sender.getresponse().status != 200:
            raise SystemExit("the callback was refused")
        sender.close()
        stream.close()
    delays.sort()
    p99 = delays[max(0, int(len(delays) * 0.99) - 1)]
    print(f"{count} sign-ins released across instances: p50 {statistics.median(delays):.2f} ms, "
          f"p99 {p99:.2f} ms, max {delays[-1]:.2f} ms")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "sse-rss":
        sse_rss(args[0], int(args[1]), *(int(a) for a in args[2:]))
    elif command == "release":
        release(args[0], args[1], *(int(a) for a in args[2:]))
    else:
        raise SystemExit(__doc__)
