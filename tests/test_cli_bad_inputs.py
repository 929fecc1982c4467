"""The bad-input corpus of issue #12 through the CLI: each answers exit 2 with words that
say what is wrong and what to do, in seconds, and no input file is ever changed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.cli import main
from hljgis.io import save_project
from tests.analysis.test_presets import synthetic_project


@pytest.fixture(scope="module")
def project_file(tmp_path_factory):
    project = synthetic_project()
    import pandas as pd

    project.set_table("city_statistics", pd.DataFrame({"city": ["Jixi"], "value": [1.0]}))
    return save_project(project, tmp_path_factory.mktemp("p") / "p.hljgis.gpkg")


@pytest.fixture
def project(project_file, tmp_path):
    path = tmp_path / "p.hljgis.gpkg"
    shutil.copy(project_file, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def _expect(code, err, *words):
    assert code == 2, err
    assert "what to do:" in err
    for word in words:
        assert word in err, (word, err)


def _edit_settings(path: Path, change) -> None:
    con = sqlite3.connect(path)
    with con:
        text = con.execute("SELECT json FROM hljgis_project").fetchone()[0]
        con.execute("UPDATE hljgis_project SET json = ?", (json.dumps(change(json.loads(text))),))
    con.close()


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in: root ignores permission bits, so /sys there."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


# -- writing over an input, bad output paths ---------------------------------------------------

@pytest.mark.parametrize("option", ["--out", "--csv"])
def test_rank_never_writes_over_its_project(project, tmp_path, capsys, option):
    before = _digest(project)
    argv = ["rank", project, "--scenario", "sme-space", "--out",
            project if option == "--out" else tmp_path / "r.gpkg"]
    if option == "--csv":
        argv += ["--csv", project]
    _expect(*_run(capsys, *argv), "same file as PROJECT", "new file")
    assert _digest(project) == before
    assert not (tmp_path / "p.hljgis.bak.gpkg").exists()


def test_rank_never_writes_over_its_candidates_or_added_files(tmp_path, capsys):
    parcels = tmp_path / "parcels.geojson"
    gpd.GeoDataFrame({"pid": [1]}, geometry=[shapely.box(131.0, 45.8, 131.01, 45.81)],
                     crs=4490).to_file(parcels)
    stops = tmp_path / "stops.geojson"
    stops.write_bytes(parcels.read_bytes())
    before = _digest(parcels), _digest(stops)
    _expect(*_run(capsys, "rank", parcels, "--scenario", "sme-space", "--out", parcels),
            "same file as PROJECT", "new file")
    _expect(*_run(capsys, "rank", "--candidates", parcels, "--add", f"stops={stops}",
                  "--scenario", "sme-space", "--out", tmp_path / "r.gpkg", "--csv", stops),
            "same file as --add", "new file")
    _expect(*_run(capsys, "rank", parcels, "--add", f"stops={tmp_path / 'nope.geojson'}",
                  "--scenario", "sme-space", "--out", tmp_path / "r.gpkg"),
            "--add", "does not exist")
    assert (_digest(parcels), _digest(stops)) == before
    assert not (tmp_path / "r.gpkg").exists()


def test_rank_out_is_a_folder(project, tmp_path, capsys):
    (tmp_path / "res.gpkg").mkdir()
    _expect(*_run(capsys, "rank", project, "--scenario", "sme-space", "--out",
                  tmp_path / "res.gpkg"), "is a folder", "file name")


@pytest.mark.parametrize("command", ["rank", "webmap"])
def test_output_into_a_read_only_folder(project, tmp_path, capsys, command):
    out = _read_only_folder(tmp_path) / ("r.gpkg" if command == "rank" else "m.html")
    extra = ["--scenario", "sme-space"] if command == "rank" else []
    _expect(*_run(capsys, command, project, *extra, "--out", out), "not writable",
            "folder you can write")


@pytest.mark.parametrize("dpi", ["nan", "100000", "-50", "inf"])
def test_export_dpi_out_of_range(project, tmp_path, capsys, dpi):
    _expect(*_run(capsys, "export", project, "--out", tmp_path / "m.pdf", "--dpi", dpi),
            "--dpi", "from 10 to 1,200")
    assert not (tmp_path / "m.pdf").exists()


def test_rank_top_negative(project, tmp_path, capsys):
    _expect(*_run(capsys, "rank", project, "--scenario", "sme-space", "--out",
                  tmp_path / "r.gpkg", "--top", "-5"), "--top -5", "e.g. --top 10")
    assert not (tmp_path / "r.gpkg").exists()  # refused before any work


def test_rank_refuses_what_will_not_fit_in_memory(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HLJGIS_MEMORY_LIMIT_MB", "1")
    _expect(*_run(capsys, "rank", project, "--scenario", "sme-space", "--out",
                  tmp_path / "r.gpkg"), "candidate cells", "of memory", "larger cell size",
            "--city")


# -- damaged projects --------------------------------------------------------------------------

def test_settings_json_is_a_list(project, capsys):
    _edit_settings(project, lambda s: [s])
    _expect(*_run(capsys, "info", project), "settings JSON is a list", "Copy the file")


def test_layer_without_name(project, capsys):
    def drop_name(s):
        del s["layers"][0]["name"]
        return s

    _edit_settings(project, drop_name)
    _expect(*_run(capsys, "rank", project, "--scenario", "sme-space", "--out",
                  project.with_name("r.gpkg")), "settings.layers[0] has no name")


def test_project_without_its_statistics_table(project, capsys):
    con = sqlite3.connect(project)
    with con:
        con.execute("DROP TABLE city_statistics")
        con.execute("DELETE FROM gpkg_contents WHERE table_name = 'city_statistics'")
    con.close()
    _expect(*_run(capsys, "info", project), "city_statistics", "missing")


def test_zero_byte_project(tmp_path, capsys):
    empty = tmp_path / "e.hljgis.gpkg"
    empty.touch()
    code, err = _run(capsys, "info", empty)
    _expect(code, err, "empty, 0 bytes")
    assert "not an hljgis project" not in err


# -- damaged data files ------------------------------------------------------------------------

def test_truncated_dbf(fixtures_dir, tmp_path, capsys):
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        shutil.copy(f, tmp_path / f.name)
    dbf = tmp_path / "city_seats_gbk.dbf"
    dbf.write_bytes(dbf.read_bytes()[:100])  # cut inside the field list
    _expect(*_run(capsys, "info", tmp_path / "city_seats_gbk.shp"), "truncated",
            "city_seats_gbk.dbf", "Copy the whole Shapefile")


@pytest.mark.parametrize("value, words", [("1e999", "too large"),
                                          ("1309.7", "not degrees")])
def test_csv_with_one_bad_longitude(tmp_path, capsys, value, words):
    csv = tmp_path / "sites.csv"
    csv.write_text(f"name,lon,lat\na,130.1,45.2\nb,{value},45.3\nc,130.3,45.4\n")
    code, err = _run(capsys, "info", csv)
    _expect(code, err, words, "line 3", "Correct those values")
    assert "coordinate reference system" not in err


def test_nan_coordinates(tmp_path, capsys):
    gpkg = tmp_path / "nan.gpkg"
    gpd.GeoDataFrame({"a": [1, 2]}, geometry=[shapely.Point(130.1, 45.2),
                                              shapely.Point(np.nan, 45.0)],
                     crs=4490).to_file(gpkg)
    code, err = _run(capsys, "info", gpkg)
    _expect(code, err, "not numbers", "Fix or delete")
    assert "outside China" not in err


def test_wkt_text_as_geojson_geometry(tmp_path, capsys):
    gj = tmp_path / "w.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": 1},
         "geometry": {"type": "Point", "coordinates": [130.1, 45.2]}},
        {"type": "Feature", "properties": {"a": 2}, "geometry": "POINT (130.2 45.3)"}]}))
    with pytest.warns(RuntimeWarning):  # GDAL's own warning about the text geometry
        code, err = _run(capsys, "info", gj)
    _expect(code, err, "geometry as text", "POINT (130.2 45.3)")
