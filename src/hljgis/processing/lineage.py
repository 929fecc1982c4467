"""Lineage of a processed layer: which operation, with which parameters, on which layers.

A processed layer's provenance carries a ``lineage`` record so a reader of the exported map
can trace a 2 km station buffer back to the station layer and its source. Inputs that were
themselves processed keep their own lineage inside, so a chain (buffer -> clip -> dissolve)
reads back to the original data. :func:`lineage_text` is what the sources note prints.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from hljgis import __version__
from hljgis.core.text import is_zh

#: Provenance keys copied from an input into its lineage record.
_INPUT_KEYS = ("source", "licence", "as_of", "accuracy_m", "illustrative")


def input_record(param: str, layer) -> dict[str, Any]:
    """What the lineage keeps of one input layer (including its own lineage)."""
    p = dict(layer.provenance or {})
    rec: dict[str, Any] = {"param": param, "name": layer.name, "title": layer.title}
    if layer.title_zh:
        rec["title_zh"] = layer.title_zh
    if layer.source_path:
        rec["source_path"] = layer.source_path
    rec.update({k: p[k] for k in _INPUT_KEYS if p.get(k) not in (None, "")})
    if getattr(layer, "is_illustrative", False):
        rec["illustrative"] = True
    if isinstance(p.get("lineage"), Mapping):
        rec["lineage"] = p["lineage"]
    return rec


def provenance_for(tool, params: Mapping[str, Any], inputs: Sequence[tuple[str, Any]],
                   notes: Sequence[str], crs, metric_crs) -> dict[str, Any]:
    """The provenance dict of a tool's result layer.

    ``source`` is the one-line lineage (so every place that shows a source shows it);
    ``accuracy_m`` is the worst of the inputs' (processing does not make data more exact);
    ``as_of`` the oldest input date; ``illustrative`` is inherited from any input.
    """
    records = [input_record(param, layer) for param, layer in inputs]
    lineage = {
        "operation": tool.name,
        "title": tool.title.en,  # the project file keeps the title / title_zh pair
        "title_zh": tool.title.zh,
        "parameters": {k: v for k, v in params.items()
                       if tool.param(k).kind != "layer"},
        "inputs": records,
        "crs": _crs_label(crs),
        "metric_crs": _crs_label(metric_crs) if tool.metric else None,
        "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "software": f"hljgis {__version__}",
    }
    prov: dict[str, Any] = {"lineage": lineage}
    accuracies = [float(r["accuracy_m"]) for r in records if _is_number(r.get("accuracy_m"))]
    if accuracies:
        prov["accuracy_m"] = max(accuracies)
    dates = sorted(str(r["as_of"]) for r in records if r.get("as_of"))
    if dates:
        prov["as_of"] = dates[0]
    if any(r.get("illustrative") for r in records):
        prov["illustrative"] = True
    licences = sorted({str(r["licence"]) for r in records if r.get("licence")})
    if licences:
        prov["licence"] = "; ".join(licences)
    if notes:
        prov["note"] = "; ".join(notes)
    prov["source"] = lineage_text(prov, "en")
    return prov


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _crs_label(crs) -> str | None:
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def lineage_text(provenance: Mapping[str, Any], lang: str = "en") -> str:
    """One line: "hljgis Buffer (distance_m 2000) of HSR stations [8 sources, see each
    feature]", nested for inputs that were processed themselves. Empty without lineage."""
    lineage = provenance.get("lineage") if provenance else None
    if not isinstance(lineage, Mapping):
        return ""
    return "hljgis " + _step(lineage, lang)


def _step(lineage: Mapping[str, Any], lang: str) -> str:
    zh = is_zh(lang)
    title = (lineage.get("title_zh") if zh else None) or lineage.get("title") \
        or lineage.get("operation", "?")
    params = _parameters(lineage.get("operation"), lineage.get("parameters") or {}, zh)
    inputs = []
    for rec in lineage.get("inputs") or []:
        name = (rec.get("title_zh") if zh else None) or rec.get("title") or rec.get("name")
        if isinstance(rec.get("lineage"), Mapping):
            origin = _step(rec["lineage"], lang)
        else:
            origin = str(rec.get("source") or _file_name(rec.get("source_path"))
                         or ("来源未记录" if zh else "source not recorded"))
            if rec.get("as_of"):
                origin += f"{'，截至' if zh else ', as of '}{rec['as_of']}"
        inputs.append(f"{name} [{origin}]")
    joined = ("、" if zh else ", ").join(inputs)
    if params:
        title = f"{title}（{params}）" if zh else f"{title} ({params})"
    return f"{title}{'：' if zh else ' of '}{joined}" if joined else title


def _file_name(path: str | None) -> str:
    return str(path).replace("\\", "/").rsplit("/", 1)[-1] if path else ""


def _parameters(operation: str | None, values: Mapping[str, Any], zh: bool) -> str:
    """The parameters worth printing, with their labels: the tool's main (first)
    parameter always, the others when they differ from the default."""
    from hljgis.processing.registry import TOOLS  # the registry imports this module

    tool = TOOLS.get(operation or "")
    if tool is None:
        return ", ".join(f"{k} {_value(v)}" for k, v in values.items()
                         if v not in (None, "", [], False))
    shown = []
    settings = [p for p in tool.params if p.kind != "layer" and p.name in values]
    for i, p in enumerate(settings):
        v = values[p.name]
        if v in (None, "", []) or (i and v == p.default):
            continue
        label = p.display_label("zh" if zh else "en")
        choice = {c.value: c.label.get("zh" if zh else "en") for c in p.choices}
        text = ("+".join(choice.get(x, x) for x in v) if isinstance(v, list)
                else choice.get(v, _value(v)) if isinstance(v, str) else _value(v))
        if isinstance(v, bool):
            text = ("是" if v else "否") if zh else ("yes" if v else "no")
        shown.append(f"{label} {text}{(' ' + p.unit) if p.unit else ''}")
    return ("；" if zh else "; ").join(shown)


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list | tuple):
        return "+".join(map(str, v))
    return str(v)
