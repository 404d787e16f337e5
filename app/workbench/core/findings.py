"""Findings, the verdict on the claim, and the checklist of the usual verification steps.

A finding is one statement the analyst stands behind ("The EXIF time of DSCF4021.JPG fits the shadows"), with a
confidence (low, medium, high) and links to the evidence that supports it: media items, annotations, posts,
accounts, location hypotheses, time windows, shadow measurements and timeline events, each named as
``kind:id`` (``media:3``, ``post:12``). The verdict is one of a stated scale with a rationale; the checklist says
which of the usual steps (provenance, source, date, place, motivation) were done and which were not.

Every change is one audited transaction and returns a `Changes` ("findings" for findings, "incident" for the
verdict and the checklist). Reads return plain frozen records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection

from workbench.core.context import EVIDENCE_KINDS as CONTEXT_KINDS
from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes

CONFIDENCES: Final = ("low", "medium", "high")

VERDICTS: Final = ("verified", "likely", "unverified", "misleading", "false")
VERDICT_TITLES: Final = {
    "verified": "Verified",
    "likely": "Likely",
    "unverified": "Unverified / inconclusive",
    "misleading": "Misleading",
    "false": "False",
}
VERDICT_MEANINGS: Final = {
    "verified": "The evidence confirms the claim: the content is what and from where and when it is said to be.",
    "likely": "The evidence supports the claim, but at least one step could not be confirmed independently.",
    "unverified": "The evidence does not allow a conclusion either way; the claim is neither confirmed nor refuted.",
    "misleading": "The content is genuine, but the claim about it (place, time, context) is wrong or distorts it.",
    "false": "The evidence contradicts the claim, or the content was fabricated or manipulated.",
}

# Reference kinds as the analyst types them → the table that holds them.
EVIDENCE_KINDS: Final = {
    "media": "media_item",
    "annotation": "annotation",
    "post": "post",
    "account": "account",
    "hypothesis": "location_hypothesis",
    "window": "time_window",
    "measurement": "shadow_measurement",
    "event": "timeline_event",
    **CONTEXT_KINDS,  # web pages, reference images, domains, domain records, observations
}
_KIND_OF_TABLE: Final = {table: kind for kind, table in EVIDENCE_KINDS.items()}

CHECK_STATUSES: Final = ("not done", "done", "partly done", "not possible", "not applicable")
CHECKLIST_STEPS: Final = (
    ("provenance", "Provenance", "Is this the original piece of content, or the earliest copy that can be found?"),
    ("source", "Source", "Who captured or first published it, and how are they connected to the event?"),
    ("date", "Date", "When was it captured (not only when was it posted)?"),
    ("place", "Location", "Where was it captured?"),
    ("motivation", "Motivation", "Why was it captured and shared; who gains from the claim?"),
)
_STEP_KEYS: Final = tuple(k for k, _, _ in CHECKLIST_STEPS)


@dataclass(frozen=True)
class EvidenceLink:
    """One piece of evidence behind a finding: a row of `object_type` (a table name) with id `object_id`."""

    object_type: str
    object_id: int
    note: str = ""

    @property
    def ref(self) -> str:
        """``kind:id`` as the analyst writes it (``media:3``)."""
        return f"{_KIND_OF_TABLE.get(self.object_type, self.object_type)}:{self.object_id}"

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.ref, "object_type": self.object_type, "object_id": self.object_id, "note": self.note}


@dataclass(frozen=True)
class Finding:
    id: int
    position: int
    statement: str
    confidence: str
    note: str = ""
    created_utc: str = ""
    modified_utc: str = ""
    evidence: tuple[EvidenceLink, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "statement": self.statement,
            "confidence": self.confidence,
            "note": self.note,
            "created_utc": self.created_utc,
            "modified_utc": self.modified_utc,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class Verdict:
    verdict: str
    rationale: str

    @property
    def title(self) -> str:
        return VERDICT_TITLES.get(self.verdict, self.verdict)

    @property
    def meaning(self) -> str:
        return VERDICT_MEANINGS.get(self.verdict, "")

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "title": self.title, "meaning": self.meaning, "rationale": self.rationale}


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    question: str
    status: str = "not done"
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "question": self.question,
            "status": self.status,
            "note": self.note,
        }


# --- evidence references ------------------------------------------------------------------------------------------


def parse_ref(ref: str | tuple[str, int] | EvidenceLink) -> EvidenceLink:
    """``media:3`` (or ``("media", 3)``, or a link) → an `EvidenceLink`; table names are accepted as kinds too."""
    if isinstance(ref, EvidenceLink):
        kind, ident, note = ref.object_type, str(ref.object_id), ref.note
    elif isinstance(ref, tuple):
        kind, ident, note = str(ref[0]), str(ref[1]), ""
    else:
        kind, sep, ident = ref.strip().partition(":")
        note = ""
        if not sep:
            raise BadInput(f"Evidence is written kind:id, e.g. media:3 (got {ref!r}).")
    kind = kind.strip().lower()
    table = EVIDENCE_KINDS.get(kind) or (kind if kind in _KIND_OF_TABLE else None)
    if table is None:
        raise BadInput(f"Unknown evidence kind {kind!r}; use one of: {', '.join(EVIDENCE_KINDS)}.")
    ident = ident.strip()
    if not ident.isdigit():
        raise BadInput(f"Evidence ids are whole numbers (got {ident!r} in {kind}:{ident}).")
    return EvidenceLink(table, int(ident), note)


def _check_exists(conn: Connection, link: EvidenceLink) -> None:
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (link.object_type,)
    ).first()
    # Table names come from EVIDENCE_KINDS only (parse_ref refuses anything else).
    if exists is None or (
        conn.exec_driver_sql(f"SELECT 1 FROM {link.object_type} WHERE id = ?", (link.object_id,)).first() is None
    ):
        raise NotFound(f"There is no {link.ref} in this incident to cite as evidence.")


def _links(refs: Iterable[str | tuple[str, int] | EvidenceLink]) -> list[EvidenceLink]:
    out: dict[tuple[str, int], EvidenceLink] = {}
    for ref in refs:
        link = parse_ref(ref)
        out.setdefault((link.object_type, link.object_id), link)
    return list(out.values())


# --- reading ------------------------------------------------------------------------------------------------------

_COLUMNS = "id, position, statement, confidence, note, created_utc, modified_utc"


def _evidence_map(conn: Connection, finding_id: int | None = None) -> dict[int, tuple[EvidenceLink, ...]]:
    sql = "SELECT finding_id, object_type, object_id, note FROM finding_evidence"
    args: tuple[Any, ...] = ()
    if finding_id is not None:
        sql += " WHERE finding_id = ?"
        args = (finding_id,)
    out: dict[int, list[EvidenceLink]] = {}
    for fid, otype, oid, note in conn.exec_driver_sql(sql + " ORDER BY id", args):
        out.setdefault(int(fid), []).append(EvidenceLink(str(otype), int(oid), str(note)))
    return {k: tuple(v) for k, v in out.items()}


def _finding(row: Any, evidence: dict[int, tuple[EvidenceLink, ...]]) -> Finding:
    return Finding(
        id=int(row[0]),
        position=int(row[1]),
        statement=str(row[2]),
        confidence=str(row[3]),
        note=str(row[4]),
        created_utc=str(row[5]),
        modified_utc=str(row[6]),
        evidence=evidence.get(int(row[0]), ()),
    )


def _fetch(conn: Connection, finding_id: int) -> Finding | None:
    row = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM finding WHERE id = ?", (finding_id,)).first()
    return None if row is None else _finding(row, _evidence_map(conn, finding_id))


def list_findings(incident: Incident) -> list[Finding]:
    """The findings in the analyst's order."""
    with incident.read() as conn:
        evidence = _evidence_map(conn)
        rows = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM finding ORDER BY position, id").all()
    return [_finding(r, evidence) for r in rows]


