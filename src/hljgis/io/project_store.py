"""The bureau's shared project store: projects in PostgreSQL, saved with optimistic concurrency.

Several planners open and save the same project. Each project has a version; a save names
the version it started from, and a save against a stale version is refused
(:class:`StaleProjectError`) with three ways on: reload, merge the other planner's scenarios,
layouts and new layers (:func:`merge_into`), or save as a copy. Nobody's save is ever lost:
every accepted save stays in ``hljgis_project_version``, and a refused one is kept in
``hljgis_project_refused`` before the planner is told.

Tables (created on first use, in one schema)::

    hljgis_project          name, version, settings, saved_at, saved_by   -- the current one
    hljgis_project_version  name, version, settings, saved_at, saved_by   -- every save
    hljgis_project_refused  id, name, base_version, settings, saved_at, saved_by
    hljgis_blob             sha256, kind, data                            -- layer data

The settings are the project file's JSON (:func:`~hljgis.io.project_file.project_to_dict`);
each layer's data is a content-addressed blob (GeoParquet for vector layers and tables,
GeoTIFF for rasters), so a save that changes only a style uploads no layer data again. The
version row is written in one transaction: a server that goes away mid-save leaves the
previous version whole.

A GeoPackage copy (``hljgis db pull``) remembers where it came from in
``metadata["db_store"]``; :func:`push_file` saves it back when the network returns.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import hashlib
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from hljgis.core.errors import InputError
from hljgis.core.layer import RasterLayer, VectorLayer
from hljgis.core.project import Project
from hljgis.io.postgis import PgSource, connect, parse_source
from hljgis.io.project_preview import PreviewMaker

LINK_KEY = "db_store"
_MERGED = ("scenarios", "layouts", "bookmarks")


class StaleProjectError(InputError):
    """A save started from a version that another planner has saved over since."""

    def __init__(self, name: str, base: int | None, current: int, saved_by: str,
                 saved_at: datetime | None, refused_id: int) -> None:
        when = saved_at.strftime("%Y-%m-%d %H:%M") if saved_at else "?"
        started = f"version {base}" if base else "a new project"
        super().__init__(
            f"project '{name}' was saved by {saved_by} at {when} (version {current}) after you "
            f"started from {started}; your save was not written over theirs (it is kept as "
            f"refused save #{refused_id}).",
            "Reload the project, merge their scenarios and layouts into yours and save again "
            "(hljgis db push --on-conflict merge), or save yours as a copy "
            "(--on-conflict copy).")
        self.name, self.base, self.current = name, base, current
        self.saved_by, self.saved_at, self.refused_id = saved_by, saved_at, refused_id


@dataclass(frozen=True)
class ProjectInfo:
    """One project of the store, for lists."""

    name: str
    version: int
    saved_at: datetime
    saved_by: str
    title: str
    layers: int


class ProjectStore:
    """Projects in one PostgreSQL database (PostGIS is not needed for the store itself).

    Parameters
    ----------
    source : PgSource or str
        The database (its table part is ignored).
    schema : str
        Schema of the store's tables.
    password : str, optional
        For this session only; normally libpq finds it in ~/.pgpass.
    """

    def __init__(self, source: PgSource | str, *, schema: str = "public",
                 password: str | None = None) -> None:
        self.source = parse_source(source) if isinstance(source, str) else source
        self.schema = schema
        self._password = password
        #: Test seam: called inside the save transaction just before it commits.
        self._before_commit: Callable[[], None] | None = None

    # -- plumbing ---------------------------------------------------------------------------
    def _connect(self):
        conn = connect(self.source, password=self._password, postgis=False, autocommit=True)
        try:
            self._ensure_tables(conn)
        except Exception:
            conn.close()
            raise
        return conn

    @contextlib.contextmanager
    def _reading(self):
        """A connection for reading the store; a refusal or a broken connection is an
        InputError that says what to do (a colleague's role may lack rights on the tables
        another planner's first save created)."""
        import psycopg

        with self._connect() as conn:
            try:
                yield conn
            except psycopg.errors.InsufficientPrivilege as exc:
                user = _conninfo_user(self.source)
                raise InputError(
                    f"{self.source.describe()}: this user may not read the project store in "
                    f"schema {self.schema} ({str(exc).strip()}).",
                    f"Ask the database administrator to grant it, e.g. GRANT SELECT, INSERT, "
                    f"UPDATE ON ALL TABLES IN SCHEMA {self.schema} TO {user}; and GRANT USAGE "
                    f"ON ALL SEQUENCES IN SCHEMA {self.schema} TO {user};") from exc
            except psycopg.OperationalError as exc:
                raise InputError(f"{self.source.describe()}: the connection broke while "
                                 f"reading the store ({str(exc).strip()}).",
                                 "Try again when the bureau network is back; work from a "
                                 "GeoPackage copy meanwhile.") from exc

    def _t(self, table: str):
        from psycopg import sql

        return sql.Identifier(self.schema, table)

    def _ensure_tables(self, conn) -> None:
        from psycopg import sql

        exists = conn.execute("SELECT to_regclass(%s)",
                              (f'"{self.schema}".hljgis_project',)).fetchone()[0]
        if exists:
            return
        import psycopg

        has_schema = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                  (self.schema,)).fetchone()
        try:
            with contextlib.suppress(psycopg.errors.UniqueViolation), conn.transaction():
                # (UniqueViolation: another planner's first save made them at the same moment)
                if not has_schema:  # CREATE SCHEMA needs rights on the database, even IF NOT
                    conn.execute(sql.SQL("CREATE SCHEMA {}").format(  # EXISTS
                        sql.Identifier(self.schema)))
                tables = ("hljgis_project", "hljgis_project_version", "hljgis_project_refused",
                          "hljgis_blob")
                for table, ddl in zip(tables, _DDL, strict=True):
                    conn.execute(sql.SQL(ddl).format(self._t(table)))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise InputError(
                f"{self.source.describe()} has no project store yet, and this user may not "
                f"create one in schema {self.schema} ({str(exc).strip()}).",
                "Ask the database administrator to open the store once as its owner (hljgis "
                "db list --db ...) or to grant CREATE on the schema.") from exc

    def _lost(self, exc: Exception, doing: str) -> InputError:
        return InputError(
            f"{self.source.describe()}: the connection broke while {doing} "
            f"({str(exc).strip()}); nothing was saved, the last saved version is whole.",
            "Save the project to a GeoPackage file meanwhile, and push it with "
            "'hljgis db push' when the bureau network is back.")

    # -- reading ----------------------------------------------------------------------------
    def list(self) -> list[ProjectInfo]:
        """Projects in the store, by name."""
        from psycopg import sql

        with self._reading() as conn:
            rows = conn.execute(sql.SQL(
                "SELECT name, version, saved_at, saved_by, settings->'metadata'->>'title', "
                "jsonb_array_length(settings->'layers') FROM {} ORDER BY name").format(
                    self._t("hljgis_project"))).fetchall()
        return [ProjectInfo(n, v, at, by, t or "", nl or 0) for n, v, at, by, t, nl in rows]

    def settings(self, name: str, version: int | None = None) -> tuple[int, dict, str]:
        """(version, settings, saved_by) of a project, the current one unless ``version``."""
        from psycopg import sql

        with self._reading() as conn:
            if version is None:
                row = conn.execute(sql.SQL(
                    "SELECT version, settings, saved_by FROM {} WHERE name = %s").format(
                        self._t("hljgis_project")), (name,)).fetchone()
            else:
                row = conn.execute(sql.SQL(
                    "SELECT version, settings, saved_by FROM {} WHERE name = %s AND "
                    "version = %s").format(self._t("hljgis_project_version")),
                    (name, version)).fetchone()
            if row is None:
                have = [r[0] for r in conn.execute(sql.SQL("SELECT name FROM {} ORDER BY 1")
                                                   .format(self._t("hljgis_project")))]
                what = f"project '{name}'" + (f" version {version}" if version else "")
                raise InputError(f"{self.source.describe()} has no {what}.",
                                 "Projects there: " + (", ".join(have) or "none") + ".")
        return int(row[0]), row[1], row[2]

    def history(self, name: str) -> builtins.list[tuple[int, datetime, str]]:
        """(version, saved_at, saved_by) of every save of a project, oldest first."""
        from psycopg import sql

        with self._reading() as conn:
            return [tuple(r) for r in conn.execute(sql.SQL(
                "SELECT version, saved_at, saved_by FROM {} WHERE name = %s ORDER BY version")
                .format(self._t("hljgis_project_version")), (name,))]

    def refused(self, name: str) -> builtins.list[tuple[int, int | None, str]]:
        """(id, base_version, saved_by) of the refused saves of a project, oldest first."""
        from psycopg import sql

        with self._reading() as conn:
            return [tuple(r) for r in conn.execute(sql.SQL(
                "SELECT id, base_version, saved_by FROM {} WHERE name = %s ORDER BY id")
                .format(self._t("hljgis_project_refused")), (name,))]

    def load(self, name: str, version: int | None = None) -> Project:
        """The project as saved (its layers' data included), linked to the store."""
        version, settings, _by = self.settings(name, version)
        with self._reading() as conn:
            project = _project_from_settings(settings, lambda sha: self._blob(conn, sha))
        self._link(project, name, version)
        return project

    def _blob(self, conn, sha: str) -> tuple[str, bytes]:
        from psycopg import sql

        row = conn.execute(sql.SQL("SELECT kind, data FROM {} WHERE sha256 = %s").format(
            self._t("hljgis_blob")), (sha,)).fetchone()
        if row is None:
            raise InputError(f"{self.source.describe()}: layer data {sha[:12]} of the project "
                             "is missing from the store.",
                             "Open an earlier version (hljgis db history) and tell the "
                             "administrator.")
        return row[0], bytes(row[1])

    def _link(self, project: Project, name: str, version: int) -> None:
        project.metadata[LINK_KEY] = {"conninfo": self.source.conninfo, "schema": self.schema,
                                      "name": name, "version": version}
        project.dirty = False

    # -- saving -----------------------------------------------------------------------------
    def save(self, project: Project, name: str | None = None, *,
             base_version: int | bool | None = True, on_conflict: str = "fail") -> int:
        """Save ``project`` as a new version of ``name``; return the version written.

        Parameters
        ----------
        name : str, optional
            Default: the project the store link names.
        base_version : int or None, optional
            The version the planner started from (default: the link's); None saves a new
            project, refused if the name exists.
        on_conflict : {"fail", "merge", "copy"}
            What to do when another planner saved since: raise :class:`StaleProjectError`
            (the refused save is kept in the store first), merge their scenarios, layouts,
            bookmarks and new layers into ``project`` and save, or save under a new name.

        Raises
        ------
        StaleProjectError
            Another planner saved since ``base_version`` (``on_conflict="fail"``).
        InputError
            The connection failed or broke; nothing was saved.
        """
        link = project.metadata.get(LINK_KEY) or {}
        name = name or link.get("name")
        if not name:
            raise InputError("the project has no name in the store.", "Give it a name.")
        if base_version is True:
            base_version = link.get("version") if link.get("name") == name else None
        settings, blobs = _settings_and_blobs(project)
        try:
            return self._save(project, name, base_version, settings, blobs,
                              keep_refused=on_conflict == "fail")
        except StaleProjectError:
            if on_conflict == "merge":
                current, *parts = self.merge_parts(name, base_version)
                merge_into(project, *parts)
                return self.save(project, name, base_version=current, on_conflict="merge")
            if on_conflict == "copy":
                copy_name = f"{name} ({_user(self)} {datetime.now():%Y-%m-%d %H%M%S})"
                return self.save(project, copy_name, base_version=None, on_conflict="fail")
            raise

    def merge_parts(self, name: str, base_version: int | None):
        """(current version, base settings, their settings, their user, blob loader): what
        :func:`merge_into` needs, fetched so that the merge itself can run where the project
        lives (the GUI thread, whose views its events reach)."""
        _v, base, _ = self.settings(name, base_version) if base_version else (0, {}, "")
        current, theirs, who = self.settings(name)
        base_layers = {e["name"] for e in base.get("layers", [])}
        with self._reading() as conn:
            blobs = {e["blob"]: self._blob(conn, e["blob"]) for e in theirs.get("layers", [])
                     if e["name"] not in base_layers}
        return current, base, theirs, who, blobs.__getitem__

    def _save(self, project: Project, name: str, base: int | None, settings: dict,
              blobs: dict[str, tuple[str, bytes]], *, keep_refused: bool = True) -> int:
        import psycopg
        from psycopg import sql
        from psycopg.types.json import Jsonb

        try:
            with self._connect() as conn:
                self._upload(conn, blobs)
                with conn.transaction():
                    row = conn.execute(sql.SQL(
                        "SELECT version, saved_by, saved_at FROM {} WHERE name = %s FOR UPDATE")
                        .format(self._t("hljgis_project")), (name,)).fetchone()
                    current = int(row[0]) if row else None
                    if current == base or (base is None and row is None):
                        version = (current or 0) + 1
                        conn.execute(sql.SQL(
                            "INSERT INTO {} (name, version, settings) VALUES (%s, %s, %s) "
                            "ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, "
                            "settings = EXCLUDED.settings, saved_at = now(), "
                            "saved_by = current_user").format(self._t("hljgis_project")),
                            (name, version, Jsonb(settings)))
                        conn.execute(sql.SQL(
                            "INSERT INTO {} (name, version, settings) VALUES (%s, %s, %s)")
                            .format(self._t("hljgis_project_version")),
                            (name, version, Jsonb(settings)))
                        if self._before_commit is not None:
                            self._before_commit()
                        stale = None
                    else:
                        stale = row
                if stale is not None and not keep_refused:
                    raise StaleProjectError(name, base, int(stale[0]), stale[1], stale[2], 0)
                if stale is not None:
                    with conn.transaction():
                        rid = conn.execute(sql.SQL(
                            "INSERT INTO {} (name, base_version, settings) VALUES (%s, %s, %s) "
                            "RETURNING id").format(self._t("hljgis_project_refused")),
                            (name, base, Jsonb(settings))).fetchone()[0]
                    raise StaleProjectError(name, base, int(stale[0]), stale[1], stale[2],
                                            int(rid))
        except psycopg.errors.UniqueViolation:
            # two planners created the same new project at once: the other one won
            return self._save(project, name, base, settings, blobs,
                              keep_refused=keep_refused)
        except psycopg.OperationalError as exc:
            raise self._lost(exc, f"saving project '{name}'") from exc
        except psycopg.Error as exc:
            raise InputError(f"{self.source.describe()}: project '{name}' could not be saved "
                             f"({str(exc).strip()}); nothing was written.",
                             "Check this user's rights on the store's tables.") from exc
        self._link(project, name, version)
        return version

    def _upload(self, conn, blobs: dict[str, tuple[str, bytes]]) -> None:
        """Store the layer data the database does not hold yet (its own transaction: an
        unreferenced blob is harmless, a version without its data is not)."""
        from psycopg import sql

        if not blobs:
            return
        with conn.transaction():
            have = {r[0] for r in conn.execute(sql.SQL(
                "SELECT sha256 FROM {} WHERE sha256 = ANY(%s)").format(self._t("hljgis_blob")),
                (list(blobs),))}
            for sha, (kind, data) in blobs.items():
                if sha not in have:
                    conn.execute(sql.SQL("INSERT INTO {} (sha256, kind, data) VALUES "
                                         "(%s, %s, %s) ON CONFLICT DO NOTHING").format(
                                             self._t("hljgis_blob")), (sha, kind, data))


