"""The ``hljgis`` command: no arguments opens the desktop app, subcommands run headless.

Exit codes: 0 ok, 2 bad input (the message says what is wrong and what to do), 1 a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hljgis import cli_db, cli_layer, cli_process, cli_project
from hljgis.buildinfo import VersionAction

EXIT_OK = 0
EXIT_BUG = 1
EXIT_BAD_INPUT = 2


_YEAR_HELP = ("planning year of the subsidence status, its legend and the ranking "
              "(default: the project's planning year)")


def _add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--assume-crs", metavar="CRS",
                   help="CRS of files that have none, e.g. EPSG:4490 (never overrides a file's "
                        "own CRS)")
    p.add_argument("--encoding", help="attribute text encoding, e.g. GBK (default: .cpg, then "
                                      "detection)")
    p.add_argument("--layer", help="only this layer of a multi-layer file")
    p.add_argument("--offset-datum", choices=["gcj02", "bd09"],
                   help="lon/lat digitised from a Chinese web map: convert to WGS84")
    p.add_argument("--x-field", help="CSV longitude/x column")
    p.add_argument("--y-field", help="CSV latitude/y column")
    p.add_argument("--no-location-check", action="store_true",
                   help="load coordinates even if they fall outside China")


def _read_options(args) -> dict:
    return {
        "assume_crs": args.assume_crs,
        "encoding": args.encoding,
        "layer": args.layer,
        "offset_datum": args.offset_datum,
        "x_field": args.x_field,
        "y_field": args.y_field,
        "check_location": not args.no_location_check,
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hljgis",
        description="Offline GIS and site ranking for Hegang, Jixi, Qitaihe and Shuangyashan. "
                    "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--project", help="project file to open in the desktop app")
    parser.add_argument("--lang", choices=["zh", "en"], help="interface language")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="render the main window offscreen to PNG and exit")
    parser.add_argument("--size", default="1600x1000", help="window size for --screenshot")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = sub.add_parser("info", help="describe the layers of data files")
    info.add_argument("files", nargs="+", metavar="FILE")
    _add_read_options(info)

    repair = sub.add_parser("repair", help="make invalid geometries valid and write a new file")
    repair.add_argument("file", metavar="FILE")
    repair.add_argument("--out", required=True, help="output .gpkg, .geojson or .csv")
    _add_read_options(repair)

    rank = sub.add_parser("rank", help="rank candidate sites with a scenario (of a project, "
                                       "or of plain data files)")
    rank.add_argument("project", metavar="PROJECT", nargs="?",
                      help="project file (.hljgis.gpkg), or a data file of candidate sites")
    rank.add_argument("--scenario", required=True,
                      help="scenario name (project scenarios first, then presets "
                           "sme-space, place-making) or a scenario .json file")
    rank.add_argument("--city", help="only sites in this city, e.g. Jixi")
    rank.add_argument("--year", type=int, help="planning year (overrides the scenario's)")
    rank.add_argument("--out", required=True,
                      help="results GeoPackage (.gpkg), or a new project file (.hljgis.gpkg): "
                           "the project with the ranking added (a re-run replaces it)")
    rank.add_argument("--csv", help="also write the results as CSV")
    rank.add_argument("--top", type=int, default=10, help="sites to print (default 10)")
    from hljgis.cli_rank import add_options as _rank_plain_options

    _rank_plain_options(rank)
    _add_export_parsers(sub)
    cli_project.add_parser(sub)
    cli_layer.add_parser(sub)
    cli_process.add_parser(sub)
    cli_db.add_parser(sub)
    return parser


def _add_export_parsers(sub) -> None:
    exp = sub.add_parser("export", help="export a print layout to PDF, SVG or PNG")
    exp.add_argument("project", metavar="PROJECT", help="project file (.hljgis.gpkg)")
    exp.add_argument("--layout", default="dfr-annex-a4",
                     help="project layout or template (dfr-annex-a4, dfr-annex-a3)")
    exp.add_argument("--out", required=True, help="output .pdf, .svg or .png")
    exp.add_argument("--dpi", type=float, help="resolution (default: the layout's)")
    exp.add_argument("--city", help="fit the map to this city, e.g. Qitaihe")
    exp.add_argument("--lang", choices=["zh", "en", "both"], help="page language")
    exp.add_argument("--year", type=int, help=_YEAR_HELP)

    atlas = sub.add_parser("atlas", help="one map page per city and a table page, as one PDF")
    atlas.add_argument("project", metavar="PROJECT", help="project file (.hljgis.gpkg)")
    atlas.add_argument("--layout", default="dfr-annex-a4", help="layout or template")
    atlas.add_argument("--scenario", required=True, action="append",
                       help="scenario name or .json file; repeat it for city x scenario pages")
    atlas.add_argument("--out", required=True, help="output .pdf")
    atlas.add_argument("--cities", default="Hegang,Jixi,Qitaihe,Shuangyashan",
                       help="comma-separated cities, in page order")
    atlas.add_argument("--annex", default="A", help="annex letter for map numbers (Map A.1)")
    atlas.add_argument("--no-table", action="store_true", help="leave out the table page")
    atlas.add_argument("--cards", metavar="PDF",
                       help="also write site score cards (PDF, with .csv and .xlsx beside it)")
    atlas.add_argument("--per-city", type=int, default=5, help="sites per city in the table "
                                                               "and the cards (default 5)")
    atlas.add_argument("--dpi", type=float, help="resolution (default: the layout's)")
    atlas.add_argument("--lang", choices=["zh", "en", "both"], help="page language")
    atlas.add_argument("--year", type=int, help=_YEAR_HELP)

    web = sub.add_parser("webmap", help="offline interactive HTML map (no network needed)")
    web.add_argument("project", metavar="PROJECT", help="project file (.hljgis.gpkg)")
    web.add_argument("--out", required=True, help="output .html")
    web.add_argument("--scenario", help="add this scenario's ranking as a graduated layer")
    web.add_argument("--city", help="rank and zoom to this city only")
    web.add_argument("--no-font", action="store_true",
                     help="do not embed the CJK font (smaller file; needs a system font)")
    web.add_argument("--year", type=int, help=_YEAR_HELP)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a headless command (the ``hljgis`` entry point routes here when one is given)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # argparse takes a list of positionals in one go: `project new OUT --no-bundled A B`
    # leaves A B over; they are files too, as a shell user would expect.
    if extra and hasattr(args, "files") and not any(e.startswith("-") for e in extra):
        args.files = [*args.files, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        build_parser().print_help()
        return EXIT_OK
    from hljgis.core.errors import InputError

    try:
        from hljgis.cli_checks import check

        check(args)  # options are checked before any work starts
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"hljgis: error: {exc.what}", file=sys.stderr)
        if exc.todo:
            print(f"  what to do: {exc.todo}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # the disk, not hljgis: full, read-only, removed meanwhile
        print(f"hljgis: error: {exc}", file=sys.stderr)
        print("  what to do: check the paths, the free disk space and that the folders are "
              "writable, then run again.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("hljgis: error: the computer ran out of memory.", file=sys.stderr)
        print("  what to do: rank with a larger cell size or fewer cities (--city), or close "
              "other programs.", file=sys.stderr)
        return EXIT_BAD_INPUT


def _cmd_info(args) -> int:
    from hljgis.core.errors import InputError
    from hljgis.io.project_file import PROJECT_SUFFIX

    status = EXIT_OK
    for i, name in enumerate(args.files):
        if i:
            print()
        try:
            if name.endswith(PROJECT_SUFFIX):
                _print_project(Path(name))
            else:
                from hljgis.io.readers import read_file

                for layer in read_file(name, **_read_options(args)):
                    _print_layer(layer)
        except InputError as exc:
            print(f"hljgis: error: {exc.what}", file=sys.stderr)
            if exc.todo:
                print(f"  what to do: {exc.todo}", file=sys.stderr)
            status = EXIT_BAD_INPUT
    return status


def _print_project(path: Path) -> None:
    from hljgis.io.project_file import load_project

    project = load_project(path)
    meta = project.metadata
    print(f"{path}: hljgis project '{meta.get('title', '')}' {meta.get('title_zh', '')}".rstrip())
    print(f"  project CRS: {_crs_label(project.crs)}; analysis CRS: "
          f"{_crs_label(project.metric_crs())}")
    print(f"  {len(project)} layers, {len(project.bookmarks)} bookmarks, "
          f"{len(project.scenarios)} scenarios, {len(project.layouts)} layouts, "
          f"tables: {', '.join(sorted(project.tables)) or 'none'}")
    for layer in project.layers:
        print()
        _print_layer(layer)


def _crs_label(crs) -> str:
    if crs is None:
        return "none"
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def _print_layer(layer) -> None:
    from hljgis.core.layer import VectorLayer

    title = f" - {layer.title}" if layer.title and layer.title != layer.name else ""
    zh = f" / {layer.title_zh}" if layer.title_zh else ""
    print(f"layer {layer.name}{title}{zh}")
    b = layer.bounds
    if isinstance(layer, VectorLayer):
        print(f"  geometry: {layer.geometry_type} ({', '.join(layer.geometry_types) or 'none'})")
        print(f"  features: {layer.feature_count}")
        print(f"  CRS: {_crs_label(layer.crs)}")
        print("  bounds: " + (", ".join(f"{v:.6f}" for v in b) if layer.feature_count
                              else "empty"))
        print(f"  encoding: {layer.encoding or 'n/a (format stores Unicode)'}")
        print(f"  invalid geometries: {layer.invalid_count}")
        print("  fields:")
        gdf = layer.gdf
        geom_col = gdf.geometry.name
        for col in gdf.columns:
            if col == geom_col:
                continue
            sample = gdf[col].dropna().astype(str).unique()[:3]
            example = f"  e.g. {', '.join(f'{v:.30}' for v in sample)}" if len(sample) else ""
            print(f"    {col}: {gdf[col].dtype}{example}")
    else:
        info = layer.info
        print(f"  raster: {info.width} x {info.height} pixels, {info.count} band(s), "
              f"{info.dtype}, nodata {info.nodata}")
        print(f"  resolution: {info.res[0]:g} x {info.res[1]:g}")
        print(f"  CRS: {_crs_label(layer.crs)}")
        print("  bounds: " + ", ".join(f"{v:.6f}" for v in b))
    if layer.provenance:
        p = layer.provenance
        print(f"  provenance: {p.get('source', '?')}; accuracy {p.get('accuracy_m', '?')} m; "
              f"as of {p.get('as_of', '?')}" + ("; ILLUSTRATIVE" if layer.is_illustrative else ""))
    for note in layer.notes:
        print(f"  note: {note}")


def _cmd_repair(args) -> int:
    from hljgis.core.layer import VectorLayer
    from hljgis.io.readers import read_file, repair_geometries
    from hljgis.io.writers import write_layer

    layers = [lyr for lyr in read_file(args.file, **_read_options(args))
              if isinstance(lyr, VectorLayer)]
    if len(layers) != 1:
        from hljgis.core.errors import InputError

        raise InputError(f"{args.file} holds {len(layers)} vector layers; repair works on one.",
                         "Pick one with --layer NAME.")
    layer = layers[0]
    if Path(args.out).resolve() == Path(args.file).resolve():
        from hljgis.core.errors import InputError

        raise InputError("--out is the input file; repair never overwrites the original.",
                         "Write to a new file.")
    n = repair_geometries(layer)
    write_layer(layer, args.out)
    print(f"{n} invalid geometries repaired; wrote {layer.feature_count} features to {args.out}")
    return EXIT_OK


def _cmd_rank(args) -> int:
    from hljgis.cli_rank import run

    return run(args)


def _print_warnings(warnings) -> None:
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)


def warn_stored_copies(project) -> None:
    """PostGIS layers that show the project's stored copy (server away, unwritten edits)."""
    from hljgis.io.postgis_link import stored_copy_notes

    _print_warnings(stored_copy_notes(project))


