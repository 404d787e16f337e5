"""Domains as entities: every link in posts, bios and captured pages resolved to its registrable domain, with the
posts, accounts and documents that mention it, and the WHOIS/DNS/certificate records the analyst attaches.

`index_domains` is idempotent: it adds only mentions not yet recorded, in one audited transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from workbench.core.context._common import keep_source
from workbench.core.context.domain_records import PARSER_VERSION, ParsedRecord, RecordKind, parse_record
from workbench.core.context.links import ResolvedLink, resolve, urls_in_text
from workbench.core.context.psl import default_rules, split_host
from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes

MAX_RECORD_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Mention:
    domain: str
    object_type: str  # post | account | context_document
    object_id: int
    field: str  # links | text | bio | page
    url: str
    host: str


@dataclass(frozen=True)
class Domain:
    id: int
    name: str
    unicode_name: str
    suffix: str
    posts: int
    accounts: int
    documents: int
    registered_utc: str | None
    first_certificate_utc: str | None
    registrars: tuple[str, ...] = ()
    records: int = 0
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "unicode_name": self.unicode_name,
            "suffix": self.suffix,
            "posts": self.posts,
            "accounts": self.accounts,
            "documents": self.documents,
            "registered_utc": self.registered_utc,
            "first_certificate_utc": self.first_certificate_utc,
            "registrars": list(self.registrars),
            "records": self.records,
            "note": self.note,
        }


@dataclass(frozen=True)
class DomainRecord:
    id: int
    domain_id: int
    kind: str
    source_media_id: int | None
    registered_utc: str | None
    expires_utc: str | None
    first_certificate_utc: str | None
    registrar: str | None
    parsed: dict[str, Any] = field(default_factory=dict)
    raw_text: str = ""
    created_utc: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "domain_id": self.domain_id,
            "kind": self.kind,
            "source_media_id": self.source_media_id,
            "registered_utc": self.registered_utc,
            "expires_utc": self.expires_utc,
            "first_certificate_utc": self.first_certificate_utc,
            "registrar": self.registrar,
            "parsed": self.parsed,
            "created_utc": self.created_utc,
        }


def _links_of(links_json: str | None, text: str | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        links = json.loads(links_json or "[]")
    except json.JSONDecodeError:
        links = []
    for item in links if isinstance(links, list) else []:
        url = item.get("url") or item.get("expanded_url") if isinstance(item, dict) else item
        if isinstance(url, str):
            out.append(("links", url))
    out.extend(("text", u) for u in urls_in_text(text or ""))
    return out


def mentions_in(incident: Incident) -> list[Mention]:
    """Every link the incident's posts, accounts and documents hold, resolved (links that are not web links are
    skipped: they name no domain)."""
    rules = default_rules()
    found: list[Mention] = []

    def add(object_type: str, object_id: int, field_name: str, url: str) -> None:
        try:
            link: ResolvedLink = resolve(url, rules)
        except BadInput:
            return
        found.append(Mention(link.domain, object_type, object_id, field_name, link.url, link.host))

    with incident.read() as conn:
        for pid, links_json, text in conn.exec_driver_sql("SELECT id, links_json, text FROM post"):
            for f, url in _links_of(links_json, text):
                add("post", int(pid), f, url)
        for aid, links_json, bio in conn.exec_driver_sql("SELECT id, links_json, bio FROM account"):
            for f, url in _links_of(links_json, bio):
                add("account", int(aid), "bio" if f == "text" else f, url)
        for did, url in conn.exec_driver_sql("SELECT id, url FROM context_document WHERE url IS NOT NULL"):
            add("context_document", int(did), "page", str(url))
    return list(dict.fromkeys(found))


def _domain_id(conn: Connection, name: str, suffix: str | None = None) -> tuple[int, bool]:
    row = conn.exec_driver_sql("SELECT id FROM domain WHERE name = ?", (name,)).first()
    if row is not None:
        return int(row[0]), False
    if suffix is None:
        suffix = split_host(name).suffix
    try:
        unicode_name = name.encode("ascii").decode("idna")
    except UnicodeError:
        unicode_name = name
    new_id = conn.exec_driver_sql(
        "INSERT INTO domain (name, unicode_name, suffix, created_utc) VALUES (?, ?, ?, ?) RETURNING id",
        (name, unicode_name, suffix, utc_now()),
    ).scalar_one()
    return int(new_id), True


def index_domains(incident: Incident) -> Changes:
    """Record every mention not yet recorded (domains created as needed); one audit entry, or none if nothing new."""
    mentions = mentions_in(incident)
    with incident.read() as conn:
        known = {
            (str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]))
            for r in conn.exec_driver_sql(
                "SELECT d.name, m.object_type, m.object_id, m.field, m.url FROM domain_mention m "
                "JOIN domain d ON d.id = m.domain_id"
            )
        }
    new = [m for m in mentions if (m.domain, m.object_type, m.object_id, m.field, m.url) not in known]
    if not new:
        return Changes()
    created: list[int] = []
    with incident.write() as conn:
        ids: dict[str, int] = {}
        for m in new:
            if m.domain not in ids:
                ids[m.domain], was_new = _domain_id(conn, m.domain)
                if was_new:
                    created.append(ids[m.domain])
            conn.exec_driver_sql(
                "INSERT OR IGNORE INTO domain_mention (domain_id, object_type, object_id, field, url, host) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (ids[m.domain], m.object_type, m.object_id, m.field, m.url, m.host),
            )
        incident.record(
            conn,
            "context.domains_index",
            "domain",
            ",".join(str(i) for i in sorted(set(ids.values())))[:2000],
            {"mentions_added": len(new), "domains_created": len(created), "psl": "bundled public_suffix_list.dat"},
        )
    return Changes.of("domains", *sorted(set(ids.values())))


_DOMAIN_SQL = (
    "SELECT d.id, d.name, d.unicode_name, d.suffix, d.note, "
    "(SELECT count(DISTINCT object_id) FROM domain_mention WHERE domain_id = d.id AND object_type = 'post'), "
    "(SELECT count(DISTINCT object_id) FROM domain_mention WHERE domain_id = d.id AND object_type = 'account'), "
    "(SELECT count(DISTINCT object_id) FROM domain_mention WHERE domain_id = d.id "
    "AND object_type = 'context_document'), "
    "(SELECT min(registered_utc) FROM domain_record WHERE domain_id = d.id), "
    "(SELECT min(first_certificate_utc) FROM domain_record WHERE domain_id = d.id), "
    "(SELECT group_concat(registrar, char(31)) FROM (SELECT DISTINCT registrar FROM domain_record "
    "WHERE domain_id = d.id AND registrar IS NOT NULL)), "
    "(SELECT count(*) FROM domain_record WHERE domain_id = d.id) "
    "FROM domain d"
)


def _domain_from_row(r: Any) -> Domain:
    return Domain(
        id=int(r[0]),
        name=r[1],
        unicode_name=r[2],
        suffix=r[3],
        note=r[4],
        posts=int(r[5]),
        accounts=int(r[6]),
        documents=int(r[7]),
        registered_utc=r[8],
        first_certificate_utc=r[9],
        registrars=tuple(sorted(set(r[10].split("\x1f")))) if r[10] else (),
        records=int(r[11]),
    )


def domains(incident: Incident) -> list[Domain]:
    """Every domain, most-mentioned first."""
    with incident.read() as conn:
        rows = conn.exec_driver_sql(_DOMAIN_SQL).all()
    out = [_domain_from_row(r) for r in rows]
    return sorted(out, key=lambda d: (-(d.posts + d.accounts + d.documents), d.name))


def find_domain(incident: Incident, ref: str) -> Domain:
    """A domain by id, by name, or by any URL or host under it."""
    ref = ref.strip()
    with incident.read() as conn:
        if ref.isdigit():
            row = conn.exec_driver_sql(_DOMAIN_SQL + " WHERE d.id = ?", (int(ref),)).first()
        else:
            row = conn.exec_driver_sql(_DOMAIN_SQL + " WHERE d.name = ?", (_registrable(ref),)).first()
    if row is None:
        raise NotFound(f"No domain {ref!r} in this incident (run `workbench context domains FILE --index` first?).")
    return _domain_from_row(row)


def _registrable(ref: str) -> str:
    text = ref.strip()
    if "://" in text or text.lower().startswith("www."):
        return resolve(text).domain
    parts = split_host(text)
    return parts.registrable or parts.host


def mentions_of(incident: Incident, domain_id: int) -> list[Mention]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.name, m.object_type, m.object_id, m.field, m.url, m.host FROM domain_mention m "
            "JOIN domain d ON d.id = m.domain_id WHERE m.domain_id = ? ORDER BY m.object_type, m.object_id",
            (domain_id,),
        ).all()
    return [Mention(r[0], r[1], int(r[2]), r[3], r[4], r[5]) for r in rows]


def records_of(incident: Incident, domain_id: int) -> list[DomainRecord]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, domain_id, kind, source_media_id, registered_utc, expires_utc, first_certificate_utc, "
            "registrar, parsed_json, raw_text, created_utc FROM domain_record WHERE domain_id = ? ORDER BY id",
            (domain_id,),
        ).all()
    return [
        DomainRecord(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]), r[9], r[10])
        for r in rows
    ]


def attach_record(
    incident: Incident,
    text: str,
    *,
    domain: str | None = None,
    kind: RecordKind | None = None,
    source_media_id: int | None = None,
    note: str = "",
) -> Changes:
    """Attach WHOIS/DNS/certificate text (pasted or from a file already kept as evidence) to a domain.

    `domain` None means the one the text names; the domain is created when the incident has not seen it yet.
    The id of the new record is `changes.ids["domain_records"][0]`."""
    if len(text.encode("utf-8", "replace")) > MAX_RECORD_BYTES:
        raise BadInput("That record is larger than 16 MB; attach the part about the domain.")
    parsed: ParsedRecord = parse_record(text, kind)
    name_ref = domain or parsed.domain
    if not name_ref:
        raise BadInput("The record does not say which domain it is about: name the domain.")
    name = _registrable(name_ref)
    if parsed.domain and domain and _registrable(parsed.domain) != name:
        raise BadInput(f"The record is about {parsed.domain}, not {domain}: check that you picked the right text.")
    with incident.write() as conn:
        domain_id, _ = _domain_id(conn, name)
        same = conn.exec_driver_sql(
            "SELECT id FROM domain_record WHERE domain_id = ? AND kind = ? AND raw_text = ?",
            (domain_id, parsed.kind, text),
        ).first()
        if same is not None:  # attached before: nothing new
            return Changes.of("domains", domain_id) | Changes.of("domain_records", int(same[0]))
        record_id = int(
            conn.exec_driver_sql(
                "INSERT INTO domain_record (domain_id, kind, source_media_id, raw_text, parsed_json, registered_utc, "
                "expires_utc, first_certificate_utc, registrar, parser, note, created_utc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    domain_id,
                    parsed.kind,
                    source_media_id,
                    text,
                    json.dumps(parsed.to_json(), ensure_ascii=False),
                    parsed.registered,
                    parsed.expires,
                    parsed.first_certificate,
                    parsed.registrar,
                    PARSER_VERSION,
                    note,
                    utc_now(),
                ),
            ).scalar_one()
        )
        incident.record(
            conn,
            "context.domain_record",
            "domain_record",
            record_id,
            {
                "domain": name,
                "kind": parsed.kind,
                "source_media_id": source_media_id,
                "registered": parsed.registered,
                "first_certificate": parsed.first_certificate,
                "registrar": parsed.registrar,
            },
        )
    return Changes.of("domains", domain_id) | Changes.of("domain_records", record_id)


def import_record_file(
    incident: Incident, path: Path, *, domain: str | None = None, kind: RecordKind | None = None
) -> Changes:
    """A WHOIS/dig text or certificate JSON file: kept as evidence, then parsed and attached."""
    if path.stat().st_size > MAX_RECORD_BYTES:
        raise BadInput(f"{path.name} is larger than 16 MB; that is not a WHOIS, DNS or certificate record.")
    text = path.read_bytes().decode("utf-8", "replace")
    parse_record(text, kind)  # refuse before keeping anything
    media_id, _ = keep_source(incident, path, note="domain record")
    return attach_record(incident, text, domain=domain, kind=kind, source_media_id=media_id) | Changes.of(
        "media", media_id
    )


@dataclass(frozen=True)
class DomainTiming:
    """How a domain's registration (or first certificate) stands to the first post that mentions it."""

    domain_id: int
    domain: str
    event: str  # "registered" | "first certificate"
    event_utc: str
    first_post_id: int
    first_post_utc: str
    seconds_before: float  # > 0: the domain came before the post

    @property
    def text(self) -> str:
        gap = abs(self.seconds_before)
        if gap >= 2 * 86400:
            span = f"{gap / 86400:.0f} days"
        elif gap >= 2 * 3600:
            span = f"{gap / 3600:.0f} hours"
        else:
            span = f"{gap / 60:.0f} minutes"
        side = "before" if self.seconds_before >= 0 else "after"
        return f"{self.domain} {self.event} {span} {side} the first post mentioning it (post {self.first_post_id})"

    def to_json(self) -> dict[str, Any]:
        return {
            "domain_id": self.domain_id,
            "domain": self.domain,
            "event": self.event,
            "event_utc": self.event_utc,
            "first_post_id": self.first_post_id,
            "first_post_utc": self.first_post_utc,
            "seconds_before": self.seconds_before,
            "text": self.text,
        }


