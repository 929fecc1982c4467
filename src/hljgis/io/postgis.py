"""PostGIS layers: connect, list the tables, read a table or a query, write results back.

A bureau keeps its land and survey layers in PostgreSQL/PostGIS; hljgis reads and writes them
through psycopg (pyogrio's bundled GDAL has no PostgreSQL driver), with the geometry as WKB.

Connection strings are libpq's own, so ``~/.pgpass``, ``PGPASSFILE`` and the service file
(``service=bureau``) work exactly as in psql and QGIS; hljgis never stores a password and
refuses one written into a connection string. Accepted forms::

    PG:host=gis.bureau port=5432 dbname=survey user=li tables=land.parcels
    PG:service=bureau
    postgresql://li@gis.bureau:5432/survey?table=land.parcels

``tables=`` (GDAL's keyword), ``table=`` and ``sql=`` name the layer; they are hljgis' own
and are removed before libpq sees the rest. Every failure is an
:class:`~hljgis.core.errors.InputError` that says what is wrong and what to do.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from hljgis import __version__
from hljgis.core.errors import InputError

#: Metadata table beside written results: one row per write (scenario, date, parameters).
RESULTS_TABLE = "hljgis_results"
#: Column with each row's version (PostgreSQL's xmin) when read for editing.
ROW_VERSION = "_row_version"
PREFIXES = ("PG:", "postgresql://", "postgres://")
_OWN_KEYS = ("tables", "table", "sql")
_NUMERIC_OID = 1700


def is_pg_source(text: object) -> bool:
    """True for a PostGIS connection string (``PG:...`` or a ``postgresql://`` URI)."""
    return isinstance(text, str) and text.startswith(PREFIXES)


@dataclass(frozen=True)
class PgSource:
    """Where a PostGIS layer lives: libpq connection string plus table or query.

    conninfo : libpq connection string without a password.
    table : ``schema.table`` or ``table`` (found on the search path).
    sql : a SELECT whose result has one geometry column.
    """

    conninfo: str
    table: str | None = None
    sql: str | None = None

    def text(self) -> str:
        """The source as a ``PG:`` string, safe to keep in a project (no password)."""
        extra = f" tables={self.table}" if self.table else ""
        if self.sql:
            extra += " sql='" + self.sql.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return f"PG:{self.conninfo}{extra}"

    def describe(self) -> str:
        """Database and layer for messages, e.g. ``survey (user li) table land.parcels``."""
        params = _conninfo_dict(self.conninfo)
        db = params.get("dbname") or params.get("service") or "the default database"
        who = f" (user {params['user']})" if params.get("user") else ""
        what = f", table {self.table}" if self.table else (", a SQL query" if self.sql else "")
        return f"database {db}{who}{what}"


_KEY_RE = re.compile(r"(?:^|\s)(tables?|sql)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


def parse_source(text: str, *, table: str | None = None, sql: str | None = None) -> PgSource:
    """Split a connection string into libpq's part and the layer (table or query).

    A bare libpq string (``host=... dbname=...``) is taken as well.

    Raises
    ------
    InputError
        Not a connection string, a malformed one, or one holding a password.
    """
    if not is_pg_source(text) and "=" in str(text):
        text = f"PG:{text}"  # a bare libpq string (host=... dbname=...), as psql takes it
    if not is_pg_source(text):
        raise InputError(f"'{text}' is not a PostGIS connection string.",
                         "Write PG:dbname=NAME host=HOST user=USER, or "
                         "postgresql://USER@HOST:PORT/NAME.")
    found: dict[str, str] = {}
    if text.startswith("PG:"):
        rest = text[3:]

        def take(match: re.Match) -> str:
            value = match.group(2)
            if value.startswith("'"):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            found[match.group(1)] = value
            return " "

        conninfo = _KEY_RE.sub(take, rest).strip()
    else:
        parts = urlsplit(text)
        query = parse_qsl(parts.query, keep_blank_values=True)
        found = {k: v for k, v in query if k in _OWN_KEYS}
        kept = [(k, v) for k, v in query if k not in _OWN_KEYS]
        conninfo = urlunsplit(parts._replace(query=urlencode(kept)))
    params = _conninfo_dict(conninfo, text)
    if params.get("password"):
        raise InputError(
            "the connection string holds a password; hljgis never keeps passwords in "
            "projects or commands.",
            "Remove it and put it in ~/.pgpass (a line host:port:database:user:password, "
            "file mode 0600) or in the PostgreSQL service file, as for psql and QGIS.")
    from psycopg.conninfo import make_conninfo

    return PgSource(make_conninfo(**params),
                    table=table or found.get("tables") or found.get("table"),
                    sql=sql or found.get("sql"))


def make_source(*, host: str = "", port: int | str | None = None, dbname: str = "",
                user: str = "", service: str = "", table: str | None = None) -> PgSource:
    """A source from a connection dialog's fields (empty ones are left to libpq's defaults,
    ``PGHOST`` and the like); never a password."""
    from psycopg.conninfo import make_conninfo

    fields = {"service": service, "host": host, "port": str(port or ""), "dbname": dbname,
              "user": user}
    conninfo = make_conninfo(**{k: v.strip() for k, v in fields.items() if v and v.strip()})
    return PgSource(conninfo, table=table)


def _conninfo_dict(conninfo: str, shown: str | None = None) -> dict[str, str]:
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(conninfo).items()}
    except ProgrammingError as exc:
        raise InputError(f"the connection string '{shown or conninfo}' is not valid: {exc}.",
                         "Use key=value pairs (host, port, dbname, user, service) or a "
                         "postgresql://USER@HOST:PORT/DBNAME URI.") from exc


# -- connecting ----------------------------------------------------------------------------------

def connect(source: PgSource | str, *, password: str | None = None, postgis: bool = True,
            autocommit: bool = False):
    """Open a psycopg connection, turning libpq's failures into what a planner can act on.

    ``password`` is for this connection only (a dialog's field); it is never stored.
    ``postgis`` also checks that the database has the PostGIS extension.
    """
    import psycopg

    src = parse_source(source) if isinstance(source, str) else source
    extra: dict[str, Any] = {"password": password} if password else {}
    try:
        conn = psycopg.connect(src.conninfo, connect_timeout=10, application_name="hljgis",
                               autocommit=autocommit, **extra)
    except psycopg.OperationalError as exc:
        raise connection_error(exc, src) from exc
    if postgis:
        try:
            row = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
            if not autocommit:
                conn.rollback()
        except psycopg.Error as exc:
            conn.close()
            raise InputError(f"{src.describe()}: cannot check for PostGIS ({exc}).",
                             "Check the user's rights on the database.") from exc
        if row is None:
            conn.close()
            raise InputError(
                f"{src.describe()} has no PostGIS extension, so it holds no map layers.",
                "Connect to the bureau's spatial database, or ask its administrator to run "
                "CREATE EXTENSION postgis; in this one.")
    return conn


def connection_error(exc: Exception, src: PgSource) -> InputError:
    """A libpq failure as an InputError: what went wrong and what to do."""
    text = str(exc).strip()
    low = text.lower()
    params = _conninfo_dict(src.conninfo)
    user = params.get("user", "(your login name)")
    where = src.describe()
    if "password authentication failed" in low:
        return InputError(f"cannot log in to {where}: wrong password for user {user}.",
                          "Correct the password in ~/.pgpass (host:port:database:user:password)"
                          " or in the service file; ask the administrator if it changed.")
    if "no password supplied" in low or "password is required" in low:
        return InputError(f"cannot log in to {where}: the server wants a password for user "
                          f"{user} and none was found.",
                          "Add a line host:port:database:user:password to ~/.pgpass (mode 0600)"
                          " or use a service with a password file; hljgis does not store it.")
    if "database" in low and "does not exist" in low:
        return InputError(f"{where} does not exist on that server ({text}).",
                          "Check the database name (dbname) with the administrator.")
    if "role" in low and "does not exist" in low:
        return InputError(f"cannot log in to {where}: the server has no user {user}.",
                          "Check the user name.")
    if "service" in low and ("not found" in low or "definition" in low):
        return InputError(f"the PostgreSQL service in '{src.conninfo}' is not defined ({text}).",
                          "Add it to ~/.pg_service.conf (or PGSERVICEFILE), or give host, port "
                          "and dbname instead.")
    return InputError(f"cannot reach {where}: {text}.",
                      "Check host and port, that the bureau network is up and the server "
                      "running; work from a GeoPackage copy meanwhile (hljgis db pull).")


@contextmanager
def _session(source: PgSource | str, **kw) -> Iterator:
    conn = connect(source, **kw)
    try:
        yield conn
    finally:
        conn.close()


# -- listing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableInfo:
    """One spatial table of the database, for the browser."""

    schema: str
    table: str
    geometry_column: str
    geometry_type: str
    srid: int
    rows: int  # the planner's estimate from pg_class.reltuples (-1: never analysed)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"


def list_tables(source: PgSource | str, *, password: str | None = None) -> list[TableInfo]:
    """Every table and view with a geometry column, by schema and name."""
    with _session(source, password=password) as conn:
        rows = conn.execute(
            "SELECT g.f_table_schema, g.f_table_name, g.f_geometry_column, g.type, g.srid, "
            "COALESCE(c.reltuples, -1)::bigint "
            "FROM geometry_columns g "
            "LEFT JOIN pg_namespace n ON n.nspname = g.f_table_schema "
            "LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = g.f_table_name "
            "WHERE g.f_table_schema NOT IN ('pg_catalog', 'information_schema', 'topology') "
            "ORDER BY 1, 2, 3").fetchall()
    return [TableInfo(str(s), str(t), str(g), str(k), int(srid), int(n))
            for s, t, g, k, srid, n in rows]


# -- reading -------------------------------------------------------------------------------------

def _split_table(name: str) -> tuple[str | None, str]:
    schema, _, table = name.rpartition(".")
    return (schema or None), table


def _ident(name: str):
    from psycopg import sql

    schema, table = _split_table(name)
    return sql.Identifier(schema, table) if schema else sql.Identifier(table)


def _table_geometry(conn, src: PgSource) -> tuple[str, str, str, int]:
    """(schema, table, geometry column, srid) of ``src.table``, or a clear InputError."""
    schema, table = _split_table(src.table or "")
    # as written (case-folded, like psql), then quoted: QGIS users often have "Parcels"
    quoted = f'"{schema}"."{table}"' if schema else f'"{table}"'
    row = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.oid = COALESCE(to_regclass(%s), to_regclass(%s))",
        (src.table, quoted)).fetchone()
    if row is None:
        have = conn.execute(
            "SELECT f_table_schema || '.' || f_table_name FROM geometry_columns "
            "ORDER BY 1 LIMIT 30").fetchall()
        raise InputError(
            f"{src.describe()}: no table or view called {src.table}.",
            "Spatial tables there: " + (", ".join(r[0] for r in have) or "none") + ".")
    schema, table = row
    geo = conn.execute(
        "SELECT f_geometry_column, srid FROM geometry_columns WHERE f_table_schema = %s AND "
        "f_table_name = %s ORDER BY f_geometry_column", (schema, table)).fetchall()
    if not geo:
        raise InputError(f"{src.describe()}: {schema}.{table} has no geometry column.",
                         "Pick a spatial table, or add it as a query that builds a geometry.")
    return schema, table, geo[0][0], int(geo[0][1])


