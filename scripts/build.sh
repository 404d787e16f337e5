#!/usr/bin/env bash
# Build the one-folder desktop bundle (dist/workbench/) and prove it runs: --self-test offscreen, with a clean
# environment. Prints the build time and the bundle's size (record them in docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
.venv/bin/python -m pip install -q "pyinstaller>=6.10" 2>&1 | grep -v "^WARNING: Location" || true
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN workbench.spec
end=$(date +%s)
size=$(du -sm dist/workbench | cut -f1)
echo "build: $((end - start)) s; bundle: ${size} MB"
env -i HOME="$HOME" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen dist/workbench/workbench --self-test