_DDL = (
    "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, version int NOT NULL, "
    "settings jsonb NOT NULL, saved_at timestamptz NOT NULL DEFAULT now(), "
    "saved_by text NOT NULL DEFAULT current_user)",
    "CREATE TABLE IF NOT EXISTS {} (name text NOT NULL, version int NOT NULL, "
    "settings jsonb NOT NULL, saved_at timestamptz NOT NULL DEFAULT now(), "
    "saved_by text NOT NULL DEFAULT current_user, PRIMARY KEY (name, version))",
    "CREATE TABLE IF NOT EXISTS {} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "name text NOT NULL, base_version int, settings jsonb NOT NULL, "
    "saved_at timestamptz NOT NULL DEFAULT now(), saved_by text NOT NULL DEFAULT current_user)",
    "CREATE TABLE IF NOT EXISTS {} (sha256 text PRIMARY KEY, kind text NOT NULL, "
    "data bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
)


def _user(store: ProjectStore) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(store.source.conninfo).get("user") or "copy")


# -- settings <-> project --------------------------------------------------------------------

def _settings_and_blobs(project: Project) -> tuple[dict, dict[str, tuple[str, bytes]]]:
    """The project's JSON settings (layers naming their data blob) and the blobs."""
    from hljgis.io.project_file import _json_default, project_to_dict

    settings = json.loads(json.dumps(project_to_dict(project), ensure_ascii=False,
                                     default=_json_default))
    settings["metadata"].pop(LINK_KEY, None)
    blobs: dict[str, tuple[str, bytes]] = {}
    for layer, entry in zip(project.layers, settings["layers"], strict=True):
        kind, data = _layer_bytes(layer)
        sha = hashlib.sha256(data).hexdigest()
        blobs[sha] = (kind, data)
        entry["blob"] = sha
    settings["table_blobs"] = {}
    for tname, table in sorted(project.tables.items()):
        buf = io.BytesIO()
        pd.DataFrame(table).to_parquet(buf)
        sha = hashlib.sha256(buf.getvalue()).hexdigest()
        blobs[sha] = ("parquet-table", buf.getvalue())
        settings["table_blobs"][tname] = sha
    return settings, blobs


