"""`hljgis rank` on plain files: a planner's GBK parcel Shapefile in EPSG:4549 with no city
field, their own bus-stop layer, a scenario JSON; and the exit-2 messages for bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from hljgis.cli import main
from tests.fixtures import planner_parcels


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return planner_parcels.write_all(tmp_path_factory.mktemp("planner"))


def _rank(data, tmp_path, *extra, scenario=None):
    out = tmp_path / "ranked.gpkg"
    argv = ["rank", str(data["parcels"]), "--add", f"bus_stops={data['stops']}",
            "--scenario", str(scenario or data["scenario"]), "--out", str(out), *extra]
    return main(argv), out


def test_planner_parcels_ranked_from_the_command_line(data, tmp_path, capsys):
    code, out = _rank(data, tmp_path, "--city", "Qitaihe", "--csv", str(tmp_path / "r.csv"))
    text = capsys.readouterr().out
    assert code == 0, text
    g = pyogrio.read_dataframe(out)
    source = pyogrio.read_dataframe(data["parcels"], encoding="GBK")
    # written in the candidates' own CRS, one row per parcel, their fields and id type kept
    assert g.crs.to_epsg() == 4549 and len(g) == 50
    assert g["DKBH"].dtype == source["DKBH"].dtype == np.int64
    assert g["DKBH"].tolist() == source["DKBH"].tolist()
    assert g["DKMC"].tolist() == source["DKMC"].tolist()
    assert g["DKMC"].iloc[16] == "桃山117号地块"
    assert g["用途"].tolist() == source["用途"].tolist()
    np.testing.assert_allclose(shapely.area(g.geometry.values),
                               shapely.area(source.geometry.values), rtol=1e-9)
    # city and district from the bundled boundaries; names as planners write them
    assert set(g["city"]) == {"Qitaihe"}
    assert set(g["district"]) == {"Taoshan District"} and set(g["district_zh"]) == {"桃山区"}
    assert g["site_name"].iloc[16] == "桃山117号地块, Taoshan District"
    assert g["site_name_zh"].iloc[16] == "桃山117号地块（桃山区）"
    # their own constraint: housing land excluded with their reason
    housing = (g["用途"] == "居住用地").to_numpy()
    assert housing.sum() == 10
    assert g["excluded"].to_numpy().tolist() == housing.tolist()
    assert set(g.loc[housing, "exclusion_reason"]) == {"housing land is not for workshops"}
    assert g.loc[~housing, "rank"].notna().all() and g.loc[housing, "rank"].isna().all()
    # the new criterion, computed independently: centroid to nearest stop in the auto zone
    metric = source.to_crs("EPSG:4553")
    stops = gpd.read_file(data["stops"]).to_crs("EPSG:4553")
    d = shapely.distance(np.asarray(metric.centroid.values)[:, None],
                          np.asarray(stops.geometry.values)[None, :])
    expected = d.min(axis=1)
    np.testing.assert_allclose(g["raw_bus_access"], expected, rtol=1e-7)
    np.testing.assert_allclose(g["norm_bus_access"], np.clip(1 - expected / 1500, 0, 1),
                               rtol=1e-7)
    # preset criteria ran on the bundled layers; scores add up (WLC)
    assert g["raw_urban_centre"].notna().all() and g["raw_hsr_access"].notna().all()
    contrib = g[["contrib_bus_access", "contrib_urban_centre", "contrib_hsr_access"]].sum(axis=1)
    np.testing.assert_allclose(g.loc[~housing, "score"], contrib[~housing], rtol=1e-12)
    best = g.loc[g["rank"] == 1, "site_name"].iloc[0]
    assert best[:14] in text and "Qitaihe" in text
    csv = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "桃山117号地块（桃山区）" in csv


def test_crs_options_and_a_plain_geopackage(data, tmp_path, capsys):
    gpkg = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(data["parcels"], encoding="GBK"), gpkg)
    out = tmp_path / "r.gpkg"
    code = main(["rank", str(gpkg), "--add", f"bus_stops={data['stops']}", "--scenario",
                 str(data["scenario"]), "--crs", "EPSG:4552", "--out-crs", "EPSG:4490",
                 "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    g = pyogrio.read_dataframe(out)
    assert g.crs.to_epsg() == 4490
    # distances measured in CM 129E this time: a little longer than in CM 132E
    metric = pyogrio.read_dataframe(gpkg).to_crs("EPSG:4552")
    stops = gpd.read_file(data["stops"]).to_crs("EPSG:4552")
    d = shapely.distance(np.asarray(metric.centroid.values)[:, None],
                          np.asarray(stops.geometry.values)[None, :])
    np.testing.assert_allclose(g["raw_bus_access"], d.min(axis=1), rtol=1e-7)


def test_parcels_written_back_as_read_not_reprojected_there_and_back(data, tmp_path, capsys):
    """Ranked in CM 132E, written in the file's EPSG:4549: each parcel's coordinates are
    the file's own, bit for bit (a round trip through the analysis CRS moved them)."""
    code, out = _rank(data, tmp_path)
    assert code == 0, capsys.readouterr().err
    g = pyogrio.read_dataframe(out)
    source = pyogrio.read_dataframe(data["parcels"], encoding="GBK")
    assert g.crs.to_epsg() == 4549 and g["DKBH"].tolist() == source["DKBH"].tolist()
    assert (shapely.to_wkb(g.geometry.values) == shapely.to_wkb(source.geometry.values)).all()


