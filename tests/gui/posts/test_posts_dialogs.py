"""The column-mapping dialog (guess, saved mapping, validation) and the manual-post dialog (zone required)."""

from __future__ import annotations

from pathlib import Path

from tests.core.posts import posts_fixtures as fx
from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.model import ColumnMapping
from workbench.core.posts.store import import_export, import_manual_post, saved_mappings
from workbench.gui.panels.posts import ColumnMappingDialog, ManualPostDialog


def test_mapping_dialog_guesses_and_applies_saved(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "t.csv"
    table.write_text("id,username,created_at,text,Handle2\n1,a,2024-03-01T10:00:00Z,hello,b\n", encoding="utf-8")
    saved = [ColumnMapping(platform="vk", columns={"id": "id", "author": "Handle2", "text": "text"})]
    dialog = ColumnMappingDialog(table, saved)
    qtbot.addWidget(dialog)
    assert dialog.mapping().columns == {"id": "id", "author": "username", "created": "created_at", "text": "text"}
    assert dialog.preview.rowCount() == 1 and dialog.preview.item(0, 3).text() == "hello"
    dialog.saved_box.setCurrentIndex(1)
    assert dialog.mapping().platform == "vk" and dialog.mapping().columns["author"] == "Handle2"
    assert "No time column" in dialog.problem.text() and dialog.ok_button.isEnabled()
    dialog.boxes["text"].setCurrentIndex(0)
    dialog.boxes["id"].setCurrentIndex(0)
    assert not dialog.ok_button.isEnabled()


def test_mapping_from_dialog_imports_and_is_saved(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = fx.write_csv(tmp_path / "t" / "table.csv")
    dialog = ColumnMappingDialog(table)
    qtbot.addWidget(dialog)
    dialog.boxes["id"].setCurrentText("Post ID")
    dialog.boxes["author"].setCurrentText("Handle")
    dialog.boxes["created"].setCurrentText("When")
    dialog.boxes["text"].setCurrentText("Body")
    dialog.boxes["media"].setCurrentText("Files")
    dialog.platform.setText("vk")
    with Incident.create(tmp_path / "c.incident", title="x") as inc:
        report = import_export(inc, table, fmt="csv", mapping=dialog.mapping())
        assert report.posts == 3
        assert saved_mappings(inc)[0].columns["text"] == "Body"


def test_manual_post_dialog_requires_a_zone(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ManualPostDialog()
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.url.setText("https://t.me/channel/55")
    dialog.time.setText("2024-03-01T14:05:00")
    assert not dialog.ok_button.isEnabled() and "zone" in dialog.problem.text()
    dialog.time.setText("2024-03-01T14:05:00+02:00")
    assert dialog.ok_button.isEnabled()
    dialog.text.setPlainText(fx.HOSTILE)
    dialog.add_files([fx.jpeg(tmp_path / "shot.jpg")])
    with Incident.create(tmp_path / "c.incident", title="x") as inc:
        import_manual_post(inc, **dialog.values())
        post = queries.find_post(inc, "telegram", "https://t.me/channel/55")
        assert post is not None and post.text == fx.HOSTILE and len(post.media_ids) == 1
