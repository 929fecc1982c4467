"""Session.set_planning_year: one undoable step that restyles every subsidence layer."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Session
from hljgis.core.style import default_style
from hljgis.core.subsidence import apply_planning_year


def _session(year: int = 2026) -> Session:
    end = np.array([2010, 2018, 2024, 2030])
    z = gpd.GeoDataFrame(
        {"name": ["a", "b", "c", "d"], "mining_end_year": end, "stable_from_year": end + 5},
        geometry=[shapely.box(i, 0, i + 0.5, 0.5) for i in range(4)], crs="EPSG:4490")
    p = Project()
    p.add_layer(VectorLayer(z, name="subsidence_zones", schema="subsidence_zones",
                            style=default_style("subsidence_zones")))
    apply_planning_year(p, year)
    p.dirty = False
    return Session(p)


def _labels(layer) -> list[str]:
    return [c["label"] for c in layer.style["renderer"]["classes"]]


def _bounds(layer) -> list[tuple[float, float]]:
    return [(c["lower"], c["upper"]) for c in layer.style["renderer"]["classes"]]


def test_set_planning_year_restyles_and_undo_restores_exactly():
    s = _session(2026)
    layer = s.project.layer("subsidence_zones")
    status0, labels0, bounds0 = list(layer.gdf["status"]), _labels(layer), _bounds(layer)
    assert status0 == ["stable", "stable", "settling", "mining"]
    seen, data_events, style_events = [], [], []
    s.events.planning_year_changed.connect(seen.append)
    layer.events.data.connect(lambda: data_events.append(1))
    layer.events.style.connect(lambda _s: style_events.append(1))

    s.set_planning_year(2016)
    assert s.project.metadata["planning_year"] == 2016
    assert list(layer.gdf["status"]) == ["stable", "mining", "mining", "mining"]
    assert _labels(layer)[0] == "Stable by 2016" and _bounds(layer) != bounds0
    assert s.project.dirty
    assert seen == [2016] and data_events and style_events
    assert s.undo_stack.undo_text == "Set planning year 2016"

    s.project.dirty = False
    s.undo()
    assert s.project.metadata["planning_year"] == 2026
    assert list(layer.gdf["status"]) == status0
    assert _labels(layer) == labels0 and _bounds(layer) == bounds0
    assert s.project.dirty and seen == [2016, 2026]

    s.redo()
    assert list(layer.gdf["status"]) == ["stable", "mining", "mining", "mining"]
    assert seen[-1] == 2016


def test_undo_removes_a_year_the_project_never_had():
    s = _session(2026)
    s.project.metadata.pop("planning_year")
    s.set_planning_year(2040)
    assert set(s.project.layer("subsidence_zones").gdf["status"]) == {"stable"}
    s.undo()
    assert "planning_year" not in s.project.metadata


def test_the_same_year_is_no_step():
    s = _session(2026)
    s.set_planning_year(2026)
    assert s.undo_stack.undo_text is None and not s.project.dirty
