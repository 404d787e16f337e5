"""Recorded HTTP exchanges (betamax JSON and VCR YAML cassettes): each JSON response body is read as the API it
came from (Reddit, Mastodon).

API clients' test suites and some archiving tools keep responses this way. YAML cassettes are read without a YAML
library: only their `body: string:` scalars (plain, single- or double-quoted, with YAML's escapes and line folding)
are taken, which is all a cassette's posts need.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.posts.importers import mastodon, reddit
from workbench.core.posts.importers._common import load_json_file, read_head
from workbench.core.posts.model import ParsedRecord, RecordError

NAME = "cassette"
HAS_LOCAL_MEDIA = False


def sniff(path: Path, head: bytes) -> float:
    if head.lstrip(b"-\n\r ").startswith(b"http_interactions:"):
        return 0.9
    if head.lstrip().startswith(b"{") and b'"interactions"' in head and b'"recorded_at"' in head:
        return 0.9
    if head.lstrip().startswith(b"{") and b'"http_interactions"' in head:
        return 0.9
    return 0.0


def parse(path: Path) -> Iterator[ParsedRecord]:
    head = read_head(path, 64)
    if head.lstrip(b"-\n\r ").startswith(b"http_interactions:"):
        try:
            bodies: list[str | None] = list(vcr_yaml_bodies(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, IndexError, UnicodeDecodeError) as exc:
            yield RecordError(path.name, f"the YAML cassette could not be read: {exc}")
            return
    else:
        try:
            doc = load_json_file(path)
        except (ValueError, UnicodeDecodeError) as exc:
            yield RecordError(path.name, f"not valid JSON: {exc}")
            return
        interactions = doc.get("interactions") or doc.get("http_interactions") or [] if isinstance(doc, dict) else []
        bodies = [_body(inter) for inter in interactions]
    for i, body in enumerate(bodies):
        where = f"interactions[{i}]"
        if body is None:
            continue
        try:
            data = json.loads(body)
        except ValueError:
            continue  # HTML or empty bodies are not posts
        head = body[:65536].encode("utf-8", "replace")
        scores = {m: m.sniff(path, head) for m in (reddit, mastodon)}
        best = max(scores, key=lambda m: scores[m])
        if scores[best] < 0.5:
            continue  # an auth token or another non-post response
        yield from best.parse_document(data, f"{where}.response")


def _body(inter: Any) -> str | None:
    if not isinstance(inter, dict):
        return None
    response = inter.get("response") or {}
    body = response.get("body") if isinstance(response, dict) else None
    if isinstance(body, dict):
        value = body.get("string")
        return value if isinstance(value, str) else None
    return body if isinstance(body, str) else None


# --- VCR cassettes in YAML: only the response bodies are read (no YAML library needed) ------------------------

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX = {"x": 2, "u": 4, "U": 8}
_BODY = re.compile(r"^(?P<indent>[ \t]*)string: (?P<rest>.*)$", re.MULTILINE)


def _fold(text: str, i: int) -> tuple[int, str]:
    """YAML line folding inside a quoted scalar, from just after a line break: one break becomes a space, each
    further (blank) line a newline; leading spaces of the next line are dropped. Returns (next index, text)."""
    blank = 0
    while True:
        j = i
        while j < len(text) and text[j] in " \t":
            j += 1
        if j < len(text) and text[j] == "\n":
            blank += 1
            i = j + 1
            continue
        return j, "\n" * blank if blank else " "


def _double_quoted(text: str, pos: int) -> str:
    """A YAML double-quoted scalar starting just after its opening quote (escapes and line folding)."""
    out: list[str] = []
    literal_end = 0  # length of `out` up to the last escaped character: folding never strips those
    i = pos
    while i < len(text):
        c = text[i]
        if c == '"':
            return "".join(out)
        if c == "\\":
            nxt = text[i + 1]
            if nxt == "\n":  # an escaped line break: joined without a space
                i += 2
                while i < len(text) and text[i] in " \t":
                    i += 1
                continue
            if nxt in _HEX:
                width = _HEX[nxt]
                out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
                i += 2 + width
            else:
                out.append(_ESCAPES[nxt])
                i += 2
            literal_end = len(out)
            continue
        if c == "\n":
            while len(out) > literal_end and out[-1] in " \t":
                out.pop()
            i, folded = _fold(text, i + 1)
            out.append(folded)
            literal_end = len(out)
            continue
        out.append(c)
        i += 1
    raise ValueError("a double-quoted string that never ends")


def _single_quoted(text: str, pos: int) -> str:
    out: list[str] = []
    i = pos
    while i < len(text):
        c = text[i]
        if c == "'":
            if text[i + 1 : i + 2] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out)
        if c == "\n":
            while out and out[-1] in " \t":
                out.pop()
            i, folded = _fold(text, i + 1)
            out.append(folded)
            continue
        out.append(c)
        i += 1
    raise ValueError("a single-quoted string that never ends")


def vcr_yaml_bodies(text: str) -> list[str]:
    """The response bodies (`body: string: ...`) of a VCR YAML cassette, quoted or plain."""
    bodies: list[str] = []
    for m in _BODY.finditer(text):
        rest = m.group("rest")
        start = m.start("rest") + 1
        if rest.startswith('"'):
            bodies.append(_double_quoted(text, start))
        elif rest.startswith("'"):
            bodies.append(_single_quoted(text, start))
        elif rest.strip() not in ("", "|", ">", "!binary |"):
            bodies.append(rest.strip())
    return bodies
