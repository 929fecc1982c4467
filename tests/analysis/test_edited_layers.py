"""Issue #17 point 5: layers drawn in hljgis are candidates, criteria layers and constraint
layers of a ranking at once, with no save or reload in between."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from hljgis.analysis.run import run_scenario
from hljgis.core.editing.fields import FieldSpec, LayerDefinition, proposed_sites
from hljgis.core.layer import VectorLayer
from hljgis.core.session import Session
from hljgis.io.bundled import layers_dir
from tests.fixtures.planner_parcels import METRIC, taoshan


def _scenario() -> dict:
    return {
        "name": "drawn-sites", "planning_year": 2025, "aggregation": "wlc",
        "candidates": {"kind": "layer", "layer": "proposed_sites"},
        "criteria": [
            {"name": "hsr", "kind": "distance", "layer": "hsr_stations", "unit": "m",
             "direction": "cost", "weight": 1,
             "transform": {"kind": "linear", "lo": 0, "hi": 60000, "benefit": False}},
            {"name": "road", "kind": "distance", "layer": "planned_roads", "unit": "m",
             "direction": "cost", "weight": 3,
             "transform": {"kind": "linear", "lo": 0, "hi": 3000, "benefit": False}},
        ],
        "constraints": [
            {"name": "no_go", "kind": "outside", "layer": "no_go", "mode": "exclude",
             "reason": "inside the drawn no-go area"},
        ],
    }


def test_three_drawn_sites_are_ranked_with_drawn_criteria_and_constraint_layers():
    s = Session()
    s.editor = "planner_wang"
    s.add_layers([VectorLayer(gpd.read_file(layers_dir() / f"{n}.geojson"), n)
                  for n in ("districts", "hsr_stations")])
    sites = s.new_layer(LayerDefinition("proposed_sites", "Proposed sites", "拟选地块",
                                        "Polygon", METRIC, proposed_sites()))
    roads = s.new_layer(LayerDefinition("planned_roads", "Planned roads", "规划道路",
                                        "LineString", METRIC, (FieldSpec("name"),)))
    no_go = s.new_layer(LayerDefinition("no_go", "No-go area", "禁建区", "Polygon", METRIC,
                                        ()))
    c = taoshan().centroid
    x, y = c.x, c.y
    # three sites west to east, 600 m apart; a planned road runs north-south at x + 1300
    for i, name in enumerate(["West yard", "Middle yard", "East yard"]):
        s.add_feature(sites.name, box(x + 600 * i, y, x + 600 * i + 200, y + 150),
                      {"name": name, "name_zh": f"{name[:4]}地块", "status": "proposed"})
    s.add_feature(roads.name, LineString([(x + 1300, y - 3000), (x + 1300, y + 3000)]),
                  {"name": "Road 1"})
    # the east yard lies in a drawn no-go area (and the constraint layer is only drawn)
    s.add_feature(no_go.name, box(x + 1150, y - 100, x + 1500, y + 300), {})
    result = run_scenario(s.project, _scenario())
    g = result.gdf
    assert list(g["name"]) == ["West yard", "Middle yard", "East yard"]
    assert list(g["city"]) == ["Qitaihe"] * 3
    assert g["site_name"].iloc[0] == "West yard, Taoshan District"
    # distances to the drawn road, measured independently in the metric CRS
    centroids = shapely.centroid(sites.gdf.to_crs(result.gdf.crs).geometry.values)
    road = roads.gdf.to_crs(result.gdf.crs).geometry.iloc[0]
    np.testing.assert_allclose(g["raw_road"], shapely.distance(centroids, road), rtol=1e-9)
    np.testing.assert_allclose(g["raw_road"], [1200, 600, 0], atol=1.0)  # same CRS here
    assert g["excluded"].tolist() == [False, False, True]
    assert g["exclusion_reason"].iloc[2] == "inside the drawn no-go area"
    assert g["rank"].tolist()[:2] == [2, 1] and g["rank"].isna().iloc[2]
    # an edit is seen by the next run: move the road west of the west yard
    s.change_geometry(roads.name, 0, LineString([(x - 100, y - 3000), (x - 100, y + 3000)]))
    again = run_scenario(s.project, _scenario()).gdf
    assert again["rank"].tolist()[:2] == [1, 2]
    assert again["raw_road"].iloc[0] == pytest.approx(200, abs=1)
    # undoing the no-go area brings the east yard back
    s.undo()
    s.delete_features(no_go.name, [0])
    third = run_scenario(s.project, _scenario()).gdf
    assert not third["excluded"].any()
