"""A streaming WARC reader (WARC/1.0 and 1.1, plain or as gzip members), written for evidence: it never holds a
whole record in memory unless asked for a bounded prefix, never follows anything a record points to, and stops
with a clear message at the first damaged record header.

`iter_records(stream)` yields `WarcRecord`s in file order; each record's block is read through `record.block`
(a bounded reader) before the next record is produced. `offset` is where the record starts in the file (for
gzip, the start of its member), so a record can be found again in the stored file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from workbench.core.errors import BadInput

MAX_HEADER_BYTES = 64 * 1024
_IN_CHUNK = 256 * 1024
_OUT_LIMIT = 4 * 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Decompressed:
    """The file's bytes as one stream, gzip members decompressed one after another, noting where each member
    starts in the compressed file (an output position -> input offset map, pruned as reading goes on)."""

    def __init__(self, raw: Readable) -> None:
        self._raw = raw
        self._buf = bytearray()
        self._buf_pos = 0  # stream position of _buf[0]
        self._raw_read = 0
        self._eof = False
        self._gzip: bool | None = None
        self._d: zlib._Decompress | None = None
        self._pending_in = b""
        self.members: list[tuple[int, int]] = []  # (stream position, file offset) of member starts
        self._out_total = 0

    def _more(self) -> bool:
        """Append more decompressed bytes to the buffer; False at the end of the file."""
        if self._eof:
            return False
        if self._gzip is None:
            head = self._raw.read(_IN_CHUNK)
            self._raw_read += len(head)
            self._gzip = head[:2] == b"\x1f\x8b"
            self._pending_in = head
        while True:
            if not self._pending_in:
                self._pending_in = self._raw.read(_IN_CHUNK)
                self._raw_read += len(self._pending_in)
                if not self._pending_in:
                    self._eof = True
                    if self._d is not None:
                        raise BadInput("The archive ends in the middle of a compressed record (truncated file).")
                    return False
            if not self._gzip:
                self._buf += self._pending_in
                self._out_total += len(self._pending_in)
                self._pending_in = b""
                return True
            if self._d is None:
                if not self._pending_in.strip(b"\x00"):
                    self._pending_in = b""  # zero padding between or after members
                    continue
                if self._pending_in[:1] != b"\x1f" and len(self._pending_in) >= 1:
                    raise BadInput("The archive has bytes after a compressed record that are not another record.")
                self.members.append((self._out_total, self._raw_read - len(self._pending_in)))
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out = self._d.decompress(self._pending_in, _OUT_LIMIT)
            except zlib.error as exc:
                raise BadInput(f"The archive's compressed data is damaged ({exc}).") from exc
            if self._d.eof:
                self._pending_in = self._d.unused_data
                self._d = None
            else:
                self._pending_in = self._d.unconsumed_tail
            if out:
                self._buf += out
                self._out_total += len(out)
                return True

    def position(self) -> int:
        return self._buf_pos

    def file_offset(self, position: int) -> int:
        if not self._gzip:
            return position
        best = 0
        for pos, off in self.members:
            if pos <= position:
                best = off
            else:
                break
        # keep only what later positions may still need
        while len(self.members) > 1 and self.members[1][0] <= position:
            self.members.pop(0)
        return best

    def readline(self, limit: int) -> bytes:
        while True:
            idx = self._buf.find(b"\n", 0, limit)
            if idx >= 0:
                return self._take(idx + 1)
            if len(self._buf) >= limit:
                return self._take(limit)
            if not self._more():
                return self._take(len(self._buf))

    def read(self, n: int) -> bytes:
        while len(self._buf) < n:
            if not self._more():
                break
        return self._take(min(n, len(self._buf)))

    def _take(self, n: int) -> bytes:
        out = bytes(self._buf[:n])
        del self._buf[:n]
        self._buf_pos += n
        return out

    def skip_blank(self) -> bool:
        """Consume line breaks between records; False at the end of the stream."""
        while True:
            if not self._buf and not self._more():
                return False
            i = 0
            while i < len(self._buf) and self._buf[i] in (10, 13):
                i += 1
            if i:
                self._take(i)
            if self._buf:
                return True

    def at_end(self) -> bool:
        while not self._buf:
            if not self._more():
                return True
        return False


class BlockReader:
    """Reads exactly one record's block, never past it."""

    def __init__(self, stream: _Decompressed, length: int) -> None:
        self._stream = stream
        self.remaining = length
        self.length = length

    def read(self, size: int = -1, /) -> bytes:
        n = self.remaining if size < 0 else min(size, self.remaining)
        if n <= 0:
            return b""
        data = self._stream.read(n)
        if len(data) < n and not data:
            raise BadInput("The archive ends in the middle of a record (truncated file).")
        self.remaining -= len(data)
        return data

    def drain(self) -> None:
        while self.remaining > 0:
            if not self.read(1 << 20):
                raise BadInput("The archive ends in the middle of a record (truncated file).")


