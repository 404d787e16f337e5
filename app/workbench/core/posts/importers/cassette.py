"""Recorded HTTP exchanges (betamax/VCR JSON cassettes): each JSON response body is read as the API it came from.

API clients' test suites and some archiving tools keep responses this way. Only JSON cassettes are read; a YAML
cassette needs its body saved as a `.json` file first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.posts.importers import mastodon, reddit
from workbench.core.posts.importers._common import load_json_file
from workbench.core.posts.model import ParsedRecord, RecordError

NAME = "cassette"
HAS_LOCAL_MEDIA = False


def sniff(path: Path, head: bytes) -> float:
    if head.lstrip().startswith(b"{") and b'"interactions"' in head and b'"recorded_at"' in head:
        return 0.9
    if head.lstrip().startswith(b"{") and b'"http_interactions"' in head:
        return 0.9
    return 0.0


def parse(path: Path) -> Iterator[ParsedRecord]:
    try:
        doc = load_json_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, f"not valid JSON: {exc}")
        return
    interactions = doc.get("interactions") or doc.get("http_interactions") or [] if isinstance(doc, dict) else []
    for i, inter in enumerate(interactions):
        where = f"interactions[{i}]"
        body = _body(inter)
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
