"""Export report…: sections chosen, a preview laid out like the PDF, and the PDF holding only those sections."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import wait_idle


def test_choose_sections_preview_and_export(qtbot, window, ctx, demo_incident: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx.open_incident(demo_incident)
    wait_idle(qtbot, ctx)
    window.act_export.trigger()
    dialog = window.report_dialog
    qtbot.waitUntil(lambda: "content digest" in dialog.status.text(), timeout=30000)
    assert "Flooded square in Riverton" in dialog.browser.toPlainText()
    assert "Audit log" in dialog.browser.toPlainText() or "audit" in dialog.browser.toPlainText().lower()
    for key, box in dialog.boxes.items():
        box.setChecked(key in ("title", "chronolocation"))
    qtbot.waitUntil(lambda: dialog.status.text().startswith("2 sections"), timeout=30000)
    text = dialog.browser.toPlainText()
    assert "Chronolocation" in text and "Hash manifest" not in text
    out = tmp_path / "short.pdf"
    dialog.export(out)
    qtbot.waitUntil(lambda: "written" in dialog.status.text(), timeout=60000)
    from pypdf import PdfReader

    pdf_text = " ".join(p.extract_text() or "" for p in PdfReader(out).pages)
    assert "Chronolocation" in pdf_text and "Summary of findings" not in pdf_text
    dialog.close()
