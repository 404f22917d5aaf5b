#!/usr/bin/env python3
"""The companion's chat, measured from outside (standard library only; run by bench/run.sh).

  chat.py conversation URL TOKEN PERSONA   prints a new conversation's id, waiting until
                                           the companion knows the persona (synced)
  chat.py ttft URL TOKEN CONVERSATION N METRICS_URL
                                           N messages one after another: the time from
                                           sending to the first token of the reply, seen
                                           by the client and by the server's own histogram
                                           of the time it adds before asking upstream
  chat.py grants URL TOKEN CONVERSATION LIMIT EXTRA THREADS
                                           LIMIT + EXTRA messages at once from THREADS
                                           threads: exactly LIMIT must be granted
"""

import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse


def connect(base):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def request(base, method, path, token, body=None):
    connection = connect(base)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def conversation(base, token, persona, wait_secs=30):
    deadline = time.monotonic() + wait_secs
    while True:
        status, data = request(base, "POST", "/api/v1/companion/conversations", token, {"persona_id": persona})
        if status < 300:
            print(json.loads(data)["id"])
            return
        if status != 404 or time.monotonic() > deadline:
            raise SystemExit(f"no conversation: {status} {data[:200]!r}")
        time.sleep(0.2)


def send(base, token, conversation_id, text, until):
    """Sends one message; returns its status and the seconds until `until` appeared in
    the reply stream, or its status and the problem's code when refused. Closing the
    stream there stops the reply."""
    connection = connect(base)
    started = time.perf_counter()
    connection.request("POST", f"/api/v1/companion/conversations/{conversation_id}/messages",
                       body=json.dumps({"text": text}),
                       headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    response = connection.getresponse()
    if response.status != 200:
        problem = json.loads(response.read() or b"{}")
        connection.close()
        return response.status, problem.get("code")
    seen = b""
    while until not in seen:
        chunk = response.read1(4096)
        if not chunk:
            raise SystemExit(f"the reply ended before {until!r}: {seen[-300:]!r}")
        seen += chunk
    elapsed = time.perf_counter() - started
    connection.close()
    return 200, elapsed


def percentile(values, share):
    return values[max(0, int(len(values) * share) - 1)]


def overhead_histogram(metrics_url):
    """The server's `yujie_companion_reply_overhead_seconds` buckets: (le, cumulative)."""
    url = urllib.parse.urlsplit(metrics_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("GET", url.path)
    text = connection.getresponse().read().decode()
    buckets = []
    for line in text.splitlines():
        if line.startswith("yujie_companion_reply_overhead_seconds_bucket"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float(le), int(float(line.rsplit(" ", 1)[1]))))
    return buckets


def ttft(base, token, conversation_id, count, metrics_url):
    before = dict(overhead_histogram(metrics_url))
    delays = []
    for n in range(count):
        status, elapsed = send(base, token, conversation_id, f"第 {n} 个问题：今天过得怎么样？", b'"type":"delta"')
        if status != 200:
            raise SystemExit(f"message {n} was refused: {status} {elapsed}")
        delays.append(elapsed * 1000)
    delays.sort()
    after = overhead_histogram(metrics_url)
    ours = [(le, cumulative - before.get(le, 0)) for le, cumulative in after]
    total = ours[-1][1]
    if total != count:
        raise SystemExit(f"the server observed {total} messages, not {count}")
    p99_bound = next(le for le, cumulative in ours if cumulative >= 0.99 * total)
    p50_bound = next(le for le, cumulative in ours if cumulative >= 0.5 * total)
    print(f"{count} messages, first token at the client (the stand-in's 40 ms pause before its first "
          f"piece included): p50 {statistics.median(delays):.2f} ms, "
          f"p99 {percentile(delays, 0.99):.2f} ms, max {delays[-1]:.2f} ms; "
          f"the server's own part (quota, history, retrieval, prompt): p50 ≤ {p50_bound * 1000:g} ms, "
          f"p99 ≤ {p99_bound * 1000:g} ms (histogram buckets)")


def grants(base, token, conversation_id, limit, extra, threads):
    total = limit + extra
    statuses = []
    lock = threading.Lock()
    sent = iter(range(total))

    def worker():
        while True:
            with lock:
                n = next(sent, None)
            if n is None:
                return
            status, code = send(base, token, conversation_id, f"并发第 {n} 条", b'"type":"start"')
            with lock:
                statuses.append("granted" if status == 200 else f"{status} {code}")

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    granted, refused = statuses.count("granted"), statuses.count("429 quota_exceeded")
    others = sorted(set(statuses) - {"granted", "429 quota_exceeded"})
    print(f"{total} messages at once from {threads} threads with a limit of {limit}: {granted} granted, "
          f"{refused} refused (429 quota_exceeded) in {elapsed:.2f} s")
    if others:
        raise SystemExit(f"other answers: {others}")
    if granted != limit:
        raise SystemExit("the quota did not grant exactly its limit")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "conversation":
        conversation(*args)
    elif command == "ttft":
        ttft(args[0], args[1], args[2], int(args[3]), args[4])
    elif command == "grants":
        grants(args[0], args[1], args[2], *(int(a) for a in args[3:]))
    else:
        raise SystemExit(__doc__)
