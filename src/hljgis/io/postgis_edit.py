"""Edits to a PostGIS table in one transaction, with another planner's edits reported.

A planner reads a table with ``read_postgis(..., row_versions=True)``: each row carries its
version (PostgreSQL's ``xmin``, which changes whenever the row is written). An update or
delete is applied only where the row still has the version read; if another planner changed
or deleted one of the features since, :class:`EditConflictError` names them and nothing of
the batch is written, so the planner can reload those features and decide. Under READ
COMMITTED, PostgreSQL re-checks the version after waiting for a concurrent writer's lock, so
two planners editing the same feature at the same moment are caught as well.

Edits are a planner's hand edits (a few features), applied row by row inside the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from hljgis.core.errors import InputError
from hljgis.io.postgis import ROW_VERSION, PgSource, connect, parse_source


class EditConflictError(InputError):
    """Features that another planner changed or deleted since they were read."""

    def __init__(self, table: str, conflicts: dict[object, str]) -> None:
        listed = "; ".join(f"{k}: {why}" for k, why in list(conflicts.items())[:10])
        super().__init__(
            f"{table}: {len(conflicts)} feature(s) were edited by another planner since you "
            f"read them ({listed}); none of your edits were written.",
            "Reload those features, redo your change on the current version and save again.")
        self.table = table
        self.conflicts = conflicts


@dataclass
class EditResult:
    """What one batch wrote; ``versions`` maps key -> new row version (updates, inserts);
    ``inserted_keys`` are the keys of the inserted rows, in the order given."""

    updated: int = 0
    deleted: int = 0
    inserted: int = 0
    versions: dict = field(default_factory=dict)
    inserted_keys: list = field(default_factory=list)


def apply_edits(source: PgSource | str, *, updates: pd.DataFrame | None = None,
                deletes: pd.DataFrame | None = None, inserts: gpd.GeoDataFrame | None = None,
                password: str | None = None) -> EditResult:
    """Write updates, deletes and inserts to ``source.table`` in one transaction.

    Parameters
    ----------
    updates : DataFrame
        Rows with the table's primary key, ``_row_version`` as read, and the columns to set
        (a geometry column sets the geometry).
    deletes : DataFrame
        Rows with the primary key and ``_row_version``.
    inserts : GeoDataFrame
        New features (the key may be left out when the database fills it).

    Raises
    ------
    EditConflictError
        Another planner changed or deleted some of these features since they were read;
        nothing was written.
    InputError
        No such table, no primary key, missing key or version columns, database errors.
    """
    import psycopg

    src = parse_source(source) if isinstance(source, str) else source
    with connect(src, password=password, autocommit=True) as conn:
        schema, table, key, geom, srid = _describe(conn, src)
        result = EditResult()
        conflicts: dict[object, str] = {}
        try:
            with conn.transaction():
                for frame, what in ((updates, "updates"), (deletes, "deletes")):
                    if frame is not None and len(frame):
                        missing = {key, ROW_VERSION} - set(frame.columns)
                        if missing:
                            raise InputError(f"{what} for {schema}.{table} lack the columns "
                                             f"{', '.join(sorted(missing))}.",
                                             "Read the table with row_versions=True and "
                                             "keep its key column.")
                if updates is not None and len(updates):
                    _update(conn, (schema, table, key, geom, srid), updates, result, conflicts)
                if deletes is not None and len(deletes):
                    _delete(conn, (schema, table, key), deletes, result, conflicts)
                if conflicts:
                    raise EditConflictError(f"{schema}.{table}", conflicts)
                if inserts is not None and len(inserts):
                    _insert(conn, (schema, table, key, geom, srid), inserts, result)
        except psycopg.Error as exc:
            raise InputError(f"{src.describe()}: the edits could not be written "
                             f"({str(exc).strip()}); nothing was changed.",
                             "Check the values and your rights on the table.") from exc
    return result


def _describe(conn, src: PgSource) -> tuple[str, str, str, str, int]:
    from hljgis.io.postgis import _table_geometry

    schema, table, geom, srid = _table_geometry(conn, src)
    rows = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary",
        (f'"{schema}"."{table}"',)).fetchall()
    if len(rows) != 1:
        raise InputError(f"{src.describe()}: {schema}.{table} has no single-column primary key, "
                         "so edited features cannot be told apart.",
                         "Ask the administrator to add one (e.g. id serial PRIMARY KEY).")
    return schema, table, rows[0][0], geom, srid


def _value(v):
    if isinstance(v, shapely.Geometry):
        return shapely.to_wkb(v)
    if v is None or (not isinstance(v, (str, bytes)) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _update(conn, where, frame, result, conflicts) -> None:
    from psycopg import sql

    schema, table, key, geom, srid = where
    geom_col = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    if geom_col and frame.crs is not None and frame.crs.to_epsg() != srid:
        frame = frame.to_crs(epsg=srid)
    cols = [c for c in frame.columns if c not in (key, ROW_VERSION, geom_col)]
    sets = [sql.SQL("{} = %s").format(sql.Identifier(str(c))) for c in cols]
    if geom_col:
        sets.append(sql.SQL("{} = ST_SetSRID(ST_GeomFromWKB(%s), {})").format(
            sql.Identifier(geom), sql.Literal(srid)))
        cols = [*cols, geom_col]
    query = sql.SQL("UPDATE {t} SET {sets} WHERE {k} = %s AND xmin::text = %s "
                    "RETURNING xmin::text").format(
        t=sql.Identifier(schema, table), sets=sql.SQL(", ").join(sets), k=sql.Identifier(key))
    for row in frame.itertuples(index=False):  # a planner's hand edits: a few rows
        rec = dict(zip(frame.columns, row, strict=True))
        k = _value(rec[key])
        hit = conn.execute(query, [*(_value(rec[c]) for c in cols), k,
                                   rec[ROW_VERSION]]).fetchone()
        if hit is None:
            conflicts[k] = _why(conn, schema, table, key, k)
        else:
            result.updated += 1
            result.versions[k] = hit[0]


def _delete(conn, where, frame, result, conflicts) -> None:
    from psycopg import sql

    schema, table, key = where
    query = sql.SQL("DELETE FROM {t} WHERE {k} = %s AND xmin::text = %s RETURNING 1").format(
        t=sql.Identifier(schema, table), k=sql.Identifier(key))
    for k, version in zip(frame[key], frame[ROW_VERSION], strict=True):
        k = _value(k)
        if conn.execute(query, (k, version)).fetchone() is None:
            conflicts[k] = _why(conn, schema, table, key, k)
        else:
            result.deleted += 1


def _why(conn, schema: str, table: str, key: str, k) -> str:
    from psycopg import sql

    there = conn.execute(sql.SQL("SELECT 1 FROM {} WHERE {} = %s").format(
        sql.Identifier(schema, table), sql.Identifier(key)), (k,)).fetchone()
    return "changed by another planner" if there else "deleted by another planner"


def _insert(conn, where, frame: gpd.GeoDataFrame, result) -> None:
    from psycopg import sql

    schema, table, key, geom, srid = where
    geom_col = frame.geometry.name
    if frame.crs is not None and frame.crs.to_epsg() != srid:
        frame = frame.to_crs(epsg=srid)
    cols = [c for c in frame.columns if c not in (ROW_VERSION, geom_col)]
    query = sql.SQL("INSERT INTO {t} ({cols}{sep}{g}) VALUES ({vals}{sep}ST_SetSRID("
                    "ST_GeomFromWKB(%s), {srid})) RETURNING {k}, xmin::text").format(
        t=sql.Identifier(schema, table), cols=sql.SQL(", ").join(map(sql.Identifier, cols)),
        sep=sql.SQL(", ") if cols else sql.SQL(""), g=sql.Identifier(geom),
        vals=sql.SQL(", ").join(sql.Placeholder() * len(cols)), srid=sql.Literal(srid),
        k=sql.Identifier(key))
    for row in frame.itertuples(index=False):
        rec = dict(zip(frame.columns, row, strict=True))
        k, version = conn.execute(query, [*(_value(rec[c]) for c in cols),
                                          _value(rec[geom_col])]).fetchone()
        result.inserted += 1
        result.versions[k] = version
        result.inserted_keys.append(k)
