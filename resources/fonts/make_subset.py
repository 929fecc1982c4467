"""Rebuild the bundled CJK label font from Noto Sans CJK SC (SIL OFL 1.1).

The full Noto Sans CJK collection is ~60 MB; the map only needs Simplified Chinese place
names, Latin (pinyin, English) and Cyrillic (Russian names across the border). This keeps
GB2312 (6,763 hanzi, which holds every prefecture, county and town name of the study area)
plus Latin, Greek, Cyrillic and CJK punctuation, and renames the family because the OFL asks
derivative fonts not to be presented as the original ("Noto" is Google's trademark).

Usage (the source comes from Debian's ``fonts-noto-cjk`` package or the upstream release)::

    python resources/fonts/make_subset.py /usr/share/fonts/opentype/noto [extra_text_file ...]

Extra text files add every character they contain (e.g. names from ``layers/``).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
FAMILY = "HLJGIS Sans SC"
SC_INDEX = 2  # face order in NotoSansCJK-*.ttc: JP, KR, SC, TC, HK, mono ...


def gb2312_chars() -> set[str]:
    """Every character GB2312 encodes (two-byte rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    return chars


def wanted_codepoints(extra_files: list[str]) -> set[int]:
    cps = {ord(c) for c in gb2312_chars()}
    ranges = [
        (0x20, 0x7E), (0xA0, 0x24F),  # Latin incl. pinyin tone marks
        (0x370, 0x3FF), (0x400, 0x4FF),  # Greek, Cyrillic
        (0x2000, 0x206F), (0x2100, 0x215F), (0x2190, 0x21FF),  # punctuation, letterlike, arrows
        (0x3000, 0x303F), (0xFF00, 0xFFEF),  # CJK punctuation, full-width forms
    ]
    for a, b in ranges:
        cps.update(range(a, b + 1))
    for name in extra_files:
        cps.update(ord(c) for c in Path(name).read_text(encoding="utf-8") if ord(c) > 0x7F)
    return cps


def rename(font, style: str) -> None:
    """Give the subset its own family name (OFL clause 3, Google's trademark)."""
    ps = f"{FAMILY.replace(' ', '')}-{style}"
    names = {1: FAMILY, 2: style, 3: f"{ps};subset of Noto Sans CJK SC 2.004",
             4: f"{FAMILY} {style}", 6: ps, 16: FAMILY, 17: style}
    table = font["name"]
    table.names = [r for r in table.names if r.nameID not in (1, 3, 4, 6, 7, 16, 17)]
    for nid, text in names.items():
        table.setName(text, nid, 3, 1, 0x409)
        table.setName(text, nid, 1, 0, 0)
    table.setName(
        "Derived from Noto Sans CJK SC (Adobe/Google), subset for hljgis map labels.", 10, 3, 1,
        0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FamilyName = FAMILY
        top.FullName = f"{FAMILY} {style}"
        top.Notice = "Derived from Noto Sans CJK SC, SIL Open Font License 1.1"


def main(argv: list[str]) -> None:
    src_dir = Path(argv[0])
    cps = wanted_codepoints(argv[1:])
    for style in ("Regular", "Bold"):
        font = TTCollection(src_dir / f"NotoSansCJK-{style}.ttc").fonts[SC_INDEX]
        opts = subset.Options()
        # no "locl": its alternate digit glyphs have no ToUnicode entry in Qt's PDFs, so
        # copied or searched text read "Map A.3" as garbage
        opts.layout_features = ["kern", "liga", "palt", "vert", "vrt2"]
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        opts.hinting = False
        opts.desubroutinize = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=cps)
        sub.subset(font)
        rename(font, style)
        out = HERE / f"HLJGISSansSC-{style}.otf"
        font.save(out)
        print(out, out.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
