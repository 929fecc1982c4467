"""``hljgis project new``: a project file made from the planner's data files.

The bundled East Heilongjiang layers come along (boundaries for the city and district of
each site, the layers the preset criteria use) unless ``--no-bundled``; a file's layer
named like a bundled one replaces it. Scenario JSON files can be stored in the project too.
"""

from __future__ import annotations

EXIT_OK = 0


def add_parser(sub) -> None:
    from hljgis.cli import _add_read_options

    project = sub.add_parser("project", help="make a project file from data files")
    psub = project.add_subparsers(dest="project_command", metavar="ACTION", required=True)
    new = psub.add_parser("new", help="new project (.hljgis.gpkg) from data files")
    new.add_argument("out", metavar="OUT", help="new project file, e.g. taoshan.hljgis.gpkg")
    new.add_argument("files", nargs="*", metavar="[NAME=]FILE",
                     help="data files to add (NAME= names the layer a scenario uses)")
    new.add_argument("--no-bundled", action="store_true",
                     help="leave out the bundled East Heilongjiang layers")
    new.add_argument("--scenario", action="append", default=[], metavar="JSON",
                     help="store this scenario file in the project (repeat it)")
    new.add_argument("--title", help="project title (default: from the file name)")
    new.add_argument("--title-zh", help="project title in Chinese")
    _add_read_options(new)


def run(args) -> int:
    """Build the project from the files and save it, never over an existing file."""
    from pathlib import Path

    from hljgis.analysis.scenario import load_scenario
    from hljgis.cli import _read_options
    from hljgis.core.errors import InputError
    from hljgis.export.project_picture import offscreen_preview
    from hljgis.io.project_build import add_data, base_project
    from hljgis.io.project_file import PROJECT_SUFFIX, save_project

    out = Path(args.out)
    if not out.name.endswith(PROJECT_SUFFIX):
        raise InputError(f"{out.name}: a project file's name ends in {PROJECT_SUFFIX}.",
                         f"Name it e.g. {out.name.split('.')[0]}{PROJECT_SUFFIX}.")
    if out.exists():
        raise InputError(f"{out} exists already; 'project new' never overwrites a file.",
                         "Choose a new name, or delete the old file first.")
    if not args.files and args.no_bundled:
        raise InputError("no data files and --no-bundled: the project would be empty.",
                         "Give the data files to put in it.")
    scenarios = [load_scenario(path) for path in args.scenario]  # bad JSON fails first
    project = base_project(bundled=not args.no_bundled)
    title = args.title or out.name.removesuffix(PROJECT_SUFFIX)
    project.set_metadata(title=title, title_zh=args.title_zh or "")
    added = add_data(project, args.files, **_read_options(args))
    for sc in scenarios:
        project.set_scenario(sc.name, sc.to_dict())
    save_project(project, out, preview=offscreen_preview)  # a large one opens at once
    for layer, note in added:
        size = f"{layer.feature_count} features" if hasattr(layer, "feature_count") else \
            "raster"
        print(f"layer {layer.name}: {size}, {layer.crs.to_string() if layer.crs else 'no CRS'}"
              + (f"; {note}" if note else ""))
    crs = project.metric_crs()
    print(f"wrote {out}: {len(project)} layers"
          + (f", scenarios {', '.join(sc.name for sc in scenarios)}" if scenarios else "")
          + f"; analysis CRS {crs.to_string()} ({crs.name})")
    return EXIT_OK
