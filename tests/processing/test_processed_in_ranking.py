"""Issue #17, point 5: a processed layer serves at once in a ranking. The HSR stations are
buffered by 2 km and drawn candidate sites are ranked with the buffer as a constraint."""

from __future__ import annotations

import numpy as np
import pytest

from hljgis.analysis import run_scenario
from hljgis.core.session import Session
from hljgis.processing import run_tool
from tests.processing._common import SITE_OFFSETS, stations_with_drawn_sites

GK = "EPSG:4553"


@pytest.fixture
def session_with_sites():
    return Session(stations_with_drawn_sites()), list(SITE_OFFSETS)


def test_buffer_serves_as_constraint_layer(session_with_sites):
    session, offsets = session_with_sites
    project = session.project
    result = run_tool("buffer", {"layer": "hsr_stations", "distance_m": 2000}, project)
    session.add_layers([result.layer])  # undoable, like the dialog does
    assert "buffer_hsr_stations" in project
    scenario = {
        "name": "near-stations",
        "planning_year": 2025,
        "candidates": {"kind": "layer", "layer": "drawn_sites", "id_field": "name"},
        "criteria": [
            {"name": "station", "kind": "distance", "layer": "hsr_stations", "unit": "m",
             "direction": "cost", "weight": 1,
             "transform": {"kind": "linear", "lo": 0, "hi": 10000, "benefit": False}},
        ],
        "constraints": [
            {"name": "near_hsr", "kind": "inside", "layer": "buffer_hsr_stations",
             "share": 0.5, "reason": "more than 2 km from a high-speed rail station"},
        ],
    }
    ranking = run_scenario(project, scenario)
    gdf = ranking.gdf.set_index("site_id").loc[[f"site_{d}" for d in offsets]]
    # a site is kept when at least half of it lies within 2 km of a station: the centres
    # at 0.5 and 1.5 km are; 2.5, 4 and 8 km are not (the square is 300 m wide)
    assert list(gdf["excluded"]) == [False, False, True, True, True]
    assert gdf["rank"].iloc[0] == 1 and gdf["rank"].iloc[1] == 2
    assert (gdf["exclusion_reason"].iloc[2:] == "more than 2 km from a high-speed rail "
                                                 "station").all()
    assert np.isnan(gdf["score"].iloc[2:]).all()
    # undo removes the buffer; the same scenario then names the missing layer
    session.undo()
    assert "buffer_hsr_stations" not in project
    from hljgis.core.errors import InputError

    with pytest.raises(InputError, match="buffer_hsr_stations"):
        run_scenario(project, scenario)


def test_processed_layer_as_candidates_and_criterion(session_with_sites):
    """A processed layer is also usable as candidates (a clip of the drawn sites) and as a
    criterion layer (overlap with the buffer)."""
    session, offsets = session_with_sites
    project = session.project
    buf = run_tool("buffer", {"layer": "hsr_stations", "distance_m": 2000}, project).layer
    measured = run_tool("measure", {"layer": "drawn_sites"}, project).layer
    session.add_layers([buf, measured])
    scenario = {
        "name": "overlap",
        "planning_year": 2025,
        "candidates": {"kind": "layer", "layer": measured.name, "id_field": "name",
                       "where": [{"field": "area_ha", "op": ">=", "value": 5}]},
        "criteria": [{"name": "cover", "kind": "overlap", "layer": buf.name, "unit": "share",
                      "weight": 1, "transform": {"kind": "linear", "lo": 0, "hi": 1}}],
        "constraints": [],
    }
    ranking = run_scenario(project, scenario)
    gdf = ranking.gdf.set_index("site_id").loc[[f"site_{d}" for d in offsets]]
    # the squares 0.5 and 1.5 km from the station lie inside the 2 km buffer, the others out
    assert list(gdf["raw_cover"]) == pytest.approx([1.0, 1.0, 0.0, 0.0, 0.0], abs=1e-6)
    assert list(gdf["rank"].iloc[:2]) == [1, 1]
    # the measured field the candidate filter read: the squares were drawn 300 m wide in
    # EPSG:4553; the project's metric CRS (chosen for all stations) differs in scale by <0.5%
    assert measured.gdf["area_ha"].to_numpy() == pytest.approx([9.0] * 5, rel=0.005)
