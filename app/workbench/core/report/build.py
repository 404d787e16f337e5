"""Building the report from an incident: each chosen section becomes escaped HTML plus its figures.

The sections, in the order they appear:

- ``title``: the incident, the claim, the verdict box, the analyst, the dates, the content digest and audit head;
- ``findings``: the findings with their confidence and evidence, and the checklist of the usual steps;
- ``evidence``: per item the picture with its annotations, key metadata, flags, hashes and where it came from;
- ``geolocation``: a static map (drawn offline) and the location reasoning;
- ``chronolocation``: claimed and recorded times, shadow measurements, the sun chart and the time windows;
- ``timeline``: every dated thing on one axis, and the consistency checks;
- ``posts``: the posts involved, with original text, author, time with its zone and link;
- ``methodology``: what each analysis can and cannot show, parameters, software versions;
- ``appendix``: the audit log and a manifest of every hash.

Modules of other areas (sun, geo, timeline, forensics) are used when present; a section whose inputs are absent
says so in one sentence instead of disappearing, so a reader sees what was not done.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench import __version__
from workbench.core import findings as fnd
from workbench.core.errors import BadInput, WorkbenchError
from workbench.core.geo.measure import great_circle_m
from workbench.core.incident import Incident
from workbench.core.report import figures as figs
from workbench.core.report.digest import DEFINITION, SHELL_RECIPE, ContentDigest, content_digest
from workbench.core.report.model import CONTENTS_MARK, PAGE_WIDTH_PX, Figure, Report, Section, esc, safe_link
from workbench.core.store.records import IncidentInfo, MediaItem
from workbench.core.tasks import Progress

SECTIONS: tuple[str, ...] = (
    "title",
    "findings",
    "evidence",
    "geolocation",
    "chronolocation",
    "timeline",
    "posts",
    "methodology",
    "appendix",
)
SECTION_TITLES: dict[str, str] = {
    "title": "Title page",
    "findings": "Summary of findings",
    "evidence": "Evidence",
    "geolocation": "Geolocation",
    "chronolocation": "Chronolocation",
    "timeline": "Timeline",
    "posts": "Posts",
    "methodology": "Methodology and limitations",
    "appendix": "Appendix: audit log and hash manifest",
}

VERDICT_COLOURS: dict[str, tuple[str, str]] = {  # (border, background)
    "verified": ("#1b7a3d", "#e6f4ea"),
    "likely": ("#4f7f2a", "#eef5e4"),
    "unverified": ("#6b7480", "#eef0f3"),
    "misleading": ("#b35c00", "#fdf0e1"),
    "false": ("#b3261e", "#fbe7e6"),
}

KIND_TITLES = {
    "media_item": "item",
    "annotation": "annotation",
    "post": "post",
    "account": "account",
    "location_hypothesis": "location hypothesis",
    "time_window": "time window",
    "shadow_measurement": "shadow measurement",
    "timeline_event": "timeline event",
}


def parse_sections(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"title,findings"`` (or a list) → the chosen section keys in report order; None or "all" → every section."""
    if text is None:
        return SECTIONS
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    if not names or names == ["all"]:
        return SECTIONS
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise BadInput(f"Unknown report section(s) {', '.join(unknown)}; choose from: {', '.join(SECTIONS)}.")
    return tuple(s for s in SECTIONS if s in names)


# --- formatting -----------------------------------------------------------------------------------------------------


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(t)
    except ValueError:
        return None


def _offset_text(dt: datetime) -> str:
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def fmt_utc(value: str | datetime | None, seconds: bool = True) -> str:
    dt = _parse_time(value) if isinstance(value, str) or value is None else value
    if dt is None:
        return esc(value or "—")
    if dt.tzinfo is None:
        return esc(dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")) + " (zone unknown)"
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def fmt_local(value: str | datetime | None, zone: tzinfo, zone_name: str) -> str:
    dt = _parse_time(value) if isinstance(value, str) or value is None else value
    if dt is None or dt.tzinfo is None:
        return ""
    local = dt.astimezone(zone)
    name = f" {esc(zone_name)}" if zone_name else ""
    return f"{local.strftime('%Y-%m-%d %H:%M:%S')}{name} ({_offset_text(local)})"


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _mono(text: str) -> str:
    return f'<span class="mono">{esc(text)}</span>'


def _hash_block(digest: str) -> str:
    """A 64-digit hash in two lines of 32, so it never overflows a cell."""
    return _mono(digest[:32]) + "<br/>" + _mono(digest[32:]) if len(digest) > 40 else _mono(digest)


def _facts(rows: Sequence[tuple[str, str]], key_width: int = 28) -> str:
    body = "".join(
        f'<tr><td class="k" width="{key_width}%">{esc(k)}</td><td>{v}</td></tr>' for k, v in rows if v is not None
    )
    return f'<table class="facts" width="100%" cellspacing="0" cellpadding="3">{body}</table>'


def _grid(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int] | None = None) -> str:
    head = "".join(
        f"<th{f' width={chr(34)}{widths[i]}%{chr(34)}' if widths else ''}>{esc(h)}</th>" for i, h in enumerate(headers)
    )
    row_list = list(rows)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in row_list)
    # Long tables repeat their header on every page. Short ones do not: Qt draws a repeated header over the next
    # heading when a table ends exactly at the foot of a page.
    head_row = f"<thead><tr>{head}</tr></thead>" if len(row_list) > 12 else f"<tr>{head}</tr>"
    return (
        '<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="4" '
        f'style="border-color: #c8ced6; border-style: solid;">{head_row}{body}</table>'
    )


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{text}</p>' if cls else f"<p>{text}</p>"


def _severity(sev: str) -> str:
    cls = sev if sev in ("warning", "notice", "info") else "info"
    return f'<span class="{cls}">{esc(sev)}</span>'


def _confidence(conf: str) -> str:
    return f'<span class="{esc(conf)}">{esc(conf)}</span>'


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_m(a[0], a[1], b[0], b[1])


def _fmt_distance(m: float) -> str:
    return f"{m:,.0f} m" if m < 10_000 else f"{m / 1000:,.1f} km"


def _table_exists(inc: Incident, name: str) -> bool:
    with inc.read() as conn:
        return (
            conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).first()
            is not None
        )


