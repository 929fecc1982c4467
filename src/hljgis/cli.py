"""The ``hljgis`` command: no arguments opens the desktop app, subcommands run headless.

Exit codes: 0 ok, 2 bad input (the message says what is wrong and what to do), 1 a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hljgis.buildinfo import VersionAction

EXIT_OK = 0
EXIT_BUG = 1
EXIT_BAD_INPUT = 2


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

    rank = sub.add_parser("rank", help="rank candidate sites of a project with a scenario")
    rank.add_argument("project", metavar="PROJECT", help="project file (.hljgis.gpkg)")
    rank.add_argument("--scenario", required=True,
                      help="scenario name (project scenarios first, then presets "
                           "sme-space, place-making) or a scenario .json file")
    rank.add_argument("--city", help="only sites in this city, e.g. Jixi")
    rank.add_argument("--year", type=int, help="planning year (overrides the scenario's)")
    rank.add_argument("--out", required=True, help="results GeoPackage (.gpkg)")
    rank.add_argument("--csv", help="also write the results as CSV")
    rank.add_argument("--top", type=int, default=10, help="sites to print (default 10)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a headless command (the ``hljgis`` entry point routes here when one is given)."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_OK
    from hljgis.core.errors import InputError

    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"hljgis: error: {exc.what}", file=sys.stderr)
        if exc.todo:
            print(f"  what to do: {exc.todo}", file=sys.stderr)
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
    from hljgis.analysis import InconsistentMatrixError, run_scenario
    from hljgis.analysis.run import resolve_scenario
    from hljgis.core.errors import InputError
    from hljgis.io.project_file import load_project
    from hljgis.io.writers import write_layer

    project = load_project(args.project)
    try:
        scenario = resolve_scenario(args.scenario, project)
        result = run_scenario(project, scenario, city=args.city, year=args.year)
    except InconsistentMatrixError as exc:
        raise InputError(f"scenario '{args.scenario}': weights.matrix: {exc}",
                         "Revise the pairwise judgements or use direct weights.") from exc
    layer = result.layer()
    write_layer(layer, args.out)
    if args.csv:
        write_layer(layer, args.csv)
    gdf = result.gdf
    sc = result.scenario
    ranked = int(gdf["rank"].notna().sum())
    print(f"scenario {sc.name}: {sc.title}; planning year {sc.planning_year}; "
          f"{ranked} of {len(gdf)} sites ranked, {int(gdf['excluded'].sum())} excluded")
    names = [c.name for c in sc.criteria]
    top = result.top(args.top)
    contrib = top[[f"contrib_{n}" for n in names]].to_numpy()
    print(f"{'rank':>4}  {'id':<16} {'city':<13} {'score':>6}  top contributions")
    for i, (_, row) in enumerate(top.iterrows()):  # prints at most --top rows
        best = contrib[i].argsort()[::-1][:3]
        parts = ", ".join(f"{names[j]} {contrib[i, j]:.2f}" for j in best)
        print(f"{int(row['rank']):>4}  {row['site_id']!s:<16.16} {row['city']!s:<13.13} "
              f"{row['score']:6.3f}  {parts}")
    print(f"wrote {len(gdf)} sites to {args.out}" + (f" and {args.csv}" if args.csv else ""))
    return EXIT_OK


COMMANDS = {"info": _cmd_info, "repair": _cmd_repair, "rank": _cmd_rank}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
