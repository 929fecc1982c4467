"""Criteria and constraints measured side by side: the serial run's results, progress,
cancel and errors."""

from __future__ import annotations

import threading
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hljgis.analysis import Cancelled, run_scenario
from hljgis.analysis import run as run_module
from hljgis.analysis.parallel import Stages
from hljgis.core.errors import InputError

CRS = "EPSG:4553"
ORIGIN = np.array([500_000.0, 5_150_000.0])


def _layers(seed: int = 7, n: int = 1200) -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    extent = 20_000.0
    frame = shapely.box(*ORIGIN, *(ORIGIN + extent))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform(0, extent, (n, 2)) + ORIGIN))), frame)
    sites = gpd.GeoDataFrame({"pid": [f"P{i}" for i in range(len(cells))]},
                             geometry=cells, crs=CRS)
    start = rng.uniform(0, extent, (4, 1, 2)) + ORIGIN
    lines = shapely.linestrings(np.concatenate(
        [start, start + np.cumsum(rng.normal(0, 3000, (4, 6, 2)), axis=1)], axis=1))
    return {
        "sites": sites,
        "points": gpd.GeoDataFrame(geometry=shapely.points(
            rng.uniform(0, extent, (20, 2)) + ORIGIN), crs=CRS),
        "lines": gpd.GeoDataFrame(geometry=lines, crs=CRS),
        "parks": gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(
            rng.uniform(0, extent, (6, 2)) + ORIGIN), rng.uniform(300, 1500, 6)), crs=CRS),
        "zones": gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(
            rng.uniform(0, extent, (5, 2)) + ORIGIN), 900), crs=CRS),
    }


def _scenario() -> dict:
    fd = {"kind": "fuzzy_decreasing", "a": 0, "b": 8000}
    crit = [{"name": name, "kind": "distance", "layer": layer, "measure": measure,
             "weight": w, "transform": fd}
            for name, layer, measure, w in (("station", "points", "edge", 3),
                                            ("road", "lines", "edge", 2),
                                            ("park", "parks", "edge", 2),
                                            ("centre", "points", "centroid", 1))]
    crit.append({"name": "green", "kind": "overlap", "layer": "parks", "weight": 1,
                 "transform": {"kind": "linear", "lo": 0, "hi": 1}})
    return {"name": "p", "candidates": {"kind": "layer", "layer": "sites", "id_field": "pid"},
            "criteria": crit,
            "constraints": [{"name": "z", "kind": "outside", "layer": "zones",
                             "reason": "subsidence"}]}


def _workers(monkeypatch, n: int) -> None:
    monkeypatch.setattr(run_module, "workers", lambda: n)


def _stage_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("hljgis-stage")]


def test_side_by_side_equals_serial_bit_for_bit(monkeypatch):
    layers = _layers()
    calls: dict[int, list] = {}
    frames = {}
    for n in (1, 2, 4):
        _workers(monkeypatch, n)
        calls[n] = []
        res = run_scenario(layers, _scenario(),
                           progress=lambda f, m, n=n: calls[n].append((f, m)))
        frames[n] = res.gdf
        assert set(res.timings) >= {"criterion:park", "constraints"}
    for n in (2, 4):
        pd.testing.assert_frame_equal(frames[n], frames[1], check_exact=True)
        assert calls[n] == calls[1]  # the same progress, in the same order
    assert frames[1]["excluded"].any() and frames[1]["rank"].notna().any()
    assert not _stage_threads()


