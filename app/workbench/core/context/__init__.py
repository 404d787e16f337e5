"""Context beside the posts and media: web captures, reference images, domains, aliases, observations.

Every import keeps the file itself as evidence first (a media item, hashed), then stores what was read from it;
every change is an audited operation returning `Changes` with topics "context" (documents), "reference_images",
"domains", "domain_records", "aliases", "observations".

Entry points for other areas:
- `import_context_file(incident, path, ...)`: sniff a file and import it (for `workbench import`);
- `context_counts(incident)`: counts by kind (for `workbench info --json`);
- `context_events(incident)`: dated things for the timeline (acquisition, capture, registration, certificates,
  observations near the incident);
- `overlay_layers(incident)`: the map overlays (tile sources for the map's URL handler);
- `EVIDENCE_KINDS`: reference kinds for linking findings to context objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from workbench.core.context._common import parse_iso_utc, table_exists
from workbench.core.errors import BadInput
from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress
from workbench.core.timeline.events import TimelineEvent

ContextKind = Literal["archive", "reference", "observations", "domain-record", "capture"]

# How the analyst names context objects when linking them from findings (kind:id) → the table that holds them.
EVIDENCE_KINDS: dict[str, str] = {
    "document": "context_document",
    "reference": "reference_image",
    "domain": "domain",
    "domain-record": "domain_record",
    "observation": "observation",
}


def context_counts(incident: Incident) -> dict[str, int]:
    """How many context objects of each kind the incident holds (all zero on a file older than format 4)."""
    names = (
        ("web_pages", "context_document", "kind = 'web-page'"),
        ("captures", "context_document", "kind <> 'web-page'"),
        ("reference_images", "reference_image", None),
        ("overlay_tiles", "overlay_tile", None),
        ("domains", "domain", None),
        ("domain_records", "domain_record", None),
        ("confirmed_aliases", "alias_link", "status = 'confirmed'"),
        ("rejected_aliases", "alias_link", "status = 'rejected'"),
        ("observations", "observation", None),
        ("imports", "context_import", None),
    )
    out: dict[str, int] = {}
    with incident.read() as conn:
        for key, table, where in names:
            if not table_exists(conn, table):
                out[key] = 0
                continue
            sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")  # fixed strings above
            out[key] = int(conn.exec_driver_sql(sql).scalar_one())
    return out


def sniff(path: Path) -> ContextKind | None:
    """Which context importer reads this file, or None when none does."""
    from workbench.core.context.documents import sniff_archive

    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if sniff_archive(path) is not None:
        return "archive"
    suffix = path.suffix.lower()
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "reference"
    text = head.decode("utf-8", "replace")
    first_line = text.lstrip("\ufeff").splitlines()[0].lower() if text.strip() else ""
    if suffix in (".csv", ".tsv") or ("lat" in first_line and "time" in first_line and "," in first_line):
        cols = {c.strip().strip('"') for c in first_line.replace(";", ",").replace("\t", ",").split(",")}
        if cols & {"lat", "latitude"} and cols & {"lon", "lng", "long", "longitude"}:
            return "observations"
    if suffix in (".json", ".txt", ".whois", ".dig", "") or text.lstrip()[:1] in ("[", "{"):
        from workbench.core.context.domain_records import parse_record

        try:
            parse_record(path.read_bytes()[: 16 * 1024 * 1024].decode("utf-8", "replace"))
        except (BadInput, UnicodeError):
            return None
        return "domain-record"
    if suffix in (".pdf", ".html", ".htm"):
        return "capture"
    return None


@dataclass(frozen=True)
class ContextImport:
    """What `import_context_file` did, for the `workbench import` summary."""

    path: str
    kind: str
    summary: dict[str, Any]
    changes: Changes

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, **self.summary}


def import_context_file(
    incident: Incident,
    path: Path,
    *,
    kind: ContextKind | None = None,
    zone: str | None = None,
    domain: str | None = None,
    url: str | None = None,
    captured_at: str | None = None,
    acquired: str | None = None,
    progress: Progress | None = None,
) -> ContextImport:
    """Import one context file: a WARC/WACZ, a GeoTIFF, a CSV of observations, WHOIS/dig text or certificate
    JSON, or a hand capture (PDF/HTML with `url` and `captured_at`). `kind` None sniffs it."""
    k = kind or sniff(path)
    if k is None:
        raise BadInput(
            f"{path.name} is not a context file the workbench knows (WARC, WACZ, GeoTIFF, CSV of observations, "
            "WHOIS/dig text, certificate JSON, or a PDF/HTML capture)."
        )
    if k == "archive":
        from workbench.core.context.documents import import_archive

        report = import_archive(incident, path, progress=progress)
        return ContextImport(str(path), k, report.to_json(), report.changes)
    if k == "reference":
        from workbench.core.context.reference import import_reference_image, reference_image

        changes = import_reference_image(incident, path, acquired=acquired, progress=progress)
        ref = reference_image(incident, changes.ids["reference_images"][0])
        return ContextImport(str(path), k, ref.to_json(), changes)
    if k == "observations":
        from workbench.core.context.observations import import_observations

        obs = import_observations(incident, path, zone=zone, progress=progress)
        return ContextImport(str(path), k, obs.to_json(), obs.changes)
    if k == "domain-record":
        from workbench.core.context.domains import import_record_file

        changes = import_record_file(incident, path, domain=domain)
        return ContextImport(
            str(path),
            k,
            {"domain_record_id": changes.ids["domain_records"][0], "domain_id": changes.ids["domains"][0]},
            changes,
        )
    if k == "capture":
        from workbench.core.context.documents import add_capture

        changes = add_capture(incident, path, url=url, captured_at=captured_at)
        return ContextImport(str(path), k, {"document_id": changes.ids["context"][0]}, changes)
    raise BadInput(f"Unknown context kind {k!r}.")


# --- the timeline ---------------------------------------------------------------------------------------------
# Context events are timeline events (same fields, same JSON): the timeline shows them beside posts and captures.
ContextEvent = TimelineEvent


def context_events(
    incident: Incident, *, observations_radius_km: float = 25.0, observations_window_h: float = 12.0
) -> list[ContextEvent]:
    """Reference-image acquisitions, page captures, domain registrations and first certificates, and the spells
    of observations near the incident's claimed place and time, sorted by time."""
    from workbench.core.context.reference import acquired_bounds

    events: list[ContextEvent] = []
    with incident.read() as conn:
        if not table_exists(conn, "reference_image"):
            return []
        refs = conn.exec_driver_sql("SELECT id, label, acquired_utc, acquired_source FROM reference_image").all()
        docs = conn.exec_driver_sql(
            "SELECT id, kind, title, url, capture_utc FROM context_document WHERE capture_utc IS NOT NULL"
        ).all()
        dates = conn.exec_driver_sql(
            "SELECT d.id, d.name, min(r.registered_utc), min(r.first_certificate_utc), "
            "(SELECT parsed_json FROM domain_record WHERE domain_id = d.id AND registered_utc IS NOT NULL "
            "ORDER BY registered_utc LIMIT 1) FROM domain d JOIN domain_record r ON r.domain_id = d.id GROUP BY d.id"
        ).all()
        mentions = {
            int(r[0]): (int(r[1]), int(r[2]))
            for r in conn.exec_driver_sql(
                "SELECT domain_id, sum(object_type = 'post'), sum(object_type = 'account') FROM domain_mention "
                "GROUP BY domain_id"
            )
        }
    for rid, label, acquired, source in refs:
        bounds = acquired_bounds(acquired)
        if bounds is None:
            continue
        start, end, note = bounds
        events.append(
            ContextEvent(
                "reference",
                start + (end - start) / 2,
                start,
                end,
                f"reference image acquired: {label or rid}",
                "context",
                "reference_image",
                int(rid),
                "; ".join(n for n in (note, source) if n),
            )
        )
    for did, kind, title, url, capture in docs:
        at = parse_iso_utc(capture)
        if at is None:
            continue
        what = "page captured" if kind == "web-page" else f"{kind} captured"
        events.append(
            ContextEvent(
                "document", at, at, at, f"{what}: {title or url or did}", "context", "context_document", int(did)
            )
        )
    for dom_id, name, registered, first_cert, parsed_json in dates:
        posts, accounts = mentions.get(int(dom_id), (0, 0))
        related_note = f"mentioned by {posts} post(s) and {accounts} account(s)" if posts or accounts else ""
        reg = parse_iso_utc(registered)
        if reg is not None:
            precision = json.loads(parsed_json).get("facts", {}).get("registered_precision") if parsed_json else None
            end = reg + timedelta(days=1) if precision == "day" else reg
            note = "; ".join(n for n in (related_note, "date only" if precision == "day" else "") if n)
            events.append(
                ContextEvent(
                    "domain-registered",
                    reg,
                    reg,
                    end,
                    f"domain registered: {name}",
                    "domains",
                    "domain",
                    int(dom_id),
                    note,
                )
            )
        cert = parse_iso_utc(first_cert)
        if cert is not None:
            events.append(
                ContextEvent(
                    "first-certificate",
                    cert,
                    cert,
                    cert,
                    f"first certificate: {name}",
                    "domains",
                    "domain",
                    int(dom_id),
                    related_note,
                )
            )
    info = incident.info()
    if info.place_lat is not None and info.place_lon is not None and info.claimed_time_utc:
        from workbench.core.context.observations import observations_near, spells

        claimed = parse_iso_utc(info.claimed_time_utc)
        if claimed is not None:
            near = observations_near(
                incident,
                lat=info.place_lat,
                lon=info.place_lon,
                at=claimed,
                radius_km=observations_radius_km,
                window=timedelta(hours=observations_window_h),
            )
            first_ids = {(o.station, o.variable, o.time_utc): o.id for o in near}
            for spell in spells(near):
                s_start = parse_iso_utc(spell.start_utc)
                s_end = parse_iso_utc(spell.end_utc)
                if s_start is None or s_end is None:
                    continue
                events.append(
                    ContextEvent(
                        "observation",
                        s_start + (s_end - s_start) / 2,
                        s_start,
                        s_end,
                        spell.text,
                        "observations",
                        "observation",
                        first_ids.get((spell.station, spell.variable, spell.start_utc), 0),
                    )
                )
    return sorted(events, key=lambda e: (e.at, e.kind, e.object_id))


