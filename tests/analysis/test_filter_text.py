"""The one-line filter form round-trips with the scenario's clauses."""

from __future__ import annotations

import pandas as pd
import pytest

from hljgis.analysis.candidates import filter_mask
from hljgis.analysis.filter_text import text_to_where, where_to_text
from hljgis.analysis.presets import PRESETS


def test_parse_every_operator():
    assert text_to_where("status in opened, planned; year >= 2020; kind != park; "
                         "lead contains graphite; code not in \"07\", 8") == [
        {"field": "status", "in": ["opened", "planned"]},
        {"field": "year", "op": ">=", "value": 2020},
        {"field": "kind", "op": "!=", "value": "park"},
        {"field": "lead", "contains": "graphite"},
        {"field": "code", "not_in": ["07", 8]},
    ]
    assert text_to_where("  ") is None
    assert text_to_where("状态 in 已开通，规划；y = 1.5") == [
        {"field": "状态", "in": ["已开通", "规划"]}, {"field": "y", "op": "==", "value": 1.5}]


def test_unreadable_clause_is_named():
    with pytest.raises(ValueError, match=r"clause 2 \('status opened'\)"):
        text_to_where("a > 1; status opened")


def test_every_preset_filter_round_trips():
    found = 0
    for data in PRESETS.values():
        for item in [*data["criteria"], *data.get("constraints", []), data["candidates"]]:
            if item.get("where"):
                found += 1
                where = item["where"]
                clauses = [where] if isinstance(where, dict) else where
                assert text_to_where(where_to_text(where)) == clauses
    assert found >= 3


def test_parsed_filter_selects_the_same_rows():
    df = pd.DataFrame({"status": ["opened", "planned", "closed"], "y": [2010, 2030, 2040]})
    where = text_to_where("status in opened, planned; y > $year")
    assert filter_mask(df, where, year=2025).tolist() == [False, True, False]