def finding(incident: Incident, finding_id: int) -> Finding:
    with incident.read() as conn:
        found = _fetch(conn, finding_id)
    if found is None:
        raise NotFound(f"There is no finding {finding_id} in {incident.path.name}.")
    return found


def findings_citing(incident: Incident, ref: str | tuple[str, int] | EvidenceLink) -> list[Finding]:
    """The findings that cite one piece of evidence."""
    link = parse_ref(ref)
    return [
        f
        for f in list_findings(incident)
        if any((e.object_type, e.object_id) == (link.object_type, link.object_id) for e in f.evidence)
    ]


def get_verdict(incident: Incident) -> Verdict:
    info = incident.info()
    return Verdict(info.verdict or "unverified", info.verdict_rationale or "")


def checklist(incident: Incident) -> list[ChecklistItem]:
    """The usual steps in order, each with its recorded status (``not done`` when nothing was recorded)."""
    with incident.read() as conn:
        raw = conn.exec_driver_sql("SELECT checklist_json FROM incident WHERE id = 1").scalar_one()
    stored = _checklist_data(raw)
    out = []
    for key, title, question in CHECKLIST_STEPS:
        entry = stored.get(key, {})
        status = entry.get("status", "not done")
        out.append(
            ChecklistItem(
                key,
                title,
                question,
                status if status in CHECK_STATUSES else "not done",
                str(entry.get("note", "")),
            )
        )
    return out