def _layer_bytes(layer) -> tuple[str, bytes]:
    if isinstance(layer, VectorLayer):
        buf = io.BytesIO()
        gdf = layer.gdf
        gdf.rename(columns={c: str(c) for c in gdf.columns}).to_parquet(buf)
        return "geoparquet", buf.getvalue()
    if isinstance(layer, RasterLayer):
        import rasterio
        import rasterio.shutil

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "layer.tif"
            with rasterio.open(layer.path) as src:
                rasterio.shutil.copy(src, out, driver="GTiff", COMPRESS="DEFLATE")
            return "gtiff", out.read_bytes()
    raise InputError(f"layer '{layer.name}' of kind {layer.kind} cannot be stored.",
                     "Remove it before saving to the database.")


def _raster_cache() -> Path:
    from hljgis.io.recovery import recovery_dir

    path = recovery_dir() / "db-rasters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _layer_from_blob(entry: dict, kind: str, data: bytes):
    if kind == "geoparquet":
        return VectorLayer.from_settings(gpd.read_parquet(io.BytesIO(data)), entry)
    path = _raster_cache() / f"{entry['blob']}.tif"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return RasterLayer.from_settings(str(path), entry)


def _project_from_settings(settings: dict, blob: Callable[[str], tuple[str, bytes]]) -> Project:
    project = Project(crs=settings.get("crs", "EPSG:4490"))
    project.metadata = dict(settings.get("metadata", {}))
    from hljgis.io.project_file import restore_postgis_layer

    unreachable: dict = {}
    for entry in settings.get("layers", []):
        layer = _layer_from_blob(entry, *blob(entry["blob"]))
        restore_postgis_layer(layer, entry, unreachable)
        project.add_layer(layer)
    project.bookmarks = dict(settings.get("bookmarks", {}))
    project.scenarios = dict(settings.get("scenarios", {}))
    project.layouts = dict(settings.get("layouts", {}))
    for tname, sha in settings.get("table_blobs", {}).items():
        project.tables[tname] = pd.read_parquet(io.BytesIO(blob(sha)[1]))
    project.dirty = False
    return project


