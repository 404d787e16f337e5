"""Real PDFs, read back: every script's text is in the PDF, markup in evidence stays text, pages carry the footer.

Text is extracted with poppler's pdftotext (it puts right-to-left runs back in logical order) and with pypdf.
Arabic comes back as presentation forms (the shaped glyphs), so it is compared after NFKC normalisation.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest

from tests.core.report.fixtures import HOSTILE, SCRIPTS, add_posts, item_id, script_posts
from workbench.cli import main as cli_main
from workbench.core import findings as fnd
from workbench.core.incident import Incident
from workbench.core.report import build_report
from workbench.render import report_document, write_pdf, write_report

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    return _BIDI.sub("", unicodedata.normalize("NFKC", out))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_posts_in_every_script_are_text_in_the_pdf(demo: Incident, tmp_path: Path) -> None:
    add_posts(demo, script_posts())
    out = write_report(demo, tmp_path / "scripts.pdf", sections="title,posts")
    text = flat(pdftotext(out))
    for name in ("arabic", "hebrew", "russian", "chinese", "japanese"):
        assert SCRIPTS[name] in text, name
    # Devanagari: the words whose glyphs map one-to-one back to characters (conjuncts do not survive extraction).
    for word in ("आज", "सुबह", "चौक", "पर", "पानी"):
        assert word in text, word
    assert "Flood" in text and "today" in text  # the emoji themselves are drawn as colour pictures
    # pypdf too (it does not reorder right-to-left text, so left-to-right scripts only)
    reader = pypdf.PdfReader(out)
    extracted = flat(" ".join(p.extract_text() for p in reader.pages))
    for name in ("russian", "chinese"):
        assert SCRIPTS[name] in extracted, name
    assert "@arabic_user" in text and "https://t.me/channel/100" in text
    assert "2025-03-14 07:10:00 UTC" in text and "2025-03-14T09:10:00+02:00" in text  # UTC and as written


def test_markup_in_evidence_is_printed_as_text(demo: Incident, tmp_path: Path) -> None:
    add_posts(demo, [{"username": "<b>evil</b>", "text": HOSTILE, "url": "javascript:alert(1)"}])
    fnd.add_finding(demo, "<h1>Injected heading</h1> & co", evidence=["post:1"])
    out = write_report(demo, tmp_path / "hostile.pdf", sections="findings,posts")
    text = flat(pdftotext(out))
    assert "<b>not bold</b>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "<script>alert(1)</script>" in text
    assert "&amp;" in text  # an entity typed in a post is shown as typed, not decoded
    assert "<h1>Injected heading</h1> & co" in text
    assert "@<b>evil</b>" in text


def test_pages_have_footer_with_digest_audit_head_and_page_numbers(demo: Incident, tmp_path: Path) -> None:
    original = item_id(demo, "DSCF4021.JPG")
    fnd.add_finding(demo, "The sign names the square.", confidence="high", evidence=[f"media:{original}"])
    fnd.set_verdict(demo, "likely", "Place and time agree; the source was not reached.")
    report = build_report(demo, "title,findings,evidence,appendix")
    out = tmp_path / "r.pdf"
    pages = write_pdf(report, out)
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == pages > 3
    assert reader.metadata is not None and "Flooded square in Riverton" in (reader.metadata.title or "")
    first = flat(pdftotext(out, 1, 1))
    assert "VERIFICATION REPORT" in first and "Likely" in first
    assert "Place and time agree; the source was not reached." in first
    assert report.content_digest[:32] in first and report.content_digest[32:] in first
    assert report.audit_head[:32] in first
    for n in range(1, pages + 1):
        page = flat(pdftotext(out, n, n))
        assert f"page {n} of {pages}" in page
        assert f"content {report.content_digest[:16]}" in page
        assert f"audit head {report.audit_head[:16]}" in page
    whole = flat(pdftotext(out))
    assert "The sign names the square." in whole
    for item in demo.media_items():  # the manifest names every stored file by its full hash
        assert item.sha256[:32] in whole and item.sha256[32:] in whole


def test_section_choice_is_respected(demo: Incident, tmp_path: Path) -> None:
    out = write_report(demo, tmp_path / "t.pdf", sections=["title", "methodology"])
    text = flat(pdftotext(out))
    assert "Methodology and limitations" in text
    assert "What it cannot prove" in text and "Error level analysis" in text
    for absent in ("Summary of findings", "Audit log", "Chronolocation", "DSCF4021.JPG"):
        assert absent not in text


def test_preview_document_holds_the_figures(demo: Incident) -> None:
    report = build_report(demo, "evidence")
    doc = report_document(report, width=600)
    assert doc.pageCount() >= 1
    original = item_id(demo, "DSCF4021.JPG")
    assert f"Item {original} · DSCF4021.JPG" in doc.toPlainText()
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QTextDocument

    image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"figure:item-{original}"))
    assert isinstance(image, QImage) and not image.isNull()
    assert doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("file:///etc/hostname")) is None


def test_cli_workflow_findings_verdict_report(
    demo: Incident, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(demo.path)
    demo.close()
    assert (
        cli_main(
            [
                "finding",
                "add",
                path,
                "--statement",
                "EXIF time fits",
                "--confidence",
                "high",
                "--evidence",
                "media:1",
                "media:2",
            ]
        )
        == 0
    )
    assert cli_main(["verdict", path, "misleading", "--rationale", "Right photo, wrong day"]) == 0
    assert cli_main(["checklist", path, "date", "done", "--note", "shadows"]) == 0
    assert cli_main(["finding", "add", path, "--statement", "x", "--evidence", "media:99"]) == 2
    capsys.readouterr()
    assert cli_main(["findings", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"]["verdict"] == "misleading"
    assert [e["ref"] for e in data["findings"][0]["evidence"]] == ["media:1", "media:2"]
    assert data["checklist"][2]["status"] == "done"
    out = tmp_path / "cli.pdf"
    html = tmp_path / "cli.html"
    assert (
        cli_main(["report", path, "-o", str(out), "--sections", "title,findings", "--json", "--html", str(html)]) == 0
    )
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert (
        printed["pages"] == len(pypdf.PdfReader(out).pages) and printed["findings"][0]["statement"] == "EXIF time fits"
    )
    assert printed["content_digest"] in captured.err
    text = flat(pdftotext(out))
    assert "Misleading" in text and "Right photo, wrong day" in text and "EXIF time fits" in text
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<html") and "EXIF time fits" in page and "figure:" not in page
    assert cli_main(["report", path, "-o", str(out), "--sections", "title,nonsense"]) == 2
    assert "nonsense" in capsys.readouterr().err
    with Incident.open(path, read_only=True) as inc:  # the report changed nothing
        assert inc.info().audit_count == data["audit_count"]


def test_write_report_runs_off_the_main_thread(demo: Incident, tmp_path: Path) -> None:
    """The window writes the report in a worker thread: Qt's text layout and PDF writer must work there."""
    import threading

    errors: list[BaseException] = []
    out = tmp_path / "thread.pdf"

    def work() -> None:
        try:
            write_report(demo, out, sections="title,findings,evidence")
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert not errors and out.exists()
    assert f"Item {item_id(demo, 'DSCF4021.JPG')} · DSCF4021.JPG" in flat(pdftotext(out))


