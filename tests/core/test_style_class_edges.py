"""Graduated classes: values a rounding error outside the outer limits stay in the outer
classes (the best sites of a ranking score 1.0000000000000002 by WLC)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hljgis.analysis.aggregate import wlc
from hljgis.analysis.ranking_vocab import ranking_style
from hljgis.core.style import symbol_classes


def test_perfect_wlc_score_is_in_the_top_class():
    perfect = wlc(np.ones((1, 6)), [2, 2, 3, 1, 1, 1])[0]
    values = [perfect, 1.0, 0.0, -1e-17, 0.5, 1.001, -0.001, np.nan]
    idx, _symbols = symbol_classes(ranking_style()["renderer"], pd.DataFrame({"score": values}))
    assert idx.tolist() == [4, 4, 0, 0, 2, -1, -1, -1]