def _load_for_year(path, year):
    """The project with its subsidence status and legend at ``year`` (None: its own), and
    that year, which rankings run for too: one year for map, legend and ranking."""
    from hljgis.core.subsidence import apply_planning_year, planning_year
    from hljgis.io.project_file import load_project

    project = load_project(path)
    warn_stored_copies(project)
    if year is not None:
        apply_planning_year(project, year)  # in memory only: the file is not written
    return project, planning_year(project)


def _cmd_export(args) -> int:
    from hljgis.export.api import export_layout

    project, _year = _load_for_year(args.project, args.year)
    result = export_layout(project, args.layout, args.out, dpi=args.dpi, city=args.city,
                           lang=args.lang)
    _print_warnings(result.preflight)
    print(f"wrote {result.path} ({result.bytes / 1e6:.1f} MB)")
    return EXIT_OK


def _cmd_atlas(args) -> int:
    from hljgis.analysis import InconsistentMatrixError
    from hljgis.core.errors import InputError
    from hljgis.export.atlas import build_atlas

    project, year = _load_for_year(args.project, args.year)
    cities = [c.strip() for c in args.cities.split(",") if c.strip()]
    try:
        result, infos = build_atlas(project, args.layout, list(args.scenario), args.out,
                                    cities=cities,
                                    table=not args.no_table, per_city=args.per_city,
                                    annex=args.annex, dpi=args.dpi, lang=args.lang,
                                    year=year)
    except InconsistentMatrixError as exc:
        raise InputError(f"scenario '{', '.join(args.scenario)}': weights.matrix: {exc}",
                         "Revise the pairwise judgements or use direct weights.") from exc
    _print_warnings(result.preflight)
    print(f"wrote {result.path}: {result.pages} pages ({result.bytes / 1e6:.1f} MB)")
    if args.cards:
        from hljgis.export.scorecards import write_score_cards

        cards = write_score_cards(project, infos, args.cards, per_city=args.per_city)
        if cards.get("warning"):
            _print_warnings([cards["warning"]])
        print(f"wrote {cards['pdf'].path} ({cards['pdf'].pages} cards), {cards['csv']}"
              + (f", {cards['xlsx']}" if cards.get("xlsx") else ""))
    return EXIT_OK


def _cmd_webmap(args) -> int:
    from hljgis.export.webmap import build_webmap

    project, year = _load_for_year(args.project, args.year)
    out = build_webmap(project, args.out, scenario=args.scenario, city=args.city,
                       embed_font=not args.no_font, year=year)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return EXIT_OK


COMMANDS = {"info": _cmd_info, "repair": _cmd_repair, "rank": _cmd_rank,
            "export": _cmd_export, "atlas": _cmd_atlas, "webmap": _cmd_webmap,
            "project": cli_project.run, "layer": cli_layer.run, "process": cli_process.run,
            "db": cli_db.run}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
