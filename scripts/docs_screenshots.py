"""Regenerate the window screenshots in docs/ and an English A3 annex to check by eye.

    .venv/bin/python scripts/docs_screenshots.py            # docs/window-{size}-{lang}.png
    .venv/bin/python scripts/docs_screenshots.py --annex /tmp/a3-en.png

Each screenshot is the app's own offscreen grab (``hljgis --screenshot``) of the bundled
project at 1280x720 and 1600x1000, in Chinese and English, run with an empty settings folder
so a layout saved on this machine does not change it. PNGs are quantised to 256 colours
when Pillow is installed (about 150-210 KB each instead of 500 KB). Look at every one:
no text cut off, nothing off the window, the map filled to its right edge.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("1280x720", "1600x1000")
LANGS = ("zh", "en")


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=home, XDG_CONFIG_HOME=home,
               HLJGIS_USER_DIR=str(Path(home) / "user"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                      env.get("PYTHONPATH", "")]))
    return env


def _quantise(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=0)
    small.save(path, optimize=True)


def window_shots(out_dir: Path) -> list[Path]:
    """docs/window-{size}-{lang}.png for every size and language."""
    written = []
    for size in SIZES:
        for lang in LANGS:
            out = out_dir / f"window-{size}-{lang}.png"
            with tempfile.TemporaryDirectory(prefix="hljgis-shot-") as home:
                subprocess.run([sys.executable, "-m", "hljgis", "--lang", lang, "--size", size,
                                "--screenshot", str(out)], env=_env(home), check=True)
            _quantise(out)
            written.append(out)
            print(f"{out} ({out.stat().st_size // 1024} KB)")
    return written


def annex(out: Path, lang: str = "en") -> Path:
    """The A3 annex of the bundled project as a PNG (for a look at its labels)."""
    from hljgis.io.bundled import bundled_project_path

    with tempfile.TemporaryDirectory(prefix="hljgis-shot-") as home:
        subprocess.run([sys.executable, "-m", "hljgis", "export", str(bundled_project_path()),
                        "--layout", "dfr-annex-a3", "--lang", lang, "--dpi", "110",
                        "--out", str(out)], env=_env(home), check=True)
    print(f"{out} ({out.stat().st_size // 1024} KB)")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "docs")
    parser.add_argument("--annex", type=Path, help="also export the English A3 annex here")
    parser.add_argument("--no-windows", action="store_true", help="only the annex")
    args = parser.parse_args(argv)
    if not args.no_windows:
        window_shots(args.out_dir)
    if args.annex:
        sys.path.insert(0, str(ROOT / "src"))
        annex(args.annex)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
