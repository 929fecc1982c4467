#!/usr/bin/env bash
# Build the hljgis one-folder bundle on Linux:  packaging/build_linux.sh [OUT_DIR]
#
#   OUT_DIR      where hljgis/ lands (default: dist/); OUT_DIR/hljgis/hljgis is the program
#   PYTHON       interpreter with hljgis and PyInstaller installed (default: .venv/bin/python,
#                else python3)   -> pip install -e '.[package]'
#   WORK_DIR     PyInstaller's scratch folder (default: a fresh temporary folder, removed after)
#
# Writes OUT_DIR/hljgis/_internal/hljgis/_build.json (commit, date, library versions; shown by
# `hljgis --version`), prints the bundle size and the build time. Needs no network; caches
# nothing outside WORK_DIR and OUT_DIR (PyInstaller's own cache goes into WORK_DIR too).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$root/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -z "${PYTHON:-}" ]; then
  if [ -x "$root/.venv/bin/python" ]; then PYTHON=$root/.venv/bin/python; else PYTHON=python3; fi
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build_linux.sh: PyInstaller is not installed for $PYTHON." >&2
  echo "  what to do: $PYTHON -m pip install -e '$root[package]'   (or: pip install pyinstaller)" >&2
  exit 2
fi

own_work=0
if [ -z "${WORK_DIR:-}" ]; then
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hljgis-build.XXXXXX")
  own_work=1
fi
cleanup() { [ "$own_work" = 1 ] && rm -rf "$WORK_DIR"; return 0; }
trap cleanup EXIT

mkdir -p "$WORK_DIR"
start=$(date +%s)
export HLJGIS_BUILD_JSON="$WORK_DIR/_build.json"
"$PYTHON" -m hljgis.buildinfo --write "$HLJGIS_BUILD_JSON" --repo "$root" >/dev/null
# PyInstaller caches analysed binaries in its config dir: keep that inside WORK_DIR.
export PYINSTALLER_CONFIG_DIR="$WORK_DIR/pyinstaller-config"
# A source tree's HLJGIS_HOME must not leak into the build (hooks import hljgis).
unset HLJGIS_HOME
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level "${PYI_LOG_LEVEL:-WARN}" \
  --distpath "$out" --workpath "$WORK_DIR/build" "$here/hljgis.spec"
end=$(date +%s)

bundle="$out/hljgis"
test -x "$bundle/hljgis"
size=$(du -sh "$bundle" | cut -f1)
echo "built $bundle in $((end - start)) s; size $size"
