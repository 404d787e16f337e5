"""The posts panel on a real incident: table, filter, sort, thread, account card, shared selection, plain text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.core.posts import posts_fixtures as fx
from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.store import import_export
from workbench.gui.panels.posts import PostsPanel, PostsTableModel


@pytest.fixture
def inc(tmp_path: Path) -> Iterator[Incident]:
    incident = Incident.create(tmp_path / "c.incident", title="Bridge")
    import_export(incident, fx.write_telegram(tmp_path / "tg"))
    import_export(incident, fx.write_twarc(tmp_path / "t.jsonl"))
    yield incident
    incident.close()


def test_date_only_is_shown_as_a_day(tmp_path: Path) -> None:
    with Incident.create(tmp_path / "d.incident", title="x") as incident:
        import_export(incident, fx.write_ytdlp(tmp_path / "dl"))
        model = PostsTableModel()
        model.set_posts(queries.posts(incident))
        assert model.index(0, 0).data() == "2024-03-01 (date only)" and model.index(0, 1).data() == "day"


def test_model_without_widgets(inc: Incident) -> None:
    model = PostsTableModel()
    model.set_posts(queries.posts(inc))
    assert model.rowCount() == 11 and model.columnCount() == 9
    first = model.index(0, 0).data()
    assert first == "2024-03-01 10:05:00"  # the telegram post, UTC
    zoneless_row = next(r for r in range(11) if model.post_at(r).platform_id == "777/3")
    assert model.index(zoneless_row, 0).data() == "2024-03-01T12:06:00 (local, zone unknown)"
    assert model.index(zoneless_row, 1).data() == "zone unknown (±14 h)"
    model.sort(5, Qt.SortOrder.DescendingOrder)  # likes: Telegram posts have none, they stay last either way
    assert model.index(0, 5).data() == 7 and model.index(10, 5).data() == ""
    model.sort(5, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 5).data() == 7 and model.index(10, 5).data() == ""
    model.set_filter("WITNESS")  # the author's name, case-insensitive
    assert model.rowCount() == 6 and model.total() == 11
    assert model.row_of(queries.find_post(inc, "twitter", "100").id) is None  # type: ignore[union-attr]


def test_filter_sort_select_and_details(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = PostsPanel(inc)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.model.rowCount() == 11
    panel.filter_edit.setText("bridge hit")
    assert panel.model.rowCount() == 4  # 100, 102 (RT), 103, 104
    assert "4 of 11 posts" in panel.count_label.text()
    panel.filter_edit.setText("")
    panel.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # likes
    assert panel.model.index(0, 5).data() == 7

    target = queries.find_post(inc, "telegram", "777/2")
    assert target is not None
    with qtbot.waitSignals([panel.selectionChanged, panel.mediaSelected]) as blocker:
        panel.table.selectRow(panel.model.row_of(target.id) or 0)
    del blocker
    assert panel.selected_post_ids() == (target.id,)
    assert "Explosion near the bridge" in panel.text_view.toPlainText()
    assert '"date_unixtime":"1709287500"' in panel.raw_view.toPlainText()
    assert panel.thread_view.topLevelItemCount() == 1
    root = panel.thread_view.topLevelItem(0)
    assert root.childCount() == 1 and "(zone unknown" not in root.text(2)  # the reply 777/3 below it
    assert panel.card.labels["Posts here"].text() == "5"
    assert panel.card.labels["Hours (UTC)"].text().startswith(" " * 10 + "█")  # all five at 10-11 h UTC


def test_media_of_selected_posts_and_external_selection(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = PostsPanel(inc)
    qtbot.addWidget(panel)
    p2 = queries.find_post(inc, "telegram", "777/2")
    p8 = queries.find_post(inc, "telegram", "777/8")
    assert p2 is not None and p8 is not None
    seen: list[object] = []
    panel.selectionChanged.connect(seen.append)
    panel.select_posts((p2.id, p8.id))
    assert set(panel.selected_post_ids()) == {p2.id, p8.id}
    assert seen == []  # selecting from outside does not echo back
    media: list[tuple[int, ...]] = []
    panel.mediaSelected.connect(media.append)
    panel.table.selectRow(panel.model.row_of(p8.id) or 0)
    assert media[-1] == p8.media_ids and len(p8.media_ids) == 1


def test_hostile_text_is_never_rendered(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = PostsPanel(inc)
    qtbot.addWidget(panel)
    hostile = queries.find_post(inc, "telegram", "777/5")
    assert hostile is not None
    panel.select_posts((hostile.id,))
    panel._on_selection()
    assert fx.HOSTILE in panel.text_view.toPlainText()
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in panel.card.labels.values())
    row = panel.model.row_of(hostile.id)
    assert panel.model.index(row or 0, 4).data() == fx.HOSTILE


def test_reload_on_changes(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Incident.create(tmp_path / "e.incident", title="x") as inc:
        panel = PostsPanel(inc)
        qtbot.addWidget(panel)
        assert panel.model.rowCount() == 0
        report = import_export(inc, fx.write_reddit(tmp_path / "r.json"))
        panel.refresh(report.changes)
        assert panel.model.rowCount() == 3
        panel.set_incident(None)
        assert panel.model.rowCount() == 0


def test_account_card_age_at_the_post(qtbot, inc: Incident) -> None:  # type: ignore[no-untyped-def]
    panel = PostsPanel(inc)
    qtbot.addWidget(panel)
    tweet = queries.find_post(inc, "twitter", "100")
    assert tweet is not None
    panel.table.selectRow(panel.model.row_of(tweet.id) or 0)
    labels = panel.card.labels
    assert labels["Age at this post"].text() == "5.5 days"  # created 2024-02-25, posted 2024-03-01 12:05 UTC
    assert "created" in labels["Flags"].text() and "indicator, not proof" in labels["Flags"].text()
    assert labels["Followers / following"].text() == "10 / 5"