def _checklist_data(raw: Any) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def findings_json(incident: Incident) -> dict[str, Any]:
    """The verdict, the checklist and every finding with its evidence, as one JSON-able object."""
    info = incident.info()
    return {
        "incident": {"title": info.title, "claim": info.claim, "analyst": info.analyst},
        "verdict": get_verdict(incident).to_json(),
        "checklist": [c.to_json() for c in checklist(incident)],
        "findings": [f.to_json() for f in list_findings(incident)],
        "audit_head": info.audit_head,
        "audit_count": info.audit_count,
    }


# --- changing -----------------------------------------------------------------------------------------------------


def _check_text(statement: str) -> str:
    if not isinstance(statement, str) or not statement.strip():
        raise BadInput("A finding needs a statement: one sentence saying what was found.")
    return statement.strip()


def _check_confidence(confidence: str) -> str:
    if confidence not in CONFIDENCES:
        raise BadInput(f"Confidence is one of {', '.join(CONFIDENCES)} (got {confidence!r}).")
    return confidence


def _changes(finding_id: int) -> Changes:
    return Changes.of("findings", finding_id)


def add_finding(
    incident: Incident,
    statement: str,
    *,
    confidence: str = "medium",
    note: str = "",
    evidence: Iterable[str | tuple[str, int] | EvidenceLink] = (),
) -> Changes:
    """Add a finding at the end of the list; its id is ``changes.ids["findings"][0]``."""
    statement = _check_text(statement)
    confidence = _check_confidence(confidence)
    links = _links(evidence)
    now = utc_now()
    with incident.write() as conn:
        for link in links:
            _check_exists(conn, link)
        position = int(conn.exec_driver_sql("SELECT coalesce(max(position), 0) + 1 FROM finding").scalar_one())
        new_id = int(
            conn.exec_driver_sql(
                "INSERT INTO finding (position, statement, confidence, note, created_utc, modified_utc) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (position, statement, confidence, note, now, now),
            ).scalar_one()
        )
        _insert_links(conn, new_id, links)
        incident.record(
            conn,
            "finding.create",
            "finding",
            new_id,
            {
                "statement": statement,
                "confidence": confidence,
                "note": note,
                "position": position,
                "evidence": [e.to_json() for e in links],
            },
        )
    return _changes(new_id)


def _insert_links(conn: Connection, finding_id: int, links: Sequence[EvidenceLink]) -> None:
    for link in links:
        conn.exec_driver_sql(
            "INSERT INTO finding_evidence (finding_id, object_type, object_id, note) VALUES (?, ?, ?, ?)",
            (finding_id, link.object_type, link.object_id, link.note),
        )


