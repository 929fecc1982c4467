"""Multi-criteria decision analysis for site ranking (Qt-free, pure numpy).

Criteria are turned into 0..1 scores (:mod:`~hljgis.analysis.transforms`), weighted
(:mod:`~hljgis.analysis.weights`: direct, AHP, group AHP), aggregated and ranked
(:mod:`~hljgis.analysis.aggregate`: WLC, TOPSIS) and stress-tested
(:mod:`~hljgis.analysis.sensitivity`). :func:`run_scenario` runs a whole
:class:`Scenario` (candidates, criteria, constraints; :mod:`~hljgis.analysis.presets` holds
``sme-space`` and ``place-making``) on a project.
"""

from hljgis.analysis.aggregate import rank_scores, topsis, wlc
from hljgis.analysis.candidates import filter_mask, grid_candidates, layer_candidates
from hljgis.analysis.constraints import Constraint
from hljgis.analysis.criteria import Criterion
from hljgis.analysis.presets import PRESETS, preset, preset_names
from hljgis.analysis.run import Cancelled, RankingResult, resolve_scenario, run_scenario
from hljgis.analysis.scenario import (
    CandidateSource,
    Scenario,
    ScenarioError,
    WeightSpec,
    load_scenario,
    save_scenario,
)
from hljgis.analysis.sensitivity import (
    MonteCarloResult,
    OneAtATimeResult,
    monte_carlo_weights,
    one_at_a_time,
)
from hljgis.analysis.transforms import (
    TransformSpec,
    categorical,
    fuzzy_decreasing,
    fuzzy_increasing,
    fuzzy_symmetric,
    linear,
    threshold,
)
from hljgis.analysis.weights import (
    RANDOM_INDEX,
    AHPResult,
    GroupAHPResult,
    InconsistentMatrixError,
    ahp,
    direct_weights,
    group_ahp,
    require_consistent,
)

__all__ = [
    "PRESETS",
    "RANDOM_INDEX",
    "AHPResult",
    "Cancelled",
    "CandidateSource",
    "Constraint",
    "Criterion",
    "GroupAHPResult",
    "InconsistentMatrixError",
    "MonteCarloResult",
    "OneAtATimeResult",
    "RankingResult",
    "Scenario",
    "ScenarioError",
    "TransformSpec",
    "WeightSpec",
    "ahp",
    "categorical",
    "direct_weights",
    "filter_mask",
    "fuzzy_decreasing",
    "fuzzy_increasing",
    "fuzzy_symmetric",
    "grid_candidates",
    "group_ahp",
    "layer_candidates",
    "linear",
    "load_scenario",
    "monte_carlo_weights",
    "one_at_a_time",
    "preset",
    "preset_names",
    "rank_scores",
    "require_consistent",
    "resolve_scenario",
    "run_scenario",
    "save_scenario",
    "threshold",
    "topsis",
    "wlc",
]
