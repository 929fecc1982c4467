"""Editing without Qt: geometry operations, snapping, field checks, session undo/redo, and
the edited layer saved in the project file and read back."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from hljgis.core.editing import geometry as G
from hljgis.core.editing.fields import (
    EDIT_SOURCE,
    FieldSpec,
    LayerDefinition,
    check_values,
    fields_for,
    proposed_sites,
)
from hljgis.core.editing.snapping import Snapper, pixel_tolerance
from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.session import Session
from hljgis.io.project_file import load_project, save_project

GK = "EPSG:4553"  # CGCS2000 / 3-degree Gauss-Kruger CM 132E (metres)
X0, Y0 = 500_000.0, 5_170_000.0


def _session() -> Session:
    s = Session(loader=load_project, saver=save_project)
    s.editor = "planner_li"
    return s


def _sites(s: Session) -> VectorLayer:
    return s.new_layer(LayerDefinition("proposed_sites", "Proposed sites", "拟选地块",
                                       "Polygon", GK, proposed_sites()))


# -- geometry operations -----------------------------------------------------------------------
def test_sketch_to_geometry_and_refusals():
    poly = G.from_sketch("Polygon", [(0, 0), (10, 0), (10, 10), (10, 10), (0, 10), (0, 0)])
    assert poly.area == 100 and len(poly.exterior.coords) == 5  # double click deduped
    assert G.from_sketch("LineString", [(0, 0), (3, 4)]).length == 5
    assert G.from_sketch("Point", [(1, 2)]).equals(Point(1, 2))
    with pytest.raises(InputError, match="at least 3"):
        G.from_sketch("Polygon", [(0, 0), (1, 1)])
    with pytest.raises(InputError, match="crosses itself"):
        G.from_sketch("Polygon", [(0, 0), (10, 10), (10, 0), (0, 10)])  # a bow tie


def test_vertex_edits_on_a_polygon_with_a_hole():
    square = box(0, 0, 100, 100)
    holed = G.add_hole(square, [(40, 40), (60, 40), (60, 60), (40, 60)])
    assert len(holed.interiors) == 1 and holed.area == pytest.approx(10_000 - 400)
    with pytest.raises(InputError, match="not inside"):
        G.add_hole(square, [(90, 90), (120, 90), (120, 120)])
    v = G.nearest_vertex(holed, 59, 61, tolerance=3)
    assert (v.ring, v.x, v.y) == (1, 60, 60)
    assert G.nearest_vertex(holed, 50, 50, tolerance=3) is None
    moved = G.move_vertex(holed, v, 70, 70)
    assert holed.area - moved.area == pytest.approx(0.5 * 20 * 10 * 2)  # hole grew
    corner = G.nearest_vertex(square, 100, 100)
    assert G.move_vertex(square, corner, 150, 100).area == pytest.approx(12_500)
    edge = G.nearest_edge(square, 50, 101, tolerance=2)
    assert edge is not None and (edge[1], edge[2]) == (50, 100)
    bumped = G.insert_vertex(square, edge[0], 50, 130)
    assert len(G.vertices(bumped)) == 5 and bumped.area == pytest.approx(10_000 + 1_500)
    assert G.delete_vertex(bumped, G.nearest_vertex(bumped, 50, 130)).equals(square)
    tri = G.from_sketch("Polygon", [(0, 0), (1, 0), (0, 1)])
    with pytest.raises(InputError, match="at least 3"):
        G.delete_vertex(tri, G.nearest_vertex(tri, 0, 0))
    assert G.delete_ring(holed, G.nearest_vertex(holed, 40, 40)).equals(square)
    with pytest.raises(InputError, match="cross itself"):
        G.move_vertex(square, corner, -10, 50)  # drags the corner across the far side


def test_move_split_merge_reproject():
    square = box(0, 0, 100, 100)
    assert G.move(square, 5, -5).bounds == (5, -5, 105, 95)
    pieces = G.split(square, [(30, -10), (30, 110)])
    assert [p.area for p in pieces] == [7000, 3000]  # largest first
    with pytest.raises(InputError, match="does not cut"):
        G.split(square, [(200, 0), (200, 100)])
    assert G.merge(pieces).equals(square)
    assert G.merge([LineString([(0, 0), (1, 0)]), LineString([(1, 0), (2, 0)])]).length == 2
    with pytest.raises(InputError, match="different kinds"):
        G.merge([square, Point(0, 0)])
    lonlat = G.reproject(Point(X0, Y0), GK, "EPSG:4490")
    assert 131.9 < lonlat.x < 132.1 and 46 < lonlat.y < 47
    back = G.reproject(lonlat, "EPSG:4490", GK)
    assert back.distance(Point(X0, Y0)) < 1e-6


# -- snapping --------------------------------------------------------------------------------
def test_snapping_prefers_vertices_then_edges_within_the_tolerance():
    parcels = np.array([box(0, 0, 100, 100), box(200, 0, 300, 100)])
    roads = np.array([LineString([(0, 150), (300, 150)])])
    snapper = Snapper({"parcels": parcels, "roads": roads})
    assert snapper.vertex_count == 8 + 2 and snapper.edge_count == 8 + 1
    tol = pixel_tolerance(10, 0.5)  # 10 pixels at 0.5 m per pixel
    assert tol == 5
    hit = snapper.snap(103, 98, tol)
    assert (hit.kind, hit.x, hit.y, hit.source) == ("vertex", 100, 100, "parcels")
    hit = snapper.snap(150, 148, tol)
    assert (hit.kind, hit.x, hit.y, hit.source) == ("edge", 150, 150, "roads")
    hit = snapper.snap(202, 40, tol)
    assert (hit.kind, hit.x, hit.y) == ("edge", 200, 40)
    assert snapper.snap(150, 50, tol) is None
    assert Snapper({}).snap(0, 0, 1) is None


# -- fields -----------------------------------------------------------------------------------
def test_fields_coerce_and_validate():
    specs = proposed_sites()
    values, problems = check_values(specs, {"name": " Site A ", "status": "approved",
                                            "area_ha": "2.5"})
    assert problems == {} and values["name"] == "Site A" and values["area_ha"] == 2.5
    _, problems = check_values(specs, {"status": "maybe", "area_ha": "-1"})
    assert set(problems) == {"name", "status", "area_ha"}
    assert "at least 0" in problems["area_ha"]
    _, problems = check_values(specs, {"name": "x", "status": "proposed", "area_ha": "lots"})
    assert problems == {"area_ha": "Area: 'lots' is not a number."}
    status = next(f for f in specs if f.name == "status")
    assert status.code_label("approved", "zh") == "已批准"
    assert status.code_label("approved") == "Approved"
    households = FieldSpec("households", "int", min=0)
    assert households.coerce("12") == 12
    with pytest.raises(InputError, match="whole number"):
        households.coerce("1.5")
    with pytest.raises(InputError, match="field name"):
        FieldSpec("bad name")


def test_fields_of_a_thematic_and_of_a_plain_layer():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"name": ["a"], "n": [1], "source": ["x"]},
                           geometry=[Point(0, 0)], crs=GK)
    shanty = VectorLayer(gdf, "shanty_sites", schema="shanty_sites")
    specs = {f.name: f for f in fields_for(shanty)}
    assert specs["status"].codes[0][:3] == ("cleared", "cleared", "已拆除")
    assert specs["city"].code_label("Qitaihe", "zh") == "七台河"
    assert specs["name"].required and "source" not in specs  # stamps are automatic
    assert specs["area_ha"].min == 0
    plain = {f.name: f.type for f in fields_for(VectorLayer(gdf, "mine"))}
    assert plain == {"name": "str", "n": "int"}


# -- session commands -------------------------------------------------------------------------
def test_session_edits_are_undoable_stamped_and_mark_the_project_unsaved():
    s = _session()
    sites = _sites(s)
    s.project.dirty = False
    # drawn in the map's CRS (lon/lat), stored in the layer's (Gauss-Kruger metres)
    drawn = G.reproject(box(X0, Y0, X0 + 200, Y0 + 100), GK, "EPSG:4490")
    pos = s.add_feature(sites.name, drawn, {"name": "North yard", "status": "proposed"},
                        crs="EPSG:4490")
    assert pos == 0 and s.project.dirty
    row = sites.gdf.iloc[0]
    assert row.geometry.area == pytest.approx(20_000, rel=1e-6)
    assert (row["source"], row["edited_by"]) == (EDIT_SOURCE, "planner_li")
    assert len(row["as_of"]) == 10 and row["as_of"][:2] == "20"
    with pytest.raises(InputError, match="Name is required"):
        s.add_feature(sites.name, box(X0, Y0, X0 + 1, Y0 + 1), {"status": "proposed"})
    with pytest.raises(InputError, match="not linestrings"):
        s.add_feature(sites.name, LineString([(X0, Y0), (X0 + 1, Y0)]), {"name": "x"})
    assert len(sites.gdf) == 1  # refused edits change nothing
    s.change_attributes(sites.name, 0, {"owner": "Qitaihe land bureau", "area_ha": 2})
    s.change_geometry(sites.name, 0, box(X0, Y0, X0 + 300, Y0 + 100))
    s.move_features(sites.name, [0], 10, 0)
    assert sites.gdf.geometry.iloc[0].bounds == (X0 + 10, Y0, X0 + 310, Y0 + 100)
    pieces = s.split_feature(sites.name, 0, [(X0 + 110, Y0 - 5), (X0 + 110, Y0 + 105)])
    assert pieces == [0, 1] and sorted(sites.gdf.area) == [10_000, 20_000]
    assert list(sites.gdf["owner"]) == ["Qitaihe land bureau"] * 2
    s.merge_features(sites.name, [0, 1])
    assert len(sites.gdf) == 1 and sites.gdf.area.iloc[0] == pytest.approx(30_000)
    s.delete_features(sites.name, [0])
    assert len(sites.gdf) == 0
    texts = []
    while not s.undo_stack.undo_text.startswith("Add feature"):
        texts.append(s.undo())
    assert len(sites.gdf) == 1 and sites.gdf.area.iloc[0] == pytest.approx(20_000, rel=1e-6)
    assert sites.gdf["owner"].isna().all()
    assert texts[0].startswith("Delete") and texts[-1].startswith("Edit attributes")
    for _ in texts:
        s.redo()
    assert len(sites.gdf) == 0
    s.undo()
    s.undo()  # before the merge: two pieces again, in their order
    assert list(sites.gdf.area) == [20_000, 10_000]


def test_editing_a_bundled_style_layer_adds_the_stamp_columns_and_undo_removes_them():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"name": ["a", "b", "c"], "accuracy_m": [5.0, 5.0, 5.0]},
                           geometry=[box(i, 0, i + 1, 1) for i in range(3)], crs=GK)
    s = _session()
    s.add_layers([VectorLayer(gdf, "parcels")])
    layer = s.project.layer("parcels")
    s.delete_features("parcels", [1])
    assert list(layer.gdf["name"]) == ["a", "c"] and "edited_by" not in layer.gdf
    s.undo()
    assert list(layer.gdf["name"]) == ["a", "b", "c"]
    s.change_geometry("parcels", 2, box(2, 0, 4, 1))
    assert list(layer.gdf["edited_by"]) == [None, None, "planner_li"]
    assert layer.gdf["accuracy_m"].tolist() == [5.0] * 3
    s.undo()
    assert "edited_by" not in layer.gdf and layer.gdf.geometry.iloc[2].equals(box(2, 0, 3, 1))


def test_new_layer_is_saved_atomically_and_reopens_with_its_fields(tmp_path):
    s = _session()
    sites = _sites(s)
    ring = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100)]
    hole = [(X0 + 40, Y0 + 40), (X0 + 60, Y0 + 40), (X0 + 60, Y0 + 60), (X0 + 40, Y0 + 60)]
    s.add_feature(sites.name, G.from_sketch("Polygon", ring, [hole]),
                  {"name": "Pond site", "name_zh": "水塘地块", "status": "under_review",
                   "area_ha": 0.96})
    path = tmp_path / "edited.hljgis.gpkg"
    s.save_project(path)
    assert not s.project.dirty
    s.add_feature(sites.name, box(X0, Y0, X0 + 5, Y0 + 5), {"name": "b", "status": "proposed"})
    s.save_project(path)  # the second save keeps the first as the backup
    assert len(pyogrio.read_dataframe(tmp_path / "edited.hljgis.bak.gpkg",
                                      layer="proposed_sites")) == 1
    s.undo()
    s.save_project(path)
    s2 = _session()
    s2.open_project(path)
    layer = s2.project.layer("proposed_sites")
    assert layer.title_zh == "拟选地块" and len(layer.gdf) == 1
    geom = layer.gdf.geometry.iloc[0]
    assert len(geom.interiors) == 1 and geom.area == pytest.approx(9_600)
    row = layer.gdf.iloc[0]
    assert (row["name_zh"], row["status"], row["source"]) == ("水塘地块", "under_review",
                                                              EDIT_SOURCE)
    specs = {f.name: f for f in fields_for(layer)}
    assert specs["status"].code_label("under_review", "zh") == "审查中"
    assert specs["area_ha"].min == 0 and specs["name"].required
    # editing goes on in the reopened project, with the same checks
    s2.add_feature("proposed_sites", box(X0, Y0, X0 + 5, Y0 + 5),
                   {"name": "c", "status": "approved"})
    with pytest.raises(InputError, match="not one of"):
        s2.add_feature("proposed_sites", box(X0, Y0, X0 + 5, Y0 + 5),
                       {"name": "d", "status": "built"})
    assert shapely.area(layer.gdf.geometry.values).tolist() == pytest.approx([9_600, 25])


def test_empty_new_layer_saves_and_reopens(tmp_path):
    s = _session()
    s.new_layer(LayerDefinition("roads_plan", "Planned roads", "规划道路", "LineString", GK,
                                (FieldSpec("lanes", "int", "Lanes", "车道数", min=1, max=8),)))
    path = tmp_path / "empty.hljgis.gpkg"
    s.save_project(path)
    s2 = _session()
    s2.open_project(path)
    layer = s2.project.layer("roads_plan")
    assert len(layer.gdf) == 0 and layer.provenance["geometry"] == "LineString"
    s2.add_feature("roads_plan", LineString([(X0, Y0), (X0 + 10, Y0)]), {"lanes": "4"})
    assert layer.gdf["lanes"].tolist() == [4]
    with pytest.raises(InputError, match="not polygons|holds linestrings"):
        s2.add_feature("roads_plan", box(X0, Y0, X0 + 1, Y0 + 1), {"lanes": 2})


def test_problems_are_worded_in_chinese_for_a_chinese_form():
    _, problems = check_values(proposed_sites(), {"status": "maybe", "area_ha": "x"}, "zh")
    assert problems["name"] == "请填写名称。"
    assert problems["status"].startswith("状态：“maybe”不在可选值")
    assert problems["area_ha"] == "面积：“x”不是数值。"


def test_a_bundled_thematic_layer_is_edited_and_still_fits_its_schema(tmp_path):
    import geopandas as gpd

    from hljgis.core.schemas import validate
    from hljgis.io.bundled import layers_dir

    gdf = gpd.read_file(layers_dir() / "shanty_sites.geojson")
    s = _session()
    s.add_layers([VectorLayer(gdf, "shanty_sites", schema="shanty_sites")])
    layer = s.project.layer("shanty_sites")
    site = {"name": "Xinxing lot 3", "city": "Qitaihe", "district": "Xinxing",
            "area_ha": 3.2, "status": "planned"}
    with pytest.raises(InputError, match="Accuracy m is required"):
        s.add_feature("shanty_sites", box(130.9, 45.7, 130.91, 45.71), site)
    s.add_feature("shanty_sites", box(130.9, 45.7, 130.91, 45.71), {**site, "accuracy_m": 5})
    g = layer.gdf.geometry.iloc[0]
    v = G.vertices(g)[0]
    s.change_geometry("shanty_sites", 0, G.move_vertex(g, v, v.x + 0.001, v.y))
    row = layer.gdf.iloc[-1]
    assert row["illustrative"] is False or row["illustrative"] == False  # noqa: E712
    assert layer.gdf["source"].iloc[0] == EDIT_SOURCE and layer.is_illustrative
    path = tmp_path / "shanty.hljgis.gpkg"
    s.save_project(path)
    back = load_project(path).layer("shanty_sites")
    assert validate(back.gdf, "shanty_sites") == []
    assert len(back.gdf) == len(gdf) + 1 and back.gdf["edited_by"].iloc[-1] == "planner_li"
    assert bool(back.gdf["illustrative"].iloc[0])  # an edited stand-in stays one
