"""A user-facing text in English and Chinese, and the language test every module shares.

Interface and print texts come in two languages. Instead of ``*_zh`` twins kept side by side
and a branch on the language at each use, a :class:`Text` holds both and gives the one
asked for, falling back to English where no Chinese is known. File formats keep their
``title`` / ``title_zh`` keys: :meth:`Text.of` reads such a pair at the boundary and
:meth:`Text.put` writes it back.

Pure Python: no Qt.

Examples
--------
>>> t = Text("Score", "得分")
>>> t.get("zh"), t.get("en"), t.both()
('得分', 'Score', 'Score 得分')
>>> Text.of({"reason": "in a subsidence zone"}, "reason").get("zh")  # no Chinese yet
'in a subsidence zone'
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LANGUAGES", "Text", "is_zh", "lang_code"]

#: The languages hljgis speaks: interface, print pages, web maps.
LANGUAGES = ("en", "zh")


def is_zh(lang: str | None) -> bool:
    """True for Chinese ("zh", "zh_CN", "zh-Hans"); False for English, None and "both"."""
    return bool(lang) and str(lang).lower().startswith("zh")


def lang_code(lang: str | None) -> str:
    """"zh" or "en" for any spelling of a language (None and "both" read as English)."""
    return "zh" if is_zh(lang) else "en"


@dataclass(frozen=True)
class Text:
    """A text in English and Chinese; :meth:`get` gives one of them.

    Parameters
    ----------
    en : str
        The English text (also the fallback); ``Text()`` is the empty text.
    zh : str
        The Chinese text; empty when none is known.
    """

    en: str = ""
    zh: str = ""

    def get(self, lang: str | None) -> str:
        """The text in ``lang`` ("en", "zh"); English when no Chinese is known."""
        return self.zh if is_zh(lang) and self.zh else self.en

    def __call__(self, lang: str | None) -> str:
        return self.get(lang)

    def __str__(self) -> str:
        return self.en

    def __bool__(self) -> bool:
        return bool(self.en or self.zh)

    def both(self, sep: str = " ") -> str:
        """English and Chinese together ("Score 得分"); English alone without Chinese."""
        return f"{self.en}{sep}{self.zh}" if self.zh and self.zh != self.en else self.en

    def format(self, **values: Any) -> Text:
        """Both languages with the same ``{name}`` fields filled in."""
        return Text(self.en.format(**values), self.zh.format(**values) if self.zh else "")

    def edited(self, lang: str | None, text: str) -> Text:
        """This text with its ``lang`` one ("en", "zh") replaced by ``text`` (an editor's
        field in one language), the other kept."""
        return Text(self.en, text) if is_zh(lang) else Text(text, self.zh)

    def or_(self, fallback: str) -> Text:
        """This text, with ``fallback`` as the English when it has none."""
        return self if self.en else Text(fallback, self.zh)

    @classmethod
    def of(cls, data: Mapping[str, Any] | None, key: str, default: str = "") -> Text:
        """The ``key`` / ``key_zh`` pair of a mapping (a scenario, a constraint, a style
        class) as a Text; ``default`` when the English is missing or empty."""
        data = data or {}
        return cls(str(data.get(key) or default), str(data.get(f"{key}_zh") or ""))

    def put(self, data: MutableMapping[str, Any], key: str) -> None:
        """Write the text back as the ``key`` / ``key_zh`` pair of a mapping (file formats
        keep their keys)."""
        data[key] = self.en
        data[f"{key}_zh"] = self.zh
