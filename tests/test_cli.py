"""The hljgis command: info, repair, exit codes."""

import shutil
import subprocess
import sys

import geopandas as gpd
import pyogrio
import shapely

from hljgis.cli import main


def test_info_on_gbk_shapefile_prints_chinese_values(fixtures_dir, capsys):
    assert main(["info", str(fixtures_dir / "gbk_shapefile" / "city_seats_gbk.shp")]) == 0
    out = capsys.readouterr().out
    assert "geometry: Point" in out
    assert "features: 4" in out
    assert "EPSG:4490" in out
    assert "encoding: gb18030" in out
    assert "invalid geometries: 0" in out
    assert "名称: str  e.g. 鹤岗市, 鸡西市, 七台河市" in out
    assert "产业: str  e.g. 石墨、绿色食品, 石墨、医药" in out
    assert "130.298000, 45.295000, 131.159000, 47.350000" in out


def test_info_on_a_project_lists_every_layer(fixtures_dir, capsys):
    assert main(["info", str(fixtures_dir / "project_v1.hljgis.gpkg")]) == 0
    out = capsys.readouterr().out
    assert "hljgis project 'East Heilongjiang test' 黑龙江东部测试" in out
    assert "layer dem - Elevation / 高程" in out
    assert "raster: 40 x 30 pixels" in out
    assert "layer cities - Cities / 城市" in out
    assert "ILLUSTRATIVE" in out
    assert "analysis CRS: EPSG:4553" in out


def test_missing_file_exits_2_with_advice(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope.shp")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "what to do:" in err


def test_missing_prj_and_assume_crs(tmp_path, fixtures_dir, capsys):
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        if f.suffix != ".prj":
            shutil.copy(f, tmp_path / f.name)
    shp = str(tmp_path / "city_seats_gbk.shp")
    assert main(["info", shp]) == 2
    assert "--assume-crs" in capsys.readouterr().err
    assert main(["info", shp, "--assume-crs", "EPSG:4490"]) == 0
    assert "EPSG:4490" in capsys.readouterr().out


def test_one_bad_file_among_good_ones_still_reports_the_good(tmp_path, fixtures_dir, capsys):
    good = str(fixtures_dir / "gbk_shapefile" / "city_seats_gbk.shp")
    assert main(["info", good, str(tmp_path / "nope.gpkg")]) == 2
    captured = capsys.readouterr()
    assert "features: 4" in captured.out and "does not exist" in captured.err


def test_repair_writes_a_new_file_and_never_the_input(tmp_path, capsys):
    bowtie = shapely.Polygon([(130, 45), (131, 46), (131, 45), (130, 46)])
    src = tmp_path / "in.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"a": [1]}, geometry=[bowtie], crs=4490), src)
    assert main(["info", str(src)]) == 0
    assert "invalid geometries: 1" in capsys.readouterr().out
    out = tmp_path / "out.gpkg"
    assert main(["repair", str(src), "--out", str(out)]) == 0
    assert "1 invalid geometries repaired" in capsys.readouterr().out
    assert shapely.is_valid(pyogrio.read_dataframe(out).geometry).all()
    assert not shapely.is_valid(pyogrio.read_dataframe(src).geometry).all()
    assert main(["repair", str(src), "--out", str(src)]) == 2


def test_console_script_runs_headless(fixtures_dir):
    exe = shutil.which("hljgis", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "the hljgis console script is installed in the venv"
    res = subprocess.run([exe, "info", str(fixtures_dir / "gbk_shapefile" / "city_seats_gbk.shp")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "鸡西市" in res.stdout
    ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert ver.stdout.startswith("hljgis ")


def test_info_on_the_bundled_project(capsys):
    from hljgis.io.bundled import bundled_project_path

    assert main(["info", str(bundled_project_path())]) == 0
    out = capsys.readouterr().out
    assert "hljgis project 'East Heilongjiang' 黑龙江东部" in out
    assert "analysis CRS: EPSG:4553" in out
    assert "2 scenarios" in out
    assert out.count("\nlayer ") == 19  # 18 vector layers (with lakes, borders) + DEM
    assert "鸡西市" in out and "name_zh: str" in out
