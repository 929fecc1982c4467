"""Layer and Project models: events without Qt, order, extent, metric CRS, provenance."""

import geopandas as gpd
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer, illustrative_mask
from hljgis.core.project import Project


def _layer(name="cities", **kw):
    gdf = gpd.GeoDataFrame({"status": ["surveyed", "illustrative"]},
                           geometry=[shapely.box(130, 45, 131, 46), shapely.Point(133, 47)],
                           crs="EPSG:4490")
    return VectorLayer(gdf, name, **kw)


def test_layer_events_fire_only_on_change():
    layer = _layer()
    seen = []
    layer.events.visible.connect(seen.append)
    layer.events.opacity.connect(seen.append)
    layer.visible = True  # unchanged: no event
    layer.visible = False
    layer.opacity = 0.25
    assert seen == [False, 0.25]
    with pytest.raises(ValueError, match="opacity"):
        layer.opacity = 2


def test_layer_needs_a_crs():
    with pytest.raises(InputError, match="no coordinate reference system"):
        VectorLayer(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]), "x")


def test_names_are_safe_table_names_and_titles_are_bilingual():
    layer = _layer("Coal subsidence 采煤", title="Subsidence", title_zh="采煤沉陷区")
    assert layer.name == "coal_subsidence"
    assert layer.display_title("zh") == "采煤沉陷区"
    assert layer.display_title("en") == "Subsidence"


def test_illustrative_features_are_detected():
    layer = _layer()
    assert illustrative_mask(layer.gdf).tolist() == [False, True]
    assert layer.is_illustrative


def test_project_order_events_and_dirty_flag():
    project = Project()
    events = []
    project.events.layer_added.connect(lambda i, lyr: events.append(("add", i, lyr.name)))
    project.events.layers_reordered.connect(lambda: events.append(("reorder",)))
    project.events.changed.connect(lambda what: events.append(("changed", what)))
    a, b = project.add_layer(_layer("a")), project.add_layer(_layer("b"))
    dup = project.add_layer(_layer("a"))
    assert project.layer_names() == ["a", "b", "a_2"] and dup.name == "a_2"
    project.move_layer("a_2", 0)
    assert project.layer_names() == ["a_2", "a", "b"]
    b.visible = False
    assert ("changed", "layer:b:visible") in events
    assert events[0] == ("add", 0, "a")
    assert project.dirty
    project.remove_layer("a")
    a.visible = False  # removed layers no longer reach the project
    assert ("changed", "layer:a:visible") not in events
    with pytest.raises(KeyError, match="a_2, b"):
        project.layer("nope")


def test_a_project_and_its_layers_are_freed_without_the_cycle_collector():
    import gc
    import weakref

    gc.disable()
    try:  # the layer-event forwarder held both: a cycle only a full collection freed
        project, events = Project(), []
        project.events.changed.connect(events.append)
        layer = project.add_layer(_layer("a"))
        layer.visible = False
        assert events == ["layer:a:visible"]  # forwarded as before
        alive, kept = weakref.ref(project), weakref.ref(layer)
        del project, layer
        assert alive() is None and kept() is None
    finally:
        gc.enable()


def test_full_extent_and_metric_crs():
    project = Project()
    project.add_layer(_layer())
    assert project.full_extent() == pytest.approx((130, 45, 133, 47))
    assert project.metric_crs().to_epsg() == 4553
    assert Project().metric_crs().to_epsg() == 4553  # empty project: the study area


def test_geometry_types_ignore_missing_and_empty_geometries():
    """A type held only by empty geometries is not a type of the layer; missing ones neither."""
    points = [shapely.Point(i, i) for i in range(100)]
    geoms = [*points, None, shapely.Polygon(), shapely.LineString([(0, 0), (1, 1)]),
             *[shapely.MultiPolygon()] * 70, shapely.MultiPolygon([shapely.box(0, 0, 1, 1)])]
    layer = VectorLayer(gpd.GeoDataFrame(geometry=geoms, crs=4326), name="mixed")
    assert layer.geometry_types == ["LineString", "MultiPolygon", "Point"]
    assert layer.geometry_type == "mixed"
    only_empty = VectorLayer(gpd.GeoDataFrame(geometry=[shapely.Polygon(), None], crs=4326),
                             name="empty")
    assert only_empty.geometry_types == []
    assert only_empty.geometry_type == "none"