def _rows(inc: Incident, table: str, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
    if not _table_exists(inc, table):
        return []
    with inc.read() as conn:
        return list(conn.exec_driver_sql(sql, args).all())


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


# --- context --------------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    inc: Incident
    info: IncidentInfo
    digest: ContentDigest
    zone: tzinfo
    zone_name: str
    generated: datetime
    progress: Progress
    max_side: int
    extra_software: dict[str, str]
    items: list[MediaItem] = field(default_factory=list)
    findings: list[fnd.Finding] = field(default_factory=list)
    annotations: dict[int, list[Any]] = field(default_factory=dict)
    posts: list[Any] | None = None
    pictures: dict[int, tuple[Future[figs.Picture] | None, str, str]] = field(default_factory=dict)
    _names: set[str] = field(default_factory=set)

    def figure(self, stem: str, pic: figs.Picture, caption: str, display_width: int = PAGE_WIDTH_PX) -> Figure:
        name = stem
        n = 1
        while name in self._names:
            n += 1
            name = f"{stem}-{n}"
        self._names.add(name)
        return Figure(name, pic.data, pic.mime, pic.width, pic.height, caption, display_width)

    def local(self, value: str | datetime | None, compact: bool = False) -> str:
        """Local time in the incident's zone; `compact` leaves out the zone name (when a heading states it)."""
        return fmt_local(value, self.zone, "" if compact else self.zone_name)

    def both(self, value: str | datetime | None) -> str:
        utc = fmt_utc(value)
        local = self.local(value)
        return f"{utc}<br/>{local}" if local and self.zone_name != "UTC" else utc

    def item_name(self, media_id: int) -> str:
        for it in self.items:
            if it.id == media_id:
                return it.filename
        return f"item {media_id}"

    def load_posts(self) -> list[Any]:
        if self.posts is None:
            self.posts = []
            if _table_exists(self.inc, "post"):
                try:
                    from workbench.core.posts.queries import posts as query_posts
                except ImportError:  # the posts area is optional in a build
                    return self.posts
                self.posts = query_posts(self.inc)
        return self.posts

    def describe(self, link: fnd.EvidenceLink) -> str:
        """A citation as people read it: "item 3 (DSCF4021.JPG)", "post 12 (@user, time)"."""
        kind = KIND_TITLES.get(link.object_type, link.object_type)
        text = f"{kind} {link.object_id}"
        if link.object_type == "media_item":
            text += f" ({self.item_name(link.object_id)})"
        elif link.object_type == "annotation":
            for media_id, anns in self.annotations.items():
                for i, a in enumerate(anns, start=1):
                    if a.id == link.object_id:
                        label = f": {a.label}" if a.label else ""
                        text = f"annotation {i} on item {media_id} ({self.item_name(media_id)}){label}"
        elif link.object_type == "post":
            for p in self.load_posts():
                if p.id == link.object_id:
                    text += f" ({p.platform} @{p.author}, {fmt_utc(p.created_utc or p.created_original, False)})"
        elif link.object_type == "location_hypothesis":
            rows = _rows(
                self.inc, "location_hypothesis", "SELECT label FROM location_hypothesis WHERE id = ?", (link.object_id,)
            )
            if rows and rows[0][0]:
                text += f" ({rows[0][0]})"
        elif link.object_type == "time_window":
            rows = _rows(self.inc, "time_window", "SELECT label FROM time_window WHERE id = ?", (link.object_id,))
            if rows and rows[0][0]:
                text += f" ({rows[0][0]})"
        note = f" — {link.note}" if link.note else ""
        return esc(text + note)


def _zone_of(info: IncidentInfo) -> tuple[tzinfo, str]:
    if info.place_time_zone:
        try:
            return ZoneInfo(info.place_time_zone), info.place_time_zone
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC, "UTC"


# --- sections -------------------------------------------------------------------------------------------------------


def _title(ctx: _Context) -> Section:
    info, digest = ctx.info, ctx.digest
    verdict = fnd.get_verdict(ctx.inc)
    border, background = VERDICT_COLOURS.get(verdict.verdict, VERDICT_COLOURS["unverified"])
    scale = " · ".join(
        f"<b>{esc(fnd.VERDICT_TITLES[v])}</b>" if v == verdict.verdict else esc(fnd.VERDICT_TITLES[v])
        for v in fnd.VERDICTS
    )
    rationale = esc(verdict.rationale) if verdict.rationale else '<span class="muted">No rationale recorded.</span>'
    verdict_box = (
        f'<table width="100%" cellspacing="0" cellpadding="12" style="border: 2px solid {border}; '
        f'margin-top: 10px; margin-bottom: 12px;"><tr><td bgcolor="{background}">'
        f'<p class="kicker" style="color: {border};">VERDICT ON THE CLAIM</p>'
        f'<p style="font-size: 20pt; font-weight: 700; color: {border}; margin-bottom: 4px;">{esc(verdict.title)}</p>'
        f'<p class="muted" style="font-size: 8pt;">{esc(verdict.meaning)}</p>'
        f"<p><b>Rationale.</b> {rationale}</p>"
        f'<p class="small">Scale: {scale}</p></td></tr></table>'
    )
    place = "—"
    if info.place_lat is not None and info.place_lon is not None:
        place = f"{info.place_lat:.5f}, {info.place_lon:.5f} (WGS84)"
        if info.place_time_zone:
            place += f", time zone {esc(info.place_time_zone)}"
    claimed_time = ctx.both(info.claimed_time_utc) if info.claimed_time_utc else "—"
    counts = ctx.inc.counts()
    evidence = f"{counts.get('media', 0)} media items"
    if counts.get("posts"):
        evidence += f", {counts['posts']} posts from {counts.get('accounts', 0)} accounts"
    facts = _facts(
        [
            ("Claimed place", place),
            ("Claimed time", claimed_time),
            ("Analyst", esc(info.analyst)),
            ("Report made", fmt_utc(ctx.generated)),
            ("Incident", f"opened {fmt_utc(info.created_utc)}, last changed {fmt_utc(info.modified_utc)}"),
            ("Evidence", esc(evidence)),
            ("Findings", esc(_findings_count(ctx.findings))),
            ("Software", esc(f"Verification Workbench {__version__}, incident format {info.format_version}")),
        ]
    )
    integrity = _facts(
        [
            ("Content digest (SHA-256)", _hash_block(digest.sha256)),
            ("Audit head", _hash_block(digest.audit_head) + f"<br/>after {digest.audit_count} audit entries"),
        ]
    )
    description = _p(esc(info.description), "muted") if info.description else ""
    body = (
        '<p class="kicker">VERIFICATION REPORT</p>'
        f'<p class="title">{esc(info.title)}</p>'
        '<p class="kicker" style="margin-top: 8px;">THE CLAIM</p>'
        f'<p class="claim">“{esc(info.claim) or "(no claim recorded)"}”</p>'
        f"{description}{verdict_box}{facts}"
        '<h3 style="margin-top: 10px;">Integrity</h3>'
        f"{integrity}"
        '<p class="small">The content digest is a SHA-256 over the SHA-256 of every stored file and the audit head, '
        "which commits to every recorded change (definition and a recipe to recompute it in the appendix). "
        "<i>workbench verify</i> re-hashes every stored file and the audit chain. Keep the audit head outside the "
        "file: a history rewritten from its first entry is only caught against a head noted elsewhere.</p>"
        f"{CONTENTS_MARK}"
    )
    return Section("title", "", body, page_break=False, numbered=False)


def _findings_count(findings: Sequence[fnd.Finding]) -> str:
    if not findings:
        return "none recorded"
    by = {c: sum(1 for f in findings if f.confidence == c) for c in ("high", "medium", "low")}
    parts = ", ".join(f"{n} {c}" for c, n in by.items() if n)
    return f"{len(findings)} ({parts} confidence)"


def _findings(ctx: _Context) -> Section:
    parts: list[str] = []
    verdict = fnd.get_verdict(ctx.inc)
    parts.append(_p(f"<b>Verdict:</b> {esc(verdict.title)}. " + (esc(verdict.rationale) if verdict.rationale else "")))
    if ctx.findings:
        rows = []
        for i, f in enumerate(ctx.findings, start=1):
            cites = "<br/>".join(ctx.describe(e) for e in f.evidence) or '<span class="muted">none cited</span>'
            note = f'<br/><span class="muted">{esc(f.note)}</span>' if f.note else ""
            rows.append([f"<b>F{i}</b>", f"{esc(f.statement)}{note}", _confidence(f.confidence), cites])
        parts.append(_grid(["", "Finding", "Confidence", "Evidence"], rows, [5, 47, 11, 37]))
    else:
        parts.append(_p("No findings have been recorded.", "muted"))
    parts.append("<h2>Checklist of the usual steps</h2>")
    rows = []
    for c in fnd.checklist(ctx.inc):
        status = esc(c.status)
        if c.status == "done":
            status = f'<span class="high">{status}</span>'
        elif c.status in ("not done", "not possible"):
            status = f'<span class="low">{status}</span>'
        else:
            status = f'<span class="medium">{status}</span>'
        rows.append([f"<b>{esc(c.title)}</b>", esc(c.question), status, esc(c.note)])
    parts.append(_grid(["Step", "Question", "Status", "What was done"], rows, [12, 38, 12, 38]))
    return Section("findings", SECTION_TITLES["findings"], "".join(parts))


def _evidence_marks(anns: Sequence[Any]) -> list[figs.Mark]:
    return [figs.Mark(i, a.shape, a.geometry, a.category, a.label) for i, a in enumerate(anns, start=1)]


def _evidence(ctx: _Context) -> Section:
    parts: list[str] = []
    figures: list[Figure] = []
    top = _shown_items(ctx)
    carriers: dict[int, list[Any]] = {}
    for p in ctx.load_posts():
        for mid in p.media_ids:
            carriers.setdefault(int(mid), []).append(p)
    parts.append(
        _p(
            f"{len(top)} items. Each is shown as people see it (EXIF orientation applied), reduced to at most "
            f"{ctx.max_side} pixels; the original bytes are unchanged in the incident file and named by their SHA-256. "
            "Numbers on a picture refer to the annotation table below it.",
            "muted",
        )
    )
    for n, item in enumerate(top, start=1):
        ctx.progress(n - 1, len(top), f"evidence: {item.filename}")
        _item_html(ctx, parts, figures, n, item, _picture_result(ctx, item), carriers)
    if not top:
        parts.append(_p("The incident holds no evidence items.", "muted"))
    return Section("evidence", SECTION_TITLES["evidence"], "".join(parts), tuple(figures))


def _shown_items(ctx: _Context) -> list[MediaItem]:
    """Items that get their own entry: every original, and derived items (keyframes, exported frames) that were
    annotated or cited; the other derived items appear in their parent's entry and in the manifest."""
    cited = {e.object_id for f in ctx.findings for e in f.evidence if e.object_type == "media_item"}
    return [it for it in ctx.items if it.parent_id is None or it.id in cited or ctx.annotations.get(it.id)]


def _start_pictures(ctx: _Context, pool: ThreadPoolExecutor) -> None:
    """Start making every evidence picture in the pool (reading the bytes there too, so at most one item's bytes
    per worker are in memory); the other sections are built meanwhile. Pillow frees the GIL while decoding."""
    children: dict[int, list[MediaItem]] = {}
    for it in ctx.items:
        if it.parent_id is not None:
            children.setdefault(it.parent_id, []).append(it)
    export_ids = {
        int(r[0])
        for r in _rows(
            ctx.inc, "post_import", "SELECT source_media_id FROM post_import WHERE source_media_id IS NOT NULL"
        )
    }
    for item in _shown_items(ctx):
        work, caption, why_not = _picture_job(
            ctx, item, ctx.annotations.get(item.id, []), children.get(item.id, []), item.id in export_ids
        )
        ctx.pictures[item.id] = (pool.submit(work) if work is not None else None, caption, why_not)


def _picture_result(ctx: _Context, item: MediaItem) -> tuple[Figure | None, str]:
    future, caption, why_not = ctx.pictures.get(item.id, (None, "", ""))
    if future is None:
        return None, why_not
    try:
        pic = future.result()
    except (WorkbenchError, OSError, ValueError) as exc:
        return None, f"The picture could not be made for the report: {exc}"
    width = 256 if caption.endswith("(thumbnail)") else _display_width(pic)
    return ctx.figure(f"item-{item.id}", pic, caption, width), ""


def _item_html(
    ctx: _Context,
    parts: list[str],
    figures: list[Figure],
    n: int,
    item: MediaItem,
    picture: tuple[Figure | None, str],
    carriers: dict[int, list[Any]],
) -> None:
    anns = ctx.annotations.get(item.id, [])
    # One item per page: its picture, metadata and tables stay together.
    brk = ' style="page-break-before: always;"' if n > 1 else ""
    parts.append(f"<h2{brk}>Item {item.id} · {esc(item.filename)}</h2>")
    fig, why_not = picture
    if fig is not None:
        figures.append(fig)
        parts.append(fig.html())
    elif why_not:
        parts.append(_p(esc(why_not), "muted"))
    parts.append(_item_facts(ctx, item, sources := ctx.inc.media_sources(item.id)))
    if item.flags:
        rows = [[_severity(f.severity), esc(f.code), esc(f.message)] for f in item.flags]
        parts.append("<h3>Flags</h3>" + _grid(["Severity", "Flag", "What it means"], rows, [11, 22, 67]))
    if anns:
        rows = [
            [
                f"<b>{i}</b>",
                esc(a.shape),
                esc(a.category),
                esc(a.label),
                esc(a.note),
                "—" if a.confidence is None else f"{a.confidence:.0%}",
            ]
            for i, a in enumerate(anns, start=1)
        ]
        parts.append(
            "<h3>Annotations</h3>"
            + _grid(["#", "Shape", "Category", "Label", "Note", "Confidence"], rows, [4, 9, 16, 24, 34, 13])
        )
    if len(sources) > 1:
        rows = [
            [
                esc(s.original_name),
                esc(s.url or s.original_path or "—"),
                fmt_utc(s.acquired_utc) + f"<br/>by {esc(s.acquired_by)}",
                esc(s.note),
            ]
            for s in sources
        ]
        parts.append(
            "<h3>Where it came from</h3>" + _grid(["Name", "Path or URL", "Acquired", "Note"], rows, [22, 40, 22, 16])
        )
    if carriers.get(item.id):
        rows = [
            [
                f"post {p.id}",
                esc(f"{p.platform} @{p.author}"),
                fmt_utc(p.created_utc or p.created_original),
                safe_link(p.url) or "—",
            ]
            for p in carriers[item.id]
        ]
        parts.append("<h3>Posts that carried it</h3>" + _grid(["Post", "Author", "Time", "Link"], rows))


def _cites(f: fnd.Finding, object_type: str, object_id: int) -> bool:
    return any(e.object_type == object_type and e.object_id == object_id for e in f.evidence)


def _picture_job(
    ctx: _Context, item: MediaItem, anns: Sequence[Any], kids: Sequence[MediaItem], is_export: bool
) -> tuple[Callable[[], figs.Picture] | None, str, str]:
    """(work that makes the item's picture, its caption, why there is none): the bytes are read now."""
    side = ctx.max_side
    if is_export:
        return None, "", "A post export: its posts are listed in the Posts section."
    try:
        inc = ctx.inc
        if item.kind == "image":
            marks = _evidence_marks(anns)
            caption = f"Item {item.id}: {item.filename}"
            if anns:
                caption += f", with {len(anns)} annotation{'s' if len(anns) != 1 else ''}"
            return (lambda: figs.evidence_picture(inc.media_bytes(item.id), marks, side)), caption, ""
        frames = [k for k in kids if k.kind == "image"][:4]
        if item.kind == "video" and frames:
            labels = [_frame_label(k) for k in frames]
            ids = ", ".join(str(k.id) for k in frames)
            caption = f"Item {item.id}: {item.filename}, {len(frames)} keyframes (items {ids})"
            return (lambda: figs.contact_sheet([inc.media_bytes(k.id) for k in frames], labels, side)), caption, ""
        thumb = ctx.inc.thumbnail(item.id)
        if thumb:
            return (lambda: figs.evidence_picture(thumb, (), 256)), f"Item {item.id}: {item.filename} (thumbnail)", ""
    except (WorkbenchError, OSError) as exc:
        return None, "", f"The stored bytes could not be read for the report: {exc}"
    return None, "", "No picture: the file is not an image and no frames were extracted."


def _frame_label(item: MediaItem) -> str:
    d = item.derivation or {}
    for key in ("time_s", "t", "seconds", "timestamp"):
        if isinstance(d.get(key), int | float):
            return f"{float(d[key]):.1f} s"
    return item.filename


def _display_width(pic: figs.Picture) -> int:
    # Portrait pictures are shown narrower so that one fits on a page with its table.
    max_h = 340
    w = PAGE_WIDTH_PX
    if pic.height * w / max(1, pic.width) > max_h:
        w = max(120, int(pic.width * max_h / max(1, pic.height)))
    return min(w, PAGE_WIDTH_PX)


def _item_facts(ctx: _Context, item: MediaItem, sources: Sequence[Any] = ()) -> str:
    s = item.summary
    rows: list[tuple[str, str]] = [("SHA-256", _mono(item.sha256))]
    rows.append(("File", esc(f"{item.mime}, {_size(item.size)}")))
    if s.width and s.height:
        dims = f"{s.width} × {s.height} stored pixels"
        if s.orientation and s.orientation != 1:
            dims += f", EXIF orientation {s.orientation}"
        rows.append(("Dimensions", esc(dims)))
    if s.capture_time:
        zone_note = {
            "offset": "with its UTC offset",
            "utc": "stated in UTC",
            "local-unknown-zone": "local time, zone not stated",
        }.get(s.capture_time_zone or "", "")
        text = esc(s.capture_time)
        if zone_note:
            text += f" ({esc(zone_note)})"
        if s.capture_time_source:
            text += f"<br/>from {esc(s.capture_time_source)}"
        if s.capture_time_zone in ("offset", "utc"):
            text += f"<br/>{fmt_utc(s.capture_time)}"
        rows.append(("Capture time", text))
    else:
        rows.append(("Capture time", '<span class="muted">none recorded in the file</span>'))
    camera = " ".join(x for x in (s.make, s.model) if x)
    if camera:
        rows.append(("Camera", esc(camera + (f", lens {s.lens}" if s.lens else ""))))
    if s.software:
        rows.append(("Software", esc(s.software)))
    if s.gps is not None:
        gps = f"{s.gps.lat:.6f}, {s.gps.lon:.6f}"
        if s.gps.alt is not None:
            gps += f", altitude {s.gps.alt:.0f} m"
        if s.gps.direction is not None:
            gps += f", facing {s.gps.direction:.0f}° ({'magnetic' if s.gps.direction_ref == 'M' else 'true'})"
        gps += f" — from {s.gps.source}"
        if ctx.info.place_lat is not None and ctx.info.place_lon is not None:
            d = _distance_m((s.gps.lat, s.gps.lon), (ctx.info.place_lat, ctx.info.place_lon))
            gps += f"; {_fmt_distance(d)} from the claimed place"
        rows.append(("GPS", esc(gps)))
    if s.duration is not None:
        video = f"{s.duration:.1f} s"
        if s.frame_rate:
            video += f", {s.frame_rate:g} frames/s"
        if s.codec:
            video += f", {s.codec}"
        rows.append(("Video", esc(video)))
    if item.phash:
        rows.append(("Perceptual hash", _mono(item.phash)))
    if item.parent_id is not None:
        rows.append(("Derived from", esc(f"item {item.parent_id}: {json.dumps(item.derivation or {})}")))
    rows.append(("Added", fmt_utc(item.added_utc) + f", metadata read by {esc(item.reader)}"))
    if len(sources) == 1:
        s = sources[0]
        where = esc(s.url or s.original_path or s.original_name)
        text = f"{where}<br/>acquired {fmt_utc(s.acquired_utc)} by {esc(s.acquired_by)}"
        rows.append(("Came from", text + (f"; {esc(s.note)}" if s.note else "")))
    cited = [f"F{i}" for i, f in enumerate(ctx.findings, start=1) if _cites(f, "media_item", item.id)]
    if cited:
        rows.append(("Cited by", "findings " + ", ".join(cited)))
    if item.note:
        rows.append(("Analyst's note", esc(item.note)))
    return _facts(rows, 20)


def _hypotheses(ctx: _Context) -> list[Any]:
    return _rows(
        ctx.inc,
        "location_hypothesis",
        "SELECT id, label, lat, lon, radius_m, status, confidence, method, inputs_json, geometry_json, media_id, note "
        "FROM location_hypothesis ORDER BY id",
    )


def _map_figures(ctx: _Context, hyps: Sequence[Any]) -> tuple[list[Figure], str]:
    """An overview (where on Earth, with place names) and a detail map, both drawn offline."""
    try:
        from workbench.core.geo import layers as geo_layers
        from workbench.core.geo.incident_layers import layers_from_incident
        from workbench.core.geo.staticmap import render_static_map
    except ImportError:  # the geo area is optional in a build
        return [], ""
    try:
        base = layers_from_incident(ctx.inc)
        status_map = {"candidate": "open", "confirmed": "confirmed", "rejected": "refuted"}
        hypotheses = base.hypotheses or tuple(
            geo_layers.Hypothesis(
                id=f"hyp:{h[0]}",
                lat=float(h[2]),
                lon=float(h[3]),
                radius_m=float(h[4] or 0),
                status=status_map.get(str(h[5]), "open"),  # type: ignore[arg-type]
                confidence=float(h[6]) if h[6] is not None else 0.5,
                label=str(h[1] or ""),
            )
            for h in hyps
        )
        points = list(base.points)
        if ctx.info.place_lat is not None and ctx.info.place_lon is not None:
            points.append(
                geo_layers.MapPoint(
                    id="claimed", lat=ctx.info.place_lat, lon=ctx.info.place_lon, label="claimed place", kind="place"
                )
            )
        layers = replace(base, points=tuple(points), hypotheses=hypotheses)
        if layers.bounds() is None:
            return [], ""
        size = (680, 560)
        overview = render_static_map(layers, width=size[0], height=size[1], min_span_km=400.0)
        detail = render_static_map(layers, width=size[0], height=size[1], min_span_km=1.0)
    except (WorkbenchError, ValueError, OSError):
        return [], ""
    half = PAGE_WIDTH_PX // 2 - 6
    legend = [
        "Maps drawn offline from the bundled world outline (left: the region, with place names; right: the detail)."
    ]
    if base.points:
        legend.append("Red: positions recorded in the files (a cone shows the camera direction when recorded).")
    if ctx.info.place_lat is not None:
        legend.append("Grey: the claimed place.")
    if hypotheses:
        legend.append("Circles: location hypotheses with their radius of doubt.")
    if base.bands:
        legend.append("Orange areas: where the sun stood as measured (shadow analysis).")
    if base.sun_lines:
        legend.append("Lines from a point: yellow towards the sun, dark along the shadow, at the measured instant.")
    figures = [
        ctx.figure("map-overview", figs.Picture(overview, "image/png", *size), "Overview", half),
        ctx.figure("map", figs.Picture(detail, "image/png", *size), "Detail", half),
    ]
    return figures, " ".join(legend)


def _geolocation(ctx: _Context) -> Section:
    parts: list[str] = []
    figures: list[Figure] = []
    info = ctx.info
    hyps = _hypotheses(ctx)
    maps, legend = _map_figures(ctx, hyps)
    if maps:
        figures.extend(maps)
        cells = "".join(f'<td align="center" width="50%">{m.img()}</td>' for m in maps)
        parts.append(f'<table width="100%" cellspacing="0" cellpadding="2"><tr>{cells}</tr></table>')
        parts.append(_p(esc(legend), "caption"))
    if info.place_lat is not None and info.place_lon is not None:
        parts.append(
            _p(
                f"<b>Claimed place:</b> {info.place_lat:.5f}, {info.place_lon:.5f} (WGS84)"
                + (f", time zone {esc(info.place_time_zone)}" if info.place_time_zone else "")
                + "."
            )
        )
    else:
        parts.append(_p("No claimed place is recorded for this incident.", "muted"))
    located = [it for it in ctx.items if it.summary.gps is not None]
    parts.append("<h2>Positions recorded in the files</h2>")
    if located:
        rows = []
        for it in located:
            g = it.summary.gps
            assert g is not None
            dist = "—"
            if info.place_lat is not None and info.place_lon is not None:
                dist = _fmt_distance(_distance_m((g.lat, g.lon), (info.place_lat, info.place_lon)))
            direction = (
                "—" if g.direction is None else f"{g.direction:.0f}° {'magnetic' if g.direction_ref == 'M' else 'true'}"
            )
            rows.append(
                [
                    f"item {it.id}<br/>{esc(it.filename)}",
                    f"{g.lat:.6f}, {g.lon:.6f}",
                    esc(direction),
                    dist,
                    esc(g.source),
                ]
            )
        parts.append(
            _grid(["Item", "Position", "Camera direction", "From claimed place", "Source"], rows, [30, 22, 16, 16, 16])
        )
        parts.append(
            _p(
                "A position in metadata says where the device believed it was, if the tag was not edited: it is a "
                "lead to check against what the picture shows, not proof of place.",
                "muted",
            )
        )
    else:
        parts.append(_p("No evidence item carries a GPS position.", "muted"))
    parts.append("<h2>Location hypotheses and reasoning</h2>")
    if hyps:
        rows = []
        for h in hyps:
            hid, label, lat, lon, radius, status, conf, method, _inputs, _geom, media_id, note = h
            support = [
                f"annotation {a.id} on item {a.media_id}: {a.label or a.category}"
                for anns in ctx.annotations.values()
                for a in anns
                if a.linked_hypothesis_id == hid
            ]
            why = esc(note or "")
            if support:
                why += "<br/>" + "<br/>".join(esc(s) for s in support)
            if media_id is not None:
                why += f"<br/>for item {media_id}"
            rows.append(
                [
                    f"<b>{hid}</b> {esc(label)}",
                    f"{lat:.5f}, {lon:.5f}<br/>± {_fmt_distance(float(radius or 0))}",
                    esc(status),
                    "—" if conf is None else f"{float(conf):.0%}",
                    esc(method),
                    why or "—",
                ]
            )
        parts.append(
            _grid(
                ["Hypothesis", "Where", "Status", "Confidence", "Method", "Reasoning and support"],
                rows,
                [20, 17, 10, 13, 12, 28],
            )
        )
    else:
        parts.append(_p("No location hypotheses were recorded.", "muted"))
    landmarks = [
        (mid, i, a)
        for mid, anns in ctx.annotations.items()
        for i, a in enumerate(anns, start=1)
        if a.category in ("landmark", "sign/text", "vegetation/terrain")
    ]
    if landmarks:
        rows = [[f"item {mid} #{i}", esc(a.category), esc(a.label), esc(a.note)] for mid, i, a in landmarks]
        parts.append(
            "<h3>Visual clues marked on the evidence</h3>"
            + _grid(["Where", "Kind", "Clue", "Note"], rows, [14, 16, 30, 40])
        )
    _cited_by(ctx, parts, "location_hypothesis")
    return Section("geolocation", SECTION_TITLES["geolocation"], "".join(parts), tuple(figures))


def _cited_by(ctx: _Context, parts: list[str], object_type: str) -> None:
    cited = [
        (i, f) for i, f in enumerate(ctx.findings, start=1) if any(e.object_type == object_type for e in f.evidence)
    ]
    if cited:
        parts.append("<h3>Findings that rest on this</h3>")
        parts.append("".join(_p(f"<b>F{i}</b> ({esc(f.confidence)}): {esc(f.statement)}") for i, f in cited))


def _measurement_band(result: Any) -> tuple[float, float] | None:
    if not isinstance(result, dict):
        return None
    for key in ("elevation", "apparent_elevation"):
        e = result.get(key)
        if isinstance(e, dict) and isinstance(e.get("low"), int | float) and isinstance(e.get("high"), int | float):
            return float(e["low"]), float(e["high"])
    c = result.get("constraint")
    return _measurement_band(c) if isinstance(c, dict) else None


def _chronolocation(ctx: _Context) -> Section:
    parts: list[str] = []
    figures: list[Figure] = []
    info = ctx.info
    claimed = _parse_time(info.claimed_time_utc)
    if claimed is not None:
        parts.append(_p(f"<b>Claimed time:</b> {ctx.both(claimed).replace('<br/>', ' = ')}."))
    else:
        parts.append(_p("No claimed time is recorded for this incident.", "muted"))
    parts.append("<h2>Times recorded in the files</h2>")
    rows = []
    for it in ctx.items:
        s = it.summary
        if not s.capture_time or it.parent_id is not None:
            continue
        t = _parse_time(s.capture_time)
        diff = "—"
        if t is not None and t.tzinfo is not None and claimed is not None:
            delta = (t - claimed).total_seconds()
            diff = _fmt_delta(delta)
        elif t is not None and t.tzinfo is None:
            diff = "zone unknown"
        rows.append(
            [
                f"item {it.id}<br/>{esc(it.filename)}",
                esc(s.capture_time),
                esc(s.capture_time_source or "—"),
                ctx.local(t)
                if t is not None and t.tzinfo is not None
                else '<span class="muted">zone not stated</span>',
                esc(diff),
            ]
        )
    if rows:
        parts.append(
            _grid(
                ["Item", "As written", "Source", f"In {ctx.zone_name}", "From claimed time"], rows, [26, 20, 18, 22, 14]
            )
        )
        parts.append(
            _p(
                "Camera clocks are set by hand and can be wrong or in another zone; metadata can be edited. A "
                "recorded time is evidence to weigh, not a fact.",
                "muted",
            )
        )
    else:
        parts.append(_p("No evidence item records a capture time.", "muted"))
    measurements = _rows(
        ctx.inc,
        "shadow_measurement",
        "SELECT id, media_id, label, inputs_json, assumptions_json, result_json, method, tool, created_utc "
        "FROM shadow_measurement ORDER BY id",
    )
    bands: list[tuple[float, float]] = []
    parts.append("<h2>Shadow measurements</h2>")
    if measurements:
        rows = []
        for mid, media_id, label, _inputs, assumptions, result, method, tool, _created in measurements:
            res = _json(result)
            band = _measurement_band(res)
            if band is not None:
                bands.append(band)
            assumed = _json(assumptions) or []
            assumed_text = "<br/>".join(
                esc(("✓ " if a.get("confirmed") else "○ ") + str(a.get("text") or a.get("key") or a))
                if isinstance(a, dict)
                else esc(a)
                for a in assumed
            )
            rows.append(
                [
                    f"<b>{mid}</b> {esc(label)}" + (f"<br/>item {media_id}" if media_id is not None else ""),
                    "—" if band is None else f"{band[0]:.2f}° – {band[1]:.2f}°",
                    esc(method) + f"<br/>{esc(tool)}",
                    assumed_text or "—",
                ]
            )
        parts.append(
            _grid(
                ["Measurement", "Sun elevation", "Method / tool", "Assumptions (✓ confirmed)"], rows, [24, 16, 22, 38]
            )
        )
    else:
        parts.append(_p("No shadow measurements were recorded.", "muted"))
    windows = _rows(
        ctx.inc,
        "time_window",
        "SELECT id, label, start_utc, end_utc, kind, method, media_id, note FROM time_window ORDER BY start_utc",
    )
    fig = _sun_figure(ctx, claimed, bands, windows)
    if fig is not None:
        figures.append(fig)
        parts.append(fig.html())
    parts.append("<h2>Time windows</h2>")
    if windows:
        rows = []
        for wid, label, s, e, kind, method, media_id, note in windows:
            ws, we = _parse_time(s), _parse_time(e)
            checks = []
            if claimed is not None and ws is not None and we is not None:
                checks.append("contains the claimed time" if ws <= claimed <= we else "excludes the claimed time")
            item = next((it for it in ctx.items if it.id == media_id), None)
            taken = _parse_time(item.summary.capture_time) if item is not None else None
            if item is not None and taken is not None and taken.tzinfo is not None and ws is not None and we:
                verb = "contains" if ws <= taken <= we else "excludes"
                checks.append(f"{verb} the capture time of item {item.id} ({taken.astimezone(ctx.zone):%H:%M:%S})")
            fits = "; ".join(checks)
            rows.append(
                [
                    f"<b>{wid}</b> {esc(label)}",
                    f"{fmt_utc(s)} –<br/>{fmt_utc(e)}",
                    (ctx.local(ws, True) + " –<br/>" + ctx.local(we, True)) if ws and we else "—",
                    esc(f"{kind} / {method}"),
                    esc(fits) + (f"<br/>{esc(note)}" if note else ""),
                ]
            )
        parts.append(
            _grid(
                ["Window", "UTC", f"Local ({ctx.zone_name})", "Kind / method", "Claimed and recorded times"],
                rows,
                [18, 22, 26, 14, 20],
            )
        )
    else:
        parts.append(_p("No time windows were recorded.", "muted"))
    _cited_by(ctx, parts, "time_window")
    return Section("chronolocation", SECTION_TITLES["chronolocation"], "".join(parts), tuple(figures))


def _fmt_delta(seconds: float) -> str:
    sign = "+" if seconds >= 0 else "−"
    s = abs(seconds)
    if s < 3600:
        return f"{sign}{s / 60:.0f} min"
    if s < 86400 * 2:
        return f"{sign}{s / 3600:.1f} h"
    return f"{sign}{s / 86400:.1f} days"


def _sun_figure(
    ctx: _Context, claimed: datetime | None, bands: Sequence[tuple[float, float]], windows: Sequence[Any]
) -> Figure | None:
    info = ctx.info
    if info.place_lat is None or info.place_lon is None:
        return None
    day_anchor = claimed
    if day_anchor is None and windows:
        day_anchor = _parse_time(windows[0][2])
    if day_anchor is None:
        return None
    try:
        from workbench.core.sun.solve import day_curve
    except ImportError:  # the sun area is optional in a build
        return None
    local_day = day_anchor.astimezone(ctx.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = local_day.astimezone(UTC), (local_day + timedelta(days=1)).astimezone(UTC)
    try:
        unix, pos = day_curve(info.place_lat, info.place_lon, start, end, step_s=300.0)
    except (WorkbenchError, ValueError):
        return None
    times = [datetime.fromtimestamp(float(t), UTC) for t in unix]
    elevation = [float(e) for e in pos.apparent_elevation]
    band = (min(b[0] for b in bands), max(b[1] for b in bands)) if bands else None
    spans = []
    for w in windows:
        ws, we = _parse_time(w[2]), _parse_time(w[3])
        if ws is not None and we is not None and we >= start and ws <= end:
            spans.append((ws, we))
    marks = []
    if claimed is not None:
        marks.append(figs.ChartMark(claimed, "claimed", (106, 61, 154)))
    for it in ctx.items:
        t = _parse_time(it.summary.capture_time)
        if t is not None and t.tzinfo is not None and start <= t <= end and it.parent_id is None:
            marks.append(figs.ChartMark(t, f"item {it.id}", (215, 48, 31)))
    title = (
        f"Apparent sun elevation at {info.place_lat:.4f}, {info.place_lon:.4f} on "
        f"{local_day.strftime('%Y-%m-%d')} (NREL SPA, with refraction)"
    )
    pic = figs.sun_chart(
        times, elevation, ctx.zone, ctx.zone_name, band=band, windows=spans, marks=marks[:8], title=title
    )
    caption = (
        "Orange curve: the sun's apparent elevation through the local day. "
        + ("Shaded band: elevation range from the shadow measurements. " if band else "")
        + ("Green: recorded time windows. " if spans else "")
        + "Vertical lines: the claimed time and capture times recorded in files (with a known zone). "
        f"Times are local ({ctx.zone_name})."
    )
    return ctx.figure("sun", pic, caption)


def _timeline(ctx: _Context) -> Section:
    parts: list[str] = []
    figures: list[Figure] = []
    try:
        from workbench.core.timeline.checks import run_checks
        from workbench.core.timeline.events import build_events
    except ImportError:  # the timeline area is optional in a build
        return Section("timeline", SECTION_TITLES["timeline"], _p("The timeline is not part of this build.", "muted"))
    events = build_events(ctx.inc)
    if events:
        spans = [figs.Span(e.lane, e.at, e.start, e.end, e.kind) for e in events]
        # Time axis in the place's zone; very long or very uncertain spans would hide the rest, so frame on the
        # best times and clip uncertainty bars to the frame.
        pic = figs.timeline_chart(spans, ctx.zone, ctx.zone_name, title="Everything dated in the incident, by lane")
        fig = ctx.figure(
            "timeline",
            pic,
            "Dots: best time; bars: from the earliest to the latest possible time (an unknown zone or a date without "
            "a time); diamond: the claimed time. Posts are on the lanes of their accounts. "
            f"Time axis in {ctx.zone_name}.",
        )
        figures.append(fig)
        parts.append(fig.html())
        zoom = _zoom_frame(ctx, events)
        if zoom is not None:
            pic = figs.timeline_chart(spans, ctx.zone, ctx.zone_name, title="Around the claimed time", frame=zoom)
            fig = ctx.figure(
                "timeline-zoom",
                pic,
                f"The same events from {fmt_utc(zoom[0], False)} to {fmt_utc(zoom[1], False)}; bars are cut at the "
                "edges. Events further away are in the chart above.",
            )
            figures.append(fig)
            parts.append(fig.html())
        rows = []
        for e in events:
            if e.kind == "post":
                continue
            rows.append(
                [
                    ctx.both(e.at),
                    esc(e.kind),
                    esc(e.label),
                    esc(e.uncertainty_text or "exact") + (f"<br/>{esc(e.note)}" if e.note else ""),
                ]
            )
        posts_n = sum(1 for e in events if e.kind == "post")
        if rows:
            parts.append("<h2>Events other than posts</h2>")
            parts.append(_grid(["When", "Kind", "What", "Uncertainty"], rows, [26, 10, 40, 24]))
        if posts_n:
            parts.append(_p(f"{posts_n} posts are on the timeline; they are listed in the Posts section.", "muted"))
    else:
        parts.append(_p("Nothing in the incident carries a date.", "muted"))
    checks = run_checks(ctx.inc, events)
    parts.append("<h2>Consistency checks</h2>")
    if checks:
        rows = [
            [_severity(c.severity), esc(c.message), esc(", ".join(f"{t} {i}" for t, i in c.refs[:8]))] for c in checks
        ]
        parts.append(_grid(["Severity", "What the check saw", "Evidence"], rows, [11, 64, 25]))
        parts.append(_p("A check is a reason to look, not a verdict.", "muted"))
    else:
        parts.append(_p("The checks found nothing that contradicts the claimed time or place.", "muted"))
    return Section("timeline", SECTION_TITLES["timeline"], "".join(parts), tuple(figures))


def _zoom_frame(ctx: _Context, events: Sequence[Any]) -> tuple[datetime, datetime] | None:
    """When the events span days, a frame around the claimed time (or the busiest day) holding the events near it."""
    times = sorted(e.at for e in events)
    if len(times) < 3 or times[-1] - times[0] < timedelta(days=3):
        return None
    anchor = _parse_time(ctx.info.claimed_time_utc) or times[len(times) // 2]
    near = [t for t in times if abs(t - anchor) <= timedelta(hours=24)]
    if len(near) < 2 or len(near) == len(times):
        return None
    lo, hi = min(*near, anchor), max(*near, anchor)
    pad = max((hi - lo) * 0.08, timedelta(minutes=10))
    return lo - pad, hi + pad


def _posts(ctx: _Context) -> Section:
    posts = ctx.load_posts()
    parts: list[str] = []
    if not posts:
        parts.append(_p("No posts were imported into this incident.", "muted"))
        return Section("posts", SECTION_TITLES["posts"], "".join(parts))
    parts.append(
        _p(
            f"{len(posts)} posts, oldest first, with their text exactly as imported (shown as text; any markup in it "
            "is not interpreted). Times are given in UTC and as the platform wrote them.",
            "muted",
        )
    )
    rows = []
    for p in posts:
        names = [esc(p.display_name)] if p.display_name and p.display_name != p.username else []
        names += [f"@{esc(p.username)}"] if p.username else []
        author = "<br/>".join(names or ["(unknown)"]) + f'<br/><span class="muted">{esc(p.platform)}</span>'
        when = fmt_utc(p.created_utc) if p.created_utc else ""
        if p.created_original:
            when += f'<br/><span class="muted">as written: {esc(p.created_original)}'
            if p.created_offset and p.created_offset not in p.created_original:
                when += f" ({esc(p.created_offset)})"
            when += "</span>"
        if p.created_utc and ctx.zone_name != "UTC":
            when += f"<br/>{ctx.local(p.created_utc)}"
        if not when:
            when = '<span class="muted">no time</span>'
        text = f"{esc(p.text)}"
        extra = []
        if p.url:
            extra.append(safe_link(p.url))
        if p.media_ids:
            extra.append("media: " + ", ".join(f"item {m}" for m in p.media_ids))
        if p.reply_to:
            extra.append(f"reply to {esc(p.reply_to)}")
        if p.repost_of:
            extra.append(f"repost of {esc(p.repost_of)}")
        if p.geo_lat is not None and p.geo_lon is not None:
            extra.append(f"geotag {p.geo_lat:.5f}, {p.geo_lon:.5f}")
        if extra:
            text += '<br/><span class="muted">' + " · ".join(extra) + "</span>"
        rows.append([f"<b>{p.id}</b>", author, when, text])
    parts.append(_grid(["Post", "Author", "Time", "Text and link"], rows, [6, 20, 24, 50]))
    return Section("posts", SECTION_TITLES["posts"], "".join(parts))


_METHODS: tuple[tuple[str, str, str], ...] = (
    (
        "File hashes (SHA-256)",
        "That the bytes in the incident are exactly the bytes that were added, and which copies are identical.",
        "Nothing about who made the file, when, or whether its content is genuine; a re-saved copy has a new hash.",
    ),
    (
        "Metadata (EXIF, XMP, IPTC, container)",
        "What the device or software wrote: capture time, camera, GPS, editing software, orientation.",
        "Metadata is easily edited or stripped (platforms strip it); a plausible value is not proof, a missing "
        "one is not suspicious by itself.",
    ),
    (
        "Perceptual hash",
        "That two pictures are very probably the same image after resizing or recompression.",
        "Simple images can collide; heavy crops, mirroring or overlays break the match. It is an indicator.",
    ),
    (
        "Annotations",
        "Where in a picture the analyst saw each clue, and how it was interpreted.",
        "They record an interpretation; another analyst should be able to check each one against the picture.",
    ),
    (
        "Geolocation",
        "Whether the features in the picture match a place (landmarks, signs, terrain), with a radius of doubt.",
        "A match shows where a picture could be from, not when; similar streets exist elsewhere.",
    ),
    (
        "Sun and shadows (NREL SPA)",
        "The times at a place at which the sun stood at the measured elevation (and azimuth), within stated errors.",
        "It rests on the listed assumptions (vertical object, flat ground, same scale); it cannot tell one day "
        "from a neighbouring day, and overcast or artificial light defeats it.",
    ),
    (
        "Timeline and consistency checks",
        "Whether capture times, posts, the claimed time and analysis windows can all be true together.",
        "Clocks can be wrong and zones unknown; an earlier post of the same picture is the strongest sign of reuse, "
        "but a later one is not proof of originality.",
    ),
    (
        "Coordination signals",
        "Accounts posting the same text, in bursts, or around the clock.",
        "Real communities also repeat slogans and react together; the signals say where to look, not what happened.",
    ),
)


def _methodology(ctx: _Context) -> Section:
    parts: list[str] = [
        _p(
            "Every analysis below shows something and leaves something open. The verdict rests on the findings, and "
            "each finding names the evidence it rests on, so each step can be checked against the incident file.",
        )
    ]
    rows = [[f"<b>{esc(n)}</b>", esc(can), esc(cannot)] for n, can, cannot in _METHODS]
    try:
        from workbench.core.media.forensics import VIEWS
    except ImportError:  # the forensics area is optional in a build
        VIEWS = {}
    for view in VIEWS.values():
        defaults = ", ".join(f"{k}={v}" for k, v in view.defaults.items())
        rows.append(
            [
                f"<b>{esc(view.title)}</b><br/><span class='muted'>{esc(defaults)}</span>",
                esc(view.can_show),
                esc(view.cannot_prove),
            ]
        )
    parts.append(_grid(["Analysis", "What it can show", "What it cannot prove"], rows, [24, 38, 38]))
    parts.append("<h2>Parameters and tools recorded in the incident</h2>")
    tool_rows: list[list[str]] = []
    readers = sorted({it.reader for it in ctx.items})
    if readers:
        tool_rows.append(["Metadata reader", esc(", ".join(readers))])
    for tool, params in _rows(ctx.inc, "media_pixels", "SELECT DISTINCT tool, params_json FROM media_pixels"):
        tool_rows.append(["Thumbnails and perceptual hash", esc(f"{tool}; {params}")])
    for method, tool in _rows(ctx.inc, "shadow_measurement", "SELECT DISTINCT method, tool FROM shadow_measurement"):
        tool_rows.append(["Shadow measurement", esc(f"{method}; {tool}")])
    for kind, method in _rows(ctx.inc, "time_window", "SELECT DISTINCT kind, method FROM time_window"):
        tool_rows.append(["Time window", esc(f"{kind}; {method}")])
    for method in _rows(ctx.inc, "location_hypothesis", "SELECT DISTINCT method FROM location_hypothesis"):
        tool_rows.append(["Location hypothesis", esc(method[0])])
    for fmt, n in _rows(ctx.inc, "post_import", "SELECT format, count(*) FROM post_import GROUP BY format"):
        tool_rows.append(["Posts imported", esc(f"{n} export(s) in format {fmt}")])
    try:
        from workbench.core.sun.ephemeris import VERSION as SUN_MODEL
    except ImportError:  # the sun area is optional in a build
        SUN_MODEL = "not included"
    tool_rows.append(["Sun model", esc(SUN_MODEL)])
    if tool_rows:
        parts.append(_grid(["What", "Tool and parameters"], tool_rows, [26, 74]))
    parts.append("<h2>Software</h2>")
    software = [
        ("Verification Workbench", __version__),
        ("Python", platform.python_version()),
        ("Incident format", str(ctx.info.format_version)),
    ]
    for mod in ("PIL", "numpy", "sqlalchemy"):
        try:
            m = __import__(mod)
            software.append(({"PIL": "Pillow"}.get(mod, mod), str(getattr(m, "__version__", "?"))))
        except ImportError:  # report what is there
            continue
    software.extend(ctx.extra_software.items())
    parts.append(_facts([(k, esc(v)) for k, v in software]))
    parts.append("<h2>Limitations of this report</h2>")
    parts.append(
        _p(
            "Pictures are reduced copies for reading; examine the originals (named by SHA-256) for detail. The report "
            "shows the incident as it was at the audit head on the title page: changes made after it are not in it. "
            "Text from posts and files is reproduced as imported; characters that cannot be displayed are shown as "
            "\ufffd. Colour emoji are drawn as pictures and may not be found by a PDF text search.",
            "muted",
        )
    )
    return Section("methodology", SECTION_TITLES["methodology"], "".join(parts))


def _appendix(ctx: _Context) -> Section:
    parts: list[str] = ["<h2>Manifest of every stored file</h2>"]
    rows = []
    for it in ctx.items:
        rows.append(
            [
                f"<b>{it.id}</b>",
                esc(it.filename) + (f"<br/>from item {it.parent_id}" if it.parent_id else ""),
                esc(f"{it.kind}, {_size(it.size)}"),
                _hash_block(it.sha256),
                _mono(it.phash or "—"),
            ]
        )
    parts.append(_grid(["#", "File", "Kind, size", "SHA-256", "pHash"], rows, [4, 31, 13, 36, 16]))
    parts.append(
        _facts(
            [
                ("Content digest", _hash_block(ctx.digest.sha256)),
                ("Audit head", _hash_block(ctx.digest.audit_head)),
                ("Audit entries", str(ctx.digest.audit_count)),
            ],
            20,
        )
    )
    parts.append(
        _p(
            f"{esc(DEFINITION)} Recompute it with the sqlite3 tool (FILE is the incident file): {_mono(SHELL_RECIPE)}",
            "small",
        )
    )
    entries = ctx.inc.audit_log()
    parts.append(f"<h2>Audit log ({len(entries)} entries)</h2>")
    parts.append(
        _p(
            "Every change to the incident, oldest first. Entry k's hash is the SHA-256 of its fields and the previous "
            "entry's hash, so an altered or removed entry breaks the chain; <i>workbench verify</i> recomputes it.",
            "muted",
        )
    )
    rows = []
    for e in entries:
        details = json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)
        if len(details) > 220:
            details = details[:220] + "…"
        rows.append(
            [
                str(e.seq),
                fmt_utc(e.at_utc) + f"<br/>{esc(e.analyst)}",
                f"<b>{esc(e.action)}</b><br/>{esc(e.object_type)} {esc(e.object_id)}",
                esc(details),
                _mono(e.hash[:12]),
            ]
        )
    parts.append(_grid(["#", "When, who", "Action", "Details", "Hash"], rows, [5, 19, 20, 42, 14]))
    return Section("appendix", SECTION_TITLES["appendix"], "".join(parts))


_BUILDERS: dict[str, Callable[[_Context], Section]] = {
    "title": _title,
    "findings": _findings,
    "evidence": _evidence,
    "geolocation": _geolocation,
    "chronolocation": _chronolocation,
    "timeline": _timeline,
    "posts": _posts,
    "methodology": _methodology,
    "appendix": _appendix,
}


def build_report(
    incident: Incident,
    sections: Iterable[str] | str | None = None,
    *,
    progress: Progress | None = None,
    generated: datetime | None = None,
    max_side: int | None = None,
    software: dict[str, str] | None = None,
) -> Report:
    """The report of `incident` with the chosen sections (all by default), ready to render.

    `software` adds lines to the software table (the renderer adds its Qt version); `generated` fixes the
    report's date (tests, reproducible samples).
    """
    chosen = parse_sections(sections)
    progress = progress or Progress()
    info = incident.info()
    zone, zone_name = _zone_of(info)
    items = incident.media_items()
    ctx = _Context(
        inc=incident,
        info=info,
        digest=content_digest(incident),
        zone=zone,
        zone_name=zone_name,
        generated=generated or datetime.now(UTC),
        progress=progress,
        max_side=max_side or figs.picture_side(sum(1 for it in items if it.parent_id is None)),
        extra_software=dict(software or {}),
        items=items,
    )
    ctx.findings = fnd.list_findings(incident)
    if _table_exists(incident, "annotation"):
        from workbench.core.annotations import list_annotations

        for a in list_annotations(incident):
            ctx.annotations.setdefault(a.media_id, []).append(a)
    # The evidence section is built last: its pictures are made in the pool while the other sections are built.
    workers = max(1, min(4, os.cpu_count() or 1))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report-pictures")
    try:
        if "evidence" in chosen:
            _start_pictures(ctx, pool)
        built: dict[str, Section] = {}
        for i, key in enumerate(sorted(chosen, key=lambda k: k == "evidence")):
            progress(i, len(chosen), f"report: {SECTION_TITLES[key]}")
            built[key] = _BUILDERS[key](ctx)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    sections_in_order = [replace(built[key], page_break=i > 0) for i, key in enumerate(chosen)]
    progress(len(chosen), len(chosen), "report assembled")
    footer = f"{info.title} · content {ctx.digest.sha256[:16]}… · audit head {ctx.digest.audit_head[:16]}…"
    return Report(
        incident_title=info.title,
        analyst=info.analyst,
        generated_utc=ctx.generated.isoformat(timespec="seconds"),
        content_digest=ctx.digest.sha256,
        audit_head=ctx.digest.audit_head,
        audit_count=ctx.digest.audit_count,
        software=f"Verification Workbench {__version__}",
        sections=tuple(sections_in_order),
        footer=footer,
        header=f"Verification report · {info.title}",
        findings=fnd.findings_json(incident),
    )
