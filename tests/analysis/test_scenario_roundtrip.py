"""Scenario files keep their format when the texts are :class:`~hljgis.core.text.Text`.

``data/scenario_roundtrip.json`` was written by main at 6f85c11, before the ``title`` /
``title_zh`` (``purpose``, ``rationale``, ``reason``) string pairs became one Text each:
for every preset, every scenario of the bundled project (as read, and after
:func:`fill_chinese_from_preset`) and a hand-written scenario with partial texts, the
input dict and what ``Scenario.from_dict(...).to_dict()`` gave. The same input must give
the same dict, in the same key order, so saved files stay byte-identical.
"""

import json
from pathlib import Path

import pytest

from hljgis.analysis.presets import fill_chinese_from_preset, preset
from hljgis.analysis.scenario import Scenario, load_scenario, save_scenario

CASES = json.loads((Path(__file__).parent / "data" / "scenario_roundtrip.json")
                   .read_text(encoding="utf-8"))


def _dump(d: dict) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_to_dict_is_what_main_wrote(case):
    kind, name = case.split(":")
    data = CASES[case]
    if kind == "preset":
        got = preset(name).to_dict()
    elif kind.endswith("-filled"):
        got = fill_chinese_from_preset(Scenario.from_dict(data["in"], name)).to_dict()
    else:
        got = Scenario.from_dict(data["in"], name).to_dict()
    assert got == data["out"]
    assert _dump(got) == _dump(data["out"])  # same key order: same bytes on disk


@pytest.mark.parametrize("case", sorted(CASES))
def test_saved_file_reads_back_to_the_same_dict(case, tmp_path):
    written = Scenario.from_dict(CASES[case]["out"])
    path = save_scenario(written, tmp_path / "s.json")
    assert path.read_text(encoding="utf-8") == _dump(CASES[case]["out"]) + "\n"
    assert load_scenario(path).to_dict() == CASES[case]["out"]


def test_cases_cover_presets_bundled_and_partial_texts():
    kinds = {c.split(":")[0] for c in CASES}
    assert {"preset", "bundled", "bundled-filled", "hand"} <= kinds
    hand = CASES["hand:texts"]["out"]
    assert hand["title"] == "" and hand["title_zh"] == "只有中文"
