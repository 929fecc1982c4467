"""Multi-criteria decision analysis for site ranking (Qt-free, pure numpy).

Criteria are turned into 0..1 scores (:mod:`~hljgis.analysis.transforms`), weighted
(:mod:`~hljgis.analysis.weights`: direct, AHP, group AHP), aggregated and ranked
(:mod:`~hljgis.analysis.aggregate`: WLC, TOPSIS) and stress-tested
(:mod:`~hljgis.analysis.sensitivity`).
"""

from hljgis.analysis.aggregate import rank_scores, topsis, wlc
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
    "RANDOM_INDEX",
    "AHPResult",
    "GroupAHPResult",
    "InconsistentMatrixError",
    "MonteCarloResult",
    "OneAtATimeResult",
    "TransformSpec",
    "ahp",
    "categorical",
    "direct_weights",
    "fuzzy_decreasing",
    "fuzzy_increasing",
    "fuzzy_symmetric",
    "group_ahp",
    "linear",
    "monte_carlo_weights",
    "one_at_a_time",
    "rank_scores",
    "require_consistent",
    "threshold",
    "topsis",
    "wlc",
]
