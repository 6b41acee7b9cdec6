"""Simulated users for the load benchmark, run in a second process against a server on loopback.

Each user signs in, then until the deadline (or the request budget) does what their role does:
editors open a section and save it (two editors share each plan, so some saves are refused as
stale, and that is counted), reviewers read the task list, the check page and sections. Prints one
JSON object with every request's kind, status and latency."""

import http.cookiejar
import json
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

THINK_MIN = float(os.environ.get("BENCH_THINK_MIN", "0.5"))
THINK_MAX = float(os.environ.get("BENCH_THINK_MAX", "2.0"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')


class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as response:
                text = response.read().decode("utf-8", "replace")
                status = response.status
        except urllib.error.HTTPError as exc:
            text, status = exc.read().decode("utf-8", "replace"), exc.code
        except OSError:
            text, status = "", 0
        return status, text, (time.perf_counter() - started) * 1000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base, user):
    client = Client(base)
    _, page, _ = client.request("/sign-in/")
    token = TOKEN.search(page)
    if token is None:  # the server did not answer in time
        return None
    token = token.group(1)
    status, _, _ = client.request(
        "/sign-in/", {"csrfmiddlewaretoken": token, "username": user["email"], "password": "bench-password-2014"}
    )
    return client if status == 302 else None


def run_user(client, user, deadline, budget, results, saves):
    plan = user.get("plan")
    to_submit = list(user.get("plans", []))
    n = 0
    rng = random.Random(user["email"])
    while time.monotonic() < deadline and budget.acquire(blocking=False):
        n += 1
        # People read and type between requests: a think time of THINK_MIN..THINK_MAX seconds.
        time.sleep(rng.uniform(THINK_MIN, THINK_MAX))
        if user["kind"] == "submitter":
            if not to_submit:
                return
            plan = to_submit.pop(0)
            status, page, ms = client.request(f"/plans/{plan}/submit/")
            results.append(("submit page", status, ms))
            token = TOKEN.search(page)
            if token:
                status, _, ms = client.request(f"/plans/{plan}/submit/", {"csrfmiddlewaretoken": token.group(1)})
                results.append(("submit POST", status, ms))
            status, _, ms = client.request(f"/plans/{plan}/versions/")
            results.append(("versions page", status, ms))
        elif user["kind"] == "editor":
            status, page, ms = client.request(f"/plans/{plan}/sections/oversight/")
            results.append(("section page", status, ms))
            match_token, match_rev = TOKEN.search(page), REVISION.search(page)
            if not (match_token and match_rev):
                continue
            text = f"Oversight by {user['email']} save {n}"
            status, _, ms = client.request(
                f"/plans/{plan}/sections/oversight/",
                {
                    "csrfmiddlewaretoken": match_token.group(1),
                    "revision": match_rev.group(1),
                    "action-oversight-text": text,
                    "action": "save",
                },
            )
            results.append(("section save", status, ms))
            saves.append((plan, text, status))
            if n % 3 == 0:
                status, _, ms = client.request(f"/plans/{plan}/")
                results.append(("task list", status, ms))
        else:
            for kind, path in (
                ("task list", f"/plans/{plan}/"),
                ("check page", f"/plans/{plan}/check/"),
                ("section page", f"/plans/{plan}/sections/vision/"),
            ):
                status, _, ms = client.request(path)
                results.append((kind, status, ms))
                time.sleep(rng.uniform(THINK_MIN, THINK_MAX))


def run_floor(base, deadline, results, signed_in_client):
    """The floor: /ping, a Django view with no session, database or template. Beside it, for comparison,
    the cheapest signed-in page (the accessibility statement: the session, the user, the menu's roles
    and the GOV.UK layout that every signed-in page pays for, and nothing else)."""
    client = Client(base)
    while time.monotonic() < deadline:
        status, _, ms = client.request("/ping")
        results.append(("floor (/ping)", status, ms))
        if signed_in_client is not None:
            status, _, ms = signed_in_client.request("/accessibility/")
            results.append(("signed-in page", status, ms))
        time.sleep(0.05)


def main():
    base, users_file, seconds, max_requests = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    with open(users_file) as handle:
        users = json.load(handle)
    results, saves = [], []
    budget = threading.Semaphore(max_requests)
    # Everyone signs in first (password hashing is deliberately slow), then the measured window starts.
    clients = [None] * len(users)

    def _sign_in(index):
        clients[index] = sign_in(base, users[index])

    signers = [threading.Thread(target=_sign_in, args=(i,)) for i in range(len(users))]
    for t in signers:
        t.start()
    for t in signers:
        t.join(timeout=300)
    signed_in = sum(1 for c in clients if c is not None)
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=run_user, args=(clients[i], u, deadline, budget, results, saves))
        for i, u in enumerate(users)
        if clients[i] is not None
    ]
    probe = sign_in(base, users[-1])  # a second session of one of the users, for the signed-in comparison
    threads.append(threading.Thread(target=run_floor, args=(base, deadline, results, probe)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    json.dump({"elapsed": elapsed, "signed_in": signed_in, "results": results, "saves": saves}, sys.stdout)


if __name__ == "__main__":
    main()