def read_postgis(source: PgSource | str, *, columns: Sequence[str] | None = None,
                 bbox: Sequence[float] | None = None, bbox_crs: object = None,
                 password: str | None = None,
                 row_versions: bool = False) -> gpd.GeoDataFrame:
    """Read a PostGIS table or query into a GeoDataFrame.

    Parameters
    ----------
    source : PgSource or str
        With ``table`` or ``sql`` set.
    columns : list of str, optional
        Only these attribute columns (the server sends no others).
    bbox : (minx, miny, maxx, maxy), optional
        Only features whose bounding box meets this box; the server filters with its spatial
        index, so a large layer costs only the part in view.
    bbox_crs : CRS-like, optional
        CRS of ``bbox`` (default: the layer's).
    row_versions : bool
        Also read each row's version (column ``_row_version``, a table only), which
        :func:`hljgis.io.postgis_edit.apply_edits` checks so that another planner's edit of
        the same feature is reported, never overwritten.

    Raises
    ------
    InputError
        Connection failures, no PostGIS, missing table or columns, a failing query, a
        geometry without SRID.
    """
    import psycopg
    from psycopg import sql

    src = parse_source(source) if isinstance(source, str) else source
    if not src.table and not src.sql:
        raise InputError(f"{src.describe()}: which table?",
                         "Add tables=SCHEMA.TABLE to the connection string (or choose one in "
                         "the PostGIS browser).")
    with _session(src, password=password) as conn:
        conn.read_only = True
        try:
            if src.table:
                schema, table, geom, srid = _table_geometry(conn, src)
                frm = sql.SQL("{} AS q").format(sql.Identifier(schema, table))
            else:
                frm = sql.SQL("({}) AS q").format(sql.SQL((src.sql or "").rstrip().rstrip(";")))
                geom, srid = _query_geometry(conn, frm, src)
            names = _columns(conn, frm)
            attrs = [c for c in names if c != geom]
            if columns is not None:
                missing = [c for c in columns if c not in attrs]
                if missing:
                    raise InputError(
                        f"{src.describe()}: no column {', '.join(missing)}.",
                        f"Its columns are: {', '.join(attrs)}.")
                attrs = list(columns)
            where: sql.Composable = sql.SQL("")
            params: list = []
            if bbox is not None:
                box_srid = _srid_of(bbox_crs) if bbox_crs is not None else srid
                where = sql.SQL(" WHERE q.{g} && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, "
                                "%s), %s)").format(g=sql.Identifier(geom))
                params = [*map(float, bbox), box_srid, srid]
            version: sql.Composable = sql.SQL("")
            if row_versions and src.table:
                version = sql.SQL("q.xmin::text AS {}, ").format(sql.Identifier(ROW_VERSION))
                attrs = [*attrs, ROW_VERSION]
            query = sql.SQL("SELECT {cols}{version}ST_AsBinary(q.{g}) FROM {frm}{where}").format(
                cols=sql.SQL("").join(sql.SQL("q.{}, ").format(sql.Identifier(c))
                                      for c in attrs if c != ROW_VERSION),
                version=version, g=sql.Identifier(geom), frm=frm, where=where)
            cur = conn.execute(query, params)
            rows = cur.fetchall()
            numeric = [d.name for d in cur.description[:-1] if d.type_code == _NUMERIC_OID]
        except psycopg.Error as exc:
            raise InputError(f"{src.describe()} cannot be read: {str(exc).strip()}.",
                             "Check the table name, the query and your rights on them.") from exc
    if srid <= 0:
        raise InputError(f"{src.describe()}: the geometries have no SRID, so hljgis cannot "
                         "place them.",
                         "Set it in the database (UpdateGeometrySRID) or wrap the query with "
                         "ST_SetSRID(geom, 4490).")
    frame = pd.DataFrame.from_records(rows, columns=[*attrs, "__wkb"])
    wkb = frame.pop("__wkb").to_numpy(dtype=object)
    for col in numeric:  # NUMERIC arrives as Decimal; planners compute with floats
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return gpd.GeoDataFrame(frame, geometry=shapely.from_wkb(wkb), crs=_crs_of(srid))


