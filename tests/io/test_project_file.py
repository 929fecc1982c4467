"""The project file: full round trip, atomic save with backup, newer versions refused."""

import json
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from hljgis.core.errors import InputError, ProjectFormatError
from hljgis.core.layer import RasterLayer, VectorLayer
from hljgis.core.project import Project
from hljgis.io import load_project, save_project
from hljgis.io import project_file as pf


@pytest.fixture
def project(tmp_path):
    dem = tmp_path / "dem.tif"
    data = (np.arange(30 * 40, dtype="float32").reshape(30, 40) / 7.0)
    data[0, 0] = -9999.0
    with rasterio.open(dem, "w", driver="GTiff", width=40, height=30, count=1, dtype="float32",
                       crs="EPSG:4490", transform=from_origin(129.0, 48.5, 0.15, 0.15),
                       nodata=-9999.0) as dst:
        dst.write(data, 1)
    cities = gpd.GeoDataFrame(
        {"name_zh": ["鹤岗", "鸡西"], "name_en": ["Hegang", "Jixi"], "pop_2015": [1056, 1812],
         "gdp_bn": [26.6, 51.4], "is_seat": [True, False]},
        geometry=[shapely.box(129.8, 47.0, 131.0, 48.0),
                  shapely.Polygon(shapely.box(130.2, 44.8, 132.5, 46.0).exterior,
                                  [shapely.box(130.5, 45.0, 130.6, 45.1).exterior.coords])],
        crs="EPSG:4490")
    lines = gpd.GeoDataFrame({"route": ["G1011"]},
                             geometry=[shapely.LineString([(130.3, 47.3), (131.0, 45.3)])],
                             crs="EPSG:4553").set_crs("EPSG:4490", allow_override=True)
    p = Project("East Heilongjiang test", "黑龙江东部测试")
    p.add_layer(RasterLayer.from_path(dem, "dem", title="Elevation", title_zh="高程"))
    p.add_layer(VectorLayer(cities, "cities", title="Cities", title_zh="城市", theme="boundaries",
                            opacity=0.8, style={"kind": "single", "fill": "#ffeeaa"},
                            provenance={"source": "test", "accuracy_m": 100, "as_of": "2024",
                                        "illustrative": True}))
    p.add_layer(VectorLayer(lines, "expressways", theme="transport", visible=False))
    p.set_bookmark("hegang", {"title": "Hegang", "title_zh": "鹤岗",
                              "bounds": [129.8, 47.0, 131.0, 48.0], "crs": "EPSG:4490"})
    p.set_scenario("sme-space", {"name": "sme-space", "weights": [0.5, 0.5],
                                 "criteria": [{"name": "近地铁", "unit": "m"}]})
    p.set_layout("dfr-annex-a4", {"page": "A4", "orientation": "landscape"})
    p.set_table("city_statistics", pd.DataFrame(
        {"city": ["Hegang", "Jixi"], "year": [2015, 2015], "indicator": ["population"] * 2,
         "value": [1056.0, 1812.0]}))
    return p


def test_round_trip_keeps_every_layer_and_setting(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    again = load_project(path)
    assert again.layer_names() == project.layer_names()
    assert again.metadata == project.metadata
    assert again.crs == project.crs
    assert again.bookmarks == project.bookmarks
    assert again.scenarios == project.scenarios
    assert again.layouts == project.layouts
    pd.testing.assert_frame_equal(again.tables["city_statistics"],
                                  project.tables["city_statistics"], check_dtype=False)
    for before, after in zip(project.layers, again.layers, strict=True):
        s_before, s_after = before.settings(), after.settings()
        s_before.pop("source_path"), s_after.pop("source_path")
        assert s_after == s_before
        assert after.crs == before.crs
        if isinstance(before, VectorLayer):
            a, b = after.gdf, before.gdf
            assert list(a.columns) == list(b.columns)
            pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                          pd.DataFrame(b.drop(columns="geometry")),
                                          check_dtype=False)
            assert shapely.equals_exact(a.geometry.values, b.geometry.values, 1e-12).all()
        else:
            d_after, _ = after.read()
            d_before, _ = before.read()
            np.testing.assert_array_equal(d_after.mask, d_before.mask)
            np.testing.assert_allclose(d_after.compressed(), d_before.compressed(), rtol=1e-6)
            assert after.bounds == pytest.approx(before.bounds)
    assert not again.dirty


