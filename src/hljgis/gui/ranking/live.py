"""Live re-weighting: after a run, an edit re-scores the result and re-colours the map.

A planner who moves a weight, a transform parameter or switches a constraint between
exclude and penalty after a ranking wants to see the map follow, not wait seconds for the
criteria to be measured again. :class:`LiveReweight` keeps the run's
:class:`~hljgis.analysis.rescore.Rescorer`, re-scores each edit on one plain Python thread
(newest edit wins: edits arriving while one is scored replace each other), and on the GUI
thread only swaps the result layer's frame (a new frame over the same geometry array, so
the renderer keeps its prepared cells and re-colours them) and asks the canvas to draw.

Each edit goes in two steps. The map needs the scores and the "#rank" labels of the best
sites only, so the worker first builds the frame with those ranks (a partition) and hands
it over (``applied``); then, while the canvas renders, it sorts all the scores, fills the
frame's rank column in place and gives the results table its order (``ranked``). Sorting
a million scores is the larger part of a re-score; the map does not wait for it.

The GUI thread's share is a frame swap and a render request (about 1 ms at a million
sites), then handing the table its new arrays.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from hljgis.analysis.ranking_layer import LABEL_COLUMNS, labelled_frame
from hljgis.analysis.rescore import NeedsFullRun, Rescorer
from hljgis.gui.i18n import tr

__all__ = ["LiveReweight", "connect_panel"]

_SAME = object()


@dataclass
class _Job:
    serial: int
    generation: int
    rescorer: Rescorer
    scenario: Any
    city: Any
    label_top: int | None
    requested: float
    warm: bool = False
    keep: dict = field(default_factory=dict)  # label columns kept when label_top is None
    frame: Any = None  # the map layer's new frame: the result's columns and the labels
    outcome: str = ""
    value: Any = None
    order: Any = None
    counts: Any = None
    timings: dict = field(default_factory=dict)


class LiveReweight(QObject):
    """Re-score the attached run on a worker thread and put the scores on its map layer.

    Parameters
    ----------
    parent : QObject, optional
    canvas : MapCanvas, optional
        Asked to draw at once when a layer got new values; without it the canvas redraws
        on the layer's data event after its usual debounce.

    Signals
    -------
    applied(str)
        Name of the layer that got new values (GUI thread; :attr:`result` is the new
        RankingResult).
    blocked(str)
        Why the last edit needs a full run (another year, a criterion measuring something
        else, ...).
    failed(str)
        An edit the scenario refuses (an inconsistent AHP matrix, a bad value).
    ranked(str)
        The applied edit's ranks are complete (the layer's frame was filled in place) and
        :attr:`order` holds its sites in table order (ranked best first, then the rest).
    """

    applied = Signal(str)
    blocked = Signal(str)
    failed = Signal(str)
    ranked = Signal(str)
    _ready = Signal(int)
    _ranks_ready = Signal(int)

    def __init__(self, parent=None, canvas=None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.result = None
        self.layer = None
        #: Seconds of the last applied edit: "scores", "results" (frame build), "labels",
        #: "worker" (request to frame ready), "worker_cpu" (its thread's CPU time), "gui"
        #: (swap on the GUI thread), "total" (request to swap done); once ranked: "ranks"
        #: (all ranks and the order, worker), "table" (table update, GUI thread),
        #: "table_total" (request to table updated).
        self.last_timings: dict[str, float] = {}
        #: Positions of :attr:`result`'s sites in table order, once ``ranked`` said so.
        self.order: np.ndarray | None = None
        #: (sites ranked, of them penalised) with :attr:`order`, None if not counted.
        self.counts: tuple[int, int] | None = None
        self._rescorer: Rescorer | None = None
        self._generation = 0
        self._serials = itertools.count(1)
        self._applied_serial = 0
        self._latest_serial = 0
        self._cond = threading.Condition()
        self._pending: _Job | None = None
        self._running: _Job | None = None
        self._finished: dict[int, _Job] = {}
        self._ranks_done: dict[int, _Job] = {}
        self._shown = 0  # the newest edit the canvas has drawn (or had nothing to draw)
        self._watched = None  # the canvas whose render_finished is connected
        self._drawing = 0  # the edit whose frame the canvas renders
        self._stop = False
        self._ready.connect(self._on_ready)
        self._ranks_ready.connect(self._on_ranks_ready)
        self._thread = threading.Thread(target=self._loop, name="hljgis-live-reweight",
                                        daemon=True)
        self._thread.start()

    # -- following a run -----------------------------------------------------------------------
    def attach(self, result, layer) -> bool:
        """Follow ``result`` and its map ``layer``; False when the run kept no measured
        values (then edits need a full run)."""
        self.detach()
        try:
            self._rescorer = Rescorer(result)
        except NeedsFullRun:
            return False
        self.result, self.layer = result, layer
        # fill the re-scorer's caches (outcomes, reason texts, which columns hold NaN)
        # while the planner looks at the new map, so the first edit costs what later ones
        # do (at a million sites ~100 ms saved); any edit replaces it
        with self._cond:
            self._pending = _Job(0, self._generation, self._rescorer, result.scenario,
                                 _SAME, None, time.perf_counter(), warm=True)
            self._cond.notify_all()
        return True

    def detach(self) -> None:
        """Stop following a run (a new project, a new run); pending edits are dropped."""
        with self._cond:
            self._generation += 1
            self._pending = None
            self._cond.notify_all()  # a worker waiting for this run's frame goes on
        self._rescorer = None
        self.result = self.layer = self.order = None

    @property
    def attached(self) -> bool:
        return self._rescorer is not None and self.layer is not None

    # -- edits ---------------------------------------------------------------------------------
    def request(self, scenario, city: Any = _SAME, label_top: int | None = None) -> int:
        """Re-score for ``scenario`` (newest wins); returns the request's number, 0 when no
        run is attached.

        ``label_top``: rewrite the layer's ``label``/``label_priority`` columns for the
        best N sites (None keeps what the layer has).
        """
        if not self.attached:
            return 0
        job = _Job(next(self._serials), self._generation, self._rescorer, scenario, city,
                   label_top, time.perf_counter())
        if label_top is None:
            g = self.layer.gdf
            job.keep = {c: g[c].array for c in LABEL_COLUMNS if c in g.columns}
        with self._cond:
            self._pending = job
            self._latest_serial = job.serial
            self._cond.notify_all()
        return job.serial

    def busy(self) -> bool:
        """True while an edit waits, is scored, or its frame is not on the layer yet."""
        with self._cond:
            waiting = self._pending is not None or self._running is not None
        return waiting or bool(self._finished) or bool(self._ranks_done)

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Process events until the newest edit is applied (tests, benchmarks)."""
        from PySide6.QtCore import QCoreApplication

        deadline = time.monotonic() + timeout_s
        while self.busy() and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.001)
        QCoreApplication.processEvents()
        return not self.busy()

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """End the worker thread (on close)."""
        with self._cond:
            self._stop = True
            self._pending = None
            self._cond.notify_all()
        self._thread.join(timeout_s)

    # -- worker thread -------------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job, self._pending = self._pending, None
                self._running = job
            if job.warm:
                self._warm(job)
                with self._cond:
                    self._running = None
                continue
            self._do(job)
            with self._cond:
                self._finished[job.serial] = job
            self._ready.emit(job.serial)
            if job.outcome == "ok":
                self._await_frame(job)
                self._rank(job)
            with self._cond:
                self._running = None
                if job.outcome == "ok":
                    self._ranks_done[job.serial] = job
            if job.outcome == "ok":
                self._ranks_ready.emit(job.serial)

    def _do(self, job: _Job) -> None:
        cpu = time.thread_time()
        try:
            # the map's labels need the best label_top ranks only; the rest come in _rank
            out = job.rescorer.rescore(job.scenario, city=job.city, top=job.label_top or 0)
            t0 = time.perf_counter()
            # the layer's frame: the new result's columns (shared, so the ranks filled in
            # later reach the map) and the labels; the result itself stays label-free
            if job.label_top is not None:
                job.frame = labelled_frame(out.gdf, job.label_top)
            else:
                job.frame = out.gdf.copy(deep=False)
                for c, values in job.keep.items():
                    job.frame[c] = values
            job.outcome, job.value = "ok", out
            job.timings = {**out.timings, "labels": time.perf_counter() - t0}
        except NeedsFullRun as exc:
            job.outcome, job.value = "blocked", str(exc)
        except Exception as exc:  # noqa: BLE001 - a refused edit is reported, not raised
            job.outcome, job.value = "failed", str(exc) or type(exc).__name__
        job.timings["worker"] = time.perf_counter() - job.requested
        job.timings["worker_cpu"] = time.thread_time() - cpu

    def _warm(self, job: _Job) -> None:
        """The run's scenario, then each of its first three constraints switched between
        exclude and penalty (their outcomes and texts, 50-100 ms each at a million sites);
        stops as soon as an edit waits."""
        d = job.scenario.to_dict()
        todo = [d]
        for k, c in enumerate(d.get("constraints", [])[:3]):
            flip = job.scenario.to_dict()
            flip["constraints"][k]["mode"] = "exclude" if c.get("mode") == "penalty" else (
                "penalty")
            todo.append(flip)
        for sc in todo:
            with self._cond:
                if self._pending is not None or self._stop:
                    return
            with contextlib.suppress(Exception):  # a warm-up only fills caches
                job.rescorer.rescore(sc, top=0)

    def _await_frame(self, job: _Job, timeout_s: float = 0.5) -> None:
        """Sort the ranks once the canvas has drawn this edit (or a newer edit waits):
        on 2 shared cores, ranking while the frame renders slows the frame."""
        with self._cond:
            self._cond.wait_for(lambda: self._shown >= job.serial or self._stop
                                or self._pending is not None
                                or job.generation != self._generation, timeout_s)

    def _rank(self, job: _Job) -> None:
        """Second step: all the ranks (in place) and the table order. Done for every edit,
        even one a newer edit replaces: that edit may yet be refused, and then this one's
        frame stays on the map."""
        cpu, t0 = time.thread_time(), time.perf_counter()
        job.order = job.rescorer.complete_ranks(job.value)
        job.counts = job.rescorer.counts
        job.timings["ranks"] = time.perf_counter() - t0
        job.timings["ranks_cpu"] = time.thread_time() - cpu

    # -- GUI thread ----------------------------------------------------------------------------
    def _on_ready(self, serial: int) -> None:
        with self._cond:
            job = self._finished.pop(serial, None)
        if job is None or job.generation != self._generation or serial < self._applied_serial:
            return  # a run or project came in between, or a newer edit is already shown
        self._applied_serial = serial
        if job.outcome == "blocked":
            self.blocked.emit(job.value)
            return
        if job.outcome == "failed":
            self.failed.emit(job.value)
            return
        t0 = time.perf_counter()
        layer = self.layer
        selection = layer.selection
        layer.set_data(job.frame)  # same geometry array: the renderer re-colours
        layer.selection = selection
        self.result = job.value
        if self.canvas is not None:
            if self._watched is not self.canvas:
                self.canvas.render_finished.connect(self._on_frame)
                self._watched = self.canvas
            self._drawing = serial
            self.canvas.render_now()
        else:
            self._frame_shown(serial)
        now = time.perf_counter()
        self.last_timings = {**job.timings, "gui": now - t0, "total": now - job.requested,
                             "requested_at": job.requested}
        self.order = None
        self.applied.emit(layer.name)

    def _on_frame(self, *_args) -> None:
        self._frame_shown(self._drawing)

    def _frame_shown(self, serial: int) -> None:
        with self._cond:
            self._shown = max(self._shown, serial)
            self._cond.notify_all()

    def _on_ranks_ready(self, serial: int) -> None:
        with self._cond:
            job = self._ranks_done.pop(serial, None)
        if job is None or job.value is not self.result:
            return  # not the edit on the map (a newer one, another run)
        self.order, self.counts = job.order, job.counts
        t0 = time.perf_counter()
        self.ranked.emit(self.layer.name if self.layer is not None else "")
        now = time.perf_counter()
        self.last_timings.update(ranks=job.timings["ranks"],
                                 ranks_cpu=job.timings["ranks_cpu"],
                                 table=now - t0, table_total=now - job.requested)


