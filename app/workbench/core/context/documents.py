"""Context documents: pages from web archives (WARC, WACZ) and captures the analyst brings (PDF, HTML, screenshot).

Each document has its URL, capture time, the SHA-256 of its payload, a title and its visible text, and is
searchable. The archive file itself is evidence: it is kept as a media item first, then read back from the
incident's own copy (for WARC) so that what was parsed is exactly what was hashed. Nothing in an archive is run or
fetched: text is extracted with the standard library's HTML tokenizer, scripts dropped and counted.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection

from workbench.core.context._common import (
    finish_import,
    keep_source,
    new_import,
    parse_iso_utc,
    require_utc,
    table_exists,
)
from workbench.core.context.html_text import PageText, extract, looks_like_html
from workbench.core.context.warc import (
    WarcRecord,
    dechunk,
    decode_content,
    iter_records,
    read_http_head,
)
from workbench.core.errors import BadInput, EvidenceChanged, NotFound
from workbench.core.incident import Incident
from workbench.core.store import blobs
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress

DocumentKind = Literal["web-page", "pdf", "html", "screenshot", "text"]
MAX_PAGE_BYTES = 20 * 1024 * 1024  # text is extracted from at most this much of one page
MAX_WACZ_MEMBER_RATIO = 200  # a member expanding more than this (and beyond 64 MB) is treated as a bomb
MAX_WACZ_TOTAL = 64 * 1024**3
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_INSERT_DOC = (
    "INSERT OR IGNORE INTO context_document (kind, import_id, source_media_id, archive_member, record_offset, "
    "record_id, url, capture_utc, capture_source, mime, payload_sha256, payload_size, title, text, links_json, "
    "flags_json, note, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


@dataclass(frozen=True)
class ContextDocument:
    id: int
    kind: str
    url: str | None
    capture_utc: str | None
    capture_source: str
    mime: str
    payload_sha256: str | None
    payload_size: int | None
    title: str
    source_media_id: int | None
    archive_member: str
    record_offset: int | None
    record_id: str | None
    flags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    note: str = ""
    text: str = ""

    def to_json(self, *, with_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "url": self.url,
            "capture_utc": self.capture_utc,
            "capture_source": self.capture_source,
            "mime": self.mime,
            "payload_sha256": self.payload_sha256,
            "payload_size": self.payload_size,
            "title": self.title,
            "source_media_id": self.source_media_id,
            "archive_member": self.archive_member,
            "record_offset": self.record_offset,
            "record_id": self.record_id,
            "flags": list(self.flags),
            "links": len(self.links),
            "note": self.note,
        }
        if with_text:
            out["text"] = self.text
            out["links"] = list(self.links)
        return out


@dataclass(frozen=True)
class ArchiveReport:
    source: str
    source_media_id: int
    source_sha256: str
    import_id: int | None
    pages: int
    duplicates: int
    records: int
    skipped: dict[str, int]
    problems: tuple[str, ...]
    changes: Changes = field(default_factory=Changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_media_id": self.source_media_id,
            "source_sha256": self.source_sha256,
            "import_id": self.import_id,
            "pages": self.pages,
            "duplicates": self.duplicates,
            "records": self.records,
            "skipped": self.skipped,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    title: str
    url: str | None
    capture_utc: str | None
    snippet: str  # plain text; the matched words between « and »

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "url": self.url,
            "capture_utc": self.capture_utc,
            "snippet": self.snippet,
        }


# --- reading pages out of a WARC ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchivedPage:
    offset: int
    record_id: str | None
    url: str | None
    capture_utc: str | None
    mime: str
    payload_sha256: str
    payload_size: int
    page: PageText
    flags: tuple[str, ...]


def _hash_rest(block: Any, digest: Any, kept: bytearray, limit: int) -> int:
    size = 0
    while True:
        data = block.read(1 << 20)
        if not data:
            return size
        digest.update(data)
        size += len(data)
        room = limit - len(kept)
        if room > 0:
            kept += data[:room]


def _warc_date(record: WarcRecord) -> str | None:
    dt = parse_iso_utc(record.date)
    return None if dt is None else dt.isoformat()


def pages_in(
    stream: Any, *, progress: Progress | None = None, skipped: dict[str, int] | None = None
) -> Iterator[ArchivedPage]:
    """HTML pages in a WARC stream (response and resource records), in file order; other records are counted in
    `skipped` by reason."""
    skipped = skipped if skipped is not None else {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    for n, record in enumerate(iter_records(stream)):
        if progress is not None and n % 50 == 0:
            progress.check()
        rtype = record.type
        if rtype not in ("response", "resource"):
            skip(rtype or "untyped")
            continue
        flags: list[str] = []
        if rtype == "response" and "application/http" in record.content_type.lower():
            http, start = read_http_head(record.block)
            mime = http.content_type
            if http.status and not 200 <= http.status < 300:
                skip(f"http {http.status // 100}xx")
                continue
            chunked = "chunked" in http.headers.get("transfer-encoding", "").lower()
            encoding = http.headers.get("content-encoding", "")
        else:
            start = b""
            mime = record.content_type
            chunked = False
            encoding = ""
        is_html_type = any(t in mime.lower() for t in _HTML_TYPES)
        if not is_html_type and mime and not mime.lower().startswith(("text/plain", "application/octet-stream")):
            skip("not html")
            continue
        raw = bytearray(start)
        full = hashlib.sha256(start)
        size = len(start) + _hash_rest(record.block, full, raw, MAX_PAGE_BYTES + 1)
        truncated = len(raw) > MAX_PAGE_BYTES
        if truncated:
            flags.append("page larger than 20 MB: text read from its first 20 MB")
            del raw[MAX_PAGE_BYTES:]
        if chunked and not truncated:
            body = dechunk(bytes(raw))
            sha, size = hashlib.sha256(body).hexdigest(), len(body)
        else:
            body = dechunk(bytes(raw)) if chunked else bytes(raw)
            sha = full.hexdigest()
            if chunked:
                flags.append("payload hash taken over the chunked transfer bytes (page too large to dechunk)")
        decoded, problem = decode_content(body, encoding, MAX_PAGE_BYTES)
        if problem:
            flags.append(problem)
        if not is_html_type and not looks_like_html(decoded):
            skip("not html")
            continue
        url = record.target_uri
        page = extract(decoded, base_url=url, content_type=mime)
        if page.scripts:
            flags.append(f"the page had {page.scripts} script(s); none were run")
        if page.event_handlers:
            flags.append(f"the page had {page.event_handlers} event handler attribute(s); none were run")
        if page.iframes:
            flags.append(f"the page embedded {page.iframes} frame(s); none were loaded")
        if page.truncated:
            flags.append("text longer than 2 million characters: the rest was not indexed")
        yield ArchivedPage(
            offset=record.offset,
            record_id=record.record_id,
            url=url,
            capture_utc=_warc_date(record),
            mime=mime.split(";")[0].strip() or "text/html",
            payload_sha256=sha,
            payload_size=size,
            page=page,
            flags=tuple(flags),
        )


class _BlobStream(io.RawIOBase):
    """The stored bytes of a blob as a read-only stream, one chunk in memory at a time; hashes as it goes."""

    def __init__(self, conn: Connection, blob_id: int) -> None:
        self._chunks = blobs.iter_chunks(conn, blob_id)
        self._buf = b""
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        while not self._buf:
            nxt = next(self._chunks, None)
            if nxt is None:
                return b""
            self.digest.update(nxt)
            self._buf = nxt
        n = len(self._buf) if size < 0 else size
        out, self._buf = self._buf[:n], self._buf[n:]
        return out


# --- importing -----------------------------------------------------------------------------------------------
def _insert_page(
    conn: Connection, page: ArchivedPage, *, import_id: int, media_id: int, member: str, fts: bool
) -> int | None:
    row = conn.exec_driver_sql(
        _INSERT_DOC,
        (
            "web-page",
            import_id,
            media_id,
            member,
            page.offset,
            page.record_id,
            page.url,
            page.capture_utc,
            "warc-date",
            page.mime,
            page.payload_sha256,
            page.payload_size,
            page.page.title,
            page.page.text,
            json.dumps(list(page.page.links), ensure_ascii=False),
            json.dumps(list(page.flags), ensure_ascii=False),
            "",
            utc_now(),
        ),
    ).first()
    if row is None:
        return None
    doc_id = int(row[0])
    if fts:
        _index(conn, doc_id, page.page.title, page.page.text, page.url)
    return doc_id


def _index(conn: Connection, doc_id: int, title: str, text: str, url: str | None) -> None:
    conn.exec_driver_sql(
        "INSERT INTO context_document_fts (rowid, title, text, url) VALUES (?, ?, ?, ?)", (doc_id, title, text, url)
    )


def sniff_archive(path: Path) -> Literal["warc", "wacz"] | None:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head[:2] == b"PK":
        if path.suffix.lower() == ".wacz":
            return "wacz"
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return None
        return "wacz" if "datapackage.json" in names or any(n.startswith("archive/") for n in names) else None
    if head[:2] == b"\x1f\x8b":
        return "warc" if ".warc" in path.name.lower() or _gz_starts_with_warc(path) else None
    return "warc" if head == b"WARC" else None


def _gz_starts_with_warc(path: Path) -> bool:
    import zlib

    with path.open("rb") as fh:
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 16).startswith(b"WARC/")
        except zlib.error:
            return False


def safe_member_name(name: str) -> bool:
    """A zip member name that stays inside the archive (no absolute path, drive, backslash or `..`)."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name or (len(name) > 1 and name[1] == ":"):
        return False
    norm = posixpath.normpath(name)
    return not (norm == ".." or norm.startswith("../") or "/../" in f"/{name}/")


