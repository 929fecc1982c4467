"""The runner: progress and cancel, lineage in the provenance (and in the sources note and
the project file), inherited illustrative flag, plain GeoDataFrame inputs."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from hljgis.core.errors import InputError
from hljgis.processing import TOOLS, Cancelled, lineage_text, run_tool


def test_progress_runs_from_zero_to_one(project):
    seen: list[tuple[float, str]] = []
    run_tool("buffer", {"layer": "stations", "distance_m": 500}, project,
             progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("buffering" in m for _, m in seen)


@pytest.mark.parametrize("tool, params", [
    ("buffer", {"layer": "stations", "distance_m": 500}),
    ("intersect", {"layer": "parcels", "overlay": "zones"}),
    ("spatial_join", {"layer": "zones", "join": "parcels"}),
])
def test_cancel_stops_before_a_layer_is_made(project, tool, params):
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2  # let the preparation start, then stop

    before = project.layer_names()
    with pytest.raises(Cancelled):
        run_tool(tool, params, project, cancel=cancel)
    assert project.layer_names() == before
    assert len(calls) == 3


def test_chunks_check_cancel_between_them(project, monkeypatch):
    """A long vectorised step checks cancel between chunks, not only at the end."""
    import hljgis.processing.job as job

    monkeypatch.setattr(job, "CHUNK", 1)
    messages = []
    state = {"n": 0}

    def progress(f, m):
        messages.append(m)

    def cancel():
        state["n"] += 1
        return messages.count("buffering") >= 2

    with pytest.raises(Cancelled):
        run_tool("buffer", {"layer": "stations", "distance_m": 500}, project,
                 progress=progress, cancel=cancel)
    assert messages.count("buffering") == 2  # stopped after the 2nd of 4 chunks


def test_lineage_records_operation_parameters_and_inputs(project, parcels, zones_lonlat):
    res = run_tool("clip", {"layer": "parcels", "mask": "zones"}, project, name="clipped")
    prov = res.layer.provenance
    lin = prov["lineage"]
    assert res.layer.name == "clipped"
    assert lin["operation"] == "clip" and lin["parameters"] == {}
    assert [(r["param"], r["name"], r["source"]) for r in lin["inputs"]] == [
        ("layer", "parcels", "bureau survey"), ("mask", "zones", "planning map")]
    assert lin["crs"] == "EPSG:4553"
    # worst accuracy, oldest date, illustrative inherited from the zones
    assert prov["accuracy_m"] == 50 and prov["as_of"] == "2020"
    assert prov["illustrative"] is True and res.layer.is_illustrative
    assert "1 invalid geometry repaired" in prov["note"]
    assert prov["source"].startswith("hljgis Clip of Parcels [bureau survey, as of 2023], "
                                     "Zones [planning map, as of 2020]")


def test_chained_lineage_reads_back_to_the_data(project):
    buf = run_tool("buffer", {"layer": "stations", "distance_m": 2000}, project).layer
    project.add_layer(buf)
    sel = run_tool("select_by_location", {"layer": "parcels", "by": buf.name}, project).layer
    inner = sel.provenance["lineage"]["inputs"][1]
    assert inner["name"] == "buffer_stations"
    assert inner["lineage"]["operation"] == "buffer"
    assert inner["lineage"]["parameters"]["distance_m"] == 2000
    text = lineage_text(sel.provenance)
    assert "Buffer (Distance 2000 m) of Stations [railway timetable, as of 2021]" in text
    zh = lineage_text(sel.provenance, "zh")
    assert "按位置选择" in zh and "缓冲区（距离 2000 m）：车站" in zh


def test_sources_note_of_an_export_shows_the_lineage(project):
    from hljgis.export.sources import source_lines

    buf = run_tool("buffer", {"layer": "stations", "distance_m": 2000}, project).layer
    en = source_lines([buf], "en")
    assert en == ["Stations: buffer 2000 m: hljgis Buffer (Distance 2000 m) of Stations "
                  "[railway timetable, as of 2021] (as of 2021)"]
    zh = source_lines([buf], "zh")
    assert zh[0].startswith("车站2000米缓冲区: hljgis 缓冲区（距离 2000 m）：车站 "
                            "[railway timetable")


def test_lineage_survives_the_project_file(project, tmp_path):
    from hljgis.io.project_file import load_project, save_project

    buf = run_tool("buffer", {"layer": "stations", "distance_m": 2000}, project).layer
    project.add_layer(buf)
    save_project(project, tmp_path / "p.hljgis.gpkg")
    again = load_project(tmp_path / "p.hljgis.gpkg").layer("buffer_stations")
    assert again.provenance["lineage"] == buf.provenance["lineage"]
    assert len(again.gdf) == 4


def test_plain_geodataframes_need_no_project():
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[box(131.0, 46.0, 131.01, 46.01)],
                           crs="EPSG:4490")
    res = run_tool("measure", {"layer": gdf})
    assert res.layer.gdf["area_m2"].iloc[0] == pytest.approx(771 * 1112, rel=0.01)
    assert res.layer.provenance["lineage"]["metric_crs"] == "EPSG:4553"


def test_empty_result_says_so(project):
    res = run_tool("select_by_location", {"layer": "stations", "by": "roads",
                                          "predicate": "crosses"}, project)
    assert len(res.layer.gdf) == 0
    assert "the result has no features" in res.notes


def test_raster_layers_are_refused(project, tmp_path):
    from hljgis.core.layer import RasterLayer
    from hljgis.io.bundled import layers_dir

    dem = layers_dir() / "dem.tif"
    if not dem.is_file():
        pytest.skip("bundled DEM missing")
    project.add_layer(RasterLayer.from_path(dem, "dem"))
    with pytest.raises(InputError, match="'dem' is a raster layer"):
        run_tool("buffer", {"layer": "dem"}, project)


def test_every_tool_is_documented_in_both_languages():
    for tool in TOOLS.values():
        texts = [tool.title, tool.description]
        texts += [p.label for p in tool.params]
        texts += [c.label for p in tool.params for c in p.choices]
        for t in texts:
            assert t.en and t.zh, (tool.name, t)