def update_finding(
    incident: Incident,
    finding_id: int,
    *,
    statement: str | None = None,
    confidence: str | None = None,
    note: str | None = None,
    evidence: Iterable[str | tuple[str, int] | EvidenceLink] | None = None,
) -> Changes:
    """Change a finding's statement, confidence, note or (replacing the whole list) its evidence."""
    wanted: dict[str, Any] = {}
    if statement is not None:
        wanted["statement"] = _check_text(statement)
    if confidence is not None:
        wanted["confidence"] = _check_confidence(confidence)
    if note is not None:
        wanted["note"] = note
    links = None if evidence is None else _links(evidence)
    with incident.write() as conn:
        old = _fetch(conn, finding_id)
        if old is None:
            raise NotFound(f"There is no finding {finding_id} in {incident.path.name}.")
        before = {k: getattr(old, k) for k in wanted}
        changed = {k: v for k, v in wanted.items() if before[k] != v}
        details: dict[str, Any] = {}
        if changed:
            assignments = ", ".join(f"{k} = ?" for k in changed)  # keys from the fixed set above
            conn.exec_driver_sql(
                f"UPDATE finding SET {assignments}, modified_utc = ? WHERE id = ?",
                (*changed.values(), utc_now(), finding_id),
            )
            details = {"before": {k: before[k] for k in changed}, "after": changed}
        if links is not None:
            old_keys = [(e.object_type, e.object_id, e.note) for e in old.evidence]
            new_keys = [(e.object_type, e.object_id, e.note) for e in links]
            if old_keys != new_keys:
                for link in links:
                    _check_exists(conn, link)
                conn.exec_driver_sql("DELETE FROM finding_evidence WHERE finding_id = ?", (finding_id,))
                _insert_links(conn, finding_id, links)
                if not changed:
                    conn.exec_driver_sql("UPDATE finding SET modified_utc = ? WHERE id = ?", (utc_now(), finding_id))
                details.setdefault("before", {})["evidence"] = [e.to_json() for e in old.evidence]
                details.setdefault("after", {})["evidence"] = [e.to_json() for e in links]
        if not details:
            return Changes()
        incident.record(conn, "finding.update", "finding", finding_id, details)
    return _changes(finding_id)


def link_evidence(
    incident: Incident, finding_id: int, ref: str | tuple[str, int] | EvidenceLink, note: str = ""
) -> Changes:
    """Add one piece of evidence to a finding (nothing happens when it is already cited)."""
    link = parse_ref(ref)
    if note:
        link = EvidenceLink(link.object_type, link.object_id, note)
    current = finding(incident, finding_id)
    if any((e.object_type, e.object_id) == (link.object_type, link.object_id) for e in current.evidence):
        return Changes()
    return update_finding(incident, finding_id, evidence=[*current.evidence, link])


def unlink_evidence(incident: Incident, finding_id: int, ref: str | tuple[str, int] | EvidenceLink) -> Changes:
    link = parse_ref(ref)
    current = finding(incident, finding_id)
    kept = [e for e in current.evidence if (e.object_type, e.object_id) != (link.object_type, link.object_id)]
    if len(kept) == len(current.evidence):
        return Changes()
    return update_finding(incident, finding_id, evidence=kept)


def delete_finding(incident: Incident, finding_id: int) -> Changes:
    """Remove a finding and its evidence links; the audit entry keeps all of it, so it can be restored."""
    with incident.write() as conn:
        old = _fetch(conn, finding_id)
        if old is None:
            raise NotFound(f"There is no finding {finding_id} in {incident.path.name}.")
        conn.exec_driver_sql("DELETE FROM finding_evidence WHERE finding_id = ?", (finding_id,))
        conn.exec_driver_sql("DELETE FROM finding WHERE id = ?", (finding_id,))
        incident.record(conn, "finding.delete", "finding", finding_id, old.to_json())
    return _changes(finding_id)


def restore_finding(incident: Incident, record: Finding) -> Changes:
    """Put a deleted finding back with its id, position and evidence (undo of a delete)."""
    with incident.write() as conn:
        if _fetch(conn, record.id) is not None:
            raise BadInput(f"Finding {record.id} already exists; it cannot be restored over itself.")
        kept = []
        for link in record.evidence:
            try:
                _check_exists(conn, link)
            except NotFound:
                continue  # evidence removed since: dropped, as a cascade would have done
            kept.append(link)
        conn.exec_driver_sql(
            "INSERT INTO finding (id, position, statement, confidence, note, created_utc, modified_utc) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.position,
                _check_text(record.statement),
                _check_confidence(record.confidence),
                record.note,
                record.created_utc or utc_now(),
                utc_now(),
            ),
        )
        _insert_links(conn, record.id, kept)
        restored = Finding(
            record.id,
            record.position,
            record.statement,
            record.confidence,
            record.note,
            record.created_utc,
            record.modified_utc,
            tuple(kept),
        )
        incident.record(conn, "finding.restore", "finding", record.id, restored.to_json())
    return _changes(record.id)


