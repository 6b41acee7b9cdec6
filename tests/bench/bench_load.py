"""Load: gunicorn on PostgreSQL, 50 simulated users from a second process on loopback.

Prints requests per second, p50/p95/p99 latency per page kind, errors, the ratio of the task-list
page's median latency to a trivial Django view's (the floor: /ping), the same for the cheapest
signed-in page (for comparison: what the session, sign-in and layout cost every page), and whether
every concurrent save is accounted for. Targets on a 2-core machine: zero errors, p95 < 150 ms for
section pages, ratio < 3.
Each simulated person waits 0.5–2 s between requests (BENCH_THINK_MIN/MAX), as people read and type.
Bounded: BENCH_SECONDS (default 20) and BENCH_MAX_REQUESTS (default 20000)."""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def _percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[index]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_database(url):
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        conn = psycopg2.connect(admin, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        return str(exc).strip()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    return None


def main():
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://bcf:bcf@127.0.0.1:5432/bcf_bench")
    problem = _ensure_database(url)
    if problem:
        print(f"load benchmark skipped: no PostgreSQL at {url} ({problem}); .ci/run shows how to start one")
        return
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    max_requests = int(os.environ.get("BENCH_MAX_REQUESTS", "20000"))
    # 50 people: 20 editors saving (two per plan), 10 editors submitting signed-off plans, 20 reviewers.
    editors, reviewers = 20, 20
    submitters = int(os.environ.get("BENCH_SUBMITTERS", "10"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        "LOGIN_FAILURE_LIMIT": "1000",
        "LOGIN_ADDRESS_FAILURE_LIMIT": "1000",
    }
    setup = subprocess.run(
        [PY, "-m", "tests.bench.load_setup", str(editors), str(reviewers), str(submitters)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    users = json.loads(setup.stdout.strip().splitlines()[-1])
    port = int(os.environ.get("BENCH_PORT") or _free_port())
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "bcf.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # One background worker beside the web server, as `make run` has: the files of each submission
    # are made while the load goes on. In production workers run on their own machines; here they
    # share the two cores, so the worker runs at the lowest CPU priority (BENCH_WORKER_NICE).
    nice = int(os.environ.get("BENCH_WORKER_NICE", "19"))
    worker = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--no-reload", "--interval", "0.5", "--no-startup-delay", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.nice(nice),  # noqa: PLW1509 - no threads yet in this process
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/ping", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            print("load benchmark failed: gunicorn did not start")
            return
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(users, handle)
        driver = subprocess.run(
            [PY, "-m", "tests.bench.load_driver", base, handle.name, str(seconds), str(max_requests)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 180,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        worker.terminate()
        worker.wait(timeout=60)
    run = json.loads(driver.stdout)
    verify = subprocess.run(
        [PY, "-m", "tests.bench.load_verify"],
        cwd=ROOT,
        env=env,
        input=json.dumps(run["saves"]),
        capture_output=True,
        text=True,
        check=True,
    )
    accounted = json.loads(verify.stdout.strip().splitlines()[-1])
    report(run, accounted, len(users), workers)


def report(run, accounted, users, workers):
    results, elapsed = run["results"], run["elapsed"]
    kinds = {}
    for kind, status, ms in results:
        kinds.setdefault(kind, []).append((status, ms))
    errors = sum(1 for _, status, _ in results if status == 0 or status >= 500)
    print(
        f"users: {run.get('signed_in', users)} of {users} signed in and concurrent (+1 floor probe), "
        f"gunicorn workers: {workers}, measured window: {elapsed:.1f} s"
    )
    print(f"requests: {len(results)}, {len(results) / elapsed:.1f} per second, errors (5xx or no answer): {errors}")
    print(f"{'page kind':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(kinds):
        times = [ms for _, ms in kinds[kind]]
        statuses = {}
        for status, _ in kinds[kind]:
            statuses[status] = statuses.get(status, 0) + 1
        print(
            f"{kind:<16}{len(times):>7}{_percentile(times, 50):>9.1f}{_percentile(times, 95):>9.1f}"
            f"{_percentile(times, 99):>9.1f}  {dict(sorted(statuses.items()))}"
        )
    task = [ms for status, ms in kinds.get("task list", []) if status == 200]
    floor = [ms for status, ms in kinds.get("floor (/ping)", []) if status == 200]
    if task and floor:
        ratio = statistics.median(task) / statistics.median(floor)
        print(f"task list median / trivial view median: {ratio:.2f} (target < 3)")
    signed = [ms for status, ms in kinds.get("signed-in page", []) if status == 200]
    if signed and floor:
        print(
            f"for comparison: signed-in page median / trivial view median: "
            f"{statistics.median(signed) / statistics.median(floor):.2f}; task list median / signed-in page "
            f"median: {statistics.median(task) / statistics.median(signed):.2f}"
        )
    submits = [ms for _, ms in kinds.get("submit POST", [])]
    if submits:
        print(f"submit POST p95: {_percentile(submits, 95):.1f} ms over {len(submits)} submissions (target < 1000 ms)")
    section = [ms for kind in ("section page", "section save") for _, ms in kinds.get(kind, [])]
    if section:
        print(f"section pages p95: {_percentile(section, 95):.1f} ms (target < 150 ms)")
    print(
        "saves: {attempted} attempted, {succeeded} saved, {refused_stale} refused as stale, {lost} lost, "
        "{plans_with_wrong_final_text} plans whose final text is not the last save".format(**accounted)
    )


if __name__ == "__main__":
    main()
