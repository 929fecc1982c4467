"""GeoPackage rows written by C: built by the set-up; what it does not write goes to GDAL."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from hljgis.io import gpkg_rows, gpkg_split, write_layer


def test_the_set_up_built_the_writer_and_it_loads():
    assert gpkg_rows.LIBRARY.exists(), "run make setup (it builds _gpkg_rows.so)"
    assert gpkg_rows.load() is not None


def test_a_column_it_does_not_know_leaves_the_rows_to_gdal(tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 10)
    calls = []
    real = gpkg_rows.insert
    monkeypatch.setattr(gpkg_rows, "insert", lambda *a, **k: calls.append(1) or real(*a, **k))
    n = 300
    boxes = shapely.box(np.arange(n), 0, np.arange(n) + 0.5, 0.5)
    plain = gpd.GeoDataFrame({"v": np.arange(n, dtype=float)}, geometry=boxes,
                             crs="EPSG:4553")
    write_layer(plain, tmp_path / "plain.gpkg")
    assert len(calls) == 2  # both halves by C
    calls.clear()
    dated = plain.assign(day=[dt.date(2026, 1, 1 + i % 28) for i in range(n)])
    path = write_layer(dated, tmp_path / "dated.gpkg")
    back = pyogrio.read_dataframe(path)
    assert calls == [] and len(back) == n and str(back["day"].iloc[0]).startswith("2026-01-01")