def wacz_members(zf: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """The WARC members of a WACZ and the problems found (unsafe names, bombs), without extracting anything."""
    problems: list[str] = []
    wanted: list[zipfile.ZipInfo] = []
    total = 0
    for info in zf.infolist():
        if not safe_member_name(info.filename):
            problems.append(f"refused member {info.filename!r}: its path climbs out of the archive")
            continue
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 64 * 1024**2 and ratio > MAX_WACZ_MEMBER_RATIO:
            problems.append(f"refused member {info.filename!r}: it expands {ratio:.0f}× (a compression bomb?)")
            continue
        if info.flag_bits & 0x1:
            problems.append(f"refused member {info.filename!r}: it is encrypted")
            continue
        lower = info.filename.lower()
        if lower.endswith((".warc", ".warc.gz")):
            wanted.append(info)
    if total > MAX_WACZ_TOTAL:
        raise BadInput("This WACZ claims to expand to more than 64 GB; it is refused as a likely compression bomb.")
    return sorted(wanted, key=lambda i: i.filename), problems


def import_archive(incident: Incident, path: Path, *, progress: Progress | None = None) -> ArchiveReport:
    """Import a WARC (plain or gzip) or WACZ file: the file is kept as evidence, each HTML page becomes a document.

    Importing the same file again adds nothing (pages are unique by archive, member and record offset)."""
    progress = progress or Progress()
    kind = sniff_archive(path)
    if kind is None:
        raise BadInput(f"{path.name} is neither a WARC file (WARC/1.0, 1.1, optionally gzip) nor a WACZ archive.")
    if kind == "wacz":
        try:
            with zipfile.ZipFile(path) as zf:
                wacz_members(zf)  # refuse a bomb before keeping anything
        except zipfile.BadZipFile as exc:
            raise BadInput(f"{path.name} is not a readable WACZ (zip) archive: {exc}") from exc
    progress(0, 0, f"keeping {path.name} as evidence")
    media_id, sha = keep_source(incident, path, note=f"{kind.upper()} web archive")
    with incident.read() as conn:
        prior = conn.exec_driver_sql(
            "SELECT i.id, (SELECT count(*) FROM context_document WHERE source_media_id = ?) FROM context_import i "
            "WHERE i.source_media_id = ? AND i.kind IN ('warc', 'wacz') ORDER BY i.id LIMIT 1",
            (media_id, media_id),
        ).first()
    if prior is not None:  # the same bytes were imported before: nothing to add, nothing written
        return ArchiveReport(path.name, media_id, sha, int(prior[0]), 0, int(prior[1]), 0, {}, (), Changes())
    stat_before = path.stat()
    skipped: dict[str, int] = {}
    problems: list[str] = []
    pages = duplicates = records = 0
    with incident.write() as conn:
        fts = table_exists(conn, "context_document_fts")
        import_id = new_import(conn, incident, kind=kind, source_name=path.name, source_media_id=media_id)
        doc_ids: list[int] = []

        def take(stream: Any, member: str) -> None:
            nonlocal pages, duplicates, records
            for page in pages_in(stream, progress=progress, skipped=skipped):
                records += 1
                doc_id = _insert_page(conn, page, import_id=import_id, media_id=media_id, member=member, fts=fts)
                if doc_id is None:
                    duplicates += 1
                else:
                    pages += 1
                    doc_ids.append(doc_id)
                if records % 100 == 0:
                    progress(records, 0, f"{pages} pages read from {path.name}")

        if kind == "warc":
            blob_id = int(conn.exec_driver_sql("SELECT blob_id FROM media_item WHERE id = ?", (media_id,)).scalar_one())
            stream = _BlobStream(conn, blob_id)
            take(stream, "")
            while stream.read(1 << 20):  # hash what follows the last record, to compare
                pass
            if stream.digest.hexdigest() != sha:
                raise EvidenceChanged("The stored archive does not hash to its recorded SHA-256; run workbench verify.")
        else:
            if blobs.hash_file(path, progress)[0] != sha:
                raise EvidenceChanged(f"{path.name} changed after it was kept; nothing was imported from it.")
            with zipfile.ZipFile(path) as zf:
                members, member_problems = wacz_members(zf)
                problems.extend(member_problems)
                if not members:
                    problems.append("the WACZ holds no WARC file under archive/")
                for info in members:
                    try:
                        with zf.open(info) as fh:
                            take(fh, info.filename)
                    except (zipfile.BadZipFile, OSError, EOFError) as exc:
                        problems.append(f"{info.filename}: {exc}")
                    except BadInput as exc:
                        problems.append(f"{info.filename}: {exc}")
            after = path.stat()
            if (after.st_size, after.st_mtime_ns) != (stat_before.st_size, stat_before.st_mtime_ns):
                raise EvidenceChanged(f"{path.name} changed while it was read; nothing was imported from it.")
        counts = {"pages": pages, "duplicates": duplicates, **{f"skipped {k}": v for k, v in skipped.items()}}
        finish_import(conn, import_id, counts, [{"problem": p} for p in problems])
        incident.record(
            conn,
            "context.archive_import",
            "context_import",
            import_id,
            {"source_media_id": media_id, "sha256": sha, "format": kind, "pages": pages, "duplicates": duplicates},
        )
    progress(records, records, f"{pages} pages imported from {path.name}")
    changes = Changes.of("media", media_id) | Changes.of("context", *doc_ids)
    return ArchiveReport(
        path.name, media_id, sha, import_id, pages, duplicates, records, skipped, tuple(problems), changes
    )


_CAPTURE_KINDS: dict[str, DocumentKind] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".png": "screenshot",
    ".jpg": "screenshot",
    ".jpeg": "screenshot",
    ".webp": "screenshot",
    ".gif": "screenshot",
    ".txt": "text",
}


