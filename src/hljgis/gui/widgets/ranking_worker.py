"""Run rankings off the GUI thread: one long-lived Python thread, Qt signals back.

A plain ``threading.Thread`` on purpose, not QThreadPool/QRunnable: PySide6 gives a pool
thread a fresh Python thread state per job, and pyproj keeps its PROJ context in thread-local
storage, so objects made in one job point into a freed context in the next (that crashed the
canvas). Only Qt-safe values cross the thread boundary: progress as (float, str), and a job
id; the results stay in a dict that the GUI collects with :meth:`RankingRunner.take`.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from hljgis.analysis.run import Cancelled, run_scenario


@dataclass
class RankingJob:
    """One or more scenario runs done together (a comparison runs two)."""

    job_id: int
    project: Any
    tasks: list[dict]  # keyword arguments of run_scenario (scenario, city, year, sensitivity)
    cancel: threading.Event = field(default_factory=threading.Event)


class RankingRunner(QObject):
    """Queue ranking jobs on a worker thread and report back through signals.

    Signals
    -------
    progress(float, str)
        Fraction 0..1 over the whole job and the engine's stage message.
    finished(int)
        Job id; :meth:`take` returns its list of RankingResult.
    failed(int, str)
        Job id and the error message (bad scenario, inconsistent matrix, missing layer).
    cancelled(int)
        Job id of a run stopped by :meth:`cancel`.
    """

    progress = Signal(float, str)
    finished = Signal(int)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, parent=None, run: Callable[..., Any] = run_scenario) -> None:
        super().__init__(parent)
        self._run = run
        self._ids = itertools.count(1)
        self._queue: queue.Queue = queue.Queue()
        self._results: dict[int, list] = {}
        self._lock = threading.Lock()
        self.current: RankingJob | None = None
        self._thread = threading.Thread(target=self._loop, name="hljgis-ranking", daemon=True)
        self._thread.start()

    def submit(self, project, tasks: list[dict]) -> int:
        """Queue a job and return its id."""
        job = RankingJob(next(self._ids), project, list(tasks))
        self.current = job
        self._queue.put(job)
        return job.job_id

    def cancel(self) -> None:
        """Ask the running job to stop at the engine's next check."""
        if self.current is not None:
            self.current.cancel.set()

    def take(self, job_id: int) -> list:
        """The results of a finished job (removed from the runner)."""
        with self._lock:
            return self._results.pop(job_id, [])

    def stop(self, timeout_s: float = 10.0) -> None:
        """Cancel and end the worker thread (on close)."""
        self.cancel()
        self._queue.put(None)
        self._thread.join(timeout_s)

    # -- worker thread ---------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._do(job)

    def _do(self, job: RankingJob) -> None:
        results = []
        n = len(job.tasks)
        try:
            for k, task in enumerate(job.tasks):
                def report(fraction: float, message: str, k=k) -> None:
                    self.progress.emit(float((k + fraction) / n), str(message))

                results.append(self._run(job.project, progress=report,
                                         cancel=job.cancel.is_set, **task))
        except Cancelled:
            self.cancelled.emit(job.job_id)
            return
        except Exception as exc:  # noqa: BLE001 - any engine error goes to the planner
            self.failed.emit(job.job_id, str(exc) or type(exc).__name__)
            return
        if job.cancel.is_set():
            self.cancelled.emit(job.job_id)
            return
        with self._lock:
            self._results[job.job_id] = results
        self.finished.emit(job.job_id)
