"""`hljgis project new`: a project from a planner's files, bundled layers optional; then
`hljgis rank` on it; never over an existing file."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest

from hljgis.cli import main
from hljgis.io.project_file import load_project
from tests.fixtures import planner_parcels


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return planner_parcels.write_all(tmp_path_factory.mktemp("planner"))


def test_new_project_with_bundled_layers_then_rank(data, tmp_path, capsys):
    out = tmp_path / "taoshan.hljgis.gpkg"
    code = main(["project", "new", str(out), str(data["parcels"]), str(data["stops"]),
                 "--scenario", str(data["scenario"]), "--title-zh", "桃山地块"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "layer parcels: 50 features, EPSG:4549" in text
    assert "analysis CRS EPSG:4553" in text
    project = load_project(out)
    names = project.layer_names()
    assert {"districts", "towns", "hsr_stations", "parcels", "bus_stops"} <= set(names)
    assert names[-2:] == ["parcels", "bus_stops"]  # added on top of the bundled layers
    assert project.metadata["title"] == "taoshan" and project.metadata["title_zh"] == "桃山地块"
    assert "taoshan-parcels" in project.scenarios and "region" in project.bookmarks
    parcels = project.layer("parcels").gdf
    assert parcels.crs.to_epsg() == 4549 and parcels["DKMC"].iloc[0] == "桃山101号地块"

    ranked = tmp_path / "r.gpkg"
    code = main(["rank", str(out), "--scenario", "taoshan-parcels", "--city", "Qitaihe",
                 "--out", str(ranked)])
    assert code == 0, capsys.readouterr().err
    g = pyogrio.read_dataframe(ranked)
    assert g.crs.to_epsg() == 4549 and len(g) == 50
    assert set(g["district_zh"]) == {"桃山区"}


def test_no_bundled_and_named_layer(data, tmp_path, capsys):
    out = tmp_path / "own.hljgis.gpkg"
    code = main(["project", "new", str(out), str(data["parcels"]), f"stops={data['stops']}",
                 "--no-bundled"])
    assert code == 0, capsys.readouterr().err
    project = load_project(out)
    assert project.layer_names() == ["parcels", "stops"]
    # the analysis CRS follows the data: Qitaihe (131E) is in the CM 132E zone
    assert project.metric_crs().to_epsg() == 4553


def test_options_before_the_files(data, tmp_path, capsys):
    out = tmp_path / "own.hljgis.gpkg"
    code = main(["project", "new", str(out), "--no-bundled", str(data["parcels"]),
                 f"stops={data['stops']}"])
    assert code == 0, capsys.readouterr().err
    assert load_project(out).layer_names() == ["parcels", "stops"]


def test_unknown_option_is_still_refused(data, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["project", "new", str(tmp_path / "x.hljgis.gpkg"), "--no-such-thing"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --no-such-thing" in capsys.readouterr().err


def test_own_layer_replaces_bundled_one_in_place(data, tmp_path, capsys):
    own = tmp_path / "my_districts.geojson"
    d = gpd.read_file(planner_parcels.layers_dir() / "districts.geojson")
    d = d[d["city"] == "Qitaihe"]
    pyogrio.write_dataframe(d, own, driver="GeoJSON")
    out = tmp_path / "p.hljgis.gpkg"
    bundled = load_project(planner_parcels.layers_dir() / "east-heilongjiang.hljgis.gpkg")
    index = bundled.layer_names().index("districts")
    assert main(["project", "new", str(out), f"districts={own}"]) == 0
    assert "replaces the layer 'districts'" in capsys.readouterr().out
    project = load_project(out)
    assert project.layer_names().index("districts") == index
    assert len(project.layer("districts").gdf) == 4


def test_never_overwrites_and_bad_names(data, tmp_path, capsys):
    out = tmp_path / "p.hljgis.gpkg"
    out.write_bytes(b"precious")
    assert main(["project", "new", str(out), str(data["parcels"])]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"
    assert main(["project", "new", str(tmp_path / "p.gpkg"), str(data["parcels"])]) == 2
    assert "p.hljgis.gpkg" in capsys.readouterr().err
    assert main(["project", "new", str(tmp_path / "e.hljgis.gpkg"), "--no-bundled"]) == 2
    assert "would be empty" in capsys.readouterr().err
    assert main(["project", "new", str(tmp_path / "m.hljgis.gpkg"),
                 str(tmp_path / "missing.shp")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "m.hljgis.gpkg").exists()