# -- merging ---------------------------------------------------------------------------------

def merge_into(project: Project, base: dict, theirs: dict, their_user: str,
               blob: Callable[[str], tuple[str, bytes]] | None = None) -> list[str]:
    """Bring another planner's scenarios, layouts, bookmarks and new layers into ``project``.

    A three-way merge against ``base`` (the settings both started from): what only they
    changed is taken, what only this planner changed is kept, and where both changed the
    same item differently this planner's stays and theirs is added as ``<name>~<user>``,
    so neither is lost. What they deleted and this planner left alone goes. Layers they
    added are added (``blob`` loads their data); all other layers and styles stay as they
    are here. Returns one line per change, for the planner.
    """
    notes: list[str] = []
    for key in _MERGED:
        mine: dict = getattr(project, key)
        old, their = base.get(key, {}) or {}, theirs.get(key, {}) or {}
        for item in sorted(set(their) | set(old)):
            b, t, m = old.get(item), their.get(item), mine.get(item)
            if t in (b, m):
                continue  # they did not change it, or both made the same change
            if t is None:  # they deleted it
                if m == b:
                    del mine[item]
                    notes.append(f"{key[:-1]} {item}: removed (deleted by {their_user})")
                continue
            if m == b:
                mine[item] = copy.deepcopy(t)
                notes.append(f"{key[:-1]} {item}: taken from {their_user}")
            else:
                alias = f"{item}~{their_user}"
                mine[alias] = copy.deepcopy(t)
                notes.append(f"{key[:-1]} {item}: both changed it; theirs kept as {alias}")
            project.events.changed.emit(f"{key[:-1]}:{item}")
    base_layers = {e["name"] for e in base.get("layers", [])}
    for entry in theirs.get("layers", []):
        if entry["name"] not in project and entry["name"] not in base_layers and blob:
            layer = _layer_from_blob(entry, *blob(entry["blob"]))
            if entry.get("postgis"):  # their PostGIS layer, linked as they saved it (the
                from hljgis.io.postgis_link import restore  # merge runs on the GUI thread)

                restore(layer, entry["postgis"], reread=False)
            project.add_layer(layer)
            notes.append(f"layer {entry['name']}: added by {their_user}")
    return notes