def _columns(conn, frm) -> list[str]:
    from psycopg import sql

    cur = conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(frm))
    return [d.name for d in cur.description]


def _query_geometry(conn, frm, src: PgSource) -> tuple[str, int]:
    from psycopg import sql

    geom_oid = conn.execute("SELECT to_regtype('geometry')::oid").fetchone()[0]
    cur = conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(frm))
    geoms = [d.name for d in cur.description if d.type_code == geom_oid]
    if not geoms:
        raise InputError(f"{src.describe()}: the query returns no geometry column.",
                         "Select the geometry column too (e.g. SELECT id, geom FROM ...).")
    row = conn.execute(sql.SQL("SELECT ST_SRID(q.{g}) FROM {frm} WHERE q.{g} IS NOT NULL "
                               "LIMIT 1").format(g=sql.Identifier(geoms[0]), frm=frm)).fetchone()
    return geoms[0], int(row[0]) if row else 4490


def _srid_of(crs: object) -> int:
    epsg = CRS.from_user_input(crs).to_epsg()
    if epsg is None:
        raise InputError(f"the CRS {crs} has no EPSG code, so the database cannot use it.",
                         "Give the extent in an EPSG CRS, e.g. EPSG:4490.")
    return int(epsg)


def _crs_of(srid: int) -> CRS:
    return CRS.from_epsg(srid)


