"""Plugging the posts and timeline panels into the main window's `AppContext`.

The window calls `make_panel(ctx, parent)` of `workbench.gui.panels.posts` and `...timeline`. Here they are wired:
- `ctx.incident_changed` → `set_incident`; `ctx.changed` → `refresh` (only topics each panel shows);
- a panel's `mediaSelected` → `ctx.select_media` (the inspector, metadata and map follow);
- `ctx.selection_changed` (media chosen elsewhere) → the posts that carried those files are selected;
- post selection is shared between the posts and timeline panels through one `PostSelection` hub, a child of the
  context found by its object name (no globals).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from workbench.core.incident import Incident
from workbench.gui.context import AppContext

HUB_NAME = "workbench-post-selection"


class PostSelection(QObject):
    """The selected posts, shared by every panel that shows posts."""

    changed = Signal(object, object)  # tuple[int, ...] post ids, the sender (to avoid echoes)

    def select(self, ids: tuple[int, ...], sender: object = None) -> None:
        self.changed.emit(tuple(ids), sender)


def post_selection(ctx: AppContext) -> PostSelection:
    hub = ctx.findChild(PostSelection, HUB_NAME)
    if hub is None:
        hub = PostSelection(ctx)
        hub.setObjectName(HUB_NAME)
    return hub


def posts_carrying(incident: Incident, media_ids: tuple[int, ...]) -> tuple[int, ...]:
    if not media_ids:
        return ()
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT DISTINCT post_id FROM post_media WHERE media_id IN ({','.join('?' * len(media_ids))})",
            tuple(media_ids),
        ).all()
    return tuple(int(r[0]) for r in rows)


def wire(ctx: AppContext, panel: Any, *extra: Any) -> None:
    """Connect a panel (and views beside it) with `set_incident`, `refresh`, `select_posts` and the signals."""
    hub = post_selection(ctx)
    last_media: list[tuple[int, ...]] = [()]
    widgets = (panel, *extra)

    def on_media(ids: tuple[int, ...]) -> None:
        last_media[0] = tuple(ids)
        if ids:
            ctx.select_media(ids)

    def on_ctx_media(ids: tuple[int, ...]) -> None:
        if tuple(ids) == last_media[0] or ctx.incident is None:
            return
        panel.select_posts(posts_carrying(ctx.incident, tuple(ids)))

    def on_accounts(ids: tuple[int, ...]) -> None:
        if ctx.incident is None or not ids:
            return
        with ctx.incident.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT id FROM post WHERE account_id IN ({','.join('?' * len(ids))})", tuple(ids)
            ).all()
        hub.select(tuple(int(r[0]) for r in rows), None)

    for w in widgets:
        ctx.incident_changed.connect(w.set_incident)
        ctx.changed.connect(w.refresh)
        w.mediaSelected.connect(on_media)
        w.selectionChanged.connect(lambda ids, w=w: hub.select(tuple(ids), w))
        if hasattr(w, "push_command"):
            w.push_command = ctx.push
        if hasattr(w, "accountsSelected"):
            w.accountsSelected.connect(on_accounts)
        if ctx.incident is not None:
            w.set_incident(ctx.incident)
    hub.changed.connect(lambda ids, sender: panel.select_posts(ids) if sender is not panel else None)
    ctx.selection_changed.connect(on_ctx_media)


class PostsDock(QWidget):
    """The posts panel with its import buttons, as the window's dock shows it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        from workbench.gui.panels.posts.panel import PostsPanel

        super().__init__(parent)
        self.ctx = ctx
        self.panel = PostsPanel()
        self.import_button = QPushButton("Import export…")
        self.import_button.setToolTip(
            "Telegram result.json, twarc2 JSONL, Mastodon/Reddit API JSON, yt-dlp .info.json, Facebook/Instagram "
            "JSON, or a CSV/JSON table. The export and its files are kept as evidence."
        )
        self.import_button.clicked.connect(self.choose_and_import)
        self.manual_button = QPushButton("Add a post by hand…")
        self.manual_button.clicked.connect(self.add_manual)
        bar = QHBoxLayout()
        bar.addWidget(self.import_button)
        bar.addWidget(self.manual_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.panel)
        self.panel.background = self._read_in_background
        wire(ctx, self.panel)

    def _read_in_background(self, read: Any, deliver: Any) -> None:
        self.ctx.workers.run(lambda progress: read(), description="Reading posts", visible=False, on_result=deliver)

    def choose_and_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import social-media exports")
        for name in names:
            self.import_path(Path(name))

    def import_path(self, path: Path, fmt: str | None = None) -> Any:
        """Import one export in the background (asks for a column mapping for tables). Returns the task."""
        from workbench.core.errors import WorkbenchError
        from workbench.core.posts import importers
        from workbench.core.posts.store import import_export, saved_mappings
        from workbench.gui.panels.posts.dialogs import ColumnMappingDialog

        if self.ctx.incident is None:
            self.ctx.error_raised.emit("Open or create an incident first.")
            return None
        try:
            fmt = fmt or importers.detect(path)
        except WorkbenchError as exc:
            self.ctx.error_raised.emit(str(exc))
            return None
        mapping = None
        if fmt == "csv":
            dialog = ColumnMappingDialog(importers.resolve_path(path), saved_mappings(self.ctx.incident), self)
            if not dialog.exec():
                return None
            mapping = dialog.mapping()
        return self.ctx.workers.run(
            import_export,
            self.ctx.incident,
            path,
            fmt=fmt,
            mapping=mapping,
            description=f"Importing {path.name}",
            writes=True,
            on_result=self._imported,
            on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
        )

    def _imported(self, report: Any) -> None:
        self.ctx.apply(report.changes)
        errors = len(report.errors)
        self.ctx.status_message.emit(
            f"{Path(report.source).name}: {report.posts} posts, {report.accounts} accounts, {report.media} files "
            f"added; {report.duplicates} already present" + (f"; {errors} records could not be read" if errors else "")
        )

    def add_manual(self) -> None:
        from workbench.core.posts.store import import_manual_post
        from workbench.gui.panels.posts.dialogs import ManualPostDialog

        if self.ctx.incident is None:
            self.ctx.error_raised.emit("Open or create an incident first.")
            return
        dialog = ManualPostDialog(self)
        if dialog.exec():
            self.ctx.workers.run(
                import_manual_post,
                self.ctx.incident,
                **dialog.values(),
                description="Adding a post",
                writes=True,
                on_result=self._imported,
                on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
            )
