"""Attribute text encodings of Shapefiles and CSVs, as found in Chinese bureau data.

Shapefiles written by Chinese desktop GIS and by Excel-based tools very often store their
attribute text in GBK (code page 936) or GB18030 without a ``.cpg`` file. GDAL then assumes
ISO-8859-1 and the planner sees mojibake. The rules here, in order:

1. A ``.cpg`` file names the encoding: honour it.
2. The ``.dbf`` header's language driver id (byte 29) names a code page: honour it.
3. Otherwise look at the bytes: valid UTF-8 -> UTF-8; else valid GB18030 (a superset of GBK
   and GB2312) with Chinese characters -> GB18030; else charset-normalizer's best guess.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from hljgis.core.errors import EncodingError

# .cpg contents and dBase language driver ids seen in the wild -> Python codec names.
_CPG_ALIASES = {
    "936": "gbk",
    "cp936": "gbk",
    "gbk": "gbk",
    "gb2312": "gb18030",  # GB2312 files often contain GBK-only characters; GB18030 reads both
    "gb18030": "gb18030",
    "65001": "utf-8",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "1252": "cp1252",
    "ansi 1252": "cp1252",
    "88591": "latin-1",
    "8859_1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso88591": "latin-1",
    "950": "big5",
    "big5": "big5",
}
_LDID_CODEPAGES = {0x4D: "gbk", 0x7A: "gbk", 0x78: "big5", 0x57: "cp1252", 0x03: "cp1252",
                   0x01: "cp437", 0x02: "cp850"}


def normalise_encoding(name: str) -> str:
    """Map a .cpg/ user spelling (``936``, ``CP936``, ``UTF8``) to a Python codec name."""
    key = name.strip().lower().replace("cp ", "cp")
    codec = _CPG_ALIASES.get(key) or _CPG_ALIASES.get(key.removeprefix("cp"))
    if codec is None:
        try:
            codec = codecs.lookup(key).name
        except LookupError:
            raise EncodingError(
                f"'{name}' is not a character encoding hljgis knows.",
                "Use e.g. GBK, GB18030, UTF-8 or CP1252.",
            ) from None
    return codec


def _dbf_text_sample(dbf: Path, limit: int = 1 << 20) -> tuple[bytes, int | None]:
    """Raw record bytes (first MB) and the language driver id from a .dbf header."""
    with dbf.open("rb") as fh:
        header = fh.read(32)
        if len(header) < 32:
            raise EncodingError(
                f"{dbf} is truncated (the dBase header is incomplete).",
                "Copy the whole Shapefile again (.shp, .shx, .dbf, .prj, .cpg together).",
            )
        header_len = int.from_bytes(header[8:10], "little")
        ldid = header[29] or None
        fh.seek(header_len)
        return fh.read(limit), ldid


def _looks_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def detect_bytes_encoding(data: bytes, what: str) -> str:
    """Pick the codec for ``data`` by the rules in the module docstring (step 3)."""
    if not any(b >= 0x80 for b in data):
        return "utf-8"  # pure ASCII
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise EncodingError(
            f"cannot tell the character encoding of {what}: it is not UTF-8, GBK or GB18030.",
            "Tell hljgis the encoding (--encoding NAME, e.g. --encoding big5), "
            "or add a .cpg file next to the .shp holding the encoding name.",
        )
    return normalise_encoding(best.encoding)


def shapefile_encoding(shp: str | Path, override: str | None = None) -> tuple[str, str]:
    """Return (codec, how) for a Shapefile's attributes; ``how`` says which rule decided."""
    if override:
        return normalise_encoding(override), "given"
    shp = Path(shp)
    cpg = _sidecar(shp, ".cpg")
    if cpg is not None:
        text = cpg.read_bytes().decode("ascii", errors="replace").strip()
        if text:
            return normalise_encoding(text), f"from {cpg.name}"
    dbf = _sidecar(shp, ".dbf")
    if dbf is None:
        return "utf-8", "no .dbf"
    sample, ldid = _dbf_text_sample(dbf)
    if ldid in _LDID_CODEPAGES:
        return _LDID_CODEPAGES[ldid], f"from the .dbf language driver id 0x{ldid:02X}"
    return detect_bytes_encoding(sample, str(dbf)), "detected from the attribute bytes"


def text_file_encoding(path: str | Path, override: str | None = None) -> str:
    """Codec of a CSV or other text file (UTF-8 with or without BOM, GBK/GB18030, ...)."""
    if override:
        return normalise_encoding(override)
    data = Path(path).read_bytes()[: 1 << 20]
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return detect_bytes_encoding(data, str(path))


def _sidecar(shp: Path, ext: str) -> Path | None:
    """The file beside ``shp`` with extension ``ext`` in either case, or None."""
    for candidate in (shp.with_suffix(ext), shp.with_suffix(ext.upper())):
        if candidate.exists():
            return candidate
    return None