# --- the map --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OverlayLayer:
    """One reference image on the map: its tile layer, footprint, opacity and date (the GUI draws it)."""

    reference_id: int
    layer_id: str
    title: str
    bounds: tuple[float, float, float, float]  # south, west, north, east
    corners: tuple[tuple[float, float], ...]  # (lat, lon) TL, TR, BR, BL
    opacity: float
    acquired: str | None
    min_zoom: int
    max_zoom: int

    def to_json(self) -> dict[str, Any]:
        return {
            "reference_id": self.reference_id,
            "layer_id": self.layer_id,
            "title": self.title,
            "bounds": list(self.bounds),
            "corners": [list(c) for c in self.corners],
            "opacity": self.opacity,
            "acquired": self.acquired,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
        }


def overlay_layers(incident: Incident) -> list[OverlayLayer]:
    """Every reference image as a map overlay (serve its tiles with `reference.OverlayTileSource`)."""
    from workbench.core.context.reference import overlay_layer_id, reference_images

    with incident.read() as conn:
        if not table_exists(conn, "reference_image"):
            return []
    out = []
    for ref in reference_images(incident):
        out.append(
            OverlayLayer(
                ref.id,
                overlay_layer_id(ref.id),
                ref.label or f"Reference image {ref.id}",
                ref.bounds,
                tuple(ref.transform.corners(ref.width, ref.height)),
                ref.opacity,
                ref.acquired,
                int(ref.tiles.get("min_zoom", 0)),
                int(ref.tiles.get("max_zoom", 18)),
            )
        )
    return out
