"""Which layers a scenario reads, and which of them are illustrative.

A ranking is only as sound as the layers its candidates, criteria and constraints read:
a site scored on an illustrative shanty-town outline rests on a stand-in, whatever the map
shows. Every ranking output (the dock, score cards, atlas table, CSV/GPKG, web map) names
these layers with :func:`illustrative_inputs`.
"""

from __future__ import annotations

from typing import Any


def scenario_layer_names(scenario) -> list[str]:
    """Layer names read by a scenario's candidates, criteria and constraints, in that order
    (each once)."""
    names = [getattr(scenario.candidates, "layer", None)]
    names += [getattr(c, "layer", None) for c in scenario.criteria]
    names += [getattr(c, "layer", None) for c in scenario.constraints]
    return list(dict.fromkeys(n for n in names if n))


def illustrative_inputs(project: Any, scenario) -> list:
    """The project's layers a scenario reads that hold illustrative features.

    Parameters
    ----------
    project : Project
    scenario : Scenario, dict or name
        Resolved like ``run_scenario`` does (project scenarios, presets, JSON files).

    Returns
    -------
    list of Layer
        In the order the scenario reads them; empty when it rests on records only.

    Examples
    --------
    >>> [layer.name for layer in illustrative_inputs(project, "sme-space")]  # doctest: +SKIP
    ['shanty_sites', 'subsidence_zones', 'pillar_industries']
    """
    from hljgis.analysis.run import resolve_scenario

    sc = resolve_scenario(scenario, project)
    out = []
    for name in scenario_layer_names(sc):
        if name in project:
            layer = project.layer(name)
            if layer.is_illustrative:
                out.append(layer)
    return out


__all__ = ["illustrative_inputs", "scenario_layer_names"]
