"""Messages from the core (progress, import notes, errors) in the UI language.

The core speaks English with the numbers and names filled in ("ranked 40 of 52 sites"); the
catalogue holds the template ("ranked {r} of {n} sites": "已排序 {r} 个地块，共 {n} 个").
:func:`translate_message` finds the template a message was made from and fills the Chinese
one with the same parts, so a progress text, a note or an error reads in Chinese without
the core knowing about languages.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hljgis.core.text import is_zh
from hljgis.gui.i18n import catalogue, current_language

_FIELD = re.compile(r"\{(\w*)\}")
#: Message parts the core joins with these separators are translated one by one.
_JOINS = (("\n\n", "\n\n"), ("; ", "；"))


@lru_cache(maxsize=1)
def _templates() -> list[tuple[re.Pattern, str]]:
    """(pattern matching an English message, Chinese template) for catalogue entries with
    ``{placeholders}``; the longest literal text first, so the most specific one wins."""
    out = []
    for en, zh in catalogue().items():
        names = _FIELD.findall(en)
        if (not names or len(set(names)) != len(names)
                or not all(n.isidentifier() for n in names)):  # {0}: not a group name
            continue
        literal = _FIELD.sub("", en)
        if len(literal.strip()) < 3:
            continue
        pattern = "".join(f"(?P<{p}>.+?)" if i % 2 else re.escape(p)
                          for i, p in enumerate(_FIELD.split(en)))
        out.append((len(literal), re.compile(pattern + r"\Z", re.S), zh))
    out.sort(key=lambda t: -t[0])
    return [(p, zh) for _, p, zh in out]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Names the core puts into messages and keeps bilingual itself: tool titles, codes."""
    from hljgis.core.aliases import CODE_LABELS
    from hljgis.processing import TOOLS

    out = {t.en: t.zh for t in CODE_LABELS.values() if t.zh}
    out.update({tool.title.en: tool.title.zh for tool in TOOLS.values() if tool.title.zh})
    return out


def _one(text: str, depth: int) -> str:
    entries = catalogue()
    if text in entries:
        return entries[text]
    if depth and text in _names():
        return _names()[text]
    stripped = text.rstrip(". ")
    if stripped != text and stripped in entries:
        return entries[stripped] + ("。" if text.endswith(".") else "")
    for pattern, zh in _templates():
        m = pattern.match(text)
        if m:
            parts = {k: (_one(v, depth + 1) if depth < 2 else v)
                     for k, v in m.groupdict().items()}
            try:
                return zh.format(**parts)
            except (KeyError, IndexError, ValueError):
                return text
    return text


def _joined(text: str, sep: str) -> str | None:
    """``text`` translated whole, although it holds ``sep``: by an entry, a template with
    ``sep`` in its own words ("...({listed}); none of your edits were written."), or a
    template whose parts holding ``sep`` translate so in turn ("scenario 'x': weights is
    not a known field; known: ..."). None when only splitting at ``sep`` can do."""
    entries = catalogue()
    if text in entries:
        return entries[text]
    for pattern, zh in _templates():
        m = pattern.match(text)
        if not m:
            continue
        own = sep in _FIELD.sub("", pattern.pattern.replace("\\", ""))
        parts = {}
        for key, value in m.groupdict().items():
            if sep in value and not own:
                value = _joined(value, sep)
                if value is None:
                    break
                parts[key] = value
            else:
                parts[key] = _one(value, 1)
        else:
            try:
                return zh.format(**parts)
            except (KeyError, IndexError, ValueError):
                return None
    return None


def translate_message(text: str, lang: str | None = None) -> str:
    """``text`` (English, from the core) in ``lang`` (default: the UI language)."""
    if not text or not is_zh(lang or current_language()):
        return text
    for sep, zh_sep in _JOINS:
        if sep in text:
            whole = _joined(text, sep)  # a sentence whose template holds the separator
            if whole is not None:
                return whole
            return zh_sep.join(translate_message(part, "zh") for part in text.split(sep))
    return _one(text, 0)


def error_text(exc: BaseException, lang: str | None = None) -> str:
    """An error for a message box: what is wrong, then what to do, in the UI language."""
    what, todo = getattr(exc, "what", None), getattr(exc, "todo", None)
    if what is not None:
        return "\n\n".join(translate_message(t, lang) for t in (what, todo) if t)
    return translate_message(str(exc), lang) or type(exc).__name__


class StatusMessages:
    """The window's status-bar messages, kept as functions that make their text, so the
    message shown re-renders in the new language after a switch."""

    def __init__(self, bar) -> None:
        self._bar = bar
        self._make = None
        self._shown = ""
        self._timeout = 0

    def show(self, make, timeout: int = 0) -> None:
        """Show ``make()`` for ``timeout`` ms (0: until replaced); ``make`` reads ``tr``."""
        self._make, self._timeout = make, timeout
        self._shown = make()
        self._bar.showMessage(self._shown, timeout)

    def retranslate(self) -> None:
        """Re-make the message still shown (in the language now installed)."""
        if self._make is not None and self._shown and self._bar.currentMessage() == self._shown:
            self.show(self._make, self._timeout)
