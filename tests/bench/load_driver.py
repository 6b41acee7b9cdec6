"""Simulated users for the load benchmark, run in a second process against a server on loopback.

Each user signs in, then until the deadline (or the request budget) does what their role does:
editors open a section and save it (two editors share each plan, so some saves are refused as
stale, and that is counted), reviewers read the task list, the check page and sections. Prints one
JSON object with every request's kind, status and latency."""

import http.cookiejar
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

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


def run_user(base, user, deadline, budget, results, saves):
    client = Client(base)
    _, page, _ = client.request("/sign-in/")
    token = TOKEN.search(page).group(1)
    status, _, ms = client.request(
        "/sign-in/", {"csrfmiddlewaretoken": token, "username": user["email"], "password": "bench-password-2014"}
    )
    results.append(("sign-in", status, ms))
    plan = user["plan"]
    n = 0
    while time.monotonic() < deadline and budget.acquire(blocking=False):
        n += 1
        if user["kind"] == "editor":
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


def run_floor(base, deadline, results):
    client = Client(base)
    while time.monotonic() < deadline:
        status, _, ms = client.request("/ping")
        results.append(("floor (/ping)", status, ms))
        time.sleep(0.05)


def main():
    base, users_file, seconds, max_requests = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    with open(users_file) as handle:
        users = json.load(handle)
    results, saves = [], []
    budget = threading.Semaphore(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=run_user, args=(base, u, deadline, budget, results, saves)) for u in users]
    threads.append(threading.Thread(target=run_floor, args=(base, deadline, results)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    json.dump({"elapsed": elapsed, "results": results, "saves": saves}, sys.stdout)


if __name__ == "__main__":
    main()
