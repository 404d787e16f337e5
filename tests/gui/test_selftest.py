"""`workbench --self-test` (what the desktop build runs after it is built) passes on this machine."""

from __future__ import annotations

import os
import subprocess
import sys


def test_self_test_passes_offscreen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["WORKBENCH_CONFIG_DIR"] = str(tmp_path / "config")
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--self-test"], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for expected in ("map page ready offline (0 outside requests blocked)", "report written", "incident verified"):
        assert expected in result.stdout
