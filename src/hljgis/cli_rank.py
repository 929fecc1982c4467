"""``hljgis rank``: rank candidate sites of a project, or of plain data files, with a scenario.

Plain data: the candidates from a file (any source ``read_file`` reads) and its layer,
extra layers from files (``--add stops=bus_stops.geojson``), a scenario from a JSON file,
the bundled East Heilongjiang layers as the base (``--no-bundled`` leaves them out), and
``--crs`` for the analysis CRS (default: the auto-chosen CGCS2000 Gauss-Kruger zone). The
result keeps the candidates' own fields and is written in their CRS unless ``--out-crs``
says otherwise.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0


def add_options(p: argparse.ArgumentParser) -> None:
    """The plain-data options of ``rank`` (the project options stay in cli.py)."""
    p.add_argument("--candidates", metavar="[NAME=]FILE",
                   help="candidate sites (polygons or points) from a data file; replaces the "
                        "scenario's candidates")
    p.add_argument("--candidates-layer", metavar="LAYER",
                   help="layer of a multi-layer candidates file")
    p.add_argument("--add", action="append", default=[], metavar="[NAME=]FILE",
                   help="add the layers of a data file (repeat it); NAME= names the layer "
                        "the scenario uses, replacing a bundled layer of that name")
    p.add_argument("--id-field", help="candidates' field with site ids")
    p.add_argument("--name-field", help="candidates' field with site names")
    p.add_argument("--no-bundled", action="store_true",
                   help="without a project, leave out the bundled East Heilongjiang layers")
    p.add_argument("--crs", help="analysis CRS in metres (default: the auto-chosen CGCS2000 "
                                 "Gauss-Kruger zone)")
    p.add_argument("--out-crs", help="CRS of the results (default: the candidates' CRS)")
    p.add_argument("--encoding", help="attribute text encoding of the data files, e.g. GBK "
                                      "(default: .cpg, then detection)")
    p.add_argument("--assume-crs", metavar="CRS",
                   help="CRS of data files that have none (never overrides a file's own)")


def run(args) -> int:
    """Load the data, run the scenario, write the results and print the best sites."""
    from dataclasses import replace

    from hljgis.analysis import InconsistentMatrixError, run_scenario
    from hljgis.analysis.run import resolve_scenario
    from hljgis.core.crs import parse_crs
    from hljgis.core.errors import InputError
    from hljgis.export.rank_files import write_rank_files
    from hljgis.io.postgis import is_pg_source, write_ranking
    from hljgis.io.project_file import PROJECT_SUFFIX

    opts = {"encoding": args.encoding, "assume_crs": args.assume_crs}
    project, candidates = _load(args, opts)
    crs = _metric(args.crs) if args.crs else None
    try:
        sc = _with_candidates(resolve_scenario(args.scenario, project), candidates, args)
        _check_layers(sc, project)
        result = run_scenario(project, sc, city=args.city, year=args.year, crs=crs)
    except InconsistentMatrixError as exc:
        raise InputError(f"scenario '{args.scenario}': weights.matrix: {exc}",
                         "Revise the pairwise judgements or use direct weights.") from exc
    src = result.scenario.candidates
    out_crs = parse_crs(args.out_crs) if args.out_crs else (
        project.layer(src.layer).crs if src.kind == "layer" else result.gdf.crs)
    out_result = replace(result, gdf=_in_crs(result, project, out_crs, args.city))
    layer = out_result.layer()
    if is_pg_source(args.out):  # back into the bureau's database, with the scenario's metadata
        write_ranking(out_result, args.out)
        warning = write_rank_files(project, result, layer, None, args.csv)
    elif args.out.lower().endswith(PROJECT_SUFFIX):
        warning = write_rank_files(project, result, layer, None, args.csv)
        _into_project(project, result, args.out)
    else:
        warning = write_rank_files(project, result, layer, args.out, args.csv)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    _print(result, args)
    return EXIT_OK


def _in_crs(result, project, out_crs, city):
    """The result frame in ``out_crs``. Written back in the candidates' own CRS, each site
    keeps its geometry as read, not one reprojected there and back (which moves
    coordinates in their last digits): when every candidate is a site, in its order."""
    gdf = result.gdf
    src = result.scenario.candidates
    if gdf.crs is None or gdf.crs.equals(out_crs):
        return gdf
    if src.kind == "layer" and not src.where and not city:
        cand = project.layer(src.layer).gdf
        if len(cand) == len(gdf) and cand.crs is not None and cand.crs.equals(out_crs):
            name = gdf.geometry.name
            geoms = cand.geometry.rename(name).set_axis(gdf.index)
            out = gdf.drop(columns=name).join(geoms)[list(gdf.columns)]
            return out.set_geometry(name, crs=out_crs)
    return gdf.to_crs(out_crs)


def _into_project(project, result, out: str) -> None:
    """Add the ranking to the project and save it as ``out``: a re-run of the scenario
    replaces its layer; the project file stores it compactly (io.compact_layers)."""
    from hljgis.analysis.ranking_layer import ranking_layer
    from hljgis.core.session import Session
    from hljgis.export.project_picture import offscreen_preview
    from hljgis.io.project_file import save_project

    layer = ranking_layer(result)  # in the run's metric CRS: the project file keeps the grid
    Session(project).put_result_layer(layer)
    save_project(project, out, preview=offscreen_preview)


def _load(args, opts: dict):
    """(project, candidates layer or None) from the positional source and the options."""
    from hljgis.core.errors import InputError
    from hljgis.io.project_build import add_data, base_project, layer_spec, put_layer, read_vector
    from hljgis.io.project_file import is_project_file, load_project

    cand_spec = args.candidates
    if args.project and is_project_file(args.project):
        project = load_project(args.project)
        from hljgis.cli import warn_stored_copies

        warn_stored_copies(project)
    else:
        if args.project and cand_spec:
            raise InputError(f"{args.project} is not an hljgis project, and --candidates is "
                             "given too.", "Give the candidates once: as the first argument "
                             "or with --candidates.")
        if not (args.project or cand_spec):
            raise InputError("no project and no candidates were given.",
                             "Give a project file (.hljgis.gpkg) or a data file of candidate "
                             "sites, e.g. hljgis rank parcels.shp --scenario s.json --out r.gpkg.")
        cand_spec = cand_spec or args.project
        project = base_project(bundled=not args.no_bundled)
    for layer, note in add_data(project, args.add, **opts):
        print(f"added layer {layer.name}" + (f": {note}" if note else ""))
    candidates = None
    if cand_spec:
        name, source = layer_spec(cand_spec)
        # sites may be points and polygons in one layer (surveyed outlines where there
        # are some, points elsewhere): one candidates layer, not one per geometry family
        candidates = read_vector(source, layer=args.candidates_layer,
                                 what="candidates file", split_mixed=False, **opts)
        candidates.name = name or candidates.name
        note = put_layer(project, candidates)
        print(f"candidates: layer {candidates.name}, {candidates.feature_count} features"
              + (f" ({note})" if note else ""))
        blank = _without_geometry(candidates.gdf)
        if blank:
            print(f"warning: {blank} candidates have no geometry (NULL or empty): they are "
                  "not measured, and the scenario's nan_policy decides (by default they are "
                  "excluded, 'no value for ...').", file=sys.stderr)
    return project, candidates


def _without_geometry(gdf) -> int:
    import shapely

    geoms = gdf.geometry.values
    return int((shapely.is_missing(geoms) | shapely.is_empty(geoms)).sum())


def _metric(text: str):
    from hljgis.core.crs import parse_crs
    from hljgis.core.errors import InputError

    crs = parse_crs(text)
    if not crs.is_projected:
        raise InputError(f"--crs {text} ({crs.name}) is not a projected CRS in metres; "
                         "distances would be in degrees.",
                         "Give a Gauss-Kruger CRS, e.g. EPSG:4553 (CGCS2000 CM 132E), or leave "
                         "--crs out to let hljgis choose.")
    return crs


def _with_candidates(sc, candidates, args):
    """The scenario ranking the given candidates layer, with the id/name fields asked for."""
    from hljgis.analysis.scenario import CandidateSource

    src = sc.candidates
    if candidates is not None:
        own = src.kind == "layer"  # a layer scenario's filter and fields describe these sites
        src = CandidateSource(kind="layer", layer=candidates.name,
                              where=src.where if own else None,
                              id_field=src.id_field if own else None,
                              name_field=src.name_field if own else None,
                              city_field=src.city_field if own else "city")
    src.id_field = args.id_field or src.id_field
    src.name_field = args.name_field or src.name_field
    sc.candidates = src
    return sc


def _check_layers(sc, project) -> None:
    """Every layer the scenario names is loaded; the message says how to add one."""
    from hljgis.core.errors import InputError

    uses = [("candidates.layer", sc.candidates.layer)]
    uses += [(f"criteria[{k}].layer", c.layer) for k, c in enumerate(sc.criteria)]
    uses += [(f"constraints[{k}].layer", c.layer) for k, c in enumerate(sc.constraints)]
    loaded = project.layer_names()
    for path, name in uses:
        if name and name not in loaded:
            raise InputError(
                f"scenario '{sc.name}': {path} names layer '{name}', which is not loaded.",
                f"Add it with --add {name}=FILE, or name one of the loaded layers: "
                f"{', '.join(loaded) or 'none'}.")


def _print(result, args) -> None:
    gdf, sc = result.gdf, result.scenario
    ranked = int(gdf["rank"].notna().sum())
    print(f"scenario {sc.name}: {sc.title.en}; planning year {sc.planning_year}; "
          f"{ranked} of {len(gdf)} sites ranked, {int(gdf['excluded'].sum())} excluded")
    names = [c.name for c in sc.criteria]
    top = result.top(args.top)
    contrib = top[[f"contrib_{n}" for n in names]].to_numpy()
    print(f"{'rank':>4}  {'site':<32} {'city':<13} {'score':>6}  top contributions")
    for i, (_, row) in enumerate(top.iterrows()):  # prints at most --top rows
        best = contrib[i].argsort()[::-1][:3]
        parts = ", ".join(f"{names[j]} {contrib[i, j]:.2f}" for j in best)
        print(f"{int(row['rank']):>4}  {_fit(row['site_name'], 32)} {_fit(row['city'], 13)} "
              f"{row['score']:6.3f}  {parts}")
    print(f"wrote {len(gdf)} sites to {args.out}" + (f" and {args.csv}" if args.csv else ""))


def _fit(value, width: int) -> str:
    """``value`` cut or padded to ``width`` terminal columns (a Chinese character takes 2)."""
    import unicodedata

    out, used = [], 0
    for ch in str(value):
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)
