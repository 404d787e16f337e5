"""The content digest: one SHA-256 that names exactly what an incident holds, reproducible from the file alone.

The incident file's bytes change whenever anything is written (SQLite pages, free space, the page holding the
modification time), so a hash of the file says nothing useful. The content digest is instead the SHA-256 of this
UTF-8 text, one line each, ending with a newline:

    workbench-content-digest-v1
    <media id> <SHA-256 of its bytes>        (every media item, by id; post exports are media items too)
    audit <audit entry count> <audit head hash>

The media lines commit to every stored file; the audit head commits, through the hash chain, to every change
ever made (findings, annotations, verdict, imports). The same text is made by the `sqlite3` tool:

    ( echo workbench-content-digest-v1
      sqlite3 case.incident "SELECT id || ' ' || sha256 FROM media_item ORDER BY id"
      sqlite3 case.incident "SELECT 'audit ' || audit_count || ' ' || audit_head FROM incident" ) | sha256sum

It proves the file content only together with `workbench verify` (the stored bytes match their SHA-256 and the
chain is intact). Keep the audit head somewhere outside the file: a history rewritten from the first entry
with a fresh chain can only be caught against a head noted elsewhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from workbench.core.incident import Incident

DIGEST_VERSION = "workbench-content-digest-v1"

DEFINITION = (
    "SHA-256 of the UTF-8 text: the line “workbench-content-digest-v1”, then one line “<id> <sha256>” per "
    "media item in id order, then “audit <entry count> <audit head>”, each line ending with a newline. The media "
    "hashes commit to every stored file; the audit head commits, through its hash chain, to every recorded change."
)

SHELL_RECIPE = (
    "( echo workbench-content-digest-v1; "
    "sqlite3 FILE \"SELECT id || ' ' || sha256 FROM media_item ORDER BY id\"; "
    "sqlite3 FILE \"SELECT 'audit ' || audit_count || ' ' || audit_head FROM incident\" ) | sha256sum"
)


@dataclass(frozen=True)
class ContentDigest:
    sha256: str
    media_count: int
    audit_count: int
    audit_head: str
    version: str = DIGEST_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "version": self.version,
            "media_count": self.media_count,
            "audit_count": self.audit_count,
            "audit_head": self.audit_head,
            "definition": DEFINITION,
        }


def digest_text(media: list[tuple[int, str]], audit_count: int, audit_head: str) -> str:
    lines = [DIGEST_VERSION, *(f"{mid} {sha}" for mid, sha in media), f"audit {audit_count} {audit_head}"]
    return "\n".join(lines) + "\n"


def content_digest(incident: Incident) -> ContentDigest:
    """The digest as of now, read in one transaction (so media and audit head belong together)."""
    with incident.read() as conn:
        media = [(int(i), str(s)) for i, s in conn.exec_driver_sql("SELECT id, sha256 FROM media_item ORDER BY id")]
        head, count = conn.exec_driver_sql("SELECT audit_head, audit_count FROM incident WHERE id = 1").one()
    text = digest_text(media, int(count), str(head))
    return ContentDigest(hashlib.sha256(text.encode("utf-8")).hexdigest(), len(media), int(count), str(head))
