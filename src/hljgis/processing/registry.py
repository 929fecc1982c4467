"""The tool table (name -> :class:`~hljgis.processing.specs.Tool`) and the one runner.

:func:`run_tool` is what the processing dialog's worker thread, the CLI and notebooks call:
it resolves the layer parameters, types and checks the others, repairs invalid geometries
(counting them in a note), brings every input into the first input's CRS, runs the tool
with progress and cancel, returns the result in the first input's CRS and builds a new
layer whose provenance records the lineage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from pyproj import CRS

from hljgis.core.crs import CGCS2000, metric_crs_for, parse_crs, transform_bounds
from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.text import Text
from hljgis.processing import geometry, join, overlay, select
from hljgis.processing.inputs import align, repair
from hljgis.processing.job import Cancelled, Job, Progress
from hljgis.processing.lineage import provenance_for
from hljgis.processing.specs import Tool

#: Families in the order the dialog lists them, with their English and Chinese names.
FAMILIES = {
    "geometry": Text("Geometry", "几何"),
    "overlay": Text("Overlay", "叠加"),
    "join": Text("Join", "连接"),
    "select": Text("Select", "选择"),
}

TOOLS: dict[str, Tool] = {
    t.name: t for t in (*geometry.TOOLS, *overlay.TOOLS, *join.TOOLS, *select.TOOLS)
}


def get_tool(name: str | Tool) -> Tool:
    """The tool called ``name``; :class:`InputError` lists the tools there are."""
    if isinstance(name, Tool):
        return name
    try:
        return TOOLS[name]
    except KeyError:
        raise InputError(f"there is no processing tool '{name}'.",
                         f"Tools: {', '.join(TOOLS)}.") from None


@dataclass
class ToolResult:
    """A tool's output: the new layer (not yet in any project) and what to tell the planner."""

    layer: VectorLayer
    tool: Tool
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def run_tool(tool: str | Tool, params: Mapping[str, Any], source: Any = None, *,
             name: str | None = None, metric_crs: Any = None,
             progress: Progress | None = None,
             cancel: Callable[[], bool] | None = None) -> ToolResult:
    """Run a processing tool and return its result as a new layer.

    Parameters
    ----------
    tool : str or Tool
        A name of :data:`TOOLS` ("buffer", "clip", ...).
    params : mapping
        Parameter name -> value. Layer parameters take a layer name (looked up in
        ``source``), a :class:`VectorLayer` or a GeoDataFrame; the others text or values
        (see :meth:`Param.parse`).
    source : Project or mapping of name -> layer, optional
        Where layer names are found; a Project also gives the metric CRS.
    name : str, optional
        Name of the new layer (default ``<prefix>_<first input>``).
    metric_crs : CRS-like, optional
        Overrides the project's metric CRS (or the one chosen for the inputs' extent).
    progress, cancel : callables, optional
        ``progress(fraction, message)``; ``cancel()`` returning True stops the run with
        :class:`~hljgis.processing.job.Cancelled`.

    Raises
    ------
    InputError
        Unknown tool or parameter, a bad value, a missing layer or field, a layer of the
        wrong geometry type; the message names the parameter and what would fit.
    Cancelled
        When ``cancel()`` returned True.

    Examples
    --------
    >>> result = run_tool("buffer", {"layer": "hsr_stations", "distance_m": 2000}, project)
    >>> session.add_layers([result.layer])  # doctest: +SKIP
    """
    spec = get_tool(tool)
    values = dict(params)
    layer_values = {p.name: values.pop(p.name, None) for p in spec.layer_params}
    typed = spec.parse({k: v for k, v in values.items()})
    layers = {p.name: _resolve(spec, p, layer_values[p.name], source)
              for p in spec.layer_params}
    _check_fields(spec, typed, layers)
    first = layers[spec.layer_params[0].name]
    metric = parse_crs(metric_crs) if metric_crs is not None else _metric_crs(source, first)
    job = Job(metric, progress, cancel)
    job.report(0.0, f"{spec.title}: preparing the inputs")
    frames: dict[str, gpd.GeoDataFrame] = {}
    for p in spec.layer_params:
        layer = layers[p.name]
        gdf, repaired = repair(layer.gdf)
        if repaired:
            job.notes.append(f"{layer.title}: {repaired} invalid "
                             f"geometr{'y' if repaired == 1 else 'ies'} repaired with "
                             "make_valid before processing")
        if not gdf.crs.equals(first.crs):
            job.notes.append(f"{layer.title} was in {_crs_label(gdf.crs)}; brought to "
                             f"{_crs_label(first.crs)} (the CRS of {first.title})")
            gdf = align(gdf, first.crs)
        frames[p.name] = gdf
        job.check()
    job._span = (0.05, 0.95)
    result = spec.func(job, **frames, **typed)
    job._span = (0.0, 1.0)
    job.report(0.95, "building the new layer")
    if not spec.own_crs:
        result = align(result, first.crs)
    result = result.reset_index(drop=True)
    if not len(result):
        job.notes.append("the result has no features")
    title = spec.titles(Text(first.title, first.title_zh), typed)
    out = VectorLayer(
        result,
        name or f"{spec.name_prefix or spec.name}_{first.name}",
        title=title.en,
        title_zh=title.zh,
        theme="analysis",
        provenance=provenance_for(spec, typed, [(p.name, layers[p.name])
                                                for p in spec.layer_params],
                                  job.notes, result.crs, metric),
    )
    out.style = result_style(out.geometry_type)
    out.notes = list(job.notes)
    job.report(1.0, f"{spec.title}: {len(result)} features")
    return ToolResult(out, spec, typed, list(job.notes))


