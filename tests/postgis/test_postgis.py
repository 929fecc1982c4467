"""PostGIS layers against a real server: connection strings, listing, reading with column
and extent pushdown, writing results back, and bad input answered with a clear message."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import psycopg
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.io import read_file, write_layer
from hljgis.io.postgis import (
    list_tables,
    parse_source,
    read_postgis,
    results_metadata,
    write_postgis,
)
from tests.postgis.conftest import PORT

# Qitaihe, CGCS2000 lon/lat
X0, Y0 = 130.90, 45.70


def make_parcels(conninfo: str, n: int = 20) -> None:
    """survey.parcels: n squares in a row eastwards, with a NUMERIC area and Chinese names."""
    with psycopg.connect(conninfo) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS survey")
        con.execute("CREATE TABLE survey.parcels (id serial PRIMARY KEY, name text, "
                    "area_ha numeric(8,2), owner text, geom geometry(Polygon, 4490))")
        for i in range(n):
            x = X0 + i * 0.01
            con.execute(
                "INSERT INTO survey.parcels (name, area_ha, owner, geom) VALUES "
                "(%s, %s, %s, ST_MakeEnvelope(%s, %s, %s, %s, 4490))",
                (f"地块{i}", 1.5 + i, "七台河市", x, Y0, x + 0.005, Y0 + 0.005))
        con.execute("CREATE TABLE survey.notes (id int)")  # no geometry


def test_parse_source_forms():
    a = parse_source("PG:host=/tmp/s port=5 dbname=bureau user=li tables=survey.parcels")
    assert a.table == "survey.parcels"
    assert "tables" not in a.conninfo and "dbname=bureau" in a.conninfo
    b = parse_source("postgresql://li@localhost:5432/bureau?table=survey.parcels&sslmode=disable")
    assert b.table == "survey.parcels" and "sslmode=disable" in b.conninfo
    c = parse_source("PG:service=bureau sql='SELECT * FROM x WHERE name = \\'a\\''")
    assert c.sql == "SELECT * FROM x WHERE name = 'a'" and c.conninfo == "service=bureau"
    assert parse_source(c.text()) == c  # the form kept in a project reads back the same


def test_password_in_the_string_is_refused():
    with pytest.raises(InputError, match="pgpass"):
        parse_source("PG:dbname=bureau user=li password=secret")
    with pytest.raises(InputError, match="pgpass"):
        parse_source("postgresql://li:secret@localhost/bureau")


def test_list_tables_shows_spatial_tables(bureau):
    make_parcels(bureau)
    tables = list_tables(bureau)
    assert [(t.qualified, t.geometry_column, t.geometry_type, t.srid) for t in tables] == [
        ("survey.parcels", "geom", "POLYGON", 4490)]


def test_read_file_reads_a_table(bureau):
    make_parcels(bureau)
    [layer] = read_file(f"PG:{bureau} tables=survey.parcels")
    gdf = layer.gdf
    assert len(gdf) == 20 and gdf.crs.to_epsg() == 4490
    assert gdf["area_ha"].dtype == np.float64 and gdf["area_ha"].iloc[3] == 4.5
    assert gdf["name"].iloc[0] == "地块0"
    assert shapely.equals(gdf.geometry.iloc[0], shapely.box(X0, Y0, X0 + 0.005, Y0 + 0.005))
    assert layer.source_path.startswith("PG:") and "password" not in layer.source_path
    assert layer.name == "parcels"


def test_read_pushes_columns_and_extent_down(bureau):
    make_parcels(bureau)
    gdf = read_postgis(f"PG:{bureau} tables=survey.parcels", columns=["name"],
                       bbox=(X0 + 0.045, Y0, X0 + 0.071, Y0 + 0.01))
    assert list(gdf.columns) == ["name", "geometry"]
    assert sorted(gdf["name"]) == ["地块4", "地块5", "地块6", "地块7"]
    # the same extent given in Gauss-Kruger metres (EPSG:4553) finds the same parcels
    box = gpd.GeoSeries([shapely.box(X0 + 0.045, Y0, X0 + 0.071, Y0 + 0.01)], crs=4490)
    gk = box.to_crs(4553).total_bounds
    inner = read_postgis(f"PG:{bureau} tables=survey.parcels", bbox=gk, bbox_crs="EPSG:4553")
    assert {"地块5", "地块6"} <= set(inner["name"])


def test_read_a_query(bureau):
    make_parcels(bureau)
    gdf = read_postgis(parse_source(f"PG:{bureau}", sql="SELECT name, ST_Centroid(geom) AS c "
                                                        "FROM survey.parcels WHERE area_ha > 18 "
                                                        "ORDER BY id"))
    assert list(gdf["name"]) == ["地块17", "地块18", "地块19"]
    assert (gdf.geom_type == "Point").all() and gdf.crs.to_epsg() == 4490


def test_postgresql_uri_with_socket(pg_cluster, bureau):
    make_parcels(bureau)
    [layer] = read_file(pg_cluster.url() + "?table=survey.parcels")
    assert len(layer.gdf) == 20


def test_write_results_back_with_metadata(bureau):
    make_parcels(bureau)
    gdf = read_postgis(f"PG:{bureau} tables=survey.parcels").to_crs(4553)
    gdf["score"] = np.linspace(1, 0, len(gdf))
    gdf["rank"] = np.arange(1, len(gdf) + 1)
    gdf.loc[3, "score"] = np.nan
    gdf["excluded"] = gdf["rank"] > 18
    target = f"PG:{bureau} tables=survey.sites"
    assert write_postgis(gdf, target, metadata={"scenario": "sme-space", "city": "Qitaihe",
                                                "weights": {"a": 0.5}}) == "survey.sites"
    back = read_postgis(target)
    assert len(back) == 20 and back.crs.to_epsg() == 4553
    assert back["score"].isna().sum() == 1 and back["excluded"].sum() == 2
    assert back["name"].iloc[5] == "地块5"
    assert shapely.equals_exact(back.geometry.values, gdf.geometry.values, 1e-6).all()
    meta = results_metadata(target)
    assert meta["scenario"].tolist() == ["sme-space"]
    assert meta["parameters"][0] == {"city": "Qitaihe", "weights": {"a": 0.5}}
    assert meta["features"][0] == 20
    # a second write keeps the first as survey.sites_bak; the metadata has two rows
    write_layer(gdf.head(5), target)
    assert len(read_postgis(target)) == 5
    assert len(read_postgis(f"PG:{bureau} tables=survey.sites_bak")) == 20
    assert len(results_metadata(target)) == 2


def test_write_to_a_missing_schema_says_so(bureau):
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(X0, Y0)], crs=4490)
    with pytest.raises(InputError, match="no schema nowhere") as err:
        write_postgis(gdf, f"PG:{bureau} tables=nowhere.sites")
    assert "public.sites" in err.value.todo


def test_write_never_replaces_a_bureau_table(bureau):
    make_parcels(bureau)
    gdf = read_postgis(f"PG:{bureau} tables=survey.parcels")
    with pytest.raises(InputError, match="not written by hljgis"):
        write_postgis(gdf.head(1), f"PG:{bureau} tables=survey.parcels")
    assert len(read_postgis(f"PG:{bureau} tables=survey.parcels")) == 20


# -- bad input --------------------------------------------------------------------------------

def test_wrong_password(pg_cluster, pgpass):
    pgpass.write_text("*:*:*:planner:not-the-password\n")
    with pytest.raises(InputError, match="wrong password for user planner") as err:
        list_tables(pg_cluster.conninfo())
    assert "pgpass" in err.value.todo


def test_no_password_found(pg_cluster, pgpass):
    pgpass.write_text("")
    with pytest.raises(InputError, match="none was found"):
        list_tables(pg_cluster.conninfo())


def test_database_without_postgis(pg_cluster, pgpass):
    with pytest.raises(InputError, match="has no PostGIS extension") as err:
        list_tables(pg_cluster.conninfo(db="plain"))
    assert "CREATE EXTENSION postgis" in err.value.todo


def test_missing_database(pg_cluster, pgpass):
    with pytest.raises(InputError, match="does not exist"):
        list_tables(pg_cluster.conninfo(db="nosuchdb"))


def test_missing_table_lists_the_tables_there_are(bureau):
    make_parcels(bureau)
    with pytest.raises(InputError, match="no table or view called survey.parcel") as err:
        read_file(f"PG:{bureau} tables=survey.parcel")
    assert "survey.parcels" in err.value.todo
    with pytest.raises(InputError, match="no geometry column"):
        read_file(f"PG:{bureau} tables=survey.notes")
    with pytest.raises(InputError, match="no column nope"):
        read_postgis(f"PG:{bureau} tables=survey.parcels", columns=["nope"])


def test_server_not_running(tmp_path, pgpass):
    with pytest.raises(InputError, match="cannot reach database bureau") as err:
        list_tables(f"host={tmp_path} port=1 dbname=bureau user=planner")
    assert "GeoPackage copy" in err.value.todo


def test_bad_query_is_reported(bureau):
    with pytest.raises(InputError, match="cannot be read"):
        read_postgis(parse_source(f"PG:{bureau}", sql="SELECT nothing FROM nowhere"))


def test_service_file(pg_cluster, pgpass, tmp_path, monkeypatch):
    """service=NAME resolved by libpq from PGSERVICEFILE (as psql and QGIS do)."""
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[bureau]\nhost={pg_cluster.socket_dir}\nport={PORT}\n"
                        "dbname=bureau\nuser=planner\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    assert isinstance(list_tables("service=bureau"), list)
    with pytest.raises(InputError, match="not defined") as err:
        list_tables("service=nosuch")
    assert "pg_service.conf" in err.value.todo


def test_mixed_case_names_and_time_zones(bureau):
    import pandas as pd

    gdf = gpd.GeoDataFrame(
        {"Name": ["七台河"], "surveyed": pd.to_datetime(["2026-05-01 08:00"]).tz_localize(
            "Asia/Shanghai")}, geometry=[shapely.Point(X0, Y0)], crs=4490)
    write_postgis(gdf, f"PG:{bureau} tables=public.Survey_Points")
    back = read_postgis(f"PG:{bureau} tables=public.Survey_Points")
    assert back["Name"].tolist() == ["七台河"]
    assert back["surveyed"][0] == pd.Timestamp("2026-05-01 00:00", tz="UTC")