def connect_panel(panel, canvas=None) -> LiveReweight:
    """A LiveReweight for the ranking dock: follows each finished run, re-scores on the
    dock's weight (typed, AHP), transform and constraint edits of the scenario that ran,
    and says what happened in its status line.

    Parameters
    ----------
    panel : RankingPanel
    canvas : MapCanvas, optional
    """
    live = LiveReweight(panel, canvas)
    last: list[dict] = [{}]  # the scenario last sent, so repeated signals cost nothing

    def on_finished(_name: str) -> None:
        if live.attach(panel.result, panel.result_layer):
            last[0] = panel.result.scenario.to_dict()

    def on_edit(*_args) -> None:
        if not live.attached or panel.is_running():
            return
        try:
            sc = panel.edited_scenario()
        except Exception:  # noqa: BLE001 - the dock reports bad edits itself
            return
        d = sc.to_dict()
        if sc.name != live.result.scenario.name or d == last[0]:
            return  # another scenario chosen (it needs its own run), or nothing changed
        last[0] = d
        live.request(sc, panel.city(), panel.label_box.value())

    def on_applied(_name: str) -> None:
        panel.result = live.result  # Explain shows the new contributions
        panel.status.setStyleSheet("")
        panel.status.setText(tr("Map re-scored with the edits"))

    def on_ranked(_name: str) -> None:
        """The table follows the edit: same sites, new scores, ranks and order; the site
        on show stays selected (at its new row) and Explain shows its new scores."""
        if panel.result is not live.result:
            return
        view = panel.results_view
        row = view.currentIndex().row()
        site = panel.results.position(row) if row >= 0 else -1
        panel.results.update_scores(live.result, live.order)
        panel._show_summary(live.counts)
        if site >= 0:
            view.selectRow(panel.results.row_of(site))
        panel.status.setText(tr("Map and table re-scored with the edits"))

    def on_blocked(why: str) -> None:
        panel.status.setStyleSheet("")
        panel.status.setText(tr("Run the ranking again to see this edit on the map") +
                             f" ({why})")

    def on_failed(message: str) -> None:
        panel.status.setStyleSheet("color: #c62828;")
        panel.status.setText(message)

    panel.ranking_finished.connect(on_finished)
    # typed weights, use, transforms, and weights from an AHP matrix or a method switch
    # (the dock shows those through the criteria table too)
    panel.criteria.dataChanged.connect(on_edit)
    panel.constraints.edited.connect(on_edit)
    live.applied.connect(on_applied)
    live.ranked.connect(on_ranked)
    live.blocked.connect(on_blocked)
    live.failed.connect(on_failed)
    panel.session.events.project_changed.connect(live.detach)
    return live
