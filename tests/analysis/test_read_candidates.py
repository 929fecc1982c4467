"""Reading a candidate file through GDAL's Arrow stream."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hljgis.analysis.candidates import read_candidates
from hljgis.core.errors import InputError


def test_reads_geometry_and_chosen_fields(tmp_path):
    boxes = shapely.box(np.arange(5.0), 0, np.arange(5.0) + 1, 1)
    gdf = gpd.GeoDataFrame({"pid": list("abcde"), "use": ["x"] * 5, "area": np.arange(5.0)},
                           geometry=boxes, crs="EPSG:4553")
    path = tmp_path / "parcels.gpkg"
    gdf.to_file(path, layer="parcels")
    got = read_candidates(str(path), columns=["pid"])
    assert list(got.columns) == ["pid", "geometry"]
    assert got.crs.to_epsg() == 4553
    assert shapely.equals(np.asarray(got.geometry.values), boxes).all()
    assert list(got["pid"]) == list("abcde")


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_refuses_missing_file_and_missing_crs(tmp_path):
    with pytest.raises(InputError):
        read_candidates(str(tmp_path / "nope.gpkg"))
    path = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.box(0, 0, 1, 1)]).to_file(path)
    with pytest.raises(InputError, match="no CRS"):
        read_candidates(str(path))


def test_fields_read_as_pyogrio_reads_them(tmp_path):
    import pandas as pd
    import pyogrio

    gdf = gpd.GeoDataFrame({
        "i": pd.array([1, None, 3], dtype="Int64"), "j": [1, 2, 3], "f": [1.5, np.nan, 2.0],
        "b": [True, False, True], "s": ["a", None, "鹤岗"],
        "d": pd.to_datetime(["2024-01-01 08:00", None, "2025-02-03 00:00"]),
    }, geometry=shapely.box(np.arange(3.0), 0, np.arange(3.0) + 1, 1), crs="EPSG:4553")
    path = tmp_path / "types.gpkg"
    gdf.to_file(path)
    got = read_candidates(str(path))
    ref = pyogrio.read_dataframe(path, use_arrow=True)
    pd.testing.assert_frame_equal(got.drop(columns="geometry"), ref.drop(columns="geometry"))
    assert got.geometry.name == "geometry"
    assert list(shapely.to_wkb(got.geometry.values)) == list(shapely.to_wkb(gdf.geometry.values))


def test_refuses_a_table_without_geometry(tmp_path):
    import pandas as pd
    import pyogrio

    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"a": [1, 2]}), path, layer="t", driver="GPKG")
    with pytest.raises(InputError, match="no geometries"):
        read_candidates(str(path))


@pytest.mark.parametrize("cpg", [None, "GBK"], ids=["no-cpg", "cpg"])
def test_gbk_shapefile_with_chinese_field_names(tmp_path, cpg):
    """A bureau's Shapefile: GBK field names and text, often without a .cpg."""
    gdf = gpd.GeoDataFrame({"地块编号": ["双鸭山01", "七台河02"], "用途": ["工业", "居住"]},
                           geometry=shapely.box([0.0, 2.0], 0, [1.0, 3.0], 1), crs="EPSG:4553")
    path = tmp_path / "parcels.shp"
    gdf.to_file(path, encoding="GBK")
    (tmp_path / "parcels.cpg").unlink(missing_ok=True)
    if cpg:
        (tmp_path / "parcels.cpg").write_text(cpg)
    got = read_candidates(str(path))
    assert list(got.columns) == ["地块编号", "用途", "geometry"]
    assert got["地块编号"].tolist() == ["双鸭山01", "七台河02"]
    assert got["用途"].tolist() == ["工业", "居住"]
    assert read_candidates(str(path), encoding="gbk")["用途"].tolist() == ["工业", "居住"]


def _bureau_parcels(variant: str, n: int = 1500) -> gpd.GeoDataFrame:
    """Parcels as bureaus keep them: irregular, Chinese field names, and one oddity each."""
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 30_000, n) + 500_000, rng.uniform(0, 30_000, n) + 5_150_000
    geoms = shapely.buffer(shapely.points(x, y), rng.uniform(40, 200, n), quad_segs=3)
    ids: object = np.char.add("DK", np.arange(n).astype(str))
    if variant == "multi+holes":
        geoms[::4] = shapely.difference(geoms[::4], shapely.buffer(shapely.points(
            x[::4], y[::4]), 20))
        geoms[1::4] = [shapely.MultiPolygon([g, shapely.affinity.translate(g, 900, 300)])
                       for g in geoms[1::4]]
    elif variant == "3-D":
        geoms = shapely.force_3d(geoms, 150.0)
    elif variant == "bow-ties":
        b = shapely.bounds(geoms[::9])
        geoms[::9] = [shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
                      for x0, y0, x1, y1 in b]
    elif variant == "points":
        geoms = shapely.points(x, y)
    elif variant == "integer ids":
        ids = np.arange(n, dtype=np.int64) * 3 + 1000
    elif variant == "duplicate ids":
        ids = np.char.add("DK", (np.arange(n) % 100).astype(str))
    return gpd.GeoDataFrame({"地块编号": ids, "用途": np.where(np.arange(n) % 3, "工业", "仓储")},
                            geometry=geoms, crs="EPSG:4553")


