"""Reading WHOIS text, certificate-transparency JSON and `dig` output into dates and facts (pure: text in, dict out).

Formats: WHOIS as printed by the `whois` command or a registrar's page (ICANN `Creation Date:` style and the
common ccTLD variants: `created:`, `Registered on:`, `Registration Time:`, `paid-till:` ...); JSON from crt.sh
(`?output=json`) or certspotter (`not_before` per certificate); `dig` answers (`name TTL IN TYPE data` lines and
the `;; WHEN:` line). The raw text is always kept beside what is parsed, so nothing depends on these parsers alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from workbench.core.context._common import iso
from workbench.core.errors import BadInput

RecordKind = Literal["whois", "dns", "certificates"]
PARSER_VERSION = "workbench-context-records/1"

_WHOIS_CREATED = (
    "creation date",
    "created",
    "created on",
    "created date",
    "registered on",
    "registered",
    "registration date",
    "registration time",
    "domain registration date",
    "domain name commencement date",
    "domain create date",
    "record created",
)
_WHOIS_EXPIRES = (
    "registry expiry date",
    "registrar registration expiration date",
    "expiration date",
    "expiry date",
    "expires",
    "expires on",
    "expire date",
    "paid-till",
    "expiration time",
    "domain expiration date",
    "renewal date",
)
_WHOIS_UPDATED = ("updated date", "last updated", "last-update", "changed", "last modified", "modified")
_WHOIS_REGISTRAR = ("registrar", "sponsoring registrar", "registrar name", "registrar organization")
_WHOIS_DOMAIN = ("domain name", "domain")
_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 /_.\-]{1,60}?)\s*:\s*(.*\S)\s*$")
_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


@dataclass(frozen=True)
class ParsedRecord:
    kind: RecordKind
    domain: str | None  # the domain the text is about, when it says
    registered: str | None = None  # UTC ISO
    expires: str | None = None
    first_certificate: str | None = None
    registrar: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "domain": self.domain,
            "registered": self.registered,
            "expires": self.expires,
            "first_certificate": self.first_certificate,
            "registrar": self.registrar,
            "facts": self.facts,
        }


def parse_date(text: str) -> tuple[str, str] | None:
    """(UTC ISO, precision 'second'|'day') from the date spellings WHOIS servers use; None when unreadable.

    A time without a zone in WHOIS is read as UTC (registries report UTC; the precision says 'second' anyway only
    when a time was written)."""
    t = text.strip().rstrip(".")
    t = re.sub(r"\s*\((?:UTC|GMT)\)\s*$", "", t)
    t = re.sub(r"\s+(?:UTC|GMT|Z)$", "Z", t)
    iso_try = t.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", t) else t
    if iso_try.endswith(("Z", "z")):
        iso_try = iso_try[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(iso_try)
        precision = "day" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso_try) else "second"
        return iso(dt if dt.tzinfo else dt.replace(tzinfo=UTC)), precision
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{4})[./](\d{1,2})[./](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?Z?", t)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        return _build(y, mo, d, m[4], m[5], m[6])
    m = re.fullmatch(r"(\d{1,2})[-. /]([A-Za-z]{3})[A-Za-z]*[-. /](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?Z?", t)
    if m and m[2].lower() in _MONTHS:
        return _build(int(m[3]), _MONTHS[m[2].lower()], int(m[1]), m[4], m[5], m[6])
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", t)  # dd.mm.yyyy (European registries)
    if m:
        return _build(int(m[3]), int(m[2]), int(m[1]), None, None, None)
    m = re.fullmatch(
        r"(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(?:[A-Z]{2,4}\s+)?(\d{4})", t
    )
    if m and m[1].lower() in _MONTHS:
        return _build(int(m[6]), _MONTHS[m[1].lower()], int(m[2]), m[3], m[4], m[5])
    return None


def _build(y: int, mo: int, d: int, hh: str | None, mm: str | None, ss: str | None) -> tuple[str, str] | None:
    try:
        dt = datetime(y, mo, d, int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=UTC)
    except ValueError:
        return None
    return iso(dt), ("second" if hh is not None else "day")


def parse_whois(text: str) -> ParsedRecord:
    fields: dict[str, list[str]] = {}
    for raw in text.splitlines():
        if raw.lstrip().startswith(("%", "#", ">>>")):
            continue
        m = _LINE.match(raw)
        if not m:
            continue
        key = m[1].strip().lower()
        fields.setdefault(key, []).append(m[2].strip())

    def first(keys: tuple[str, ...], *, dates: bool) -> tuple[str | None, str | None, str | None]:
        for k in keys:
            for value in fields.get(k, []):
                if not dates:
                    return value, None, k
                parsed = parse_date(value)
                if parsed:
                    return parsed[0], parsed[1], k
        return None, None, None

    created, created_prec, created_key = first(_WHOIS_CREATED, dates=True)
    expires, _, _ = first(_WHOIS_EXPIRES, dates=True)
    updated, _, _ = first(_WHOIS_UPDATED, dates=True)
    registrar, _, _ = first(_WHOIS_REGISTRAR, dates=False)
    domain, _, _ = first(_WHOIS_DOMAIN, dates=False)
    if domain is not None:
        domain = domain.split()[0].strip().lower().rstrip(".") or None
    name_servers = sorted(
        {v.split()[0].lower().rstrip(".") for k in ("name server", "nserver", "nameserver") for v in fields.get(k, [])}
    )
    if created is None and expires is None and registrar is None and domain is None:
        raise BadInput("This text does not look like a WHOIS record (no domain, registrar or dates found).")
    facts: dict[str, Any] = {"name_servers": name_servers}
    if created_prec:
        facts["registered_precision"] = created_prec
        facts["registered_field"] = created_key
    if updated:
        facts["updated"] = updated
    return ParsedRecord("whois", domain, created, expires, None, registrar, facts)


def parse_certificates(text: str) -> ParsedRecord:
    """crt.sh / certspotter JSON: the first certificate's `not_before`, and every name the certificates cover."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"The certificate search result is not JSON ({exc.msg} at line {exc.lineno}).") from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise BadInput("The certificate search result should be a JSON list of certificates.")
    starts: list[tuple[str, dict[str, Any]]] = []
    names: set[str] = set()
    for entry in data:
        nb = entry.get("not_before")
        if isinstance(nb, str):
            parsed = parse_date(nb)
            if parsed:
                starts.append((parsed[0], entry))
        for key in ("common_name", "name_value"):
            value = entry.get(key)
            if isinstance(value, str):
                names.update(n.strip().lower() for n in value.splitlines() if n.strip())
        dns_names = entry.get("dns_names")
        if isinstance(dns_names, list):
            names.update(str(n).strip().lower() for n in dns_names)
    if not starts:
        raise BadInput("No certificate in this JSON has a readable not_before date.")
    starts.sort(key=lambda s: s[0])
    first_start, first_entry = starts[0]
    facts = {
        "certificates": len(data),
        "names": sorted(names)[:500],
        "first_certificate_id": first_entry.get("id") or first_entry.get("cert_sha256"),
        "first_issuer": _issuer(first_entry),
        "last_not_before": starts[-1][0],
    }
    domain = _common_domain(names)
    return ParsedRecord("certificates", domain, None, None, first_start, None, facts)


