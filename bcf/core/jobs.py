"""Background jobs: Django's tasks API (django-tasks with its database backend) plus the few things
that backend leaves to the application: queueing inside the caller's transaction, a time limit per
job, a bounded child process for renders, and retry delays.

The database backend stores each queued job as a row of the application's own database, so a job
queued inside a transaction becomes visible to the workers when, and only when, that transaction
commits: a submission and its jobs commit together or not at all. `manage.py db_worker` runs them
(several workers on several machines share the queue: each claims a row with SELECT … FOR UPDATE
SKIP LOCKED). The backend gives results and several workers, not retries or time limits: those
are here, around the task functions, and the jobs that need retries keep their own record (an
OutgoingEmail, a FileJob) so an administrator sees what failed and why.
"""

import contextlib
import functools
import gc
import logging
import os
import pickle
import resource
import select
import signal
import threading
import time

from django.conf import settings
from django.db import transaction

log = logging.getLogger("bcf.jobs")


class JobFailed(Exception):
    """A job that cannot succeed; the message is written for the person who asked for the file."""


class LimitExceeded(JobFailed):
    """A job went past its time limit or memory ceiling."""


def _uses_the_database(task):
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task, *args, **kwargs):
    """Queue `task` so it runs once the current transaction commits, and never if it rolls back.

    With the database backend the job's row is written in the caller's transaction (atomic with the
    rows the job will fill); any other backend is handed the job on commit. Returns the job id, or
    None when it is queued on commit."""
    if _uses_the_database(task):
        return task.enqueue(*args, **kwargs).id
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
    return None


def enqueue_after(task, seconds, *args, **kwargs):
    """Queue `task` to run no earlier than `seconds` from now (a retry's backoff)."""
    from django.utils import timezone

    run_after = timezone.now() + timezone.timedelta(seconds=seconds)
    return enqueue(task.using(run_after=run_after), *args, **kwargs)


def backoff(attempt, base=None):
    """Seconds to wait before retry number `attempt` (1, 2, …): base × 2^(attempt-1), at most a day."""
    base = settings.EMAIL_RETRY_BASE_SECONDS if base is None else base
    return min(base * 2 ** (attempt - 1), 24 * 60 * 60)


def run_jobs(*, max_tasks=None):
    """Run every job that is ready now, in this process, one after another, with the database
    backend's own claim and run steps (its worker's loop without the sleeping and the connection
    recycling, which would close a test's transaction). Tests and `manage.py run_jobs` use it;
    production runs `manage.py db_worker`. Returns how many jobs ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker_id = f"inline-{os.getpid()}"
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while max_tasks is None or ran < max_tasks:
        with exclusive_transaction():
            job = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if job is not None:
                job.claim(worker_id)
        if job is None:
            return ran
        worker.run_task(job)
        ran += 1
    return ran


@contextlib.contextmanager
def time_limit(seconds, what="The job"):
    """Raise LimitExceeded in this thread after `seconds`. Only the main thread receives signals, so
    elsewhere (a worker run by the autoreloader) the limit is not enforced: renders have their own."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise LimitExceeded(f"{what} took longer than {seconds} seconds and was stopped.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _virtual_memory_bytes():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# CPython 3.11 keeps its frames in 16 KB chunks and frees a chunk as soon as the frame at its base
# returns, so a deep recursion that goes back and forth across a chunk's edge maps and unmaps memory
# every time: WeasyPrint's layout of one plan did so about 5,000 times (tens of thousands of page
# faults, 30-230 ms of system time, depending only on how deep the stack was when it started). Calling
# the render from a frame with this many local slots puts it at the bottom of a 256 KB chunk, which
# the layout's own recursion then never leaves.
FRAME_ROOM_SLOTS = 16_400


@functools.cache
def _call_with_frame_room():
    names = " = ".join(f"_{i}" for i in range(FRAME_ROOM_SLOTS))
    source = f"def call(function, args):\n    {names} = None\n    return function(*args)\n"
    namespace = {}
    exec(compile(source, "<frame room>", "exec"), namespace)  # noqa: S102 - our own fixed source
    return namespace["call"]


def run_bounded(function, *args, seconds=None, memory_mb=None, what="The render"):
    """`function(*args)` in a forked child process with a time limit and a memory ceiling; return its
    result. The child inherits everything this process has imported (WeasyPrint, fonts), so it starts
    at once, and it must not touch the database: give it plain data. Past a limit the child is
    stopped and LimitExceeded says which limit, in words for the editor."""
    seconds = settings.RENDER_TIME_LIMIT_SECONDS if seconds is None else seconds
    memory_mb = settings.RENDER_MEMORY_LIMIT_MB if memory_mb is None else memory_mb
    call = _call_with_frame_room()  # built here, once, so every child inherits it
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limit itself, run, send back the outcome, and leave without cleanup
        os.close(read_end)
        # The parent's objects are the child's to read, not to collect: left to the collector, every
        # full collection during the render walks them all (and copies their pages on write).
        gc.freeze()
        status = 0
        try:
            if memory_mb:
                ceiling = _virtual_memory_bytes() + memory_mb * 1024 * 1024
                resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
            if seconds:
                resource.setrlimit(resource.RLIMIT_CPU, (seconds + 2, seconds + 5))
            try:
                outcome = ("ok", call(function, args))
            except MemoryError:
                outcome = ("memory", None)
            except JobFailed as exc:
                outcome = ("failed", str(exc))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
                outcome = ("error", f"{type(exc).__name__}: {exc}")
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks, deadline, timed_out = [], time.monotonic() + seconds if seconds else None, False
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], wait)
            if not ready:
                continue
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)):
        raise LimitExceeded(
            f"{what} took longer than {seconds} seconds and was stopped. Shorten the longest answers or "
            "make any very large images smaller, then try again."
        )
    try:
        kind, value = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child process wrote it
    except Exception:
        kind, value = "memory", None  # the child died without reporting: most often out of memory
    if kind == "ok":
        return value
    if kind == "memory":
        raise LimitExceeded(
            f"{what} needed more than {memory_mb} MB of memory and was stopped. Make any very large images "
            "smaller, then try again."
        )
    if kind == "failed":
        raise JobFailed(value)
    raise RuntimeError(f"{what} failed: {value}")
