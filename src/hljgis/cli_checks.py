"""Checks of the command-line options, run before a command does any work.

A ranking or an atlas takes minutes; a bad ``--out`` or ``--dpi`` must be refused in the
first second, not after the work, and never by overwriting one of the command's own inputs
(``rank P --out P`` used to replace the project with the results). Each check raises
:class:`~hljgis.core.errors.InputError`, which the CLI turns into exit 2.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from hljgis.core.errors import InputError

LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".csv")
PAGE_SUFFIXES = (".pdf", ".svg", ".png")


def check(args) -> None:
    """Check the options of ``args.command``; raise InputError on the first bad one."""
    checker = CHECKS.get(args.command)
    if checker is not None:
        checker(args)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_input(path: str, option: str) -> Path:
    """An input file that exists and is a file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{option} {path} does not exist.", "Check the path and file name.")
    if p.is_dir():
        raise InputError(f"{option} {path} is a folder, not a file.", "Give a file inside it.")
    return p


def check_output(path: str, option: str, suffixes, inputs=()) -> Path:
    """An output path: a known extension, not a folder, not one of ``inputs``, in a folder
    that exists and takes new files (tried, since root ignores permission bits)."""
    out = Path(path)
    if out.is_dir():
        raise InputError(f"{option} {path} is a folder.",
                         f"Give a file name inside it, e.g. {out / ('result' + suffixes[0])}.")
    for option_in, source in inputs:
        if source and _same_file(out, Path(source)):
            raise InputError(
                f"{option} {path} is the same file as {option_in}: hljgis never writes over "
                "its own input.", "Write the output to a new file.")
    if out.suffix.lower() not in suffixes:
        raise InputError(f"{option} {path}: hljgis cannot write '{out.suffix}' files here.",
                         f"Use one of: {', '.join(suffixes)}.")
    folder = out.parent
    if not folder.is_dir():
        raise InputError(f"{option} {path}: the folder {folder} does not exist.",
                         "Create it first, or choose another folder.")
    try:
        from hljgis.io.atomic import _host_tag  # named like a save's temporary: cleaned

        fd, probe = tempfile.mkstemp(prefix=f".{out.stem}.{os.getpid()}-{_host_tag()}.",
                                     suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"{option} {path}: the folder {folder} is not writable "
                         f"({exc.strerror}).",
                         "Choose a folder you can write to (e.g. in your home folder).") \
            from exc
    return out


def check_number(value, option: str, lo: float, hi: float, example) -> None:
    """``value`` (None allowed) between ``lo`` and ``hi``; NaN and infinities refused."""
    if value is None:
        return
    if not (isinstance(value, int | float) and math.isfinite(value) and lo <= value <= hi):
        raise InputError(f"{option} {value} is out of range.",
                         f"Give a number from {_num(lo)} to {_num(hi)}, e.g. {option} {example}.")


def _num(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"


def _check_dpi(value) -> None:
    from hljgis.export.output import MAX_DPI, MIN_DPI

    check_number(value, "--dpi", MIN_DPI, MAX_DPI, 300)


def _check_year(value) -> None:
    """A planning year the scenario reader accepts too (1900-2100)."""
    check_number(value, "--year", 1900, 2100, 2035)


def _project(args) -> tuple[str, str]:
    check_input(args.project, "PROJECT")
    return ("PROJECT", args.project)


def _check_repair(args) -> None:
    source = ("FILE", check_input(args.file, "FILE"))
    check_output(args.out, "--out", LAYER_SUFFIXES, [source])


def _is_database(text: str | None) -> bool:
    from hljgis.io.postgis import is_pg_source

    return is_pg_source(text)


def _rank_inputs(args) -> list[tuple[str, str]]:
    """Every file ``rank`` reads: the project or candidates file, --candidates, --add."""
    from hljgis.io.project_build import layer_spec

    inputs = []
    if args.project:
        inputs.append(_project(args) if not _is_database(args.project)
                      else ("PROJECT", args.project))
    for option, specs in (("--candidates", [args.candidates] if args.candidates else []),
                          ("--add", args.add)):
        for spec in specs:
            source = layer_spec(spec)[1]
            if not _is_database(source):
                check_input(source, option)
                inputs.append((option, source))
    return inputs


def _check_rank(args) -> None:
    inputs = [(o, s) for o, s in _rank_inputs(args) if not _is_database(s)]
    if not _is_database(args.out):
        check_output(args.out, "--out", LAYER_SUFFIXES, inputs)
    if args.csv:
        check_output(args.csv, "--csv", (".csv",), [*inputs, ("--out", args.out)])
    check_number(args.top, "--top", 0, 1_000_000, 10)
    check_number(args.year, "--year", 1900, 2200, 2035)


def _check_export(args) -> None:
    check_output(args.out, "--out", PAGE_SUFFIXES, [_project(args)])
    _check_dpi(args.dpi)
    _check_year(args.year)


def _check_atlas(args) -> None:
    project = _project(args)
    check_output(args.out, "--out", (".pdf",), [project])
    if args.cards:
        cards = check_output(args.cards, "--cards", (".pdf",), [project, ("--out", args.out)])
        for side in (".csv", ".xlsx"):
            check_output(str(cards.with_suffix(side)), "--cards", (side,),
                         [project, ("--out", args.out)])
    _check_dpi(args.dpi)
    check_number(args.per_city, "--per-city", 1, 1000, 5)
    _check_year(args.year)
    if not [c for c in args.cities.split(",") if c.strip()]:
        raise InputError("--cities names no city.", "e.g. --cities Hegang,Jixi")


def _check_webmap(args) -> None:
    check_output(args.out, "--out", (".html", ".htm"), [_project(args)])
    _check_year(args.year)


CHECKS = {"repair": _check_repair, "rank": _check_rank, "export": _check_export,
          "atlas": _check_atlas, "webmap": _check_webmap}
