"""The report: what leaves the workbench. An incident becomes a tree of sections of escaped HTML with embedded
figures (pure Python, no Qt); `workbench.render` turns that into a PDF with Qt, which shapes every script.

    report = build_report(incident, sections=("title", "findings", "evidence"))
    report.html()        # one HTML document; images are referenced as "figure:NAME"
    report.figures()     # NAME -> Figure (PNG or JPEG bytes)
"""

from __future__ import annotations

from workbench.core.report.build import SECTION_TITLES, SECTIONS, build_report, parse_sections
from workbench.core.report.digest import ContentDigest, content_digest
from workbench.core.report.model import Figure, Report, Section

__all__ = [
    "SECTIONS",
    "SECTION_TITLES",
    "ContentDigest",
    "Figure",
    "Report",
    "Section",
    "build_report",
    "content_digest",
    "parse_sections",
]