def read_layers(text: str, opts) -> list:
    """The reader engine behind :func:`hljgis.io.readers.read_file` for ``PG:`` sources."""
    from hljgis.core.layer import VectorLayer
    from hljgis.io.postgis_sync import open_for_editing
    from hljgis.io.readers import check_location

    src = parse_source(text, table=opts.layer)
    gdf, link = open_for_editing(src)  # a table with a key: edits can be written back
    if opts.check_location:
        check_location(gdf, src.describe())
    name = (src.table or "query").rpartition(".")[2]
    layer = VectorLayer(gdf, name, title=name, source_path=src.text())
    layer.db_link = link
    layer.postgis_read_at = _read_now()
    layer.notes.append(f"read from PostGIS: {src.describe()}")
    if len(gdf) == 0:
        layer.notes.append("the layer is empty (no features)")
    return [layer]


def _read_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- writing -------------------------------------------------------------------------------------

_PG_TYPES = (("b", "boolean"), ("i", "bigint"), ("u", "bigint"), ("f", "double precision"),
             ("M", "timestamp"))


def _pg_type(dtype) -> str:
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "timestamptz"
    kind = getattr(dtype, "kind", "O")
    return dict(_PG_TYPES).get(kind, "text")


def write_postgis(gdf: gpd.GeoDataFrame, target: PgSource | str, *, table: str | None = None,
                  metadata: Mapping | None = None, password: str | None = None) -> str:
    """Write a layer to a PostGIS table in one transaction; return ``schema.table``.

    A table that hljgis wrote before (it is listed in ``hljgis_results``) is replaced and
    kept as ``<table>_bak``; any other existing table is refused, so a bureau's own data is
    never overwritten. Each write adds a row to ``hljgis_results`` with ``metadata``
    (scenario, title, parameters). If anything fails, nothing in the database changes.
    """
    import psycopg
    from psycopg import sql

    src = parse_source(target) if isinstance(target, str) else target
    name = table or src.table
    if not name:
        raise InputError(f"{src.describe()}: which table should the results go to?",
                         "Add tables=SCHEMA.TABLE to the connection string.")
    schema, tbl = _split_table(name)
    schema = schema or "public"
    if gdf.crs is None:
        raise InputError(f"the layer for {schema}.{tbl} has no CRS.", "Set its CRS first.")
    srid = _srid_of(gdf.crs)
    geom_name = gdf.geometry.name
    attrs = [c for c in gdf.columns if c != geom_name]
    fid = "fid" if "fid" not in attrs else "hljgis_fid"
    types = {str(t) for t in gdf.geom_type.dropna().unique()}
    gtype = types.pop() if len(types) == 1 else "Geometry"
    # autocommit: conn.transaction() below is then the one real transaction
    with _session(src, password=password, autocommit=True) as conn:
        try:
            if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                            (schema,)).fetchone() is None:
                raise InputError(f"{src.describe()}: there is no schema {schema} for the "
                                 f"results table {tbl}.",
                                 f"Write to an existing schema (e.g. public.{tbl}), or ask the "
                                 f"administrator to CREATE SCHEMA {schema}.")
            with conn.transaction():
                _ensure_results_table(conn, schema)
                _move_aside(conn, schema, tbl, src)
                cols = sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(_pg_type(gdf[c].dtype)))
                    for c in attrs)
                conn.execute(sql.SQL(
                    "CREATE TABLE {t} ({fid} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    "{cols}{sep}geom geometry({gt}, {srid}))").format(
                        t=sql.Identifier(schema, tbl), fid=sql.Identifier(fid), cols=cols,
                        sep=sql.SQL(", ") if attrs else sql.SQL(""), gt=sql.SQL(gtype),
                        srid=sql.Literal(srid)))
                _copy_rows(conn, gdf, schema, tbl, attrs, srid)
                conn.execute(sql.SQL("CREATE INDEX ON {} USING gist (geom)").format(
                    sql.Identifier(schema, tbl)))
                meta = dict(metadata or {})
                conn.execute(sql.SQL(
                    "INSERT INTO {} (table_schema, table_name, scenario, title, parameters, "
                    "features, software) VALUES (%s, %s, %s, %s, %s, %s, %s)").format(
                        sql.Identifier(schema, RESULTS_TABLE)),
                    (schema, tbl, meta.pop("scenario", None), meta.pop("title", None),
                     json.dumps(meta, ensure_ascii=False, default=_json_default), len(gdf),
                     f"hljgis {__version__}"))
        except psycopg.Error as exc:
            raise InputError(f"{src.describe()}: the results could not be written to "
                             f"{schema}.{tbl} ({str(exc).strip()}); nothing was changed.",
                             "Check your rights to create tables in that schema.") from exc
    return f"{schema}.{tbl}"


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _ensure_results_table(conn, schema: str) -> None:
    from psycopg import sql

    conn.execute(sql.SQL(
        "CREATE TABLE IF NOT EXISTS {} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "table_schema text NOT NULL, table_name text NOT NULL, scenario text, title text, "
        "run_at timestamptz NOT NULL DEFAULT now(), run_by text NOT NULL DEFAULT current_user, "
        "parameters jsonb, features bigint, software text)").format(
            sql.Identifier(schema, RESULTS_TABLE)))


