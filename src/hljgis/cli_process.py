"""``hljgis process TOOL``: run a processing tool headless on files or a project's layers.

    hljgis process                                  # list the tools and their parameters
    hljgis process buffer --input stations.geojson --param distance_m=2000 --out buf.gpkg
    hljgis process clip --input layer=rivers.gpkg --input mask=city.gpkg --out r.gpkg
    hljgis process buffer --project p.hljgis.gpkg --input hsr_stations \\
        --param distance_m=2000 --name hsr_2km     # adds the layer to the project and saves

Inputs are files (``FILE`` or ``FILE#layer`` for one layer of a multi-layer file) or, with
``--project``, layer names of the project. Without ``param=`` an input goes to the tool's
next layer parameter. The written file gets a ``.lineage.json`` beside it with the new
layer's provenance (operation, parameters, inputs and their sources).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK = 0


def add_parser(sub) -> argparse.ArgumentParser:
    """Register ``process`` on the CLI's subparsers (the tool table is read only on run,
    so ``hljgis --help`` stays quick)."""
    p = sub.add_parser(
        "process", help="run a processing tool (buffer, clip, spatial join, ...)",
        description="Run a processing tool. Without TOOL, lists the tools and parameters.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  hljgis process buffer --input stations.geojson --param distance_m=2000 "
               "--out buf.gpkg\n"
               "  hljgis process clip --input rivers.gpkg --input mask=city.gpkg --out r.gpkg\n"
               "  hljgis process buffer --project p.hljgis.gpkg --input hsr_stations "
               "--param distance_m=2000 --name hsr_2km")
    p.add_argument("tool", nargs="?", metavar="TOOL", help="tool name (omit to list them)")
    p.add_argument("--input", action="append", default=[], metavar="[PARAM=]SOURCE",
                   help="input layer: a file (FILE#layer for one layer of a GeoPackage) or, "
                        "with --project, a layer name; repeat for tools with two inputs")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="tool parameter, e.g. distance_m=2000 or fields=a,b; repeatable")
    p.add_argument("--out", help="write the result to this .gpkg, .geojson or .csv")
    p.add_argument("--project", help="project file (.hljgis.gpkg): inputs may be its layer "
                                     "names, and the result is added to it and saved")
    p.add_argument("--name", help="name of the new layer (default <tool>_<input>)")
    p.add_argument("--assume-crs", metavar="CRS",
                   help="CRS of input files that have none, e.g. EPSG:4490")
    p.add_argument("--encoding", help="attribute text encoding of input files, e.g. GBK")
    return p


def run(args) -> int:
    """Run ``hljgis process``; :class:`InputError` becomes exit 2 in :func:`hljgis.cli.main`."""
    from hljgis.core.errors import InputError
    from hljgis.processing import get_tool, run_tool

    if not args.tool:
        print(describe_tools())
        return EXIT_OK
    tool = get_tool(args.tool)
    if not args.out and not args.project:
        raise InputError(f"process {tool.name}: nowhere to put the result.",
                         "Give --out FILE, or --project P (with --name NEW) to add it there.")
    project = None
    if args.project:
        from hljgis.io.project_file import load_project

        project = load_project(args.project)
    params = _params(args.param, tool)
    params.update(_inputs(args, tool, project))
    if args.out:
        _refuse_overwriting_inputs(args.out, params)

    def progress(fraction: float, message: str) -> None:
        print(f"\r{fraction:4.0%} {message:<60.60}", end="", file=sys.stderr, flush=True)

    result = run_tool(tool, params, project, name=args.name,
                      progress=progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    layer = result.layer
    for note in result.notes:
        print(f"note: {note}")
    print(f"{tool.name}: {layer.feature_count} features, layer {layer.name!r} "
          f"({layer.title}); CRS {_crs_label(layer.crs)}")
    print(f"lineage: {layer.provenance.get('source', '')}")
    if args.out:
        from hljgis.io.atomic import atomic_target
        from hljgis.io.writers import write_layer

        out = write_layer(layer, args.out)
        side = out.with_name(out.name + ".lineage.json")
        with atomic_target(side) as tmp:
            Path(tmp).write_text(json.dumps(layer.provenance, ensure_ascii=False, indent=2,
                                            default=str), encoding="utf-8")
        print(f"wrote {out} and {side.name}")
    if project is not None:
        from hljgis.export.project_picture import offscreen_preview
        from hljgis.io.project_file import save_project

        project.add_layer(layer)
        save_project(project, args.project, preview=offscreen_preview)
        print(f"added layer {layer.name!r} to {args.project}")
    return EXIT_OK


def describe_tools() -> str:
    """The tools and their parameters, as ``hljgis process`` prints them."""
    from hljgis.processing import FAMILIES, TOOLS

    lines = ["Processing tools (hljgis process TOOL --input ... --param NAME=VALUE ...):"]
    for family, title in FAMILIES.items():
        lines.append(f"\n{title.en} / {title.zh}")
        for tool in (t for t in TOOLS.values() if t.family == family):
            lines.append(f"  {tool.name:<20} {tool.description.en} ({tool.title.zh})")
            for p in tool.params:
                lines.append("      " + _param_line(p))
    return "\n".join(lines)


def _param_line(p) -> str:
    kind = {"layer": "input layer", "field": "field of " + p.layer,
            "fields": "fields of " + p.layer + " (a,b,...)"}.get(p.kind, p.kind)
    extra = []
    if p.choices:
        extra.append("one of " + "|".join(p.choice_values()) if p.kind == "choice"
                     else "any of " + ",".join(p.choice_values()))
    if p.unit:
        extra.append(f"in {p.unit}")
    if p.default not in (None, "", []):
        extra.append(f"default {p.default:g}" if isinstance(p.default, float)
                     else f"default {p.default}")
    if p.geometry:
        extra.append(" or ".join(p.geometry))
    return f"{p.name:<12} {p.label} [{kind}{'; ' if extra else ''}{'; '.join(extra)}]"


def _params(items: list[str], tool) -> dict:
    from hljgis.core.errors import InputError

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r} is not NAME=VALUE.",
                             f"e.g. --param {tool.params[-1].name}=...")
        tool.param(key.strip())  # names the parameters there are if unknown
        out[key.strip()] = value.strip()
    return out


def _inputs(args, tool, project) -> dict:
    """Layer parameter -> layer: a project layer name or a file read with hljgis' readers."""
    from hljgis.core.errors import InputError

    slots = [p.name for p in tool.layer_params]
    out: dict = {}
    for item in args.input:
        key, sep, value = item.partition("=")
        if sep and key in slots:
            name, source = key, value
        else:
            free = [s for s in slots if s not in out]
            if not free:
                raise InputError(f"process {tool.name}: too many --input ({item!r}).",
                                 f"It takes {len(slots)}: {', '.join(slots)}.")
            name, source = free[0], item
        if name in out:
            raise InputError(f"process {tool.name}: input '{name}' given twice.")
        out[name] = _layer(source, project, args)
    missing = [s for s in slots if s not in out]
    if missing:
        raise InputError(f"process {tool.name}: no input for {', '.join(missing)}.",
                         f"Add --input {missing[0]}=FILE" +
                         (" or a layer name of the project." if project else "."))
    return out


