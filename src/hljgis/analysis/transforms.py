"""Transforms of raw criterion values to 0..1 scores: see :mod:`hljgis.core.transforms`.

The functions live in the core (pure numpy) so the project file can recompute a stored
ranking's normalised columns from its raw values (:mod:`hljgis.io.compact_layers`);
analysis code keeps importing them from here.
"""

from hljgis.core.transforms import (  # noqa: F401 - re-exported
    SHAPES,
    TRANSFORMS,
    TransformSpec,
    __all__,
    categorical,
    fuzzy_decreasing,
    fuzzy_increasing,
    fuzzy_symmetric,
    linear,
    minmax,
    threshold,
)