def _move_aside(conn, schema: str, tbl: str, src: PgSource) -> None:
    """Keep a previous hljgis result as ``<table>_bak``; refuse to touch any other table."""
    from psycopg import sql

    if conn.execute("SELECT to_regclass(%s)", (f'"{schema}"."{tbl}"',)).fetchone()[0] is None:
        return
    ours = conn.execute(sql.SQL("SELECT 1 FROM {} WHERE table_schema = %s AND table_name = %s "
                                "LIMIT 1").format(sql.Identifier(schema, RESULTS_TABLE)),
                        (schema, tbl)).fetchone()
    if not ours:
        raise InputError(f"{src.describe()}: {schema}.{tbl} already exists and was not written "
                         "by hljgis; it is left alone.",
                         "Choose another table name for the results.")
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(schema, f"{tbl}_bak")))
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
        sql.Identifier(schema, tbl), sql.Identifier(f"{tbl}_bak")))


def _copy_rows(conn, gdf: gpd.GeoDataFrame, schema: str, tbl: str, attrs: list,
               srid: int) -> None:
    """COPY the rows as CSV built by pandas (no Python loop per feature); geometry as hex
    EWKB, which PostGIS reads directly."""
    from psycopg import sql

    out = pd.DataFrame({str(c): gdf[c] for c in attrs})
    for col in out.columns:  # keep the offset: date_format below would drop it
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%S.%f%z")
    geoms = shapely.set_srid(gdf.geometry.values.to_numpy(), srid)
    out["geom"] = shapely.to_wkb(geoms, hex=True, include_srid=True)
    buf = io.StringIO()
    out.to_csv(buf, index=False, header=False, na_rep="\\N", quoting=csv.QUOTE_MINIMAL,
               date_format="%Y-%m-%dT%H:%M:%S.%f")
    names = sql.SQL(", ").join(sql.Identifier(c) for c in out.columns)
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')")
                            .format(sql.Identifier(schema, tbl), names)) as copy:
        copy.write(buf.getvalue())