def _issuer(entry: dict[str, Any]) -> str | None:
    if isinstance(entry.get("issuer_name"), str):
        return str(entry["issuer_name"])
    issuer = entry.get("issuer")
    if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
        return str(issuer["name"])
    return None


def _common_domain(names: set[str]) -> str | None:
    from workbench.core.context.psl import registrable_domain

    found: dict[str, int] = {}
    for n in names:
        try:
            reg = registrable_domain(n.lstrip("*."))
        except BadInput:
            continue
        if reg:
            found[reg] = found.get(reg, 0) + 1
    return max(found, key=lambda k: found[k]) if found else None


_DIG_RR = re.compile(r"^(\S+)\s+(\d+)\s+(IN|CH|HS)\s+([A-Z0-9]+)\s+(.+)$")


def parse_dig(text: str) -> ParsedRecord:
    answers: list[dict[str, Any]] = []
    queried: str | None = None
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(";;") and "SECTION:" in line:
            section = line.split("SECTION:")[0].strip("; ").lower()
            continue
        if line.startswith(";; WHEN:"):
            parsed = parse_date(line.split(":", 1)[1].strip())
            queried = parsed[0] if parsed else None
            continue
        if not line or line.startswith(";"):
            continue
        m = _DIG_RR.match(line)
        if m and section in ("", "answer", "authority"):
            answers.append(
                {
                    "name": m[1].rstrip(".").lower(),
                    "ttl": int(m[2]),
                    "type": m[4],
                    "data": m[5].strip(),
                    "section": section or "answer",
                }
            )
    if not answers:
        raise BadInput("This text does not look like `dig` output (no `name TTL IN TYPE data` records found).")
    domain = _common_domain({a["name"] for a in answers})
    return ParsedRecord("dns", domain, None, None, None, None, {"records": answers, "queried": queried})


def detect_kind(text: str) -> RecordKind:
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        return "certificates"
    if "<<>> DiG" in text or re.search(r"^;; (ANSWER|QUESTION) SECTION:", text, re.M) or _looks_like_rrs(text):
        return "dns"
    return "whois"


def _looks_like_rrs(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(";")]
    return bool(lines) and all(_DIG_RR.match(ln.strip()) for ln in lines)


def parse_record(text: str, kind: RecordKind | None = None) -> ParsedRecord:
    """Parse WHOIS, DNS or certificate text; `kind` None means detect it from the text."""
    if not text.strip():
        raise BadInput("The record is empty.")
    k = kind or detect_kind(text)
    if k == "whois":
        return parse_whois(text)
    if k == "dns":
        return parse_dig(text)
    if k == "certificates":
        return parse_certificates(text)
    raise BadInput(f"Unknown record kind {kind!r} (whois, dns or certificates).")
