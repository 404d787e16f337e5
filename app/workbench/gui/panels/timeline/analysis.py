"""Views beside the timeline: consistency checks, provenance of images across posts, coordination signals.

Each is a self-contained widget over an `Incident`: `set_incident()`, `refresh(changes)`, and signals that jump to
the evidence: `selectionChanged(tuple[int, ...])` post ids, `mediaSelected(tuple[int, ...])` media ids,
`accountsSelected(tuple[int, ...])` account ids. Texts from exports are shown as plain text only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.timeline import checks, provenance, signals

SEVERITY_COLOURS = {"warning": QColor(190, 60, 20), "notice": QColor(160, 120, 0), "info": QColor(80, 80, 80)}
REFS_ROLE = Qt.ItemDataRole.UserRole + 10


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class _RefView(QWidget):
    selectionChanged = Signal(object)
    mediaSelected = Signal(object)
    accountsSelected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._incident: Incident | None = None
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._jump)
        self.tree.itemClicked.connect(self._jump)

        # The window sets this to run `compute` in a worker: `background(compute, deliver)`.
        self.background: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None = None
        self._generation = 0

    def set_incident(self, incident: Incident | None) -> None:
        self._incident = incident
        self.reload()

    def reload(self) -> None:
        """Recompute (now, or in the background when embedded) and show; only the latest result is shown."""
        incident = self._incident
        self._generation += 1
        generation = self._generation
        if incident is None:
            self.show_result(None)
            return
        compute = self.computation(incident)

        def deliver(result: Any) -> None:
            if not shiboken6.isValid(self.tree):
                return  # the view was closed while the work ran
            if generation == self._generation and incident is self._incident:
                self.show_result(result)

        if self.background is None:
            deliver(compute())
        else:
            self.background(compute, deliver)

    def computation(self, incident: Incident) -> Callable[[], Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_result(self, result: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _jump(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        refs: list[tuple[str, int]] = item.data(0, REFS_ROLE) or []
        posts = tuple(i for t, i in refs if t == "post")
        media = tuple(i for t, i in refs if t == "media_item")
        accounts = tuple(i for t, i in refs if t == "account")
        if posts:
            self.selectionChanged.emit(posts)
        if media:
            self.mediaSelected.emit(media)
        if accounts:
            self.accountsSelected.emit(accounts)


class ChecksView(_RefView):
    """Consistency checks, most severe first; a click jumps to the evidence."""

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree.setHeaderLabels(["Severity", "Check"])
        self.summary = _label("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        self.found: list[checks.Check] = []
        if incident is not None:
            self.set_incident(incident)

    def refresh(self, changes: Changes) -> None:
        topics = ("posts", "media", "timeline", "incident", "windows", "hypotheses", "pixels")
        if any(t in changes for t in topics):
            self.reload()

    def computation(self, incident: Incident) -> Callable[[], Any]:
        return lambda: checks.run_checks(incident)

    def show_result(self, result: Any) -> None:
        self.tree.clear()
        self.found = list(result or [])
        for c in self.found:
            item = QTreeWidgetItem([c.severity, c.message])
            item.setForeground(0, QBrush(SEVERITY_COLOURS[c.severity]))
            item.setToolTip(1, c.message)
            item.setData(0, REFS_ROLE, list(c.refs))
            self.tree.addTopLevelItem(item)
        counts = {s: sum(1 for c in self.found if c.severity == s) for s in ("warning", "notice")}
        self.summary.setText(
            f"{counts['warning']} warnings, {counts['notice']} notices. A check is a reason to look, not a verdict."
            if self.found
            else "No inconsistencies found among the dated evidence."
        )
        self.tree.resizeColumnToContents(0)


class ProvenanceView(_RefView):
    """For each picture: its copies across posts by perceptual hash, the earliest marked first seen, the spread."""

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree.setHeaderLabels(["Picture / appearance", "Time (UTC)", "Distance"])
        self.threshold = QSpinBox(minimum=0, maximum=32, value=provenance.DEFAULT_THRESHOLD)
        self.threshold.setToolTip("Hamming distance (bits of 64) up to which two hashes count as the same picture")
        self.threshold.valueChanged.connect(lambda _=0: self.reload())
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Same picture within"))
        bar.addWidget(self.threshold)
        bar.addWidget(QLabel("bits"))
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(_label("A perceptual-hash match is an indicator that two files show the same picture."))
        layout.addWidget(self.tree)
        self.groups: list[provenance.ImageGroup] = []
        if incident is not None:
            self.set_incident(incident)

    def refresh(self, changes: Changes) -> None:
        if "posts" in changes or "media" in changes or "pixels" in changes:
            self.reload()

    def computation(self, incident: Incident) -> Callable[[], Any]:
        threshold = self.threshold.value()
        return lambda: provenance.image_groups(incident, threshold=threshold)

    def show_result(self, result: Any) -> None:
        self.tree.clear()
        self.groups = list(result or [])
        for g in self.groups:
            spread = f"spread {g.spread_seconds / 3600:.1f} h" if g.spread_seconds is not None else "one dated copy"
            top = QTreeWidgetItem([f"{len(g.media_ids)} files, {len(g.appearances)} appearances ({spread})", "", ""])
            top.setData(0, REFS_ROLE, [("media_item", m) for m in g.media_ids])
            for a in g.appearances:
                when = a.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if a.at else "undated"
                what = f"media {a.media_id}" + (f" in post {a.post_id}" if a.post_id else " (no post)")
                child = QTreeWidgetItem([("★ first seen — " if a.first_seen else "") + what, when, str(a.distance)])
                refs: list[tuple[str, int]] = [("media_item", a.media_id)]
                if a.post_id is not None:
                    refs.append(("post", a.post_id))
                child.setData(0, REFS_ROLE, refs)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()


class SignalsView(_RefView):
    """Coordination signals, each stated as an indicator, not proof."""

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree.setHeaderLabels(["Signal", "Kind"])
        self.burst = QDoubleSpinBox(minimum=1, maximum=3600, value=10, suffix=" s")
        self.burst.setToolTip("Posts by different accounts each within this many seconds of the previous one")
        run = QPushButton("Recompute")
        run.clicked.connect(self.reload)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Burst gap"))
        bar.addWidget(self.burst)
        bar.addWidget(run)
        bar.addStretch(1)
        self.central = QTreeWidget()
        self.central.setHeaderLabels(["Most central accounts", "Degree", "Betweenness"])
        self.central.itemClicked.connect(self._jump)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_label(signals.DISCLAIMER))
        layout.addLayout(bar)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self.central, 2)
        self.report: signals.SignalReport | None = None
        if incident is not None:
            self.set_incident(incident)

    def refresh(self, changes: Changes) -> None:
        if "posts" in changes:
            self.reload()

    def computation(self, incident: Incident) -> Callable[[], Any]:
        burst = self.burst.value()
        return lambda: signals.coordination_signals(incident, burst_seconds=burst)

    def show_result(self, result: Any) -> None:
        self.tree.clear()
        self.central.clear()
        self.report = result
        if self.report is None:
            return
        for s in self.report.signals:
            item = QTreeWidgetItem([s.summary, s.kind])
            item.setToolTip(0, s.summary)
            item.setData(0, REFS_ROLE, list(s.refs))
            self.tree.addTopLevelItem(item)
        for c in self.report.graph.get("central", []):
            item = QTreeWidgetItem([c["label"], f"{c['degree_centrality']:.3f}", f"{c['betweenness']:.3f}"])
            item.setData(0, REFS_ROLE, [("account", c["account_id"])])
            self.central.addTopLevelItem(item)


class AnalysisTabs(QTabWidget):
    """The three views in tabs, with their signals forwarded."""

    selectionChanged = Signal(object)
    mediaSelected = Signal(object)
    accountsSelected = Signal(object)

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks = ChecksView()
        self.provenance = ProvenanceView()
        self.signals = SignalsView()
        for view, title in ((self.checks, "Checks"), (self.provenance, "Provenance"), (self.signals, "Signals")):
            self.addTab(view, title)
            view.selectionChanged.connect(self.selectionChanged)
            view.mediaSelected.connect(self.mediaSelected)
            view.accountsSelected.connect(self.accountsSelected)
        if incident is not None:
            self.set_incident(incident)

    def set_incident(self, incident: Incident | None) -> None:
        for view in (self.checks, self.provenance, self.signals):
            view.set_incident(incident)

    def refresh(self, changes: Changes) -> None:
        for view in (self.checks, self.provenance, self.signals):
            view.refresh(changes)

    def views(self) -> tuple[Any, ...]:
        return (self.checks, self.provenance, self.signals)

    def set_background(self, background: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None) -> None:
        for view in self.views():
            view.background = background
