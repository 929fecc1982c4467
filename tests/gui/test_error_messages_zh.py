"""Every error the scenario check and the PostGIS / project-store code can raise reads in
Chinese in the Chinese UI: the messages are collected from the source (f-strings of
``InputError(...)``, ``ScenarioError(...)`` and the scenario reader's ``fail(...)``), filled
with sample values and translated through the catalogue templates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hljgis.core.errors import InputError
from hljgis.gui.messages import error_text, translate_message

SRC = Path(__file__).resolve().parents[2] / "src" / "hljgis"
FILES = ("analysis/scenario.py", "io/postgis.py", "io/postgis_edit.py", "io/postgis_link.py",
         "io/postgis_sync.py", "io/project_store.py")
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Sample values: paths, names and numbers as the code fills them in.
SAMPLES = ("bureau@gis.local", "public", "parcels", "42", "geom", "3", "7", "x1")


def _sample(node: ast.AST, k: list[int]) -> str | None:
    """A message the string node makes, its {fields} filled with sample values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = ""
        for v in node.values:
            if isinstance(v, ast.Constant):
                out += str(v.value)
            else:
                out += SAMPLES[k[0] % len(SAMPLES)]
                k[0] += 1
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _sample(node.left, k), _sample(node.right, k)
        return a + b if a is not None and b is not None else None
    return None


def _messages():
    for rel in FILES:
        tree = ast.parse((SRC / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)
            if name not in ("InputError", "ScenarioError", "fail"):
                continue
            args = node.args[1:] if name in ("fail", "ScenarioError") else node.args
            for i, arg in enumerate(args):
                text = _sample(arg, [0])
                if not text:
                    continue
                if name == "fail" and i == 0:  # the problem: said of a field of a scenario
                    text = f"scenario 'sme space': criteria[0].weight {text}"
                elif name == "ScenarioError" and i == 1:
                    text = f"scenario 'sme space': {text}"
                yield f"{rel}:{node.lineno}", text


MESSAGES = sorted(set(_messages()))


def test_the_source_scan_finds_the_messages():
    assert len(MESSAGES) > 100
    assert any("cannot reach" in m for _, m in MESSAGES)
    assert any("must be at least" in m for _, m in MESSAGES)


@pytest.mark.parametrize(("where", "message"), MESSAGES, ids=[w for w, _ in MESSAGES])
def test_each_message_reads_in_chinese(qapp, where, message):
    zh = translate_message(message, "zh")
    latin_words = re.findall(r"\b[a-z]{4,}\b", re.sub(r"\b(?:[A-Z_]+|[a-z_]+\(|hljgis \w+ "
                                                      r"\w+)", "", zh))
    assert HAN.search(zh), (where, message, zh)
    # English words left over mean a part was not translated (SQL and commands excepted)
    allowed = {"bureau", "public", "parcels", "geom", "space", "criteria", "weight", "hljgis",
               "postgis", "dbname", "host", "port", "user", "service", "tables", "postgresql",
               "pgpass", "conf", "row_versions", "true", "false", "null", "attribute", "contains",
               "not_in", "local", "serial", "push", "pull", "list", "history", "merge", "copy",
               "conflict", "file", "psql", "field"}
    assert not [w for w in latin_words if w not in allowed], (where, message, zh)


def test_errors_are_shown_in_chinese_with_their_values(qapp):
    from hljgis.analysis.scenario import ScenarioError

    err = ScenarioError("sme space", "criteria[2].transform.lo", "must be at least 0, got -1")
    assert error_text(err, "zh") == \
        "情景“sme space”：criteria[2].transform.lo 不得小于 0，实际为 -1"
    err = InputError("cannot reach database bureau on gis.local: timeout expired.",
                     "Check host and port, that the bureau network is up and the server "
                     "running; work from a GeoPackage copy meanwhile (hljgis db pull).")
    assert error_text(err, "zh") == (
        "无法连接 database bureau on gis.local：timeout expired。\n\n"
        "请检查主机和端口、局内网络是否连通、服务器是否运行；在此期间可使用 GeoPackage 副本工作"
        "（hljgis db pull）。")
    assert error_text(err, "en").startswith("cannot reach database bureau")
