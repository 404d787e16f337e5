"""The shape of the code, checked: a Qt-free core, lint and types clean, the command line without the window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

_BLOCK_QT = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'):
            raise ImportError(f'{name} is blocked: the core must not need Qt')
        return None
sys.meta_path.insert(0, Block())
import workbench.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, 'workbench.core.')]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=600, **kw)  # type: ignore[call-overload]


def test_import_linter_contracts_hold() -> None:
    result = _run([str(BIN / "lint-imports")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_core_module_imports_with_qt_unavailable() -> None:
    result = _run([sys.executable, "-c", _BLOCK_QT])
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 10


def test_command_line_runs_with_qt_unavailable(tmp_path: Path) -> None:
    code = _BLOCK_QT.split("import workbench.core")[0] + (
        "from workbench.cli import main\n"
        f"sys.exit(main(['new', {str(tmp_path / 'x.incident')!r}, '--title', 'no Qt here']))\n"
    )
    result = _run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.incident").exists()


def test_ruff_is_clean() -> None:
    result = _run([str(BIN / "ruff"), "check", "app", "tests", "bench", "scripts"])
    assert result.returncode == 0, result.stdout[-5000:]


def test_mypy_strict_on_the_core_is_clean() -> None:
    env = dict(os.environ, MYPY_CACHE_DIR=str(ROOT / ".mypy_cache"))
    result = _run([str(BIN / "mypy")], env=env)
    assert result.returncode == 0, result.stdout[-5000:]
