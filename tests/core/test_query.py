"""Identify and box selection through the spatial index, across CRSs."""

import geopandas as gpd
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.query import features_in_box, identify


def _project():
    cells = gpd.GeoDataFrame({"id": range(100)},
                             geometry=[shapely.box(130 + i % 10 * 0.1, 45 + i // 10 * 0.1,
                                                   130.1 + i % 10 * 0.1, 45.1 + i // 10 * 0.1)
                                       for i in range(100)], crs="EPSG:4490")
    pts = gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.Point(130.55, 45.55)],
                           crs="EPSG:4490").to_crs("EPSG:4553")
    project = Project()
    project.add_layer(VectorLayer(cells, "cells"))
    project.add_layer(VectorLayer(pts, "stations"))
    return project


def test_box_selection_matches_brute_force():
    project = _project()
    layer = project.layer("cells")
    box = (130.25, 45.25, 130.45, 45.35)
    expected = [i for i, g in enumerate(layer.gdf.geometry) if g.intersects(shapely.box(*box))]
    assert features_in_box(layer, box, project.crs).tolist() == expected


def test_identify_reprojects_and_lists_top_layer_first():
    project = _project()
    hits = identify(project, 130.55, 45.55, 0.001)
    assert [layer.name for layer, _ in hits] == ["stations", "cells"]
    assert hits[0][1]["name"].tolist() == ["A"]
    assert hits[1][1]["id"].tolist() == [55]
    project.layer("stations").visible = False
    assert [layer.name for layer, _ in identify(project, 130.55, 45.55, 0.001)] == ["cells"]
