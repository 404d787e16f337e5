"""Attachment paths named inside an export: anything odd is refused for that record, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.posts.importers._common import safe_child


@pytest.mark.parametrize(
    "relative",
    [
        "a" * 300,  # longer than any file name (found by the hostile-JSON test: a dict turned into a "path")
        "photos/" + "b" * 5000,
        "ok/\ud800x.jpg",  # a lone surrogate: not encodable as a file name
        "../../etc/passwd",
        "/etc/passwd",
        "C:\\Windows\\x.jpg",
        "photos/\x00.jpg",
    ],
)
def test_odd_paths_are_refused_with_a_reason(tmp_path: Path, relative: str) -> None:
    target, reason = safe_child(tmp_path, relative)
    assert target is None and reason


def test_a_normal_path_resolves_inside_the_export(tmp_path: Path) -> None:
    target, reason = safe_child(tmp_path, "photos/photo_1.jpg")
    assert reason is None and target == (tmp_path / "photos" / "photo_1.jpg").resolve()


def test_a_name_with_backslashes_too_long_for_the_file_system_is_refused(tmp_path: Path) -> None:
    # On POSIX a backslash is an ordinary character, so this is one 300-byte name.
    target, reason = safe_child(tmp_path, "\\u001f" * 50)
    assert target is None and reason
