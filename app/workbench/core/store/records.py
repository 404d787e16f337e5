"""Plain, frozen objects handed out by the incident: safe to pass between threads, never ORM rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from workbench.core.media.model import GPS, Flag, Summary


@dataclass(frozen=True)
class Changes:
    """What an operation changed, by topic ("incident", "media", "pixels", "posts", "annotations" ...).

    Panels redraw only when a topic they show is in it; `ids` optionally narrows to the objects touched.
    """

    topics: frozenset[str] = frozenset()
    ids: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __contains__(self, topic: object) -> bool:
        return topic in self.topics

    def __or__(self, other: Changes) -> Changes:
        ids = dict(self.ids)
        for key, values in other.ids.items():
            ids[key] = tuple(dict.fromkeys(ids.get(key, ()) + values))
        return Changes(self.topics | other.topics, ids)

    @staticmethod
    def of(topic: str, *ids: int) -> Changes:
        return Changes(frozenset({topic}), {topic: tuple(ids)} if ids else {})


@dataclass(frozen=True)
class IncidentInfo:
    title: str
    claim: str
    description: str
    analyst: str
    created_utc: str
    modified_utc: str
    audit_head: str
    audit_count: int
    format_version: int
    verdict: str = "unverified"
    verdict_rationale: str = ""
    place_lat: float | None = None
    place_lon: float | None = None
    place_time_zone: str | None = None
    claimed_time_utc: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MediaSource:
    id: int
    media_id: int
    original_name: str
    original_path: str | None
    url: str | None
    acquired_utc: str
    acquired_by: str
    file_modified_utc: str | None
    note: str

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MediaItem:
    id: int
    sha256: str
    kind: str
    mime: str
    filename: str
    size: int
    added_utc: str
    capture_time: str | None
    summary: Summary
    flags: tuple[Flag, ...]
    reader: str
    parent_id: int | None = None
    derivation: dict[str, Any] | None = None
    note: str = ""
    phash: str | None = None
    has_thumbnail: bool = False

    @property
    def flag_codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.flags)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "kind": self.kind,
            "mime": self.mime,
            "filename": self.filename,
            "size": self.size,
            "added_utc": self.added_utc,
            "capture_time": self.capture_time,
            "summary": self.summary.to_json(),
            "flags": [f.to_json() for f in self.flags],
            "reader": self.reader,
            "parent_id": self.parent_id,
            "derivation": self.derivation,
            "note": self.note,
            "phash": self.phash,
        }


def summary_from_json(text: str | dict[str, Any]) -> Summary:
    """Rebuild a Summary, tolerating fields added or removed since the item was read."""
    data: dict[str, Any] = json.loads(text) if isinstance(text, str) else dict(text)
    known = {f.name for f in fields(Summary)}
    values = {k: v for k, v in data.items() if k in known}
    gps = values.get("gps")
    if isinstance(gps, dict):
        gps_known = {f.name for f in fields(GPS)}
        values["gps"] = GPS(**{k: v for k, v in gps.items() if k in gps_known})
    return Summary(**values)


def flags_from_json(text: str) -> tuple[Flag, ...]:
    return tuple(Flag(d["code"], d.get("severity", "notice"), d.get("message", "")) for d in json.loads(text))
