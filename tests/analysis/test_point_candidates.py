"""Point layers as candidate sites: distances from the point, overlap and 'inside' rules
count a point in a polygon as wholly inside it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

from hljgis.analysis import run_scenario
from tests.analysis.test_run import CRS, X0, Y0, tiny_layers, tiny_scenario


def test_point_sites_rank_with_distance_overlap_and_inside_rules():
    layers = tiny_layers()
    # the centres of the four squares, as points: 50, 250, 450, 650 m from the station
    layers["points"] = gpd.GeoDataFrame(
        {"name": list("abcd"), "city": ["Jixi"] * 4},
        geometry=[Point(X0 + 200 * i + 50, Y0 + 50) for i in range(4)], crs=CRS)
    layers["area"] = gpd.GeoDataFrame({"k": [1]}, geometry=[box(X0, Y0, X0 + 500, Y0 + 100)],
                                      crs=CRS)
    d = tiny_scenario(candidates={"kind": "layer", "layer": "points", "id_field": "name"},
                      constraints=[{"name": "in_area", "kind": "inside", "layer": "area"}])
    d["criteria"][1]["layer"] = "area"  # share of the site in the area: 1 or 0 for a point
    g = run_scenario(layers, d).gdf.set_index("site_id")
    np.testing.assert_allclose(g["raw_station"], [50, 250, 450, 650])
    np.testing.assert_allclose(g["raw_park"], [1, 1, 1, 0])
    assert g["rank"].isna().tolist() == [False, False, False, True]  # d is outside the area
    assert g["rank"].tolist()[:3] == [1, 2, 3]
