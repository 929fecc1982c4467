"""An English A3 export labels places in English (pinyin where no English name exists); a
Chinese export still labels them in Chinese. Labels are real text in a PDF, so the test
reads them back with pypdf."""

from __future__ import annotations

from itertools import pairwise

import pytest

from hljgis.core.names import chinese_only, has_han
from tests.export._common import bundled

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def project():
    return bundled()


def _lines(path) -> list[str]:
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages)
    return [ln.replace("\t", " ").strip() for ln in text.splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def pages(project, tmp_path_factory):
    from hljgis.export.api import export_layout

    folder = tmp_path_factory.mktemp("lang")
    out = {}
    for lang in ("en", "zh", "both"):
        path = folder / f"a3-{lang}.pdf"
        export_layout(project, "dfr-annex-a3", path, dpi=100, lang=lang)
        out[lang] = _lines(path)
    return out


def test_english_a3_has_no_chinese_only_place_labels(pages):
    lines = pages["en"]
    assert not [ln for ln in lines if chinese_only(ln)]
    # the labels are there, in English: towns, stations, airports, ports, cities
    for name in ("Hulin", "Qitaihe West", "Jixi Xingkaihu Airport", "Suifenhe (road)",
                 "Shuangyashan", "Russia"):
        assert name in lines, name


def test_chinese_a3_still_labels_places_in_chinese(pages):
    lines = pages["zh"]
    for name in ("虎林", "鸡西兴凯湖机场", "绥芬河公路口岸", "双鸭山市", "俄罗斯"):
        assert name in lines, name
    assert sum(ln.endswith("站") for ln in lines) >= 10  # stations in Chinese
    assert "Qitaihe West" not in lines and "Hulin" not in lines
    assert sum(has_han(ln) for ln in lines) > 50


def test_bilingual_a3_labels_towns_and_stations_in_both_languages(pages):
    lines = pages["both"]
    # towns and stations styled Chinese-only get their English line under the Chinese one
    for zh, en in (("虎林", "Hulin"), ("双鸭山西站", "Shuangyashan West"), ("鸡西兴凯湖机场",
                                                                    "Jixi Xingkaihu Airport")):
        assert any(a == zh and b == en for a, b in pairwise(lines)), (zh, en)
    assert sum(ln.endswith("站") for ln in lines) >= 10


def test_web_map_popups_head_fields_with_both_aliases():
    from hljgis.export.webmap import _popup_alias

    assert _popup_alias("area_km2") == "Area (km²) 面积（平方千米）"
    assert _popup_alias("my_field") == "my_field"