def domain_timings(incident: Incident) -> list[DomainTiming]:
    """For each domain with a registration or first-certificate date and posts mentioning it: the gap between that
    date and the earliest such post ("domain registered two days before the first post")."""
    from workbench.core.context._common import parse_iso_utc

    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.id, d.unicode_name, (SELECT min(registered_utc) FROM domain_record WHERE domain_id = d.id), "
            "(SELECT min(first_certificate_utc) FROM domain_record WHERE domain_id = d.id), "
            "(SELECT p.id || ' ' || p.created_utc FROM domain_mention m JOIN post p ON p.id = m.object_id "
            "WHERE m.domain_id = d.id AND m.object_type = 'post' AND p.created_utc IS NOT NULL "
            "ORDER BY p.created_utc LIMIT 1) FROM domain d"
        ).all()
    out: list[DomainTiming] = []
    for dom_id, name, registered, first_cert, first_post in rows:
        if not first_post:
            continue
        post_id_text, post_utc = str(first_post).split(" ", 1)
        post_dt = parse_iso_utc(post_utc)
        if post_dt is None:
            continue
        for event, when in (("registered", registered), ("first certificate", first_cert)):
            dt = parse_iso_utc(when)
            if dt is None:
                continue
            out.append(
                DomainTiming(
                    int(dom_id),
                    str(name),
                    event,
                    str(when),
                    int(post_id_text),
                    post_utc,
                    (post_dt - dt).total_seconds(),
                )
            )
    return out
