"""``hljgis db``: the bureau's PostgreSQL/PostGIS database from the command line.

    hljgis db tables  --db CONN                      spatial tables (schema.table, type, SRID)
    hljgis db list    --db CONN                      projects in the shared store
    hljgis db history NAME --db CONN                 every saved version of a project
    hljgis db pull    NAME --db CONN --out FILE      a GeoPackage copy for work offline
    hljgis db push    FILE [--db CONN] [--name NAME] [--on-conflict fail|merge|copy]
    hljgis db rank    PROJECT --scenario S --out TARGET [--db CONN] [--use-layer NAME=SOURCE]

CONN is a libpq connection string (``PG:host=... dbname=... user=...``, ``service=bureau``
or ``postgresql://user@host/db``); the password comes from ~/.pgpass or the service file.
"""

from __future__ import annotations

import argparse

EXIT_OK = 0
CONN_HELP = ("database: PG:host=H port=P dbname=D user=U, service=NAME or "
             "postgresql://U@H:P/D (password from ~/.pgpass or the service file)")


def add_parser(sub) -> None:
    db = sub.add_parser("db", help="PostGIS layers and the shared project store")
    dsub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)

    p = dsub.add_parser("tables", help="list the spatial tables of a database")
    p.add_argument("--db", required=True, help=CONN_HELP)

    p = dsub.add_parser("list", help="list the projects in the shared store")
    p.add_argument("--db", required=True, help=CONN_HELP)
    p.add_argument("--schema", default="public", help="schema of the store (default public)")

    p = dsub.add_parser("history", help="every saved version of a project")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--db", required=True, help=CONN_HELP)
    p.add_argument("--schema", default="public")

    p = dsub.add_parser("pull", help="write a project of the store to a GeoPackage copy")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--db", required=True, help=CONN_HELP)
    p.add_argument("--out", required=True, help="the copy (.hljgis.gpkg)")
    p.add_argument("--version", type=int, help="an earlier version (default: the current one)")
    p.add_argument("--schema", default="public")

    p = dsub.add_parser("push", help="save a project file to the store (checks for others' "
                                     "saves since it was pulled)")
    p.add_argument("file", metavar="FILE", help="project file (.hljgis.gpkg)")
    p.add_argument("--db", help=CONN_HELP + "; default: where the copy was pulled from")
    p.add_argument("--name", help="project name in the store (default: the copy's, or the "
                                  "file name)")
    p.add_argument("--on-conflict", choices=["fail", "merge", "copy"], default="fail",
                   help="when another planner saved since: fail (default; your save is kept "
                        "as a refused save), merge their scenarios and layouts, or save a copy")
    p.add_argument("--schema", default="public")

    p = dsub.add_parser("rank", help="rank with layers from PostGIS and write the results "
                                     "back to a table")
    p.add_argument("project", metavar="PROJECT",
                   help="project file (.hljgis.gpkg), or a project name in the store (--db)")
    p.add_argument("--db", help=CONN_HELP + " (for a project in the store)")
    p.add_argument("--schema", default="public")
    p.add_argument("--scenario", required=True, help="scenario name or .json file")
    p.add_argument("--use-layer", action="append", default=[], metavar="NAME=SOURCE",
                   help="use this table for the project's layer NAME (candidates or criteria), "
                        "e.g. sites=PG:service=bureau tables=survey.sites; repeatable")
    p.add_argument("--out", required=True,
                   help="results: PG:... tables=SCHEMA.TABLE (with a row in hljgis_results), "
                        "or a .gpkg / .csv file")
    p.add_argument("--city", help="only sites in this city")
    p.add_argument("--year", type=int, help="planning year (overrides the scenario's)")
    p.add_argument("--top", type=int, default=5, help="sites to print (default 5)")


def run(args: argparse.Namespace) -> int:
    return _COMMANDS[args.db_command](args)


def _tables(args) -> int:
    from hljgis.io.postgis import list_tables

    tables = list_tables(args.db)
    for t in tables:
        rows = f"~{t.rows} rows" if t.rows >= 0 else "rows unknown"
        print(f"{t.qualified}  {t.geometry_column} {t.geometry_type} SRID {t.srid}  {rows}")
    print(f"{len(tables)} spatial tables")
    return EXIT_OK


def _store(args):
    from hljgis.io.project_store import ProjectStore

    return ProjectStore(args.db, schema=args.schema)