def _scenario_with(tmp_path, change) -> str:
    sc = planner_parcels.scenario()
    change(sc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(sc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _fails(capsys, code, *needles):
    err = capsys.readouterr().err
    assert code == 2, err
    for needle in needles:
        assert needle in err
    return err


def test_missing_layer_says_how_to_add_it(data, tmp_path, capsys):
    path = _scenario_with(tmp_path, lambda s: s["criteria"][0].update(layer="metro"))
    code, out = _rank(data, tmp_path, scenario=path)
    _fails(capsys, code, "criteria[0].layer names layer 'metro', which is not loaded",
           "--add metro=FILE")
    assert not out.exists()


def test_missing_field_names_the_fields(data, tmp_path, capsys):
    path = _scenario_with(tmp_path,
                          lambda s: s["constraints"][0]["where"][0].update(field="YDXZ"))
    code, _ = _rank(data, tmp_path, scenario=path)
    _fails(capsys, code, "constraint 'not_housing'", "'YDXZ' not found", "用途")


def test_candidates_of_lines_refused(data, tmp_path, capsys):
    lines = tmp_path / "roads.geojson"
    gdf = pyogrio.read_dataframe(data["parcels"], encoding="GBK")
    pyogrio.write_dataframe(gdf.set_geometry(gdf.boundary), lines, driver="GeoJSON")
    code = main(["rank", "--candidates", str(lines), "--add", f"bus_stops={data['stops']}",
                 "--scenario", str(data["scenario"]), "--out", str(tmp_path / "x.gpkg")])
    _fails(capsys, code, "no polygons or points (linestring)", "parcel polygons or site points")


def test_city_without_city_field_or_boundaries(data, tmp_path, capsys):
    code, _ = _rank(data, tmp_path, "--no-bundled", "--city", "Qitaihe", scenario=_scenario_with(
        tmp_path, lambda s: s.update(criteria=s["criteria"][:1])))
    _fails(capsys, code, "no city field 'city'", "no boundaries", "rank without a city")


def test_geographic_analysis_crs_refused(data, tmp_path, capsys):
    code, _ = _rank(data, tmp_path, "--crs", "EPSG:4490")
    _fails(capsys, code, "not a projected CRS", "EPSG:4553")


def test_no_bundled_ranks_on_own_layers_only(data, tmp_path, capsys):
    path = _scenario_with(tmp_path, lambda s: s.update(criteria=s["criteria"][:1]))
    code, out = _rank(data, tmp_path, "--no-bundled", scenario=path)
    assert code == 0, capsys.readouterr().err
    g = pyogrio.read_dataframe(out)
    assert set(g["city"]) == {""} and set(g["district"]) == {""}
    assert g["site_name"].iloc[0] == "桃山101号地块"


def test_two_layer_candidates_file_and_a_failed_run_keeps_the_output(data, tmp_path, capsys):
    import hashlib

    gpkg = tmp_path / "two.gpkg"
    parcels = pyogrio.read_dataframe(data["parcels"], encoding="GBK")
    pyogrio.write_dataframe(parcels, gpkg, layer="地块")
    pyogrio.write_dataframe(parcels.set_geometry(parcels.boundary), gpkg, layer="edges")
    out = tmp_path / "r.gpkg"
    base = ["rank", str(gpkg), "--add", f"bus_stops={data['stops']}", "--scenario",
            str(data["scenario"]), "--out", str(out)]
    _fails(capsys, main(base), "holds 2 vector layers", "--candidates-layer")
    assert not out.exists()
    assert main([*base, "--candidates-layer", "地块"]) == 0, capsys.readouterr().err
    assert pyogrio.read_info(out)["features"] == len(parcels)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    _fails(capsys, main([*base, "--candidates-layer", "地块", "--id-field", "nope"]),
           "no field 'nope'")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest  # untouched


def test_points_and_polygons_in_one_candidates_file(data, tmp_path, capsys):
    """Surveyed outlines where there are some, points elsewhere: one layer of sites (the
    reader's split into a _points and a _polygons layer left no layer to name)."""
    parcels = pyogrio.read_dataframe(data["parcels"], encoding="GBK")
    geoms = np.asarray(parcels.geometry.values).copy()
    geoms[::4] = shapely.centroid(geoms[::4])
    mixed = tmp_path / "sites.gpkg"
    pyogrio.write_dataframe(parcels.set_geometry(geoms), mixed, geometry_type="Unknown")
    out = tmp_path / "r.gpkg"
    argv = ["rank", str(mixed), "--add", f"bus_stops={data['stops']}", "--scenario",
            str(data["scenario"]), "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    g = pyogrio.read_dataframe(out)
    assert len(g) == len(parcels) and (g.geometry.geom_type == "Point").sum() == 13
    assert (shapely.to_wkb(g.geometry.values) == shapely.to_wkb(geoms)).all()
    geoms[1] = shapely.LineString([(0, 0), (1, 1)])
    pyogrio.write_dataframe(parcels.set_geometry(geoms), mixed, geometry_type="Unknown")
    _fails(capsys, main(argv), "mixes lines", "buffer the lines")


def test_candidates_without_geometry_are_named_and_not_ranked(data, tmp_path, capsys):
    parcels = pyogrio.read_dataframe(data["parcels"], encoding="GBK")
    geoms = np.asarray(parcels.geometry.values).copy()
    geoms[[2, 7]] = None
    geoms[9] = shapely.Polygon()
    path = tmp_path / "gaps.gpkg"
    pyogrio.write_dataframe(parcels.set_geometry(geoms), path)
    out = tmp_path / "r.gpkg"
    assert main(["rank", str(path), "--add", f"bus_stops={data['stops']}", "--scenario",
                 str(data["scenario"]), "--out", str(out)]) == 0
    assert "3 candidates have no geometry" in capsys.readouterr().err
    g = pyogrio.read_dataframe(out)
    assert len(g) == len(parcels)
    assert g["excluded"].iloc[[2, 7, 9]].all() and g["rank"].iloc[[2, 7, 9]].isna().all()
    assert all("no value for" in r for r in g["exclusion_reason"].iloc[[2, 7, 9]])
    housing = (g["用途"] == "居住用地").to_numpy()
    gaps = np.isin(np.arange(len(g)), [2, 7, 9])
    assert g["rank"].notna().to_numpy().tolist() == (~(housing | gaps)).tolist()