def test_raster_travels_inside_the_project_file(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    (tmp_path / "dem.tif").unlink()
    again = load_project(path)
    data, _ = again.layer("dem").read()
    assert data.shape == (30, 40)


def test_save_keeps_a_backup_and_leaves_no_temporary_files(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    first = path.read_bytes()
    project.set_metadata(title="second")
    save_project(project, path)
    assert (tmp_path / "t.hljgis.bak.gpkg").read_bytes() == first
    assert load_project(path).metadata["title"] == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dem.tif", "t.hljgis.bak.gpkg",
                                                         "t.hljgis.gpkg"]


def test_failed_save_leaves_the_old_file_untouched(project, tmp_path, monkeypatch):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pf, "_write_project_table", boom)
    project.set_metadata(title="never saved")
    with pytest.raises(OSError, match="disk full"):
        save_project(project, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dem.tif", "t.hljgis.gpkg"]


def test_unsaveable_setting_fails_before_touching_disk(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    project.set_scenario("bad", {"when": object()})
    with pytest.raises(TypeError, match="cannot be saved as JSON"):
        save_project(project, path)
    assert not path.exists()


def test_newer_format_is_refused_clearly(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE hljgis_project SET format_version = 99")
    con.close()
    with pytest.raises(ProjectFormatError, match="newer hljgis.*format 99.*Update hljgis"):
        load_project(path)


def test_plain_geopackage_is_not_a_project(tmp_path):
    import pyogrio

    path = tmp_path / "plain.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(geometry=[shapely.Point(131, 46)], crs=4490), path)
    with pytest.raises(InputError, match="not an hljgis project"):
        load_project(path)


def test_damaged_project_points_to_the_backup(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    save_project(project, path)
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(InputError, match=r"damaged.*t\.hljgis\.bak\.gpkg"):
        load_project(path)
    assert load_project(tmp_path / "t.hljgis.bak.gpkg").layer_names() == project.layer_names()


def test_version_one_fixture_still_opens(fixtures_dir):
    """Every saved format version keeps a fixture that must still open."""
    project = load_project(fixtures_dir / "project_v1.hljgis.gpkg")
    assert project.layer_names() == ["dem", "cities", "expressways"]
    assert project.layer("cities").gdf["name_zh"].tolist() == ["鹤岗", "鸡西"]


def test_version_two_fixture_still_opens(fixtures_dir):
    """Format 2: a grid ranking rebuilt from its definition, a parcel ranking from its
    candidate layer (tests/fixtures/make_fixtures.py made the file)."""
    import numpy as np

    from hljgis.core.cellgrid import CellGrid
    from hljgis.core.transforms import TransformSpec

    project = load_project(fixtures_dir / "project_v2.hljgis.gpkg")
    assert project.layer_names() == ["area", "stations", "parcels", "rank_cells",
                                     "rank_parcels"]
    cells = project.layer("rank_cells")
    assert isinstance(cells.geometry_source, CellGrid) and len(cells.gdf) == 300
    assert cells.gdf.geometry.iloc[0].equals_exact(
        shapely.box(400_000, 5_000_000, 400_100, 5_000_100), 0)
    g = cells.gdf
    assert g["score"].iloc[0] == pytest.approx(0.18984450199114966, abs=0)
    assert g["rank"].iloc[0] == 281 and str(g["rank"].dtype) == "Int64"
    norm = TransformSpec.from_dict({"kind": "fuzzy_decreasing",
                                    "params": {"a": 100, "b": 1500}}).apply(g["raw_station"])
    assert np.array_equal(g["norm_station"], norm)
    parcels = project.layer("rank_parcels")
    assert parcels.geometry_source == "parcels"
    source = project.layer("parcels").gdf.geometry.values
    positions = parcels.gdf["site_id"].str.removeprefix("parcels:").astype(int)
    assert all(a is source[i] for a, i in zip(parcels.gdf.geometry.values, positions,
                                              strict=True))


def test_settings_json_is_readable(project, tmp_path):
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)
    con = sqlite3.connect(path)
    text = con.execute("SELECT json FROM hljgis_project").fetchone()[0]
    con.close()
    data = json.loads(text)
    assert data["format_version"] == pf.FORMAT_VERSION
    assert "鹤岗" in text  # stored as readable UTF-8, not \\u escapes


def test_projects_with_large_layers_save_with_large_pages(project, tmp_path, monkeypatch):
    from hljgis.io import writers

    monkeypatch.setattr(writers, "LARGE_LAYER", 2)  # the two cities count as large here
    path = tmp_path / "t.hljgis.gpkg"
    save_project(project, path)  # the raster, written first, creates the file: page as is
    again = load_project(path)
    assert again.layer_names() == project.layer_names()
    project.remove_layer("dem")
    save_project(project, tmp_path / "v.hljgis.gpkg")
    with sqlite3.connect(tmp_path / "v.hljgis.gpkg") as con:
        assert con.execute("pragma page_size").fetchone()[0] == 65536
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert load_project(tmp_path / "v.hljgis.gpkg").layer("cities").gdf["name_zh"].tolist() \
        == ["鹤岗", "鸡西"]


def test_a_reopened_layer_is_saved_with_the_file_own_wkb(tmp_path, monkeypatch):
    """Layers read from a project keep the file's WKB: saving them unchanged encodes no
    geometry again (a 1M-parcel save 3.8 s -> 1.5 s), and the file holds the same shapes."""
    from hljgis.io import arrow_layer, source_wkb

    rng = np.random.default_rng(5)
    pts = shapely.multipoints(rng.uniform(0, 5000, (200, 2)) + np.array([500_000, 5_200_000]))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=shapely.box(
        500_000, 5_200_000, 505_000, 5_205_000)))
    gdf = gpd.GeoDataFrame({"pid": [f"P{i}" for i in range(len(cells))]}, geometry=cells,
                           crs="EPSG:4553")
    first = Project("wkb")
    first.crs = gdf.crs
    first.add_layer(VectorLayer(gdf, "parcels"))
    save_project(first, tmp_path / "a.hljgis.gpkg")
    again = load_project(tmp_path / "a.hljgis.gpkg")
    geoms = np.asarray(again.layer("parcels").gdf.geometry.array)
    assert source_wkb.lookup(geoms) is not None

    def no_encoding(*_a, **_k):
        raise AssertionError("geometries encoded again")

    monkeypatch.setattr(arrow_layer, "polygon_wkb", no_encoding)
    monkeypatch.setattr(arrow_layer.shapely, "to_wkb", no_encoding)
    save_project(again, tmp_path / "b.hljgis.gpkg")
    monkeypatch.undo()
    back = load_project(tmp_path / "b.hljgis.gpkg").layer("parcels").gdf
    assert list(back["pid"]) == list(gdf["pid"])
    assert shapely.equals_exact(np.asarray(back.geometry.array), cells, tolerance=0).all()


@pytest.mark.parametrize("saved", ["as GDAL's FID (older files)", "as an attribute"])
def test_a_postgis_layer_s_own_fid_comes_back_either_way(tmp_path, saved):
    """A PostGIS table keyed by ``fid`` keeps its key through the project file, whether
    the file holds it as the GeoPackage's FID or (the writer since) as an attribute."""
    import geopandas as gpd
    import pyogrio
    import shapely

    from hljgis.io.postgis_link import SETTINGS_KEY
    from hljgis.io.project_file import _read_vector_table
    from hljgis.io.writers import write_layer

    gdf = gpd.GeoDataFrame({"fid": [7, 9, 12], "name": ["a", "b", "c"]},
                           geometry=shapely.points([0, 1, 2], [0, 1, 2]), crs="EPSG:4490")
    path = tmp_path / "p.gpkg"
    if saved.startswith("as GDAL"):
        pyogrio.write_dataframe(gdf, path, layer="sites")  # GDAL takes fid for the FID
    else:
        write_layer(gdf, path, layer_name="sites")
    back = _read_vector_table(path, "sites", {SETTINGS_KEY: {"columns": ["fid", "name"]}})
    assert list(back.columns[:2]) == ["fid", "name"]
    assert back["fid"].tolist() == [7, 9, 12] and back["name"].tolist() == ["a", "b", "c"]