def result_style(geometry_type: str) -> dict:
    """A look that sets processed layers apart and lets the map show through polygons
    (a 2 km buffer drawn opaque would hide the stations it was made from)."""
    from hljgis.core.style import make_symbol, symbol_type_for

    kind = symbol_type_for(geometry_type)
    if kind == "fill":
        sym = make_symbol("fill", fill="#fd8d3c55", stroke="#d94801", stroke_width_mm=0.4)
    elif kind == "line":
        sym = make_symbol("line", stroke="#d94801", stroke_width_mm=0.6)
    else:
        sym = make_symbol("marker", fill="#d94801", stroke="#ffffff", size_mm=2.4)
    return {"version": 1, "renderer": {"kind": "single", "symbol": sym}}


def _resolve(spec: Tool, param, value: Any, source: Any) -> VectorLayer:
    """The VectorLayer a layer parameter names."""
    where = f"{spec.name}: parameter '{param.name}' ({param.label})"
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(f"{where} is missing.", "Name a vector layer.")
    if isinstance(value, gpd.GeoDataFrame):
        layer = VectorLayer(value, param.name)
    elif isinstance(value, VectorLayer):
        layer = value
    else:
        layers = _layers_of(source)
        if str(value) not in layers:
            raise InputError(f"{where}: there is no layer '{value}'.",
                             f"Layers: {', '.join(layers) or 'none'}.")
        layer = layers[str(value)]
        if not isinstance(layer, VectorLayer):
            raise InputError(f"{where}: '{value}' is a {layer.kind} layer.",
                             "Processing tools work on vector layers.")
    if param.geometry:
        family = layer.geometry_type
        if family not in param.geometry and family != "none":
            raise InputError(f"{where}: '{layer.name}' holds {family} features.",
                             f"Choose a layer of {' or '.join(param.geometry)} features.")
    return layer


def _layers_of(source: Any) -> dict[str, Any]:
    if source is None:
        return {}
    if hasattr(source, "layers") and not isinstance(source, Mapping):
        return {layer.name: layer for layer in source.layers}
    return {k: (v if not isinstance(v, gpd.GeoDataFrame) else VectorLayer(v, k))
            for k, v in dict(source).items()}


def _check_fields(spec: Tool, typed: dict, layers: dict[str, VectorLayer]) -> None:
    for p in spec.params:
        if p.kind not in ("field", "fields") or not typed.get(p.name):
            continue
        layer = layers[p.layer]
        columns = [c for c in layer.gdf.columns if c != layer.gdf.geometry.name]
        wanted = typed[p.name] if p.kind == "fields" else [typed[p.name]]
        missing = [f for f in wanted if f not in columns]
        if missing:
            raise InputError(f"{spec.name}: parameter '{p.name}': layer '{layer.name}' has no "
                             f"field {', '.join(map(repr, missing))}.",
                             f"Its fields: {', '.join(columns)}.")


def _metric_crs(source: Any, first: VectorLayer) -> CRS:
    """The project's metric CRS, or the Gauss-Kruger zone of the first input's extent."""
    if hasattr(source, "metric_crs"):
        return source.metric_crs()
    bounds = first.bounds if first.feature_count else (129.5, 44.5, 134.5, 48.5)
    crs = first.crs if first.feature_count else CGCS2000
    return metric_crs_for(transform_bounds(bounds, crs, CGCS2000), CGCS2000)


def _crs_label(crs) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


__all__ = ["FAMILIES", "TOOLS", "Cancelled", "ToolResult", "get_tool", "run_tool"]
