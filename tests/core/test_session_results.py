"""Session.put_result_layer: a re-run replaces its scenario's layer, undoably."""

from __future__ import annotations

import geopandas as gpd
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Session


def _layer(name: str, source: str, n: int = 1) -> VectorLayer:
    gdf = gpd.GeoDataFrame({"v": list(range(n))},
                           geometry=[shapely.Point(i, 0) for i in range(n)], crs=4490)
    return VectorLayer(gdf, name, provenance={"source": source})


def test_same_scenario_replaces_at_its_place_and_undo_restores():
    project = Project()
    session = Session(project)
    project.add_layer(_layer("cities", "bundled"))
    old = _layer("rank_a", "hljgis ranking, scenario 'a'")
    session.put_result_layer(old)
    project.add_layer(_layer("roads", "bundled"))
    new = _layer("rank_a", "hljgis ranking, scenario 'a'", 2)
    assert session.put_result_layer(new) is old
    assert project.layer_names() == ["cities", "rank_a", "roads"]
    assert project.layer("rank_a") is new
    session.undo()
    assert project.layer("rank_a") is old
    assert project.layer_names() == ["cities", "rank_a", "roads"]
    session.redo()
    assert project.layer("rank_a") is new


def test_a_layer_of_another_origin_is_not_replaced():
    project = Project()
    session = Session(project)
    mine = _layer("rank_a", "the planner's own file")
    project.add_layer(mine)
    assert session.put_result_layer(_layer("rank_a", "hljgis ranking, scenario 'a'")) is None
    assert project.layer_names() == ["rank_a", "rank_a_2"]
    assert project.layer("rank_a") is mine