def _list(args) -> int:
    projects = _store(args).list()
    for p in projects:
        print(f"{p.name}  version {p.version}  saved {p.saved_at:%Y-%m-%d %H:%M} by "
              f"{p.saved_by}  {p.layers} layers  {p.title}")
    print(f"{len(projects)} projects")
    return EXIT_OK


def _history(args) -> int:
    store = _store(args)
    for version, at, by in store.history(args.name):
        print(f"version {version}  {at:%Y-%m-%d %H:%M:%S}  {by}")
    for rid, base, by in store.refused(args.name):
        print(f"refused save #{rid} by {by} (started from version {base})")
    return EXIT_OK


def _pull(args) -> int:
    from hljgis.export.project_picture import offscreen_preview
    from hljgis.io.project_file import save_project

    project = _store(args).load(args.name, args.version)
    save_project(project, args.out, preview=offscreen_preview)
    version = project.metadata["db_store"]["version"]
    print(f"wrote {args.name} version {version} ({len(project)} layers) to {args.out}")
    return EXIT_OK


def _push(args) -> int:
    from hljgis.export.project_picture import offscreen_preview
    from hljgis.io.project_store import push_file

    store = _store(args) if args.db else None
    name, version = push_file(args.file, store, name=args.name, on_conflict=args.on_conflict,
                              preview=offscreen_preview)
    print(f"saved {args.file} as {name} version {version}")
    return EXIT_OK


def _rank(args) -> int:
    from hljgis.analysis import InconsistentMatrixError, run_scenario
    from hljgis.analysis.run import resolve_scenario
    from hljgis.core.errors import InputError
    from hljgis.io.postgis import is_pg_source, write_ranking
    from hljgis.io.writers import write_layer

    project = _load_project(args)
    for spec in args.use_layer:
        _use_layer(project, spec)
    try:
        scenario = resolve_scenario(args.scenario, project)
        result = run_scenario(project, scenario, city=args.city, year=args.year)
    except InconsistentMatrixError as exc:
        raise InputError(f"scenario '{args.scenario}': weights.matrix: {exc}",
                         "Revise the pairwise judgements or use direct weights.") from exc
    if is_pg_source(args.out):
        where = "table " + write_ranking(result, args.out)
    else:
        where = str(write_layer(result.layer(), args.out))
    gdf = result.gdf
    print(f"scenario {result.scenario.name}: {int(gdf['rank'].notna().sum())} of {len(gdf)} "
          f"sites ranked, {int(gdf['excluded'].sum())} excluded")
    for _, row in result.top(args.top).iterrows():
        print(f"{int(row['rank']):>4}  {row.get('site_id', '')!s:<16.16} "
              f"{row.get('city', '')!s:<13.13} {row['score']:6.3f}")
    print(f"wrote {len(gdf)} sites to {where}")
    return EXIT_OK


def _load_project(args):
    from pathlib import Path

    from hljgis.cli import warn_stored_copies
    from hljgis.core.errors import InputError
    from hljgis.io.project_file import load_project

    if args.db:
        project = _store(args).load(args.project)
    elif not Path(args.project).exists():
        raise InputError(f"{args.project} is neither a project file nor (without --db) a "
                         "project in a database.",
                         "Give the .hljgis.gpkg path, or --db CONN for a project in the store.")
    else:
        project = load_project(args.project)
    warn_stored_copies(project)
    return project


def _use_layer(project, spec: str) -> None:
    """Replace (or add) the project's layer NAME with the layer read from SOURCE; the style
    and titles of the project's layer stay."""
    from hljgis.core.errors import InputError
    from hljgis.core.layer import VectorLayer
    from hljgis.io.readers import read_file

    name, sep, source = spec.partition("=")
    if not sep or not name or not source:
        raise InputError(f"--use-layer {spec}: expected NAME=SOURCE.",
                         "E.g. --use-layer sites='PG:service=bureau tables=survey.sites'.")
    [new] = [lyr for lyr in read_file(source) if isinstance(lyr, VectorLayer)][:1] or [None]
    if new is None:
        raise InputError(f"--use-layer {spec}: {source} holds no vector layer.",
                         "Point it at a table or file with features.")
    if name in project:
        old = project.layer(name)
        index = project.layer_names().index(name)
        settings = {**old.settings(), "source_path": new.source_path}
        project.remove_layer(name)
        project.add_layer(VectorLayer.from_settings(new.gdf, settings), index)
    else:
        new.name = name
        project.add_layer(new)


_COMMANDS = {"tables": _tables, "list": _list, "history": _history, "pull": _pull,
             "push": _push, "rank": _rank}
