"""The bilingual text type (core/text.py)."""

from __future__ import annotations

from hljgis.core.text import Text, is_zh, lang_code


def test_get_falls_back_to_english():
    t = Text("Score", "得分")
    assert (t.get("zh"), t.get("zh_CN"), t.get("en"), t.get(None)) == (
        "得分", "得分", "Score", "Score")
    assert Text("Score").get("zh") == "Score"
    assert t("zh") == "得分" and str(t) == "Score"
    assert t.both() == "Score 得分" and Text("x", "x").both() == "x"


def test_pairs_of_a_file_format_map_to_text_and_back():
    d = {"reason": "in a zone", "reason_zh": "位于沉陷区"}
    t = Text.of(d, "reason")
    assert t == Text("in a zone", "位于沉陷区")
    out: dict = {}
    t.put(out, "reason")
    assert out == d
    assert Text.of({}, "title", "name") == Text("name", "")
    assert Text("{n} sites", "{n} 个地块").format(n=3) == Text("3 sites", "3 个地块")


def test_language_codes():
    assert is_zh("zh") and is_zh("zh-Hans") and not is_zh("en") and not is_zh(None)
    assert not is_zh("both")
    assert lang_code("zh_CN") == "zh" and lang_code("both") == "en"


def test_an_editor_changes_one_language_and_keeps_the_other():
    t = Text("in a zone", "位于沉陷区")
    assert t.edited("zh", "仍在沉降") == Text("in a zone", "仍在沉降")
    assert t.edited("en", "settling") == Text("settling", "位于沉陷区")
    assert Text() == Text("", "") and not Text()
