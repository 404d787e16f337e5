"""Checks, provenance and signals views: listed with severity, a click jumps to the evidence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.posts import posts_fixtures as fx
from tests.core.timeline.test_timeline_core import add_window, set_capture, set_incident, set_phash
from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.store import import_export
from workbench.gui.panels.timeline import AnalysisTabs


@pytest.fixture
def inc(tmp_path: Path) -> Iterator[Incident]:
    incident = Incident.create(tmp_path / "c.incident", title="Bridge")
    import_export(incident, fx.write_telegram(tmp_path / "tg"))
    import_export(incident, fx.write_twarc(tmp_path / "t.jsonl"))
    photo1 = next(m.id for m in incident.media_items() if m.filename == "photo_1.jpg")
    photo2 = next(m.id for m in incident.media_items() if m.filename == "photo_2.jpg")
    set_capture(incident, photo1, "2024-03-01T12:30:00+00:00", "utc", gps=(48.85, 2.35))
    set_incident(incident, claimed="2024-03-01T12:00:00+00:00", place=(50.45, 30.52))
    add_window(incident, "2024-03-01T06:00:00+00:00", "2024-03-01T07:00:00+00:00", photo1)
    set_phash(incident, photo1, "f0f0f0f0f0f0f0f0")
    set_phash(incident, photo2, "f0f0f0f0f0f0f0f3")
    yield incident
    incident.close()


def test_checks_jump_to_evidence(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    tabs = AnalysisTabs(inc)
    qtbot.addWidget(tabs)
    view = tabs.checks
    assert view.tree.topLevelItemCount() == len(view.found) > 0
    first = view.tree.topLevelItem(0)
    assert first.text(0) == "warning"
    assert "warnings" in view.summary.text()
    media: list[object] = []
    posts: list[object] = []
    tabs.mediaSelected.connect(media.append)
    tabs.selectionChanged.connect(posts.append)
    index = next(i for i, c in enumerate(view.found) if c.code == "capture-after-post")
    view.tree.itemClicked.emit(view.tree.topLevelItem(index), 0)
    photo = next(m.id for m in inc.media_items() if m.filename == "photo_1.jpg")
    assert media[-1] == (photo,)
    assert posts and len(posts[-1]) == 1  # type: ignore[arg-type]


def test_provenance_marks_first_seen(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    tabs = AnalysisTabs(inc)
    qtbot.addWidget(tabs)
    view = tabs.provenance
    assert view.tree.topLevelItemCount() == 1
    top = view.tree.topLevelItem(0)
    assert top.childCount() == 3 and top.child(0).text(0).startswith("★ first seen")
    p2 = queries.find_post(inc, "telegram", "777/2")
    assert p2 is not None and f"in post {p2.id}" in top.child(0).text(0)
    view.threshold.setValue(1)
    assert view.tree.topLevelItem(0).childCount() == 2  # photo_1 alone, carried by two posts


def test_signals_view_says_indicator_not_proof(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    tabs = AnalysisTabs(inc)
    qtbot.addWidget(tabs)
    view = tabs.signals
    assert view.report is not None
    assert view.central.topLevelItemCount() >= 2  # alice, bob, carol reply/mention/repost each other
    accounts: list[object] = []
    tabs.accountsSelected.connect(accounts.append)
    view.central.itemClicked.emit(view.central.topLevelItem(0), 0)
    assert accounts and isinstance(accounts[-1], tuple)
    tabs.set_incident(None)
    assert view.tree.topLevelItemCount() == 0 and tabs.checks.tree.topLevelItemCount() == 0
