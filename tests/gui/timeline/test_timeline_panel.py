"""The timeline panel on a real incident: lanes, uncertainty bars, captures linked to posts, bands, time zones,
shared selection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.core.posts import posts_fixtures as fx
from tests.core.timeline.test_timeline_core import add_window, set_capture, set_incident
from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.store import add_timeline_event, import_export
from workbench.gui.panels.timeline import TimelinePanel


@pytest.fixture
def inc(tmp_path: Path) -> Iterator[Incident]:
    incident = Incident.create(tmp_path / "c.incident", title="Bridge")
    import_export(incident, fx.write_telegram(tmp_path / "tg"))
    import_export(incident, fx.write_ytdlp(tmp_path / "dl"))
    photo = next(m.id for m in incident.media_items() if m.filename == "photo_1.jpg")
    set_capture(incident, photo, "2024-03-01T11:50:00", "local-unknown-zone")
    set_incident(incident, claimed="2024-03-01T10:00:00+00:00")
    with incident.write() as conn:
        conn.exec_driver_sql("UPDATE incident SET place_time_zone = 'Europe/Kyiv' WHERE id = 1")
    add_window(incident, "2024-03-01T09:00:00+00:00", "2024-03-01T10:30:00+00:00", photo)
    add_timeline_event(incident, at_utc=datetime(2024, 3, 1, 9, 58, tzinfo=UTC), label="sirens", uncertainty_s=60)
    yield incident
    incident.close()


def test_lanes_points_bars_and_overlays(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = TimelinePanel(inc)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.points is not None and len(panel.points.at) == 7
    assert len(panel.scatter.points()) == 7
    assert panel.lane_axis.names == (
        "youtube:@localnews",
        "telegram:Witness #1",
        "telegram:Witness #2",
        "media (capture time)",
        "analysis / analyst",
    )
    bar_x, _ = panel.bars.getData()
    assert len(bar_x) == 4  # two uncertain posts: the zone-less Telegram message and the date-only video
    assert len(panel.captures.points()) == 1
    link_x, link_y = panel.links.getData()
    assert len(link_x) == 4 and set(link_y[0::2]) == {3.0}  # the photo linked to the two posts that carried it
    kinds = sorted(type(o).__name__ for o in panel._overlays)
    assert kinds == ["InfiniteLine", "InfiniteLine", "LinearRegionItem", "LinearRegionItem"]
    assert "7 posts in 3 lanes" in panel.status.text()
    ticks = panel.lane_axis.tickValues(3.5, -0.5, 300)  # the inverted view hands the range reversed
    assert ticks and panel.lane_axis.tickStrings(ticks[0][1], 1, 1)[:2] == ["youtube:@localnews", "telegram:Witness #1"]
    panel.lanes_box.setCurrentIndex(1)
    assert panel.lane_axis.names[:2] == ("youtube", "telegram")


def test_time_zone_selector_relabels_the_axis(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = TimelinePanel(inc)
    qtbot.addWidget(panel)
    ten_utc = datetime(2024, 3, 1, 10, 0, tzinfo=UTC).timestamp()
    level = next(z for z in panel.time_axis.zoomLevels.values() if any("%H:%M" in t.format for t in z.tickSpecs))
    panel.time_axis.zoomLevel = level
    spacing = next(t.spacing for t in level.tickSpecs if "%H:%M" in t.format)
    assert panel.time_axis.tickStrings([ten_utc], 1, spacing)[0].startswith("10")
    panel.set_time_zone("Europe/Kyiv")
    assert "Europe/Kyiv" in panel.zone_box.currentText()
    assert panel.time_axis.tickStrings([ten_utc], 1, spacing)[0].startswith("12")  # UTC+2 in March
    assert panel.time_axis.utcOffset == -7200
    panel.set_time_zone("analyst")
    assert panel.zone_box.currentText().startswith("Analyst")


def test_clicks_emit_shared_selection(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = TimelinePanel(inc)
    qtbot.addWidget(panel)
    p2 = queries.find_post(inc, "telegram", "777/2")
    assert p2 is not None
    assert panel.points is not None
    spot = next(s for s in panel.scatter.points() if int(panel.points.post_id[s.index()]) == p2.id)
    with qtbot.waitSignals([panel.selectionChanged, panel.mediaSelected]) as blockers:
        panel.scatter.sigClicked.emit(panel.scatter, [spot], None)
    del blockers
    assert panel.selected_post_ids() == (p2.id,)
    assert len(panel.highlight.points()) == 1
    media: list[object] = []
    posts: list[object] = []
    panel.mediaSelected.connect(media.append)
    panel.selectionChanged.connect(posts.append)
    capture = panel.captures.points()[0]
    panel.captures.sigClicked.emit(panel.captures, [capture], None)
    assert media[-1] == (int(capture.data()),)
    assert len(posts[-1]) == 2  # the two posts that carried the photo  # type: ignore[arg-type]
    panel.select_posts(())
    assert len(panel.highlight.points()) == 0


def test_empty_and_closed(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Incident.create(tmp_path / "e.incident", title="x") as inc:
        panel = TimelinePanel(inc)
        qtbot.addWidget(panel)
        assert panel.points is not None and len(panel.points.at) == 0
        panel.set_incident(None)
        assert panel.points is None and panel.lane_axis.names == ()


def test_add_event_dialog_and_command(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    from workbench.gui.panels.timeline.dialogs import AddEventDialog

    panel = TimelinePanel(inc)
    qtbot.addWidget(panel)
    dialog = AddEventDialog(datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()  # no label yet
    dialog.label.setText("broadcast")
    dialog.time.setText("2024-03-01T11:30:00")
    assert not dialog.ok_button.isEnabled() and "zone" in dialog.problem.text()
    dialog.time.setText("2024-03-01T11:30:00+02:00")
    dialog.uncertainty.setValue(5)
    assert dialog.ok_button.isEnabled()
    before = len(panel._overlays)
    panel.apply(dialog.command())
    assert len(panel._overlays) == before + 2  # the line and its ±5 min band
    event = next(e for e in panel.events if e.label == "broadcast")
    assert event.at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC) and (event.end - event.start).total_seconds() == 600
