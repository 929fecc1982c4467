"""Independent stages of a run side by side on a few threads, as the serial run would end.

numpy and GEOS release the GIL for most of a criterion's work, and each criterion spends
part of its time in single-threaded steps (building a tree, cutting a layer into pieces,
sorting), so on a machine with two or more cores the criteria of a scenario and its
constraints are measured together (:class:`Stages`). What the caller sees does not change:

* each stage's result, bit for bit the serial one (a stage writes only its own result);
* progress and the caller's ``cancel()`` stay on the caller's thread: the caller asks for
  the results in order (announcing each as before) and, while it waits, polls
  ``cancel()`` every :data:`POLL` seconds; the stages see a cancel at their next
  ``check()``;
* an error surfaces as it would serially: that of the first stage, in order, that failed
  (the stages after it are stopped at their next check or never started);
* no stage outlives the block: leaving it, on an error too, waits for the running ones.

With one worker (one core) the stages run one after another on the caller's thread, each
when its result is asked for: exactly the serial run.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

__all__ = ["POLL", "Stages"]

#: Seconds between two polls of the caller's ``cancel()`` while it waits for a stage.
POLL = 0.02


class _Superseded(Exception):  # noqa: N818 - internal: an earlier stage failed
    """Raised in a stage whose result no one will ask for (an earlier stage failed)."""


class Stages:
    """Run callables on a small thread pool; hand back their results in order.

    Use as a context manager::

        with Stages(check, workers) as stages:
            stages.start([f0, f1, f2])
            for j in range(3):
                announce(j)
                value = stages.result(j)

    Parameters
    ----------
    check : callable
        The caller's cancel check (raises to cancel); called on the caller's thread only.
    workers : int
        Threads; 1 runs each stage on the caller's thread when its result is asked for.
    """

    def __init__(self, check: Callable[[], None], workers: int):
        self._check = check
        self._owner = threading.get_ident()
        self.workers = max(1, int(workers))
        self._cancel: BaseException | None = None  # what the caller's check raised
        self._failed = math.inf  # index of the first stage that failed
        self._lock = threading.Lock()
        self._local = threading.local()
        self._fns: list[Callable[[], Any]] = []
        self._futures: list[Future] = []
        self._pool: ThreadPoolExecutor | None = None

    # ------------------------------------------------------------------------ stages

    def check(self) -> None:
        """The check a stage calls between chunks (and the caller, between stages).

        On the caller's thread it is the caller's check. On a stage's thread it raises
        what the caller's check raised once the caller saw a cancel, and stops a stage
        whose result will not be asked for because an earlier stage failed.
        """
        if threading.get_ident() == self._owner:
            try:
                self._check()
            except BaseException as exc:
                self._cancel = exc  # the stages raise it too, at their next check
                raise
            return
        if self._cancel is not None:
            raise type(self._cancel)(*self._cancel.args)
        index = getattr(self._local, "index", None)
        if index is not None and index > self._failed:
            raise _Superseded

    def start(self, fns: Sequence[Callable[[], Any]]) -> None:
        """Start the stages (in order, as threads become free)."""
        self._fns = list(fns)
        n = min(self.workers, len(self._fns))
        if n <= 1:
            return
        self._pool = ThreadPoolExecutor(n, thread_name_prefix="hljgis-stage")
        self._futures = [self._pool.submit(self._run, j, fn) for j, fn in enumerate(self._fns)]

    def _run(self, index: int, fn: Callable[[], Any]) -> Any:
        self._local.index = index
        if index > self._failed:
            raise _Superseded
        try:
            return fn()
        except BaseException:
            with self._lock:
                self._failed = min(self._failed, index)
            raise
        finally:
            self._local.index = None

    def result(self, index: int) -> Any:
        """Stage ``index``'s result (waiting for it, polling the caller's check), or its
        error raised here."""
        if self._pool is None:  # serial: run it now
            self.check()
            return self._fns[index]()
        fut = self._futures[index]
        while True:
            self.check()
            done, _ = wait_futures([fut], timeout=POLL)
            if done:
                return fut.result()

    # ------------------------------------------------------------------- the block

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc is not None:  # stop the others: nobody will ask for their results
            with self._lock:
                self._failed = -1
            for fut in self._futures:
                fut.cancel()
        pool.shutdown(wait=True)
