"""Grading processes that can be stopped: a wall-clock and a memory bound per file.

``derive grade DIR`` hands each file to one of ``jobs`` long-lived grading processes
(forked, so they start at once, each with its own decision worker). Each runs in its own
process group under ``RLIMIT_AS``, which its worker inherits: a file that asks for more
memory than the bound gets a ``MemoryError`` (reported in its row), and a file still
running at its deadline has its whole group killed, is reported as "killed", and a
fresh process takes its slot. The other files go on either way.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator


def limit_memory(megabytes: float | None) -> None:
    """Bound this process's address space (and its children's, which inherit it)."""
    if not megabytes:
        return
    import resource

    limit = int(megabytes * 1024 * 1024)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Stopped(KeyboardInterrupt):
    """The grading run was told to stop (SIGTERM, SIGHUP or SIGINT); ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n))


def _die_with_parent() -> None:
    """Linux: have the kernel kill this process if its parent dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(conn, fn: Callable, memory_mb) -> None:  # pragma: no cover - runs in the child
    os.setsid()  # its own group: a kill takes its decision worker along
    for signum in STOP_SIGNALS:  # the parent handles them and kills the group
        signal.signal(signum, signal.SIG_IGN if signum == signal.SIGINT else signal.SIG_DFL)
    _die_with_parent()
    limit_memory(memory_mb)
    from ..engine.worker import set_workers

    set_workers(1)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        n, task = item
        try:
            conn.send((n, "done", fn(task)))
        except MemoryError:
            conn.send((n, "memory", None))
        except BaseException as exc:  # reported as the file's row; the process goes on
            conn.send((n, "error", f"{type(exc).__name__}: {exc}"))


class _Slot:
    def __init__(self, fn, memory_mb):
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, fn, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.task = None
        self.deadline = None

    def signal(self, signum) -> None:
        """Send ``signum`` to the process's group (it and its decision worker), and to the
        process itself (it may not have made its group yet)."""
        for send in (os.killpg, os.kill):
            try:
                send(self.proc.pid, signum)
            except (ProcessLookupError, PermissionError):
                pass

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.proc.join(5)
        self.conn.close()


def _catch_stop_signals(slots: list) -> dict:
    """On SIGTERM, SIGHUP or SIGINT (main thread only): kill every grading process group
    at once, then raise :class:`Stopped`. Returns the handlers to restore."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}

    def stop(signum, frame):
        for s in list(slots):
            s.signal(signal.SIGKILL)
        raise Stopped(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, stop)
        except (ValueError, OSError):
            continue
    return previous


def _restore(previous: dict) -> None:
    for signum, handler in previous.items():
        try:
            signal.signal(signum, handler)
        except (ValueError, OSError, TypeError):
            continue


def run_files(fn: Callable, tasks: Iterable, jobs: int, file_timeout: float,
              memory_mb: float | None) -> Iterator[tuple]:
    """Yield ``(n, status, value)`` for each task, in completion order: status is
    ``"done"`` (value: ``fn(task)``), ``"error"`` (value: the message), ``"memory"`` or
    ``"killed"`` (past ``file_timeout`` seconds, or the process died)."""
    pending = list(enumerate(tasks))[::-1]
    slots: list = []
    previous = _catch_stop_signals(slots)
    stopped = False
    try:
        slots += [_Slot(fn, memory_mb) for _ in range(max(1, min(jobs, len(pending))))]
        while pending or any(s.task is not None for s in slots):
            for s in slots:
                if s.task is None and pending:
                    s.task = pending.pop()
                    s.deadline = time.monotonic() + file_timeout
                    s.conn.send(s.task)
            busy = [s for s in slots if s.task is not None]
            wait_for = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy], timeout=wait_for)
            now = time.monotonic()
            for i, s in enumerate(slots):
                if s.task is None:
                    continue
                if s.conn in ready:
                    try:
                        n, status, value = s.conn.recv()
                    except (EOFError, OSError):
                        n, status, value = s.task[0], "killed", "the grading process died"
                        s.kill()
                        slots[i] = _Slot(fn, memory_mb)
                    else:
                        s.task = None
                    yield n, status, value
                elif now >= s.deadline:
                    n = s.task[0]
                    s.kill()
                    slots[i] = _Slot(fn, memory_mb)
                    yield n, "killed", f"still running after {file_timeout:g} s; stopped"
    except BaseException:
        stopped = True
        raise
    finally:
        if stopped:  # a signal or an error: every process group goes at once, nothing waits
            for s in slots:
                s.kill()
        _restore(previous)
        for s in slots:
            try:
                s.conn.send(None)
            except (OSError, ValueError):
                pass
        for s in slots:
            s.proc.join(1)
            if s.proc.is_alive():
                s.kill()