def _pdf_text(data: bytes) -> tuple[str, str, list[str]]:
    try:
        from pypdf import PdfReader  # optional: without it a PDF is kept with no text
    except ImportError:
        return "", "", ["no text extracted: the PDF reader (pypdf) is not installed"]
    try:
        import logging

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(data))
        texts = []
        for page in reader.pages[:2000]:
            texts.append(page.extract_text() or "")
        meta = reader.metadata
        title = str(meta.get("/Title") or "") if meta is not None else ""
        return title, "\n\n".join(texts).strip(), []
    except Exception as exc:  # a malformed PDF is still kept; only the text is missing
        return "", "", [f"no text extracted from the PDF: {type(exc).__name__}: {exc}"]


def add_capture(
    incident: Incident,
    path: Path,
    *,
    url: str | None,
    captured_at: str | None,
    kind: DocumentKind | None = None,
    title: str = "",
    text: str = "",
    note: str = "",
) -> Changes:
    """A page captured by hand (PDF, saved HTML, screenshot): kept as evidence and made a document.

    `captured_at` must carry its zone (Z or an offset); `text` is the analyst's transcription (for a screenshot).
    The new document's id is `changes.ids["context"][0]`."""
    k = kind or _CAPTURE_KINDS.get(path.suffix.lower())
    if k is None:
        raise BadInput(f"{path.name}: give the kind of capture (pdf, html, screenshot or text).")
    capture = require_utc(captured_at, "The capture time") if captured_at else None
    norm_url = None
    if url:
        from workbench.core.context.links import normalise_url

        norm_url = normalise_url(url)
    media_id, sha = keep_source(incident, path, note=f"captured page ({k})")
    with incident.read() as conn:
        blob_id = int(conn.exec_driver_sql("SELECT blob_id FROM media_item WHERE id = ?", (media_id,)).scalar_one())
        data = blobs.read_all(conn, blob_id) if path.stat().st_size <= 200 * 1024**2 else b""
    flags: list[str] = []
    extracted_title, extracted_text = "", ""
    links: tuple[str, ...] = ()
    mime = {"pdf": "application/pdf", "html": "text/html", "text": "text/plain"}.get(k, "image")
    if k == "html":
        page = extract(data, base_url=norm_url)
        extracted_title, extracted_text, links = page.title, page.text, page.links
        if page.scripts:
            flags.append(f"the page had {page.scripts} script(s); none were run")
    elif k == "pdf":
        extracted_title, extracted_text, problems = _pdf_text(data)
        flags.extend(problems)
    elif k == "text":
        extracted_text = data.decode("utf-8", "replace")
    if k == "screenshot":
        with incident.read() as conn:
            mime = str(conn.exec_driver_sql("SELECT mime FROM media_item WHERE id = ?", (media_id,)).scalar_one())
    final_title = title or extracted_title
    final_text = "\n\n".join(t for t in (text, extracted_text) if t)
    with incident.write() as conn:
        existing = conn.exec_driver_sql(
            "SELECT id FROM context_document WHERE source_media_id = ? AND record_offset IS NULL", (media_id,)
        ).first()
        if existing is not None:
            return Changes.of("context", int(existing[0]))
        row = conn.exec_driver_sql(
            _INSERT_DOC,
            (
                k,
                None,
                media_id,
                "",
                None,
                None,
                norm_url,
                capture,
                "analyst" if capture else "unknown",
                mime,
                sha,
                len(data) or path.stat().st_size,
                final_title,
                final_text,
                json.dumps(list(links), ensure_ascii=False),
                json.dumps(flags, ensure_ascii=False),
                note,
                utc_now(),
            ),
        ).first()
        assert row is not None
        doc_id = int(row[0])
        if table_exists(conn, "context_document_fts"):
            _index(conn, doc_id, final_title, final_text, norm_url)
        incident.record(
            conn,
            "context.capture_add",
            "context_document",
            doc_id,
            {"kind": k, "media_id": media_id, "sha256": sha, "url": norm_url, "captured_at": capture},
        )
    return Changes.of("media", media_id) | Changes.of("context", doc_id)