def write_ranking(result, target: PgSource | str, *, table: str | None = None,
                  password: str | None = None) -> str:
    """Write a :class:`~hljgis.analysis.run.RankingResult` with its scenario's name, date and
    parameters (weights, aggregation, city, planning year) in ``hljgis_results``."""
    sc = result.scenario
    meta = {"scenario": sc.name, "title": sc.title.en or sc.name, "city": result.city,
            "planning_year": sc.planning_year, "weights": result.weights,
            "weight_report": result.weight_report, "definition": sc.to_dict()}
    return write_postgis(result.gdf, target, table=table, metadata=meta, password=password)


def results_metadata(source: PgSource | str, table: str | None = None) -> pd.DataFrame:
    """The ``hljgis_results`` rows (newest first), optionally for one table."""
    src = parse_source(source) if isinstance(source, str) else source
    name = table or src.table
    schema = (_split_table(name)[0] if name else None) or "public"
    from psycopg import sql

    with _session(src) as conn:
        query = sql.SQL("SELECT table_schema, table_name, scenario, title, run_at, run_by, "
                        "parameters, features, software FROM {}").format(
                            sql.Identifier(schema, RESULTS_TABLE))
        params: list = []
        if name:
            query += sql.SQL(" WHERE table_name = %s")
            params.append(_split_table(name)[1])
        cur = conn.execute(query + sql.SQL(" ORDER BY id DESC"), params)
        return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def with_table(source: PgSource, table: str) -> PgSource:
    """The same database, another table."""
    return replace(source, table=table, sql=None)