def _criteria_layers() -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(8)
    o = np.array([500_000.0, 5_150_000.0])
    stations = shapely.points(rng.uniform(0, 30_000, (6, 2)) + o)
    roads = shapely.linestrings(np.cumsum(rng.normal(0, 3000, (3, 8, 2)), axis=1) + o + 15_000)
    zones = shapely.buffer(shapely.points(rng.uniform(0, 30_000, (5, 2)) + o), 2500)
    return {name: gpd.GeoDataFrame(geometry=g, crs="EPSG:4553")
            for name, g in (("stations", stations), ("roads", roads), ("zones", zones))}


@pytest.mark.parametrize("variant", ["multi+holes", "3-D", "bow-ties", "points",
                                     "integer ids", "duplicate ids"])
def test_bureau_parcels_rank_as_geopandas_ranks_them(tmp_path, monkeypatch, variant):
    """read_candidates -> run_scenario -> write_layer (split in two halves) on a bureau's
    oddities: exact outline distances, the same excluded set as gpd.sjoin and the same
    ranks as the plain geopandas pipeline, and the file GDAL reads back whole."""
    import pyogrio

    from hljgis.analysis import run_scenario
    from hljgis.io import gpkg_split, write_layer

    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 500)
    parcels = _bureau_parcels(variant)
    path = tmp_path / "parcels.gpkg"
    parcels.to_file(path, layer="地块")
    layers = _criteria_layers()
    scenario = {
        "name": "bureau", "planning_year": 2025,
        "candidates": {"kind": "layer", "layer": "parcels", "id_field": "地块编号"},
        "criteria": [{"name": n, "kind": "distance", "layer": n, "weight": w,
                      "measure": "edge", "transform": {"kind": "fuzzy_decreasing", "a": 0,
                                                       "b": 20_000}}
                     for n, w in (("stations", 2), ("roads", 1))],
        "constraints": [{"name": "zones", "kind": "outside", "layer": "zones"}],
    }
    result = run_scenario({**layers, "parcels": read_candidates(str(path))}, scenario)
    got = result.gdf
    total = np.zeros(len(parcels))
    sites = parcels[["geometry"]].assign(sid=np.arange(len(parcels)))
    for name, w in (("stations", 2), ("roads", 1)):
        j = gpd.sjoin_nearest(sites, layers[name], distance_col="d")
        d = j.groupby("sid")["d"].min().to_numpy()
        np.testing.assert_allclose(got[f"raw_{name}"].to_numpy(float), d, rtol=0, atol=1e-6)
        total += w * np.clip(1 - d / 20_000, 0, 1)
    hit = gpd.sjoin(sites, layers["zones"], predicate="intersects")["sid"].unique()
    excluded = np.isin(np.arange(len(parcels)), hit)
    assert 0 < excluded.sum() < len(parcels)
    np.testing.assert_array_equal(got["excluded"].to_numpy(bool), excluded)
    want_rank = pd.Series(np.where(excluded, np.nan, total / 3)).rank(ascending=False,
                                                                      method="min")
    np.testing.assert_array_equal(got["rank"].to_numpy(float, na_value=np.nan),
                                  want_rank.to_numpy())
    out = tmp_path / "ranked.gpkg"
    write_layer(result.layer("ranked"), out)
    back = pyogrio.read_dataframe(out, fid_as_index=True)
    np.testing.assert_array_equal(back.index, np.arange(1, len(parcels) + 1))
    source = pyogrio.read_dataframe(path)  # Polygons among MultiPolygons became multi
    assert (shapely.to_wkb(back.geometry.values) == shapely.to_wkb(source.geometry.values)).all()
    assert back["地块编号"].tolist() == parcels["地块编号"].tolist()
    box = (510_000, 5_160_000, 516_000, 5_166_000)
    near = pyogrio.read_dataframe(out, bbox=box, fid_as_index=True)
    want = np.flatnonzero(shapely.intersects(parcels.geometry.values, shapely.box(*box))) + 1
    assert sorted(near.index) == want.tolist() and len(want)


def test_zipped_gbk_shapefile_says_which_encoding_to_give(tmp_path):
    import zipfile

    gdf = gpd.GeoDataFrame({"用途": ["工业", "居住"]}, geometry=shapely.box([0.0, 2.0], 0,
                                                                       [1.0, 3.0], 1),
                           crs="EPSG:4553")
    gdf.to_file(tmp_path / "p.shp", encoding="GBK")
    (tmp_path / "p.cpg").unlink(missing_ok=True)
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for ext in ("shp", "shx", "dbf", "prj"):
            z.write(tmp_path / f"p.{ext}", f"p.{ext}")
    with pytest.raises(InputError, match="encoding='GBK'"):
        read_candidates(str(archive))
    assert read_candidates(str(archive), encoding="GBK")["用途"].tolist() == ["工业", "居住"]