# --- reading -------------------------------------------------------------------------------------------------
_DOC_COLUMNS = (
    "id, kind, url, capture_utc, capture_source, mime, payload_sha256, payload_size, title, source_media_id, "
    "archive_member, record_offset, record_id, flags_json, links_json, note"
)


def _doc(row: Any, text: str = "") -> ContextDocument:
    return ContextDocument(
        id=int(row[0]),
        kind=row[1],
        url=row[2],
        capture_utc=row[3],
        capture_source=row[4],
        mime=row[5],
        payload_sha256=row[6],
        payload_size=row[7],
        title=row[8],
        source_media_id=row[9],
        archive_member=row[10],
        record_offset=row[11],
        record_id=row[12],
        flags=tuple(json.loads(row[13])),
        links=tuple(json.loads(row[14])),
        note=row[15],
        text=text,
    )


def documents(incident: Incident, *, kind: str | None = None) -> list[ContextDocument]:
    """Every document (without its text), by capture time."""
    sql = f"SELECT {_DOC_COLUMNS} FROM context_document"
    params: tuple[Any, ...] = ()
    if kind:
        sql += " WHERE kind = ?"
        params = (kind,)
    sql += " ORDER BY capture_utc IS NULL, capture_utc, id"
    with incident.read() as conn:
        return [_doc(r) for r in conn.exec_driver_sql(sql, params)]


