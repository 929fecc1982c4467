"""Fixed wording of exported pages in English and Chinese (``resources/i18n/zh_CN.export.json``).

Print pages are often bilingual, so a string is looked up by its English text and both forms
are available at once: :func:`tr` gives one language, :func:`both` joins the two.
"""

from __future__ import annotations

import json
from functools import cache

from hljgis.core.text import is_zh
from hljgis.io.bundled import resources_dir


@cache
def _catalogue() -> dict[str, str]:
    path = resources_dir() / "i18n" / "zh_CN.export.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def zh(text: str) -> str:
    """The Chinese form of an English page string (the English one if none is known)."""
    return _catalogue().get(text, text)


def tr(text: str, lang: str = "en") -> str:
    """``text`` in ``lang`` ("en", "zh"; "both" gives English then Chinese)."""
    if is_zh(lang):
        return zh(text)
    if lang == "both":
        return both(text)
    return text


def both(text: str, sep: str = " ") -> str:
    """English and Chinese together ("Legend 图例"); English alone if no translation."""
    other = zh(text)
    return text if other == text else f"{text}{sep}{other}"