def test_contents_name_the_pages_the_sections_start_on(demo: Incident, tmp_path: Path) -> None:
    report = build_report(demo, "title,findings,evidence,chronolocation,methodology")
    out = tmp_path / "toc.pdf"
    write_pdf(report, out)
    first = unicodedata.normalize(
        "NFKC",
        subprocess.run(
            ["pdftotext", "-layout", "-f", "1", "-l", "1", str(out), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8"),
    )
    assert "Summary of findings" not in first.split("Contents")[1].split("\n", 5)[-1]  # nothing of page 2 on page 1
    for n, section in report.numbered_sections():
        match = re.search(rf"(?:^|\s){n}\s+{re.escape(section.title)}\s+(\d+)", first, flags=re.MULTILINE)
        assert match is not None, (section.title, first[-800:])
        page = int(match.group(1))
        heading = flat(pdftotext(out, page, page))
        assert f"{n} {section.title}" in heading, (section.key, page)


def test_archival_pdf_and_document_id(demo: Incident, tmp_path: Path) -> None:
    report = build_report(demo, "title,findings")
    out = tmp_path / "a.pdf"
    write_pdf(report, out, archival=True)
    reader = pypdf.PdfReader(out)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert "pdfaid:part" in xmp and "Test Analyst" in xmp
    document_id = str(reader.trailer["/ID"][0]).replace("-", "")
    assert document_id == report.content_digest[:32]  # the PDF's ID is derived from the content digest
    assert f"uuid:{reader.trailer['/ID'][0]}" in xmp
    assert "Unverified / inconclusive" in flat(pdftotext(out))


def test_cancelling_leaves_no_pdf_behind(demo: Incident, tmp_path: Path) -> None:
    from workbench.core.errors import Cancelled
    from workbench.core.tasks import Progress

    report = build_report(demo, "title,evidence")
    progress = Progress()

    def cancel_on_page_two(done: int, total: int, message: str) -> None:
        if message.startswith("PDF page 2"):
            progress.token.cancel()

    progress.callback = cancel_on_page_two
    out = tmp_path / "c.pdf"
    with pytest.raises(Cancelled):
        write_pdf(report, out, progress)
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".incident"] == []
