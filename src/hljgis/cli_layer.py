"""``hljgis layer replace``: put the bureau's own file in place of a bundled illustrative layer.

The mapping starts from suggestions (headers such as 名称, 状态, 面积(亩); statuses such as
已完成) and every ``--map``, ``--values``, ``--unit`` and ``--set`` overrides them. Rows
that do not fit are listed with their reason (``--report`` writes them to CSV or XLSX); the
project is written atomically, and never when no row fits or the mapping is bad (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

EXIT_OK = 0
#: Rejected rows printed on the terminal (all go to --report).
SHOW_ROWS = 20


def add_parser(sub) -> None:
    """Register ``layer`` and its ``replace`` subcommand."""
    from hljgis.cli import _add_read_options

    layer = sub.add_parser("layer", help="work on a project's layers (replace their data)")
    lsub = layer.add_subparsers(dest="layer_command", metavar="ACTION", required=True)
    rep = lsub.add_parser(
        "replace", help="replace a thematic layer's data with your own file",
        description="Replace the features of a thematic layer (subsidence_zones, shanty_sites, "
                    "industrial_parks, pillar_industries, transport layers) with a GPKG, SHP, "
                    "GeoJSON, KML, CSV or XLSX file, mapping its columns and codes onto the "
                    "layer's schema. Suggested mappings are printed; give --dry-run to see "
                    "them and the row report without changing the project.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  hljgis layer replace jixi.hljgis.gpkg shanty_sites survey.xlsx \\\n"
               "    --map name_zh=名称 --map status=改造状态 --unit area_ha=mu \\\n"
               "    --values status:已完成=cleared --values status:在建=under_redevelopment \\\n"
               "    --set city=Jixi --source \"Jixi housing bureau survey\" --as-of 2024-06 "
               "--accuracy 20")
    rep.add_argument("project", metavar="PROJECT", help="project file (.hljgis.gpkg)")
    rep.add_argument("target", metavar="LAYER", help="layer to replace, e.g. shanty_sites")
    rep.add_argument("file", metavar="FILE", help="your data: .gpkg .shp .geojson .kml .csv .xlsx")
    rep.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                     help="the file's COLUMN feeds the layer's FIELD (repeat)")
    rep.add_argument("--values", action="append", default=[], metavar="FIELD:TEXT=CODE",
                     help="the file's TEXT means CODE in FIELD, e.g. status:已完成=cleared")
    rep.add_argument("--unit", action="append", default=[], metavar="FIELD=UNIT",
                     help="unit of the file's numbers for FIELD: m2, mu, ha, km2, m, km, ...")
    rep.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                     help="one value of FIELD for every row, e.g. city=Jixi")
    rep.add_argument("--source", help="where the data comes from (required)")
    rep.add_argument("--as-of", help="date the data refers to: YYYY, YYYY-MM or YYYY-MM-DD")
    rep.add_argument("--accuracy", type=float, metavar="METRES",
                     help="positional accuracy in metres")
    rep.add_argument("--licence", help="terms of use of the data")
    rep.add_argument("--note", help="a note kept with the provenance")
    rep.add_argument("--no-suggest", action="store_true",
                     help="use only the mappings given, no suggestions")
    rep.add_argument("--drop-extra", action="store_true",
                     help="leave out the file's columns the layer's schema does not have")
    rep.add_argument("--report", metavar="CSV", help="write the rejected rows (.csv or .xlsx)")
    rep.add_argument("--out", metavar="PROJECT",
                     help="write the changed project here (default: over PROJECT, atomically)")
    rep.add_argument("--dry-run", action="store_true",
                     help="show the mapping and the row report; change nothing")
    _add_read_options(rep)


def run(args) -> int:
    """Run ``hljgis layer ...``."""
    return {"replace": _replace}[args.layer_command](args)


def _spec(args, source, schema: str):
    from hljgis.io.replace import ReplaceSpec, parse_pairs, parse_value_maps, suggest_spec

    spec = ReplaceSpec(schema) if args.no_suggest else suggest_spec(source, schema)
    explicit = parse_pairs(args.map, "--map")
    spec.fields.update(explicit)
    for field, mapping in parse_value_maps(args.values).items():
        spec.values.setdefault(field, {}).update(mapping)
    spec.units.update(parse_pairs(args.unit, "--unit"))
    spec.constants.update(parse_pairs(args.set, "--set"))
    for field in spec.constants:  # a fixed value wins over a suggested column
        if field not in explicit:
            spec.fields.pop(field, None)
    spec.keep_extra = not args.drop_extra
    spec.provenance = {k: v for k, v in {
        "source": args.source, "as_of": args.as_of, "accuracy_m": args.accuracy,
        "licence": args.licence, "note": args.note}.items() if v not in (None, "")}
    return spec


def _print_spec(spec) -> None:
    print("mapping (field <- column):")
    for field, col in spec.fields.items():
        unit = f" [{spec.units[field]}]" if field in spec.units else ""
        print(f"  {field} <- {col}{unit}")
    for field, value in spec.constants.items():
        print(f"  {field} = {value} (every row)")
    for field, mapping in spec.values.items():
        if mapping:
            print(f"values of {field}: " + ", ".join(f"{t}={c}" for t, c in mapping.items()))


def _print_outcome(outcome, report_path) -> None:
    print(outcome.summary())
    for note in outcome.notes:
        print(f"  filled in: {note}")
    rep = outcome.report
    for _, r in rep.head(SHOW_ROWS).iterrows():
        value = f" '{r['value']}'" if r["value"] else ""
        print(f"  row {r['row']}: {r['field']}{value}: {r['reason']}", file=sys.stderr)
    if len(rep) > SHOW_ROWS:
        print(f"  ... {len(rep) - SHOW_ROWS} more problems"
              + (f" in {report_path}" if report_path else " (write them all with --report)"),
              file=sys.stderr)
    for field, texts in outcome.unmapped_values().items():
        listed = ", ".join(f"{t} ({n} rows)" for t, n in texts.items())
        first = next(iter(texts))
        print(f"hint: {field} values without a code: {listed}; map them with "
              f"--values '{field}:{first}=CODE'", file=sys.stderr)


def _replace(args) -> int:
    from hljgis.cli import _read_options
    from hljgis.core.session import Session
    from hljgis.export.project_picture import offscreen_preview
    from hljgis.io.project_file import load_project, save_project
    from hljgis.io.replace import (
        apply_spec,
        commit_outcome,
        first_row_for,
        read_source,
        target_layer,
    )

    project = load_project(args.project)
    layer = target_layer(project, args.target)
    source = read_source(args.file, **_read_options(args))
    spec = _spec(args, source, layer.schema)
    _print_spec(spec)
    outcome = apply_spec(source, spec, crs=layer.crs, first_row=first_row_for(args.file))
    if args.report:
        outcome.write_report(args.report)
    _print_outcome(outcome, args.report)
    if args.report:
        print(f"wrote {len(outcome.report)} problems of {outcome.rejected} rows to {args.report}")
    if args.dry_run:
        print("dry run: the project was not changed")
        return EXIT_OK
    session = Session(project, saver=partial(save_project, preview=offscreen_preview))
    commit_outcome(session, args.target, args.file, spec, outcome)
    out = Path(args.out or args.project)
    session.save_project(out)
    state = "still marked illustrative" if layer.is_illustrative else "no longer illustrative"
    print(f"replaced {args.target}: {outcome.accepted} features from {Path(args.file).name}; "
          f"source: {layer.provenance.get('source')}; {state}")
    print(f"wrote {out}")
    return EXIT_OK
