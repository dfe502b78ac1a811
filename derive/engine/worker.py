"""A time bound that really stops a computation: a reused worker process.

``signal.alarm`` works only on the main thread and cannot interrupt C code, so a
step is decided in a separate process: ``python -m derive.engine.worker``, talking over two
pipes. It is started once and reused for every call; when a call runs past its
bound the process is killed, a fresh one is started at once (it warms up while the
caller goes on), and the caller gets back whatever progress the worker had reported.

A plain subprocess rather than ``multiprocessing.Process``: the latter's spawn and
forkserver methods re-import the caller's ``__main__``, which breaks every user
script without an ``if __name__ == "__main__"`` guard, and fork is unsafe in a
threaded caller.
"""
from __future__ import annotations

import atexit
import importlib
import os
import queue
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any, Callable

# Modules of the functions the workers have been asked to run: a (re)started worker imports
# them before its first call, so a restart after a time-out costs no import time in the
# next call, and the worker knows nothing of what it runs.
_WARM: set[str] = set()


def _serve(conn_in: Connection, conn_out: Connection) -> None:  # pragma: no cover - child
    while True:
        try:
            msg = conn_in.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task_id, module, name, args, kwargs = msg
        fn = getattr(importlib.import_module(module), name)

        def progress(info, _id=task_id):
            conn_out.send(("progress", _id, info))

        try:
            reply = ("done", task_id, fn(*args, progress=progress, **kwargs))
        except MemoryError:
            reply = ("error", task_id, "MemoryError")
        except BaseException as exc:  # reported to the caller, the worker lives on
            reply = ("error", task_id, f"{type(exc).__name__}: {exc}"[:2000])
        try:
            conn_out.send(reply)
        except MemoryError:  # the frames that held the memory are gone; say so briefly
            reply = None
            import gc

            gc.collect()
            try:
                conn_out.send(("error", task_id, "MemoryError"))
            except MemoryError:
                os._exit(3)
        except (OSError, EOFError):
            return  # the caller is gone
        except Exception as exc:  # a result that cannot be sent
            conn_out.send(("error", task_id, f"the result could not be sent: {type(exc).__name__}"))
        reply = None


class Worker:
    """One child process running one call at a time, killed and restarted on time-out."""

    def __init__(self) -> None:
        self._proc = None
        self._send = None
        self._recv = None
        self._lock = threading.Lock()
        self._next_id = 0
        self._pid = os.getpid()

    def _ensure(self) -> None:
        if self._pid != os.getpid():  # inherited across a fork: start our own
            self._proc, self._send, self._recv, self._pid = None, None, None, os.getpid()
        if self._proc is not None and self._proc.poll() is None:
            return
        self._start()

    def _start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        to_parent_r, to_parent_w = os.pipe()
        env = dict(os.environ)
        # the caller's import path, less the working folder: a worker never imports code from
        # the folder it was started in (a derive.py or sympy.py there is a student's file)
        # (unless derive itself runs from there: then that folder is already the code that runs)
        here = os.path.realpath(os.getcwd())
        home = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
        paths = [p for p in sys.path if p and os.path.isdir(p)
                 and (os.path.realpath(p) != here or here == home)]
        env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.path[:] = [p for p in sys.path if p]; "  # -c puts the working folder first
             "from derive.engine.worker import child_main; child_main(sys.argv[1:])",
             str(to_child_r), str(to_parent_w), *sorted(_WARM)],
            pass_fds=(to_child_r, to_parent_w), stdin=subprocess.DEVNULL, env=env,
        )
        os.close(to_child_r)
        os.close(to_parent_w)
        self._send = Connection(to_child_w, readable=False)
        self._recv = Connection(to_parent_r, writable=False)

    def kill(self, restart: bool = False) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=5)
        for c in (self._send, self._recv):
            if c is not None:
                c.close()
        self._proc, self._send, self._recv = None, None, None
        if restart:
            self._start()

    def call(self, fn: Callable, args: tuple, kwargs: dict, timeout: float):
        """Run ``fn(*args, progress=..., **kwargs)`` in the worker within ``timeout`` s.

        Returns ``(status, value, progress_list)`` where status is ``"done"``,
        ``"error"`` or ``"timeout"``.
        """
        deadline = time.monotonic() + timeout
        _WARM.add(fn.__module__)
        with self._lock:
            self._ensure()
            self._next_id += 1
            task_id = self._next_id
            progress: list[Any] = []
            try:
                self._send.send((task_id, fn.__module__, fn.__name__, args, kwargs))
            except (OSError, ValueError):
                self.kill()
                return "error", "worker unavailable", progress
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._recv.poll(remaining):
                    self.kill(restart=True)
                    return "timeout", None, progress
                try:
                    kind, got_id, value = self._recv.recv()
                except (EOFError, OSError):
                    self.kill()
                    return "error", "worker died", progress
                if got_id != task_id:
                    continue
                if kind == "progress":
                    progress.append(value)
                    continue
                return kind, value, progress


class Pool:
    """Up to ``size`` workers; a call takes a free one (started on first need)."""

    def __init__(self, size: int = 1) -> None:
        self._free: "queue.Queue[Worker]" = queue.Queue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        self.size = size

    def resize(self, size: int) -> None:
        with self._lock:
            self.size = max(1, size)

    def _take(self) -> Worker:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._all) < self.size:
                w = Worker()
                self._all.append(w)
                return w
        return self._free.get()

    def call(self, fn: Callable, args: tuple, kwargs: dict, timeout: float):
        w = self._take()
        try:
            return w.call(fn, args, kwargs, timeout)
        finally:
            self._free.put(w)

    def shutdown(self) -> None:
        for w in self._all:
            w.kill()


_POOL = Pool(1)
atexit.register(_POOL.shutdown)


def set_workers(n: int) -> None:
    """How many worker processes may decide steps at once (one per thread that calls)."""
    _POOL.resize(n)


def run_bounded(fn: Callable, args: tuple, kwargs: dict, timeout: float):
    """Run ``fn`` in a worker process of the shared pool with a hard time bound."""
    return _POOL.call(fn, args, kwargs, timeout)


def child_main(argv) -> None:  # pragma: no cover - the child's entry point
    for module in argv[2:]:  # warm the imports before the first call
        importlib.import_module(module)

    _serve(Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False))
