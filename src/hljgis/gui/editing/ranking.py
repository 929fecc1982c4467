"""A ranking scenario whose candidates are the features of a drawn layer."""

from __future__ import annotations

import copy


def scenario_for_layer(session, layer_name: str, base: dict | None = None) -> str:
    """Store in the session's project, as one undoable step, a copy of ``base`` (a scenario
    dict; the project's first scenario or the ``sme-space`` preset when None) ranking
    ``layer_name``'s features, and return its key. The criteria and constraints are kept:
    they may use drawn layers too."""
    project = session.project
    if base is None:
        if project.scenarios:
            name, data = next(iter(project.scenarios.items()))
            base = {**data, "name": name}
        else:
            from hljgis.analysis.presets import preset

            base = preset("sme-space").to_dict()
    scenario = copy.deepcopy(base)
    root = str(scenario.get("name", "scenario")).split("--")[0]
    key = f"{root}--{layer_name.replace('_', '-')}"
    scenario["name"] = key
    scenario["candidates"] = {"kind": "layer", "layer": layer_name}
    layer = project.layer(layer_name)
    for lang, colon in (("", ": "), ("_zh", "：")):
        title = scenario.get(f"title{lang}") or ""
        scenario[f"title{lang}"] = f"{title}{colon}{layer.display_title(lang[1:] or 'en')}"
    session.store_scenario(key, scenario)
    return key