def reorder_findings(incident: Incident, order: Sequence[int]) -> Changes:
    """Put the findings in this order (every finding's id exactly once)."""
    with incident.write() as conn:
        rows = conn.exec_driver_sql("SELECT id, position FROM finding ORDER BY position, id").all()
        current = [int(r[0]) for r in rows]
        if sorted(current) != sorted(order) or len(set(order)) != len(order):
            raise BadInput(
                f"Give every finding's id exactly once to reorder them (the findings are {current}, got {list(order)})."
            )
        if list(order) == current and [int(r[1]) for r in rows] == list(range(1, len(rows) + 1)):
            return Changes()
        for position, fid in enumerate(order, start=1):
            conn.exec_driver_sql("UPDATE finding SET position = ? WHERE id = ?", (position, fid))
        incident.record(conn, "finding.reorder", "incident", 1, {"before": current, "after": list(order)})
    return Changes.of("findings", *order)


def set_verdict(incident: Incident, verdict: str, rationale: str | None = None) -> Changes:
    """Set the verdict on the claim (one of `VERDICTS`) and, when given, its rationale."""
    verdict = verdict.strip().lower()
    aliases = {"inconclusive": "unverified", "unverified / inconclusive": "unverified"}
    verdict = aliases.get(verdict, verdict)
    if verdict not in VERDICTS:
        raise BadInput(f"The verdict is one of: {', '.join(VERDICTS)} (got {verdict!r}).")
    with incident.write() as conn:
        old_verdict, old_rationale = conn.exec_driver_sql(
            "SELECT verdict, verdict_rationale FROM incident WHERE id = 1"
        ).one()
        new_rationale = old_rationale if rationale is None else rationale.strip()
        if (old_verdict, old_rationale) == (verdict, new_rationale):
            return Changes()
        conn.exec_driver_sql(
            "UPDATE incident SET verdict = ?, verdict_rationale = ? WHERE id = 1", (verdict, new_rationale)
        )
        incident.record(
            conn,
            "incident.verdict",
            "incident",
            1,
            {
                "before": {"verdict": old_verdict, "rationale": old_rationale},
                "after": {"verdict": verdict, "rationale": new_rationale},
            },
        )
    return Changes.of("incident")


def set_checklist_item(incident: Incident, key: str, status: str, note: str | None = None) -> Changes:
    """Record how far one usual step went (`CHECK_STATUSES`), with a note on what was done or why not."""
    if key not in _STEP_KEYS:
        raise BadInput(f"Unknown checklist step {key!r}; the steps are: {', '.join(_STEP_KEYS)}.")
    if status not in CHECK_STATUSES:
        raise BadInput(f"A step's status is one of: {', '.join(CHECK_STATUSES)} (got {status!r}).")
    with incident.write() as conn:
        raw = conn.exec_driver_sql("SELECT checklist_json FROM incident WHERE id = 1").scalar_one()
        data = _checklist_data(raw)
        before = dict(data.get(key, {}))
        after = {"status": status, "note": before.get("note", "") if note is None else note}
        if before == after:
            return Changes()
        data[key] = after
        conn.exec_driver_sql(
            "UPDATE incident SET checklist_json = ? WHERE id = 1", (json.dumps(data, ensure_ascii=False),)
        )
        incident.record(conn, "incident.checklist", "incident", 1, {"step": key, "before": before, "after": after})
    return Changes.of("incident")


# --- undoable commands (same protocol as `workbench.core.undo`: text, do, undo; a QUndoStack can wrap them) ------