def test_cancel_while_the_stages_run(monkeypatch):
    """cancel() is polled on the caller's thread while it waits; a running stage stops at
    its next check and no stage thread outlives the run."""
    _workers(monkeypatch, 2)
    started = threading.Event()
    stopped = []
    real = run_module.compute_criterion

    def slow(crit, ctx):
        if crit.name == "road":
            started.set()
            t0 = time.perf_counter()
            try:
                while time.perf_counter() - t0 < 20:
                    ctx.check()
                    time.sleep(0.005)
            except Cancelled:
                stopped.append(crit.name)
                raise
        return real(crit, ctx)

    monkeypatch.setattr(run_module, "compute_criterion", slow)
    main = threading.get_ident()
    polled_on = set()

    def cancel() -> bool:
        polled_on.add(threading.get_ident())
        return started.is_set()

    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        run_scenario(_layers(n=300), _scenario(), cancel=cancel)
    assert time.perf_counter() - t0 < 10
    assert stopped == ["road"]
    assert polled_on == {main}
    assert not _stage_threads()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_first_failing_criterion_surfaces_as_serially(monkeypatch, workers):
    """A later criterion that fails first does not hide an earlier one's error; the
    criteria after the failing one are stopped."""
    _workers(monkeypatch, workers)
    real = run_module.compute_criterion
    seen = []

    def failing(crit, ctx):
        seen.append(crit.name)
        if crit.name == "road":
            time.sleep(0.3)  # fails after "park" has failed
            raise InputError("road is broken")
        if crit.name == "park":
            raise ValueError("park is broken")
        if crit.name == "centre":
            for _ in range(2000):  # stopped: nobody will ask for its result
                ctx.check()
                time.sleep(0.005)
            raise AssertionError("the criterion after a failure was not stopped")
        return real(crit, ctx)

    monkeypatch.setattr(run_module, "compute_criterion", failing)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="road is broken"):
        run_scenario(_layers(n=300), _scenario())
    assert time.perf_counter() - t0 < 8
    if workers == 1:
        assert seen == ["station", "road"]
    assert not _stage_threads()


def test_a_missing_layer_gives_the_serial_message(monkeypatch):
    sc = _scenario()
    sc["criteria"][2]["layer"] = "nowhere"
    messages = []
    for n in (1, 2):
        _workers(monkeypatch, n)
        with pytest.raises(InputError) as err:
            run_scenario(_layers(n=300), sc)
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "nowhere" in messages[0]


def test_stages_run_on_threads_and_hand_results_back_in_order():
    names = []
    with Stages(lambda: None, 3) as stages:
        def job(k):
            names.append(threading.current_thread().name)
            time.sleep(0.05 * (3 - k))  # the last finishes first
            return k * k
        stages.start([lambda k=k: job(k) for k in range(3)])
        assert [stages.result(k) for k in range(3)] == [0, 1, 4]
    assert all(n.startswith("hljgis-stage") for n in names)
    with Stages(lambda: None, 1) as stages:  # serial: on the caller's thread, when asked
        stages.start([lambda: threading.current_thread().name])
        assert stages.result(0) == threading.current_thread().name


def test_the_stages_run_inside_the_runs_batch_memory(monkeypatch):
    """numpy's huge-page advice is off while any stage thread fills its arrays, and back on
    once the run (and every stage thread) is done."""
    from hljgis.core import hugepages

    advice = []
    monkeypatch.setattr(hugepages, "_STALLS", True)
    monkeypatch.setattr(hugepages, "_SET", advice.append)
    _workers(monkeypatch, 2)
    real = run_module.compute_criterion
    depth_in_stage = []

    def watched(crit, ctx):
        depth_in_stage.append((threading.current_thread().name, hugepages._DEPTH))
        return real(crit, ctx)

    monkeypatch.setattr(run_module, "compute_criterion", watched)
    run_scenario(_layers(n=300), _scenario())
    assert len(depth_in_stage) == 5
    assert all(name.startswith("hljgis-stage") and depth > 0 for name, depth in depth_in_stage)
    assert advice[0] is False and advice[-1] is True and hugepages._DEPTH == 0


def test_layers_are_reprojected_on_the_callers_thread(monkeypatch):
    """pyproj's cached transformers stay with the caller's thread, as in a serial run."""
    from hljgis.analysis.context import LayerStore

    _workers(monkeypatch, 2)
    real = LayerStore._metric
    threads = []

    def metric(self, name):
        threads.append((name, threading.current_thread().name))
        return real(self, name)

    monkeypatch.setattr(LayerStore, "_metric", metric)
    run_scenario(_layers(n=300), _scenario())
    main = threading.current_thread().name
    assert {name for name, _ in threads} >= {"points", "lines", "parks", "zones"}
    assert all(t == main for _, t in threads)
