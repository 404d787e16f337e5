"""The posts and timeline panels inside the real main window: loaded with the incident, selections shared."""

from __future__ import annotations

from pathlib import Path

from tests.core.posts import posts_fixtures as fx
from tests.gui.conftest import wait_idle
from workbench.core.posts import queries
from workbench.gui.panels.posts import make_panel as make_posts
from workbench.gui.panels.timeline import make_panel as make_timeline


def test_panels_follow_the_context_and_share_selection(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    posts_dock = make_posts(ctx)
    timeline = make_timeline(ctx)
    qtbot.addWidget(posts_dock)
    qtbot.addWidget(timeline)
    inc = ctx.create_incident(tmp_path / "c.incident", title="Bridge")
    assert posts_dock.panel.model.rowCount() == 0
    task = posts_dock.import_path(fx.write_telegram(tmp_path / "tg"))
    assert task is not None
    wait_idle(qtbot, ctx)
    wait_idle(qtbot, ctx)  # the import, then the posts read again in the background
    assert posts_dock.panel.model.rowCount() == 6  # refreshed by the Changes the import broadcast
    assert timeline.timeline.points is not None and len(timeline.timeline.points.at) == 6
    assert timeline.analysis.signals.report is not None  # computed in a worker, delivered on the GUI thread
    p8 = queries.find_post(inc, "telegram", "777/8")
    assert p8 is not None
    posts_dock.panel.table.selectRow(posts_dock.panel.model.row_of(p8.id) or 0)
    assert timeline.timeline.selected_post_ids() == (p8.id,)  # shared post selection
    assert ctx.selection == p8.media_ids  # the inspector follows the file the post carried
    photo1 = next(m.id for m in inc.media_items() if m.filename == "photo_1.jpg")
    ctx.select_media((photo1,))  # chosen in the evidence browser
    p2, p5 = queries.find_post(inc, "telegram", "777/2"), queries.find_post(inc, "telegram", "777/5")
    assert set(posts_dock.panel.selected_post_ids()) == {p2.id, p5.id}  # type: ignore[union-attr]
    ctx.close_incident()
    wait_idle(qtbot, ctx)
    assert posts_dock.panel.model.rowCount() == 0 and timeline.timeline.points is None


def test_window_adds_both_docks(window) -> None:  # type: ignore[no-untyped-def]
    assert "posts" in window.docks and "timeline" in window.docks


def test_import_refusal_is_shown(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dock = make_posts(ctx)
    qtbot.addWidget(dock)
    ctx.create_incident(tmp_path / "c.incident", title="x")
    z = tmp_path / "a.zip"
    z.write_bytes(b"PK\x03\x04xx")
    messages: list[str] = []
    ctx.error_raised.connect(messages.append)
    assert dock.import_path(z) is None
    assert "zip archive" in messages[-1]


def test_timeline_event_goes_through_the_undo_stack(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from workbench.core.timeline.edits import AddTimelineEvent

    timeline = make_timeline(ctx)
    qtbot.addWidget(timeline)
    ctx.create_incident(tmp_path / "c.incident", title="x")
    def labels() -> list[str]:
        return [e.label for e in timeline.timeline.events]

    # The embedded timeline reads in a worker (no GUI-thread stall), so each redraw is waited for.
    timeline.timeline.apply(AddTimelineEvent(at_utc=datetime(2024, 3, 1, 9, tzinfo=UTC), label="sirens"))
    qtbot.waitUntil(lambda: labels() == ["sirens"], timeout=10000)
    assert ctx.undo_stack.canUndo()
    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: labels() == [], timeout=10000)
    ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: labels() == ["sirens"], timeout=10000)
    wait_idle(qtbot, ctx)  # the checks beside the timeline are computed in the background
