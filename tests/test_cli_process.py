"""`hljgis process`: tools on files and on a project's layers, lineage beside the output,
exit 2 with a message for bad input, the tool list."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import Point, box

from hljgis.cli import main

GK = "EPSG:4553"
X0, Y0 = 500_000.0, 5_150_000.0


@pytest.fixture
def files(tmp_path):
    stations = gpd.GeoDataFrame({"sid": ["a", "b"]},
                                geometry=[Point(X0, Y0), Point(X0 + 10_000, Y0)],
                                crs=GK).to_crs("EPSG:4490")
    stations.to_file(tmp_path / "stations.geojson", driver="GeoJSON")
    bowtie = gpd.GeoSeries.from_wkt([f"POLYGON(({X0} {Y0}, {X0 + 400} {Y0 + 400}, "
                                     f"{X0 + 400} {Y0}, {X0} {Y0 + 400}, {X0} {Y0}))"])
    parcels = gpd.GeoDataFrame({"pid": [1, 2]}, geometry=[box(X0 - 500, Y0 - 500, X0 + 500,
                                                              Y0 + 500), bowtie.iloc[0]],
                               crs=GK)
    parcels.to_file(tmp_path / "parcels.gpkg", layer="parcels", driver="GPKG")
    return tmp_path


def test_buffer_file_to_gpkg_with_lineage(files, capsys):
    out = files / "buf.gpkg"
    code = main(["process", "buffer", "--input", str(files / "stations.geojson"),
                 "--param", "distance_m=2000", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "buffer: 2 features" in text and "lineage: hljgis Buffer (Distance 2000 m)" in text
    gdf = pyogrio.read_dataframe(out)
    assert gdf.crs.to_epsg() == 4490  # the input's CRS
    assert np.allclose(gdf.to_crs(GK).area, np.pi * 2000**2, rtol=0.01)
    lineage = json.loads((files / "buf.gpkg.lineage.json").read_text(encoding="utf-8"))
    assert lineage["lineage"]["operation"] == "buffer"
    assert lineage["lineage"]["parameters"]["distance_m"] == 2000
    assert lineage["lineage"]["inputs"][0]["source_path"].endswith("stations.geojson")
    assert "stations.geojson" in lineage["source"]


def test_two_inputs_by_name_and_repair_note(files, capsys):
    out = files / "clip.geojson"
    code = main(["process", "intersect", "--input", f"overlay={files / 'parcels.gpkg'}",
                 "--input", f"layer={files / 'parcels.gpkg'}#parcels", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "note: parcels: 1 invalid geometry repaired with make_valid" in text
    gdf = pyogrio.read_dataframe(out)
    assert len(gdf) >= 2 and gdf.is_valid.all()


def test_into_a_project_and_undoable_name(files, tmp_path, capsys):
    from hljgis.core.layer import VectorLayer
    from hljgis.core.project import Project
    from hljgis.io import load_project, save_project

    project = Project()
    project.add_layer(VectorLayer(gpd.read_file(files / "stations.geojson"), "hsr_stations",
                                  provenance={"source": "timetable", "as_of": "2021"}))
    path = save_project(project, tmp_path / "p.hljgis.gpkg")
    code = main(["process", "buffer", "--project", str(path), "--input", "hsr_stations",
                 "--param", "distance_m=2000", "--name", "hsr_2km"])
    assert code == 0, capsys.readouterr().err
    again = load_project(path)
    assert again.layer_names() == ["hsr_stations", "hsr_2km"]
    prov = again.layer("hsr_2km").provenance
    assert prov["lineage"]["inputs"][0]["source"] == "timetable"
    assert "added layer 'hsr_2km'" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["process", "buffr", "--input", "x", "--out", "y.gpkg"], "no processing tool 'buffr'"),
    (["process", "buffer", "--input", "STATIONS"], "nowhere to put the result"),
    (["process", "buffer", "--input", "STATIONS", "--param", "distance_m=2km",
      "--out", "OUT"], "parameter 'distance_m' must be a number"),
    (["process", "buffer", "--input", "STATIONS", "--param", "radius=2", "--out", "OUT"],
     "buffer has no parameter 'radius'"),
    (["process", "clip", "--input", "STATIONS", "--out", "OUT"], "no input for mask"),
    (["process", "buffer", "--input", "missing.shp", "--out", "OUT"], "is not a file"),
    (["process", "buffer", "--input", "STATIONS", "--out", "STATIONS"],
     "never overwrites its input"),
    (["process", "dissolve", "--input", "STATIONS", "--param", "field=city", "--out", "OUT"],
     "has no field 'city'"),
])
def test_bad_input_exits_2_with_a_message(files, capsys, argv, message):
    src = files / "stations.geojson"
    before = src.read_bytes()
    argv = [a.replace("STATIONS", str(src)).replace("OUT", str(files / "o.gpkg"))
            for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("hljgis: error: ") and message in err
    assert src.read_bytes() == before
    assert not (files / "o.gpkg").exists()


def test_without_tool_lists_tools_and_parameters(capsys):
    assert main(["process"]) == 0
    text = capsys.readouterr().out
    for name in ("buffer", "clip", "intersect", "difference", "union", "dissolve",
                 "spatial_join", "centroids", "reproject", "measure", "select_by_location"):
        assert f"  {name} " in text
    assert "distance_m   Distance [number; in m; default 1000]" in text
    assert "predicate" in text and "one_to_one|one_to_many" in text