@dataclass
class WarcRecord:
    offset: int
    version: str
    headers: dict[str, str]
    block: BlockReader
    header_order: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "").lower()

    @property
    def target_uri(self) -> str | None:
        uri = self.headers.get("warc-target-uri")
        return uri.strip().strip("<>") if uri else None

    @property
    def date(self) -> str | None:
        return self.headers.get("warc-date")

    @property
    def record_id(self) -> str | None:
        return self.headers.get("warc-record-id")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def _parse_headers(stream: _Decompressed) -> tuple[str, dict[str, str], list[str]] | None:
    # skip blank lines between records (some writers add extra CRLFs)
    while True:
        if stream.at_end():
            return None
        line = stream.readline(MAX_HEADER_BYTES)
        if line.strip():
            break
    version = line.strip().decode("ascii", "replace")
    if not version.startswith("WARC/"):
        raise BadInput(
            f"This is not a WARC file, or it is damaged: a record should start with 'WARC/1.x', found {version[:40]!r}."
        )
    headers: dict[str, str] = {}
    order: list[str] = []
    size = len(line)
    last: str | None = None
    while True:
        line = stream.readline(MAX_HEADER_BYTES)
        size += len(line)
        if size > MAX_HEADER_BYTES:
            raise BadInput("A WARC record header is larger than 64 KB: the file is damaged or not a WARC file.")
        if not line:
            raise BadInput("The archive ends inside a record header (truncated file).")
        if line in (b"\r\n", b"\n"):
            break
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text[:1] in (" ", "\t") and last is not None:  # folded continuation line
            headers[last] += " " + text.strip()
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise BadInput(f"A WARC header line is malformed: {text[:80]!r}.")
        key = name.strip().lower()
        headers[key] = value.strip()
        order.append(key)
        last = key
    return version, headers, order


def iter_records(raw: Readable | BinaryIO) -> Iterator[WarcRecord]:
    stream = _Decompressed(raw)
    while True:
        if not stream.skip_blank():
            return
        position = stream.position()
        parsed = _parse_headers(stream)
        if parsed is None:
            return
        version, headers, order = parsed
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            raise BadInput("A WARC record has no valid Content-Length: the file is damaged.") from None
        if length < 0:
            raise BadInput("A WARC record has a negative Content-Length: the file is damaged.")
        record = WarcRecord(stream.file_offset(position), version, headers, BlockReader(stream, length), order)
        yield record
        record.block.drain()  # the CRLF CRLF after the block is skipped before the next record


# --- the HTTP message inside a response record ---------------------------------------------------------------
@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def read_http_head(block: BlockReader) -> tuple[HttpResponse, bytes]:
    """The status and headers of an HTTP response block, and the bytes read past them (start of the body)."""
    buf = b""
    while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
        more = block.read(8192)
        if not more:
            break
        buf += more
        if len(buf) > MAX_HEADER_BYTES:
            raise BadInput("An archived HTTP response has a header larger than 64 KB; the record is damaged.")
    sep = b"\r\n\r\n" if b"\r\n\r\n" in buf else b"\n\n"
    head, _, rest = buf.partition(sep)
    lines = head.decode("iso-8859-1").splitlines()
    status = 0
    if lines and lines[0].startswith("HTTP/"):
        parts = lines[0].split()
        if len(parts) > 1 and parts[1].isdigit():
            status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep2, value = line.partition(":")
        if sep2:
            headers[name.strip().lower()] = value.strip()
    return HttpResponse(status, headers), rest


def dechunk(data: bytes) -> bytes:
    """Undo HTTP chunked transfer-coding; a damaged chunk stream is returned as far as it could be read."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        size_text = data[pos:end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out) if out else data
        if size == 0:
            break
        out += data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


def decode_content(data: bytes, encoding: str, limit: int) -> tuple[bytes, str | None]:
    """Undo gzip/deflate content-coding, at most `limit` bytes out (a compression bomb stops there).
    Returns (bytes, problem)."""
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return data, None
    if enc in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if enc != "deflate" else zlib.MAX_WBITS
        try:
            d = zlib.decompressobj(wbits)
            out = d.decompress(data, limit)
        except zlib.error:
            try:
                d = zlib.decompressobj(-zlib.MAX_WBITS)
                out = d.decompress(data, limit)
            except zlib.error as exc:
                return b"", f"content-encoding {enc} could not be undone ({exc})"
        if d.unconsumed_tail:
            return out, f"the page expands beyond {limit // (1024 * 1024)} MB; text read from the first part only"
        return out, None
    return b"", f"content-encoding {enc!r} is not supported; no text extracted"
