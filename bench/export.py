"""Export speed on the full bundled project: A3 300-dpi PDF and PNG, four-city atlas.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/export.py [--out DIR]``.
Prints seconds and file sizes; the atlas includes ranking each city (with 100 sensitivity
runs), as a planner's "make the annex" click does.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder for the files (default: a temporary one)")
    parser.add_argument("--dpi", type=float, default=300)
    args = parser.parse_args()
    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.api import export_layout
    from hljgis.export.atlas import build_atlas
    from hljgis.io import load_project
    from hljgis.io.bundled import bundled_project_path

    ensure_gui_app()
    out = Path(args.out or tempfile.mkdtemp(prefix="hljgis-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    project = load_project(bundled_project_path())
    print(f"load project: {time.perf_counter() - t0:.2f} s ({len(project)} layers)")
    export_layout(project, "dfr-annex-a4", out / "warmup.png", dpi=30)  # fonts, caches
    for suffix in (".pdf", ".png"):
        t0 = time.perf_counter()
        res = export_layout(project, "dfr-annex-a3", out / f"a3{suffix}", dpi=args.dpi)
        dt = time.perf_counter() - t0
        print(f"A3 {args.dpi:g} dpi {suffix[1:].upper()}: {dt:.2f} s, "
              f"{res.bytes / 1e6:.1f} MB")
    t0 = time.perf_counter()
    res, _ = build_atlas(project, "dfr-annex-a4", "sme-space", out / "atlas.pdf",
                         dpi=args.dpi)
    dt = time.perf_counter() - t0
    print(f"atlas, 4 cities + table, A4 {args.dpi:g} dpi PDF: {dt:.2f} s, {res.pages} pages, "
          f"{res.bytes / 1e6:.1f} MB")
    print(f"files in {out}")


if __name__ == "__main__":
    main()