# -- offline copies ----------------------------------------------------------------------------

def pull_file(store: ProjectStore, name: str, path: str | Path, *,
              preview: PreviewMaker | None = None) -> Project:
    """Write the current version of ``name`` to a GeoPackage copy for work offline
    (``preview``: see :func:`hljgis.io.project_file.save_project`)."""
    from hljgis.io.project_file import save_project

    project = store.load(name)
    save_project(project, path, preview=preview)
    return project


def push_file(path: str | Path, store: ProjectStore | None = None, *, name: str | None = None,
              on_conflict: str = "fail",
              preview: PreviewMaker | None = None) -> tuple[str, int]:
    """Save a GeoPackage copy of a project to the store; return (name, version).

    The copy's link (from :func:`pull_file` or an earlier push) says which database,
    project and version it came from, so a push after work offline is checked against
    what others saved meanwhile. The copy's link is updated after a successful push.
    """
    from hljgis.io.project_file import load_project, save_project

    project = load_project(path)
    link = project.metadata.get(LINK_KEY) or {}
    if store is None:
        if not link:
            raise InputError(f"{Path(path).name} does not say which database it came from.",
                             "Name the database: hljgis db push FILE --db CONNECTION.")
        store = ProjectStore(f"PG:{link['conninfo']}", schema=link.get("schema", "public"))
    name = name or link.get("name") or Path(path).name.removesuffix(".hljgis.gpkg")
    base = link.get("version") if link.get("name") == name and \
        link.get("conninfo") == store.source.conninfo else None
    version = store.save(project, name, base_version=base, on_conflict=on_conflict)
    # the copy now knows the version it matches (and keeps its picture: a new fingerprint)
    save_project(project, path, preview=preview)
    return project.metadata[LINK_KEY]["name"], version


def _conninfo_user(source: PgSource) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(source.conninfo).get("user") or "the_planner")
