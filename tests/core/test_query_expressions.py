"""QGIS-style attribute filters (core/expression.py): types, operators, errors, safety."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.core.expression import ExpressionError, expression_mask


@pytest.fixture
def zones():
    return gpd.GeoDataFrame(
        {
            "name_zh": ["鹤岗南山沉陷区", "鸡西城子河", "七台河新兴", "双鸭山岭东", None],
            "city": ["Hegang", "Jixi", "Qitaihe", "Shuangyashan", "Jixi"],
            "area_km2": [12.5, 3.0, 5.0, np.nan, 40.25],
            "households": [1200, 80, 5, 300, 9],
            "code": ["2", "10", "1", "3", "1500"],  # digits stored as text
            "area ha": [1.5, 2.5, 3.5, 4.5, 5.5],
        },
        geometry=shapely.points(np.arange(5.0), np.arange(5.0)),
        crs="EPSG:4490",
    )


def rows(frame, expr):
    return np.flatnonzero(expression_mask(frame, expr)).tolist()


@pytest.mark.parametrize(("expr", "expected"), [
    ('"area_km2" > 5', [0, 4]),  # the example: numbers compare as numbers
    ('"area_km2" >= 5', [0, 2, 4]),
    ('"households" > 100 AND "area_km2" < 20', [0]),
    ('"households" < 10 OR "area_km2" > 12', [0, 2, 4]),
    ('NOT "households" > 100', [1, 2, 4]),
    ("\"city\" = 'Jixi'", [1, 4]),
    ("\"city\" <> 'Jixi'", [0, 2, 3]),
    ("\"city\" IN ('Hegang', 'Qitaihe')", [0, 2]),
    ("\"city\" NOT IN ('Hegang', 'Qitaihe')", [1, 3, 4]),
    ("\"city\" LIKE 'J%'", [1, 4]),
    ("\"city\" LIKE 'j%'", []),  # LIKE is case-sensitive, as in QGIS
    ("\"city\" ILIKE 'j%'", [1, 4]),
    ("\"name_zh\" LIKE '%沉陷%'", [0]),
    ('"area_km2" IS NULL', [3]),
    ('"name_zh" IS NOT NULL AND "area_km2" IS NOT NULL', [0, 1, 2]),
    ("lower(\"city\") = 'hegang'", [0]),
    ("upper(\"city\") = 'JIXI'", [1, 4]),
    ('length("city") > 6', [2, 3]),
    ("substr(\"city\", 1, 2) = 'Qi'", [2]),
    ('abs("households" - 100) < 30', [1]),
    ('round("area_km2") = 40', [4]),
    ('coalesce("area_km2", 0) = 0', [3]),
    ('to_real("code") > 5', [1, 4]),  # a text field converted, as QGIS' to_real
    ('to_int("code") BETWEEN 2 AND 10', [0, 1, 3]),
    ('"area ha" < 3', [0, 1]),  # a field name with a space
    ("\"city\" || '-' || \"code\" = 'Jixi-10'", [1]),
    ('"households" % 2 = 0', [0, 1, 3]),
])
def test_qgis_expressions_filter_rows(zones, expr, expected):
    assert rows(zones, expr) == expected


def test_empty_expression_keeps_every_row(zones):
    assert expression_mask(zones, "  ").tolist() == [True] * 5


def test_null_never_matches(zones):
    # NULL area: neither > 5 nor <= 5, like QGIS
    both = expression_mask(zones, '"area_km2" > 5') | expression_mask(zones, '"area_km2" <= 5')
    assert both.tolist() == [True, True, True, False, True]


@pytest.mark.parametrize(("expr", "template_words", "param"), [
    ('"population" > 3', "unknown field", ("field", "population")),
    ('"area_km2" >', "syntax error", ("near", ">")),
    ('"code" > 5', "cannot be compared", ("left", "text")),
    ('"households" + 1', "not true or false", ("kind", "number")),
    ('"city" = 1', "holds text", ("field", "city")),
    ('"area ha" = 1 OR "name_zh" = 2', "holds text", ("field", "name_zh")),
    ('"city"', "not true or false", ("kind", "text")),
    ("frobnicate(\"city\") = 1", "unknown function", ("name", "frobnicate")),
])
def test_bad_expressions_say_what_is_wrong(zones, expr, template_words, param):
    with pytest.raises(ExpressionError) as info:
        expression_mask(zones, expr)
    err = info.value
    assert isinstance(err, InputError)
    assert template_words in err.template
    assert err.params[param[0]] == param[1]
    assert template_words in str(err)


def test_unknown_field_lists_the_fields(zones):
    with pytest.raises(ExpressionError) as info:
        expression_mask(zones, "\"status\" = 'cleared'")
    assert '"city"' in info.value.params["fields"]
    assert "geometry" not in info.value.params["fields"]


@pytest.mark.parametrize("expr", [
    "\"city\" = 'x') FROM t; DROP TABLE t; SELECT (1",
    "read_text('/etc/passwd') IS NOT NULL",
    "(SELECT count(*) FROM read_csv('/etc/passwd')) > 0",
    "\"city\" = 'x', 1",
])
def test_an_expression_cannot_reach_files_or_run_statements(zones, expr):
    with pytest.raises(ExpressionError):
        expression_mask(zones, expr)


def test_frame_without_geometry_and_with_non_text_column_names():
    frame = pd.DataFrame({0: [1, 2, 3], "when": pd.to_datetime(["2020-01-01", "2021-06-01",
                                                                 None])})
    assert rows(frame, '"0" >= 2') == [1, 2]
    assert rows(frame, "\"when\" > DATE '2020-12-31'") == [1]


def test_order_is_kept_on_a_large_frame():
    n = 300_000
    values = np.random.default_rng(1).random(n)
    frame = pd.DataFrame({"v": values})
    assert np.array_equal(expression_mask(frame, '"v" > 0.5'), values > 0.5)


def test_constant_expression_non_range_index_and_upper_case_field_names():
    frame = pd.DataFrame({"a": [1, 2, 3]}, index=[10, 5, 7])
    assert expression_mask(frame, "1 = 1").tolist() == [True, True, True]
    assert expression_mask(frame, '"A" > 1').tolist() == [False, True, True]
    assert expression_mask(frame.iloc[:0], '"a" > 1').tolist() == []


def test_fields_differing_only_by_case():
    frame = pd.DataFrame({"Name": ["a", "b"], "name": ["x", "y"]})
    assert expression_mask(frame, "\"name\" = 'x'").tolist() == [True, False]
    assert expression_mask(frame, "\"Name\" = 'b'").tolist() == [False, True]
    for expr in ("\"Name\" = 'a' OR \"name\" = 'y'", "name = 'x'"):
        with pytest.raises(ExpressionError, match="differ only in upper/lower case"):
            expression_mask(frame, expr)