def document(incident: Incident, document_id: int) -> ContextDocument:
    """One document with its text (plain text: safe to show as text, never as HTML)."""
    with incident.read() as conn:
        row = conn.exec_driver_sql(
            f"SELECT {_DOC_COLUMNS}, text FROM context_document WHERE id = ?", (document_id,)
        ).first()
    if row is None:
        raise NotFound(f"There is no context document {document_id} in {incident.path.name}.")
    return _doc(row, row[16])


def _fts_query(query: str) -> str:
    terms = [t for t in query.split() if t.strip('"')]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def search(incident: Incident, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Documents whose title, text or URL hold every word of `query` (full-text when SQLite has FTS5, else LIKE).

    Words are matched as words, not as a query language: quotes and operators in `query` are plain text."""
    if not _fts_query(query):
        return []
    with incident.read() as conn:
        if table_exists(conn, "context_document_fts"):
            rows = conn.exec_driver_sql(
                "SELECT d.id, d.title, d.url, d.capture_utc, "
                "snippet(context_document_fts, 1, '«', '»', ' … ', 16) FROM context_document_fts "
                "JOIN context_document d ON d.id = context_document_fts.rowid "
                "WHERE context_document_fts MATCH ? ORDER BY rank LIMIT ?",
                (_fts_query(query), limit),
            ).all()
            return [SearchHit(int(r[0]), r[1], r[2], r[3], r[4] or "") for r in rows]
        terms = query.split()
        where = " AND ".join("(title || ' ' || text || ' ' || coalesce(url, '')) LIKE ? ESCAPE '\\'" for _ in terms)
        params = [
            f"%{t.replace(chr(92), chr(92) * 2).replace('%', chr(92) + '%').replace('_', chr(92) + '_')}%"
            for t in terms
        ]
        rows = conn.exec_driver_sql(
            f"SELECT id, title, url, capture_utc, text FROM context_document WHERE {where} "
            "ORDER BY capture_utc LIMIT ?",
            (*params, limit),
        ).all()
    hits = []
    for r in rows:
        text: str = r[4]
        pos = text.lower().find(terms[0].lower())
        snippet = text[max(0, pos - 60) : pos + 60] if pos >= 0 else text[:120]
        hits.append(SearchHit(int(r[0]), r[1], r[2], r[3], snippet))
    return hits
