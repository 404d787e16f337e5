"""The report as plain frozen objects: sections of ready, escaped HTML and the figures they show.

The HTML is the subset Qt's rich text understands (tables, inline CSS, `page-break-before`), so the same tree
gives the PDF (`workbench.render`), the preview in the window, and a stand-alone HTML file. Images are referenced
as ``figure:NAME`` and carried as bytes in `Figure`; nothing is fetched from anywhere.

Everything that came from evidence or from people (post text, file names, labels, notes, metadata values) goes
through `esc`: it is shown as text and never interpreted as markup.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from typing import Any

FIGURE_SCHEME = "figure"
CONTENTS_MARK = "<!--contents-->"  # where the title page wants the table of contents
CONTENTS_ANCHOR = "contents-"  # anchor names of the page-number cells in the contents
PAGE_WIDTH_PX = 680  # the text column at 96 px per inch (A4 minus 18 mm margins): figures are sized against it

# C0/C1 controls (except tab and newline) and lone surrogates cannot be shown and confuse text layout.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def esc(value: object) -> str:
    """Untrusted text → HTML text: escaped, controls replaced by U+FFFD, newlines kept as line breaks."""
    text = "" if value is None else str(value)
    text = _CONTROLS.sub("\ufffd", text)
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br/>")


def esc_attr(value: object) -> str:
    return html.escape(_CONTROLS.sub("\ufffd", "" if value is None else str(value)), quote=True)


def safe_link(url: str | None) -> str:
    """A URL as escaped text, made a link only when it is plain http(s) (never javascript:, file: ...)."""
    if not url:
        return ""
    text = esc(url)
    if re.match(r"^https?://[^\s\"'<>]+$", url, flags=re.IGNORECASE):
        return f'<a href="{esc_attr(url)}">{text}</a>'
    return text


@dataclass(frozen=True)
class Figure:
    """A picture in the report: encoded bytes (PNG or JPEG), its pixel size, and the size it is shown at."""

    name: str
    data: bytes
    mime: str  # "image/png" | "image/jpeg"
    width: int
    height: int
    caption: str = ""  # plain text (escaped when shown)
    display_width: int = PAGE_WIDTH_PX

    @property
    def display_height(self) -> int:
        return max(1, round(self.height * self.display_width / max(1, self.width)))

    def img(self) -> str:
        return (
            f'<img src="{FIGURE_SCHEME}:{esc_attr(self.name)}" width="{self.display_width}" '
            f'height="{self.display_height}" />'
        )

    def html(self) -> str:
        cap = f'<p class="caption">{esc(self.caption)}</p>' if self.caption else ""
        return f'<p class="figure" align="center">{self.img()}</p>{cap}'

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Section:
    """One chosen part of the report: a key (``evidence``), a title, its HTML body and its figures."""

    key: str
    title: str
    body: str
    figures: tuple[Figure, ...] = ()
    page_break: bool = True
    numbered: bool = True

    def html(self, number: int | None = None) -> str:
        style = ' style="page-break-before: always;"' if self.page_break else ""
        prefix = f"{number}&nbsp;&nbsp;" if number is not None and self.numbered else ""
        heading = f'<h1 class="section"{style}>{prefix}{esc(self.title)}</h1>' if self.title else ""
        if not self.title and self.page_break:
            heading = f"<p{style}></p>"
        return heading + self.body


@dataclass(frozen=True)
class Report:
    """A whole report, ready to render."""

    incident_title: str
    analyst: str
    generated_utc: str
    content_digest: str
    audit_head: str
    audit_count: int
    software: str
    sections: tuple[Section, ...]
    footer: str  # plain text for the page footer
    header: str  # plain text for the page header (pages after the first)
    findings: dict[str, Any] = field(default_factory=dict)  # the findings JSON at the time of the report

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def figures(self) -> dict[str, Figure]:
        return {f.name: f for s in self.sections for f in s.figures}

    def numbered_sections(self) -> list[tuple[int, Section]]:
        """The sections that carry a numbered heading, with their numbers, in order."""
        out: list[tuple[int, Section]] = []
        for s in self.sections:
            if s.numbered and s.title:
                out.append((len(out) + 1, s))
        return out

    def contents_html(self, pages: dict[str, int] | None = None) -> str:
        """The table of contents; with `pages` (section key → page number, known after layout) it lists pages."""
        # Without `pages` each page cell holds an anchor "contents-KEY": a renderer that knows the pages only after
        # layout (the PDF writer) finds the cell by it and draws the number there, so the layout is done once.
        cells = [
            f'<td width="4%">{n}</td><td width="38%">{esc(s.title)}</td><td width="6%" align="right">'
            + (str(pages[s.key]) if pages and s.key in pages else f'<a name="{CONTENTS_ANCHOR}{s.key}">&nbsp;</a>')
            + "</td>"
            for n, s in self.numbered_sections()
        ]
        if not cells:
            return ""
        half = (len(cells) + 1) // 2  # two columns, read down then across
        left, right = cells[:half], cells[half:]
        rows = "".join(
            f"<tr>{a}<td width='4%'></td>{right[i] if i < len(right) else '<td></td><td></td><td></td>'}</tr>"
            for i, a in enumerate(left)
        )
        return (
            '<h3 style="margin-top: 10px;">Contents</h3>'
            f'<table class="facts" width="100%" cellspacing="0" cellpadding="2">{rows}</table>'
        )

    def body_html(self, pages: dict[str, int] | None = None) -> str:
        numbers = {id(s): n for n, s in self.numbered_sections()}
        html = "".join(s.html(numbers.get(id(s))) for s in self.sections)
        return html.replace(CONTENTS_MARK, self.contents_html(pages), 1)

    def html(self, pages: dict[str, int] | None = None) -> str:
        """The whole report as one HTML document (images as ``figure:NAME``); `pages` fills in the contents."""
        return (
            '<html><head><meta charset="utf-8"/>'
            f"<title>{esc(self.incident_title)}</title><style>{STYLE}</style></head>"
            f"<body>{self.body_html(pages)}</body></html>"
        )

    def standalone_html(self) -> str:
        """The report as one self-contained HTML file (figures inlined as data URIs), for a browser."""
        out = self.html()
        for fig in self.figures().values():
            out = out.replace(f'src="{FIGURE_SCHEME}:{esc_attr(fig.name)}"', f'src="{fig.data_uri()}"')
        return out

    def size_bytes(self) -> int:
        return sum(len(f.data) for f in self.figures().values())


# Qt rich text understands this CSS subset: colours, fonts, margins, borders on tables, page breaks.
STYLE = """
body { font-size: 9pt; color: #1d232b; }
h1 { font-size: 16pt; font-weight: 600; color: #123a5c; margin-top: 0px; margin-bottom: 10px; }
h1.section { font-size: 15pt; color: #123a5c; margin-bottom: 12px; }
h2 { font-size: 12pt; font-weight: 600; color: #123a5c; margin-top: 16px; margin-bottom: 6px; }
h3 { font-size: 10.5pt; font-weight: 600; color: #1d232b; margin-top: 10px; margin-bottom: 3px; }
p { margin-top: 2px; margin-bottom: 6px; line-height: 125%; }
p.figure { line-height: 100%; margin-top: 4px; margin-bottom: 0px; }
p.caption { font-size: 8pt; color: #57606a; margin-top: 2px; margin-bottom: 10px; }
p.small { font-size: 7.5pt; color: #57606a; }
p.kicker { font-size: 8.5pt; font-weight: 600; color: #57606a; letter-spacing: 1px; margin-bottom: 2px; }
p.title { font-size: 22pt; font-weight: 600; color: #123a5c; margin-top: 2px; margin-bottom: 8px; }
p.claim { font-size: 11pt; font-style: italic; color: #1d232b; }
p.muted { color: #57606a; }
table.facts { border-collapse: collapse; margin-top: 4px; margin-bottom: 8px; }
table.facts td { padding: 3px 6px 3px 0px; vertical-align: top; }
td.k { color: #57606a; font-weight: 600; white-space: nowrap; }
table.grid { border-collapse: collapse; border-color: #c8ced6; margin-top: 4px; margin-bottom: 10px; }
table.grid th { background-color: #e8edf3; color: #1d232b; font-weight: 600; text-align: left; font-size: 8pt; }
table.grid td { vertical-align: top; font-size: 8pt; }
span.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 7.5pt; }
span.badge { font-weight: 600; }
span.warning { color: #a4320c; font-weight: 600; }
span.notice { color: #8a5a00; font-weight: 600; }
span.info { color: #2b5d8a; font-weight: 600; }
span.high { color: #0b6b2f; font-weight: 600; }
span.medium { color: #8a5a00; font-weight: 600; }
span.low { color: #a4320c; font-weight: 600; }
"""
