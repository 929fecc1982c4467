"""A project from the planner's own data files, the bundled layers optional.

What ``hljgis project new`` and ``hljgis rank`` on plain files share: a base project (the
bundled East Heilongjiang project, or an empty one) and layers added from anything
:func:`~hljgis.io.readers.read_file` reads, each named after its layer or as the planner
says (``stops=bus_stops.geojson``). A planner's layer named like a bundled one replaces it
in place: their data comes first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hljgis.core.errors import InputError
from hljgis.core.layer import Layer, VectorLayer
from hljgis.core.project import Project

__all__ = ["add_data", "base_project", "layer_spec", "read_vector"]

_NAME = re.compile(r"^[^\W\d][\w-]*$")  # a layer name: letters (Chinese too), digits, _ -


def base_project(bundled: bool = True) -> Project:
    """The bundled project (its layers, bookmarks, tables), or an empty one in CGCS2000.

    Raises
    ------
    InputError
        If the bundled project is asked for but missing from this installation.
    """
    if not bundled:
        return Project()
    from hljgis.io.bundled import bundled_project_path
    from hljgis.io.project_file import load_project

    path = bundled_project_path()
    if not path.exists():
        raise InputError(f"the bundled East Heilongjiang project is missing ({path}).",
                         "Leave it out with --no-bundled, or reinstall hljgis.")
    project = load_project(path)
    project.path = None
    return project


def layer_spec(text: str) -> tuple[str | None, str]:
    """``"stops=bus.geojson"`` -> ("stops", "bus.geojson"); a bare source -> (None, source).

    Only a plain name before the first ``=`` counts, so ``PG:dbname=x`` and paths stay whole.
    """
    name, sep, source = text.partition("=")
    if sep and _NAME.match(name) and source:
        return name, source
    return None, text


def read_vector(source: str, *, layer: str | None = None, what: str = "file",
                **options) -> VectorLayer:
    """The one vector layer of ``source`` (or its ``layer``), refusing several or none."""
    from hljgis.io.readers import read_file

    layers = [lyr for lyr in read_file(source, layer=layer, **options)
              if isinstance(lyr, VectorLayer)]
    if len(layers) != 1:
        names = ", ".join(lyr.name for lyr in layers) or "none"
        raise InputError(f"{what} {source} holds {len(layers)} vector layers ({names}); one is "
                         "needed.", "Pick one with --candidates-layer NAME.")
    return layers[0]


def add_data(project: Project, specs: Iterable[str], **options) -> list[tuple[Layer, str]]:
    """Read each ``[NAME=]SOURCE`` and add its layers to ``project``.

    Parameters
    ----------
    project : Project
    specs : iterable of str
        Files (or anything ``read_file`` reads); ``NAME=`` names the layer (the source must
        then hold one layer).
    **options
        :class:`~hljgis.io.readers.ReadOptions` fields (encoding, assume_crs, ...).

    Returns
    -------
    list of (Layer, note)
        Each added layer and "" or what it replaced.
    """
    from hljgis.io.readers import read_file

    added = []
    for spec in specs:
        name, source = layer_spec(spec)
        layers = read_file(source, **options)
        if name is not None:
            if len(layers) != 1:
                raise InputError(f"{source} holds {len(layers)} layers; '{name}=' names one.",
                                 "Give the file without a name to add all its layers.")
            layers[0].name = name
        for layer in layers:
            added.append((layer, put_layer(project, layer)))
    return added


def put_layer(project: Project, layer: Layer) -> str:
    """Add ``layer``; one of the same name is replaced in its place. Returns a note."""
    if layer.name not in project:
        project.add_layer(layer)
        return ""
    index = project.layer_names().index(layer.name)
    old = project.remove_layer(layer.name)
    project.add_layer(layer, index)
    return f"replaces the layer '{old.name}' ({old.title or old.name})"
