"""QGIS-style filter expressions over a layer's attributes, evaluated by DuckDB.

Planners type what QGIS taught them: ``"area_km2" > 5 AND "status" = 'cleared'``, field names
in double quotes, text in single quotes, ``IN``, ``LIKE``/``ILIKE``, ``IS NULL``, ``NOT`` and
functions such as ``lower``, ``upper``, ``length``, ``abs``, ``round``, ``substr`` and
``coalesce``. DuckDB's SQL is that dialect, so it parses and evaluates the expression: numbers
compare as numbers because the column keeps its type, and a 1M-row filter takes about 0.2 s
(bench/table_filter.py). DuckDB reads the DataFrame in place; external access (files, network)
is switched off and only one expression is parsed, so a filter cannot read or change anything.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from hljgis.core.errors import InputError

#: QGIS conversion functions that DuckDB lacks, as macros (QGIS gives NULL when it cannot).
_MACROS = (
    "CREATE MACRO to_int(x) AS TRY_CAST(x AS BIGINT)",
    "CREATE MACRO to_real(x) AS TRY_CAST(x AS DOUBLE)",
    "CREATE MACRO to_string(x) AS CAST(x AS VARCHAR)",
)
EXAMPLE = "\"area_km2\" > 5 AND \"status\" = 'cleared'"


class ExpressionError(InputError):
    """An expression that cannot filter the table; the message is shown to the user.

    ``template`` is English text with ``{placeholders}`` (a GUI translates it, e.g. through
    Qt's ``tr``), ``params`` fill them.
    """

    def __init__(self, template: str, **params) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


def _connect():
    import duckdb  # imported here: only filtering needs it, and it takes ~0.1 s to load

    con = duckdb.connect(config={"enable_external_access": False, "threads": 2})
    for macro in _MACROS:
        con.execute(macro)
    con.execute("SET lock_configuration = true")
    return con


def _attributes(frame: pd.DataFrame, text: str) -> tuple[pd.DataFrame, list[str]]:
    """The attribute columns the expression can name, and all field names.

    Only columns whose name occurs in the text (ignoring case, as DuckDB does) are handed
    over: reading a column DuckDB will not use still costs ~0.05 s per 1M text values.
    Geometry is left out; with pandas' copy-on-write nothing is copied.
    """
    names = [c for c in frame.columns if getattr(frame[c].dtype, "name", "") != "geometry"]
    lowered = text.lower()
    used = [c for c in names if str(c).lower() in lowered]
    used = _one_per_case(used, text)
    attrs = pd.DataFrame(frame[used])
    attrs.columns = [str(c) for c in used]
    if not used:  # e.g. "1 = 1": DuckDB still needs one column to count the rows
        attrs = pd.DataFrame({"_hljgis_row": np.zeros(len(frame), dtype=np.int8)})
    return attrs, [str(c) for c in names]


def _one_per_case(used: list, text: str) -> list:
    """DuckDB matches names regardless of case, so of "Name" and "name" keep the one the
    expression quotes exactly; both, or an unquoted name, is an error (DuckDB would pick
    either)."""
    groups: dict[str, list] = {}
    for c in used:
        groups.setdefault(str(c).lower(), []).append(c)
    keep = []
    for same in groups.values():
        if len(same) > 1:
            quoted = [c for c in same if f'"{c}"' in text]
            if len(quoted) != 1:
                raise ExpressionError(
                    "fields {fields} differ only in upper/lower case and cannot be told "
                    "apart in an expression; rename one of them",
                    fields=", ".join(f"\u201c{c}\u201d" for c in same))
            same = quoted
        keep += same
    return [c for c in used if c in keep]


def _explain(exc: Exception, fields: list[str]) -> ExpressionError:
    """DuckDB's error -> a message a planner can act on."""
    text = str(exc).split("\n")[0]
    kind = type(exc).__name__
    if m := re.search(r'Referenced column "([^"]*)" not found', text):
        shown = ", ".join(f'"{f}"' for f in fields[:8]) + (" …" if len(fields) > 8 else "")
        return ExpressionError(
            "unknown field \u201c{field}\u201d (fields: {fields}); field names go in "
            "\"double quotes\", text values in 'single quotes'", field=m.group(1), fields=shown)
    if m := re.search(r"Cannot compare values of type (\w+) and type (\w+)", text):
        return ExpressionError(
            "a {left} value cannot be compared with a {right}; put text in 'single "
            "quotes', or convert a text field with to_real(\"field\")",
            left=_type_name(m.group(1)), right=_type_name(m.group(2)))
    if m := re.search(r'Function with name "?(\w+)"? does not exist', text):
        return ExpressionError(
            "unknown function \u201c{name}\u201d; try lower, upper, length, abs, round, "
            "substr, coalesce, to_int, to_real, to_string", name=m.group(1))
    if kind == "ParserException":
        near = re.search(r'at or near "?([^"]*)"?', text)
        return ExpressionError("syntax error near \u201c{near}\u201d; example: {example}",
                               near=near.group(1) if near else "end", example=EXAMPLE)
    if m := re.search(r"Could not convert string '(.*)' to \w+ when casting from source "
                      r"column (.+)$", text):
        return ExpressionError(
            "field \u201c{field}\u201d holds text such as '{value}'; put the value in 'single "
            "quotes', e.g. \"{field}\" = '{value}', or convert the field with "
            "to_real(\"{field}\")", field=m.group(2).strip('"'), value=m.group(1))
    if kind == "ConversionException":
        return ExpressionError("a value cannot be converted ({detail})",
                               detail=text.removeprefix("Conversion Error: "))
    detail = re.sub(r"^\w+ Error: ", "", text)
    return ExpressionError("{detail}", detail=detail or kind)


def _type_name(duck: str) -> str:
    duck = duck.upper()
    if duck.startswith(("VARCHAR", "STRING")):
        return "text"
    if duck.startswith(("INT", "BIGINT", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER",
                        "HUGEINT", "DOUBLE", "FLOAT", "DECIMAL", "REAL")):
        return "number"
    if duck.startswith(("DATE", "TIMESTAMP", "TIME")):
        return "date"
    if duck.startswith("BOOL"):
        return "true/false"
    return duck.lower()


def expression_mask(frame: pd.DataFrame, expr: str) -> np.ndarray:
    """Rows of ``frame`` where the QGIS-style expression ``expr`` is true.

    Parameters
    ----------
    frame : pandas.DataFrame
        The attributes (a GeoDataFrame's geometry column is ignored).
    expr : str
        e.g. ``"area_km2" > 5 AND "city" IN ('鹤岗', '鸡西')``; empty keeps every row.

    Returns
    -------
    numpy.ndarray
        One bool per row; NULL (unknown) counts as false, as in QGIS.

    Raises
    ------
    ExpressionError
        Unknown field or function, syntax error, text compared with a number, or an
        expression that is not a true/false condition.

    Examples
    --------
    >>> expression_mask(pd.DataFrame({"a": [1, 7]}), '"a" > 5').tolist()
    [False, True]
    """
    import duckdb

    text = expr.strip()
    if not text:
        return np.ones(len(frame), dtype=bool)
    attrs, fields = _attributes(frame, text)
    con = _connect()
    try:
        rel = con.from_df(attrs)
        try:
            value = rel.project(duckdb.SQLExpression(text))  # exactly one expression
            kind = str(value.types[0])
            if kind.upper() != "BOOLEAN":
                raise ExpressionError(
                    "the expression gives a {kind} for each row, not true or false; "
                    "compare it, e.g. {example}", kind=_type_name(kind), example=EXAMPLE)
            column = next(iter(value.fetchnumpy().values()))
        except duckdb.Error as exc:
            raise _explain(exc, fields) from None
    finally:
        con.close()
    mask = np.asarray(np.ma.filled(column, False), dtype=bool)  # NULL -> false
    if mask.shape != (len(frame),):
        raise ExpressionError("the expression must be true or false for each row")
    return mask


__all__ = ["EXAMPLE", "ExpressionError", "expression_mask"]