@dataclass
class AddFinding:
    """Add a finding; redo puts it back with the same id, so later commands that name it still work."""

    statement: str
    confidence: str = "medium"
    note: str = ""
    evidence: tuple[str, ...] = ()
    finding_id: int | None = None
    _record: Finding | None = None

    @property
    def text(self) -> str:
        return "Add finding"

    def do(self, incident: Incident) -> Changes:
        if self._record is not None:
            return restore_finding(incident, self._record)
        changes = add_finding(
            incident, self.statement, confidence=self.confidence, note=self.note, evidence=self.evidence
        )
        self.finding_id = changes.ids["findings"][0]
        return changes

    def undo(self, incident: Incident) -> Changes:
        if self.finding_id is None:
            raise BadInput("This finding was never added, so there is nothing to undo.")
        self._record = finding(incident, self.finding_id)
        return delete_finding(incident, self.finding_id)


@dataclass
class UpdateFinding:
    """Change a finding; `after` holds the new statement / confidence / note / evidence (refs), `before` the old."""

    finding_id: int
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def from_current(cls, incident: Incident, finding_id: int, **after: Any) -> UpdateFinding:
        current = finding(incident, finding_id)
        values = {
            "statement": current.statement,
            "confidence": current.confidence,
            "note": current.note,
            "evidence": list(current.evidence),
        }
        unknown = set(after) - set(values)
        if unknown:
            raise BadInput(f"Findings have no field(s) {', '.join(sorted(unknown))}.")
        return cls(finding_id, {k: values[k] for k in after}, dict(after))

    @property
    def text(self) -> str:
        return "Edit finding"

    def do(self, incident: Incident) -> Changes:
        return update_finding(incident, self.finding_id, **self.after)

    def undo(self, incident: Incident) -> Changes:
        return update_finding(incident, self.finding_id, **self.before)


@dataclass
class DeleteFinding:
    finding_id: int
    _record: Finding | None = None

    @property
    def text(self) -> str:
        return "Delete finding"

    def do(self, incident: Incident) -> Changes:
        self._record = finding(incident, self.finding_id)
        return delete_finding(incident, self.finding_id)

    def undo(self, incident: Incident) -> Changes:
        if self._record is None:
            raise BadInput("This finding was never deleted, so there is nothing to undo.")
        return restore_finding(incident, self._record)


@dataclass
class ReorderFindings:
    before: tuple[int, ...]
    after: tuple[int, ...]

    @property
    def text(self) -> str:
        return "Reorder findings"

    def do(self, incident: Incident) -> Changes:
        return reorder_findings(incident, self.after)

    def undo(self, incident: Incident) -> Changes:
        return reorder_findings(incident, self.before)


@dataclass
class SetVerdict:
    """Set the verdict and rationale; `from_current` remembers the old ones for undo."""

    before: Verdict
    after: Verdict

    @classmethod
    def from_current(cls, incident: Incident, verdict: str, rationale: str) -> SetVerdict:
        return cls(get_verdict(incident), Verdict(verdict, rationale))

    @property
    def text(self) -> str:
        return "Set verdict"

    def do(self, incident: Incident) -> Changes:
        return set_verdict(incident, self.after.verdict, self.after.rationale)

    def undo(self, incident: Incident) -> Changes:
        return set_verdict(incident, self.before.verdict, self.before.rationale)


@dataclass
class SetChecklistItem:
    before: ChecklistItem
    after: ChecklistItem

    @classmethod
    def from_current(cls, incident: Incident, key: str, status: str, note: str) -> SetChecklistItem:
        current = {c.key: c for c in checklist(incident)}
        if key not in current:
            raise BadInput(f"Unknown checklist step {key!r}; the steps are: {', '.join(_STEP_KEYS)}.")
        old = current[key]
        return cls(old, ChecklistItem(key, old.title, old.question, status, note))

    @property
    def text(self) -> str:
        return f"Checklist: {self.after.title}"

    def do(self, incident: Incident) -> Changes:
        return set_checklist_item(incident, self.after.key, self.after.status, self.after.note)

    def undo(self, incident: Incident) -> Changes:
        return set_checklist_item(incident, self.before.key, self.before.status, self.before.note)
