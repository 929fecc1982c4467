"""The attribute table's search and statistics on plain frames (no Qt)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def test_text_mask_searches_numbers_only_for_a_needle_a_number_can_hold():
    from hljgis.core.table_search import text_mask

    frame = pd.DataFrame({"score": [0.125, np.nan, 12.5, 3.0], "name": ["Jixi e", None, "x", "y"],
                          "flag": [True, False, True, False],
                          "level": ["provincial", "national", None, "provincial"]})
    cols = list(frame.columns)
    cache: dict = {}
    assert text_mask(frame, cols, "12", cache).tolist() == [True, False, True, False]
    assert "score" in cache  # numbers as text, kept for the next keystroke
    cache.clear()
    assert text_mask(frame, cols, "JIXI", cache).tolist() == [True, False, False, False]
    assert "score" not in cache  # a word never looks in the numbers
    assert text_mask(frame, cols, "nan", cache).tolist() == [False] * 4  # NULL is no text
    assert text_mask(frame, cols, "true", cache).tolist() == [True, False, True, False]
    # a code is found by the label the table shows in the UI language
    assert text_mask(frame, cols, "省级", {}, "zh").tolist() == [True, False, False, True]