def _layer(source: str, project, args):
    """The layer a --input names (a project layer first, then a file)."""
    from hljgis.core.errors import InputError
    from hljgis.core.layer import VectorLayer
    from hljgis.io.readers import read_file

    if project is not None and source in project:
        return project.layer(source)
    path, _, table = source.partition("#")
    if not Path(path).exists():
        known = f" Layers of the project: {', '.join(project.layer_names())}." if project else ""
        raise InputError(f"--input {source!r} is " +
                         ("neither a file nor a layer of the project." if project
                          else "not a file."),
                         "Check the path." + known)
    opts = {"assume_crs": args.assume_crs, "encoding": args.encoding}
    if table:
        opts["layer"] = table
    layers = [lyr for lyr in read_file(path, **opts) if isinstance(lyr, VectorLayer)]
    if len(layers) != 1:
        names = ", ".join(lyr.name for lyr in layers)
        raise InputError(f"{path} holds {len(layers)} vector layers ({names}).",
                         f"Pick one with {path}#LAYER.")
    return layers[0]


def _refuse_overwriting_inputs(out: str, params: dict) -> None:
    from hljgis.core.errors import InputError

    target = Path(out).resolve()
    for value in params.values():
        src = getattr(value, "source_path", None)
        if src and Path(src).resolve() == target:
            raise InputError(f"--out {out} is an input file; processing never overwrites "
                             "its input.", "Write to a new file.")


def _crs_label(crs) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name
