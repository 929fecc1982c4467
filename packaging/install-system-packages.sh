#!/usr/bin/env bash
# Install the Debian packages listed in packaging/system-packages.txt that are missing.
# Needs root (or sudo). On a non-Debian system it only reports what to install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wanted=$(grep -vE '^\s*(#|$)' "$here/system-packages.txt")
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "not a Debian system: make sure these (or your system's equivalents) are installed:" $wanted
  exit 0
fi
missing=()
for pkg in $wanted; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
