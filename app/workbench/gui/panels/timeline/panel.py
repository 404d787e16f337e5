"""The timeline panel: one lane per account (or platform), posts as points, capture times of media linked to the
posts that carried them, the claimed time, analysis windows as bands, analyst events; zoom, pan, a time-zone
selector, and a selection shared with other panels.

Uncertain times are drawn as bars from the earliest to the latest possible moment: a zone-unknown capture or
post spans 26 hours, a date-only upload its whole calendar day in any zone.

Self-contained: `set_incident(incident)`, `refresh(changes)`; emits `selectionChanged(tuple[int, ...])` with post
ids and `mediaSelected(tuple[int, ...])` with media ids; `select_posts(ids)` highlights from outside.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.timeline.events import PostPoints, TimelineEvent, build_events, incident_time_zone, post_points

POST_BRUSH = QColor(40, 110, 200, 200)
CAPTURE_BRUSH = QColor(220, 120, 20, 230)
SELECTED_PEN = pg.mkPen(QColor(230, 30, 30), width=2)
WINDOW_BRUSH = QColor(90, 170, 90, 50)
CLAIMED_PEN = pg.mkPen(QColor(200, 0, 0), width=2)
ANALYST_PEN = pg.mkPen(QColor(120, 60, 160), width=1, style=Qt.PenStyle.DashLine)
LINK_PEN = pg.mkPen(QColor(220, 120, 20, 140), width=1, style=Qt.PenStyle.DotLine)
BAR_PEN = pg.mkPen(QColor(40, 110, 200, 90), width=3)


class ZoneAxis(pg.DateAxisItem):
    """Date axis labelled in a chosen zone (ticks placed with its offset at the view's centre; labels exact)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", utcOffset=0, **kwargs)
        self.zone: tzinfo = UTC

    def set_zone(self, zone: tzinfo, around: float) -> None:
        self.zone = zone
        offset = datetime.fromtimestamp(around, UTC).astimezone(zone).utcoffset() or timedelta(0)
        self.utcOffset = -int(offset.total_seconds())
        self.picture = None
        self.update()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        fmt = spec.format if spec is not None else "%Y-%m-%d %H:%M"
        out = []
        for v in values:
            try:
                text = datetime.fromtimestamp(v, UTC).astimezone(self.zone).strftime(fmt)
            except (OverflowError, ValueError, OSError):
                text = ""
            out.append(text[:-3] if "%f" in fmt else text)
        return out


class LaneAxis(pg.AxisItem):
    """Lane names on the left; only when few enough are visible to be read."""

    def __init__(self) -> None:
        super().__init__(orientation="left")
        self.names: tuple[str, ...] = ()
        self.setWidth(170)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        minVal, maxVal = sorted((minVal, maxVal))  # the view is inverted: the range arrives reversed
        lo, hi = max(0, int(np.ceil(minVal))), min(len(self.names) - 1, int(np.floor(maxVal)))
        if hi < lo:
            return []
        step = max(1, int(np.ceil((hi - lo + 1) / max(size / 14, 1))))
        return [(float(step), [float(v) for v in range(lo, hi + 1, step)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.names[int(v)][:28] if 0 <= int(v) < len(self.names) else "" for v in values]


def analyst_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


class TimelinePanel(QWidget):
    selectionChanged = Signal(object)  # tuple[int, ...] of post ids
    mediaSelected = Signal(object)  # tuple[int, ...] of media ids

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The window sets this to read in a worker: `background(read, deliver)`; standalone, reads happen now.
        self.background: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None = None
        self._read_generation = 0
        self._incident: Incident | None = None
        self.points: PostPoints | None = None
        self.events: list[TimelineEvent] = []
        self._selected: tuple[int, ...] = ()
        self._overlays: list[Any] = []
        # How edits are applied: the window sets this to `ctx.push` (undo stack, broadcast); alone, done directly.
        self.push_command: Callable[[Any], Any] | None = None

        self.zone_box = QComboBox()
        self.zone_box.currentIndexChanged.connect(self._zone_changed)
        self.lanes_box = QComboBox()
        self.lanes_box.addItem("One lane per account", "account")
        self.lanes_box.addItem("One lane per platform", "platform")
        self.lanes_box.currentIndexChanged.connect(lambda _=0: self.reload())
        fit = QPushButton("Fit all")
        fit.clicked.connect(self.fit)
        self.add_button = QPushButton("Add event…")
        self.add_button.setToolTip(
            "Put an event on the timeline: a reported explosion, a broadcast, with its uncertainty"
        )
        self.add_button.clicked.connect(self.add_event)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Time zone:"))
        bar.addWidget(self.zone_box)
        bar.addWidget(self.lanes_box)
        bar.addWidget(fit)
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        bar.addWidget(self.status)

        self.time_axis = ZoneAxis()
        self.lane_axis = LaneAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.time_axis, "left": self.lane_axis})
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.plot.getViewBox().setMouseEnabled(x=True, y=True)
        self.plot.getViewBox().invertY(True)
        self.bars = pg.PlotCurveItem(connect="pairs", pen=BAR_PEN, skipFiniteCheck=True)
        self.scatter = pg.ScatterPlotItem(size=6, pen=None, brush=POST_BRUSH, hoverable=False)
        self.scatter.sigClicked.connect(self._clicked_posts)
        self.captures = pg.ScatterPlotItem(size=10, symbol="d", pen=None, brush=CAPTURE_BRUSH)
        self.captures.sigClicked.connect(self._clicked_captures)
        self.capture_bars = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(CAPTURE_BRUSH, width=3))
        self.links = pg.PlotCurveItem(connect="pairs", pen=LINK_PEN)
        self.highlight = pg.ScatterPlotItem(size=12, pen=SELECTED_PEN, brush=None)
        for item in (self.bars, self.links, self.capture_bars, self.scatter, self.captures, self.highlight):
            self.plot.addItem(item)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot)
        self._fill_zones(None)
        if incident is not None:
            self.set_incident(incident)

    # --- time zones -----------------------------------------------------------------------------------------
    def _fill_zones(self, place_zone: str | None) -> None:
        self.zone_box.blockSignals(True)
        self.zone_box.clear()
        self.zone_box.addItem("UTC", "UTC")
        if place_zone:
            self.zone_box.addItem(f"Incident place ({place_zone})", place_zone)
        local = analyst_zone()
        self.zone_box.addItem(f"Analyst ({datetime.now(local).strftime('UTC%z')})", "analyst")
        self.zone_box.blockSignals(False)

    def zone(self) -> tzinfo:
        key = self.zone_box.currentData()
        if key == "analyst":
            return analyst_zone()
        if key and key != "UTC":
            try:
                return ZoneInfo(str(key))
            except (ZoneInfoNotFoundError, ValueError):
                return UTC
        return UTC

    def set_time_zone(self, key: str) -> None:
        """ "UTC", "analyst", or the incident place's IANA name (when it is one of the choices)."""
        index = self.zone_box.findData(key)
        if index >= 0:
            self.zone_box.setCurrentIndex(index)

    def _zone_changed(self, *_: Any) -> None:
        (x0, x1), _ = self.plot.getViewBox().viewRange()
        self.time_axis.set_zone(self.zone(), (x0 + x1) / 2)
        self.time_axis.setLabel(f"time ({self.zone_box.currentText()})")

    # --- data -----------------------------------------------------------------------------------------------
    def set_incident(self, incident: Incident | None) -> None:
        self._incident = incident
        self._fill_zones(incident_time_zone(incident) if incident is not None else None)
        self.reload()

    def refresh(self, changes: Changes) -> None:
        if any(t in changes for t in ("posts", "media", "timeline", "incident", "windows", "hypotheses")):
            self.reload()

    def reload(self) -> None:
        for item in self._overlays:
            self.plot.removeItem(item)
        self._overlays.clear()
        if self._incident is None:
            self.points, self.events = None, []
            for curve in (self.bars, self.links, self.capture_bars):
                curve.setData([], [])
            for scatter in (self.scatter, self.captures, self.highlight):
                scatter.clear()
            self.lane_axis.names = ()
            self.status.setText("")
            return
        lanes = str(self.lanes_box.currentData() or "account")
        incident = self._incident
        self._read_generation += 1
        generation = self._read_generation

        def read() -> tuple[PostPoints, list[TimelineEvent]]:
            return post_points(incident, lanes=lanes), build_events(incident, lanes=lanes, include_posts=False)

        def deliver(result: tuple[PostPoints, list[TimelineEvent]]) -> None:
            if generation == self._read_generation and incident is self._incident:
                self._show(*result)

        if self.background is None:
            deliver(read())
        else:
            self.background(read, deliver)  # the window reads in a worker: no stall on the GUI thread

    def _show(self, pts: PostPoints, events: list[TimelineEvent]) -> None:
        self.points = pts
        self.events = events
        names = list(pts.lane_names)
        media_lane = len(names)
        names.append("media (capture time)")
        analysis_lane = len(names)
        names.append("analysis / analyst")
        self.lane_axis.names = tuple(names)
        self.scatter.setData(pos=np.column_stack([pts.at, pts.lane.astype(np.float64)]))
        uncertain = pts.end > pts.start
        if uncertain.any():
            xs = np.empty(int(uncertain.sum()) * 2)
            xs[0::2], xs[1::2] = pts.start[uncertain], pts.end[uncertain]
            ys = np.repeat(pts.lane[uncertain].astype(np.float64), 2)
            self.bars.setData(xs, ys)
        else:
            self.bars.setData([], [])
        self._draw_events(media_lane, analysis_lane)
        self.highlight.clear()
        self._apply_highlight()
        self.status.setText(f"{len(pts.at):,} posts in {len(pts.lane_names)} lanes; {len(self.events)} other events")
        self.fit()

    def _draw_events(self, media_lane: int, analysis_lane: int) -> None:
        assert self.points is not None
        where = {int(pid): i for i, pid in enumerate(self.points.post_id.tolist())}
        cap_x: list[float] = []
        cap_ids: list[int] = []
        cap_bars: list[float] = []
        link_x: list[float] = []
        link_y: list[float] = []
        for e in self.events:
            if e.kind == "capture":
                cap_x.append(e.at.timestamp())
                cap_ids.append(e.object_id)
                if e.uncertain:
                    cap_bars += [e.start.timestamp(), e.end.timestamp()]
                for _, pid in e.related:
                    i = where.get(pid)
                    if i is not None:
                        link_x += [e.at.timestamp(), float(self.points.at[i])]
                        link_y += [float(media_lane), float(self.points.lane[i])]
            elif e.kind == "claimed":
                line = pg.InfiniteLine(e.at.timestamp(), angle=90, pen=CLAIMED_PEN, label="claimed",
                                       labelOpts={"position": 0.05, "color": (200, 0, 0)})  # fmt: skip
                self._add(line)
            elif e.kind == "window":
                region = pg.LinearRegionItem((e.start.timestamp(), e.end.timestamp()), movable=False,
                                             brush=WINDOW_BRUSH, pen=pg.mkPen(None))  # fmt: skip
                region.setToolTip(f"{e.label}\n{e.note}")
                self._add(region)
            elif e.kind == "analyst":
                line = pg.InfiniteLine(e.at.timestamp(), angle=90, pen=ANALYST_PEN, label=e.label[:40],
                                       labelOpts={"position": 0.95, "color": (120, 60, 160)})  # fmt: skip
                self._add(line)
                if e.uncertain:
                    region = pg.LinearRegionItem((e.start.timestamp(), e.end.timestamp()), movable=False,
                                                 brush=QColor(120, 60, 160, 30), pen=pg.mkPen(None))  # fmt: skip
                    self._add(region)
        self.captures.setData(x=cap_x, y=[float(media_lane)] * len(cap_x), data=cap_ids)
        self.capture_bars.setData(cap_bars, [float(media_lane)] * len(cap_bars))
        self.links.setData(link_x, link_y)
        del analysis_lane

    def _add(self, item: Any) -> None:
        self.plot.addItem(item)
        self._overlays.append(item)

    def fit(self) -> None:
        xs: list[float] = []
        if self.points is not None and len(self.points.at):
            xs += [float(self.points.start.min()), float(self.points.end.max())]
        xs += [t for e in self.events for t in (e.start.timestamp(), e.end.timestamp())]
        if not xs:
            return
        lo, hi = min(xs), max(xs)
        pad = max((hi - lo) * 0.03, 60.0)
        self.plot.getViewBox().setRange(
            xRange=(lo - pad, hi + pad), yRange=(-0.5, len(self.lane_axis.names) - 0.5), padding=0
        )
        self._zone_changed()

    # --- editing -------------------------------------------------------------------------------------------
    def add_event(self) -> None:
        from workbench.gui.panels.timeline.dialogs import AddEventDialog

        if self._incident is None:
            return
        (x0, x1), _ = self.plot.getViewBox().viewRange()
        dialog = AddEventDialog(datetime.fromtimestamp((x0 + x1) / 2, UTC), self)
        if dialog.exec():
            self.apply(dialog.command())

    def apply(self, command: Any) -> None:
        """Run an edit command: through the window's undo stack when embedded, else directly."""
        if self.push_command is not None:
            self.push_command(command)
        elif self._incident is not None:
            command.do(self._incident)
            self.reload()

    # --- selection -------------------------------------------------------------------------------------------
    def select_posts(self, post_ids: tuple[int, ...] | list[int]) -> None:
        """Highlight these posts (from another panel); emits nothing back."""
        self._selected = tuple(int(p) for p in post_ids)
        self._apply_highlight()

    def selected_post_ids(self) -> tuple[int, ...]:
        return self._selected

    def _apply_highlight(self) -> None:
        if self.points is None or not self._selected:
            self.highlight.clear()
            return
        mask = np.isin(self.points.post_id, np.array(self._selected, dtype=np.int64))
        self.highlight.setData(x=self.points.at[mask], y=self.points.lane[mask].astype(np.float64))

    def _clicked_posts(self, _item: Any, spots: Any, *_: Any) -> None:
        assert self.points is not None
        ids = tuple(dict.fromkeys(int(self.points.post_id[s.index()]) for s in spots))
        self.select_posts(ids)
        self.selectionChanged.emit(ids)
        if self._incident is not None and ids:
            with self._incident.read() as conn:
                rows = conn.exec_driver_sql(
                    f"SELECT media_id FROM post_media WHERE media_id IS NOT NULL AND post_id IN "
                    f"({','.join('?' * len(ids))}) ORDER BY post_id, position",
                    ids,
                ).all()
            self.mediaSelected.emit(tuple(dict.fromkeys(int(r[0]) for r in rows)))

    def _clicked_captures(self, _item: Any, spots: Any, *_: Any) -> None:
        media = tuple(dict.fromkeys(int(s.data()) for s in spots))
        self.mediaSelected.emit(media)
        posts = [pid for e in self.events if e.kind == "capture" and e.object_id in media for _, pid in e.related]
        self.select_posts(tuple(dict.fromkeys(posts)))
        self.selectionChanged.emit(self._selected)
