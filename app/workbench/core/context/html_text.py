"""Visible text, title and links of an HTML page, with the standard library's tokenizer and nothing else.

Nothing in the page runs or loads: scripts, styles, templates and embedded objects are dropped (their count is
reported, so a reader knows the page had active content), links are collected as text, never followed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "head"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
        "article", "header", "footer", "blockquote", "pre", "hr", "figure", "figcaption", "main", "nav", "aside",
        "dd", "dt", "time", "address",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "source", "wbr", "param"})
MAX_LINKS = 2000
MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class PageText:
    title: str
    text: str
    links: tuple[str, ...]
    scripts: int  # <script> elements (none ran)
    event_handlers: int  # on...= attributes (none ran)
    iframes: int
    meta: dict[str, str]  # og:title, article:published_time, description ...
    truncated: bool = False


class _Extractor(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.parts: list[str] = []
        self.size = 0
        self.title_parts: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self.handlers = 0
        self.iframes = 0
        self.meta: dict[str, str] = {}
        self._drop_depth = 0
        self._drop_stack: list[str] = []
        self._in_title = False
        self.truncated = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += sum(1 for name, _ in attrs if name.startswith("on"))
        if tag == "script":
            self.scripts += 1
        elif tag in ("iframe", "frame"):
            self.iframes += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "base" and self.base is not None:
            href = dict(attrs).get("href")
            if href:
                self.base = urljoin(self.base, href)
        elif tag == "meta":
            a = dict(attrs)
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content") and len(self.meta) < 200:
                self.meta[key] = str(a["content"])[:2000]
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and len(self.links) < MAX_LINKS:
                href = href.strip()
                if not href.lower().startswith(("javascript:", "data:", "#", "mailto:", "tel:")):
                    self.links.append(urljoin(self.base, href) if self.base else href)
        if tag in _DROP and tag != "head" and tag not in _VOID:
            self._drop_stack.append(tag)
        if tag in _BLOCK:
            self._add("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:  # <script/> has no content
            self.handlers += sum(1 for name, _ in attrs if name.startswith("on"))
            if tag == "script":
                self.scripts += 1
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if self._drop_stack and tag in self._drop_stack:
            while self._drop_stack:
                if self._drop_stack.pop() == tag:
                    break
        if tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if self._drop_stack:
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        self._add(data)

    def _add(self, text: str) -> None:
        if self.size >= MAX_TEXT_CHARS:
            self.truncated = True
            return
        self.parts.append(text)
        self.size += len(text)


def charset_of(content_type: str, head: bytes) -> str:
    """The page's encoding: the HTTP header, else a <meta charset>, else UTF-8 (checked to be a real codec)."""
    m = re.search(r"charset=[\"']?([A-Za-z0-9_\-:.]+)", content_type or "", re.I)
    if not m:
        m2 = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-:.]+)", head[:4096], re.I)
        name = m2.group(1).decode("ascii", "replace") if m2 else "utf-8"
    else:
        name = m.group(1)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """Whitespace tidied, and control characters (terminal escapes a hostile page may carry) removed."""
    text = _CONTROL.sub("", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def extract(html: bytes | str, *, base_url: str | None = None, content_type: str = "") -> PageText:
    """Title, visible text (scripts, styles and embedded objects dropped), links and active-content counts."""
    if isinstance(html, bytes):
        charset = charset_of(content_type, html)
        source = html.decode(charset, "replace")
    else:
        source = html
    parser = _Extractor(base_url)
    try:
        parser.feed(source)
        parser.close()
    except AssertionError:  # html.parser's last-resort on hopeless markup: keep what was read
        pass
    title = _clean(" ".join(parser.title_parts)) or parser.meta.get("og:title", "")
    return PageText(
        title=title[:1000],
        text=_clean("".join(parser.parts)),
        links=tuple(dict.fromkeys(parser.links)),
        scripts=parser.scripts,
        event_handlers=parser.handlers,
        iframes=parser.iframes,
        meta=parser.meta,
        truncated=parser.truncated,
    )


def looks_like_html(head: bytes) -> bool:
    h = head[:1024].lstrip().lower()
    return h.startswith((b"<!doctype html", b"<html")) or b"<html" in h or b"<head" in h
