"""Web archives and captures: pages with URL, capture time, payload hash and visible text; nothing runs; search."""

from __future__ import annotations

import gzip
import hashlib
import io
import sqlite3
import zipfile
import zlib
from pathlib import Path

import pytest
from tests.core.context.conftest import actions
from tests.core.context.makers import (
    PAGE_ONE,
    http_response,
    make_pdf,
    make_wacz,
    make_warc,
    two_page_records,
    warc_record,
)

from workbench.core.context import documents as docs_mod
from workbench.core.context.documents import (
    add_capture,
    document,
    documents,
    import_archive,
    pages_in,
    safe_member_name,
    search,
)
from workbench.core.context.html_text import extract
from workbench.core.context.warc import iter_records
from workbench.core.errors import BadInput
from workbench.core.incident import Incident


@pytest.mark.parametrize("compress", [True, False])
def test_warc_with_two_pages(inc: Incident, tmp_path: Path, compress: bool) -> None:
    path = make_warc(tmp_path / ("two.warc.gz" if compress else "two.warc"), compress=compress)
    report = import_archive(inc, path)
    assert (report.pages, report.duplicates) == (2, 0)
    assert report.skipped == {"warcinfo": 1, "request": 1, "not html": 1}
    assert report.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    pages = documents(inc)
    assert [(d.url, d.capture_utc) for d in pages] == [
        ("https://news.example.com/bridge", "2024-05-03T10:00:02+00:00"),
        ("https://meteo.example.fr/jour", "2024-05-03T11:30:00.123456+00:00"),  # <uri> of WARC/1.0 unwrapped
    ]
    one = document(inc, pages[0].id)
    assert one.title == "Bridge collapses after storm"
    assert "Kestrel bridge fell into the river" in one.text
    assert one.payload_sha256 == hashlib.sha256(PAGE_ONE.encode()).hexdigest()
    two = document(inc, pages[1].id)
    assert two.title == "Météo du jour"  # chunked, gzip content-coding and ISO-8859-1 all undone
    assert "Pluie forte à Kestrel" in two.text
    # each record can be found again at its offset in the stored file
    stored = inc.media_bytes(report.source_media_id)
    for d in pages:
        assert d.record_offset is not None
        chunk = stored[d.record_offset :]
        head = zlib.decompressobj(31).decompress(chunk, 100) if compress else chunk
        assert head.startswith(b"WARC/1.")
    assert actions(inc)[-2:] == ["media.add", "context.archive_import"]


def test_scripts_are_dropped_and_counted_never_run(inc: Incident, tmp_path: Path) -> None:
    import_archive(inc, make_warc(tmp_path / "a.warc.gz"))
    page = document(inc, documents(inc)[0].id)
    assert "evil.example" not in page.text and "color:red" not in page.text and "alert" not in page.text
    assert "the page had 1 script(s); none were run" in page.flags
    assert any("event handler" in f for f in page.flags)
    assert any("frame" in f for f in page.flags)
    assert page.links == ("https://news.example.com/news/2?utm_source=tw",)  # collected as text, not followed


def test_reimport_adds_nothing(inc: Incident, tmp_path: Path) -> None:
    path = make_warc(tmp_path / "a.warc.gz")
    import_archive(inc, path)
    log = actions(inc)
    again = import_archive(inc, path)
    assert (again.pages, again.duplicates) == (0, 2)
    assert not again.changes.topics
    assert len(documents(inc)) == 2
    assert len(inc.media_items()) == 1
    assert actions(inc) == [*log, "media.source_add"]  # only the second source of the same bytes


def test_search_full_text_and_hostile_queries(inc: Incident, tmp_path: Path) -> None:
    import_archive(inc, make_warc(tmp_path / "a.warc.gz"))
    hits = search(inc, "kestrel river")
    assert [h.title for h in hits] == ["Bridge collapses after storm"]
    assert "«river»" in hits[0].snippet
    assert [h.title for h in search(inc, "meteo")] == ["Météo du jour"]  # diacritics folded
    assert [h.title for h in search(inc, "pluie")] == ["Météo du jour"]
    for hostile in ('"', "NEAR(", "bridge OR", "*", "a AND", "title:x", "'; DROP TABLE context_document; --"):
        search(inc, hostile)  # never a syntax error
    assert search(inc, "   ") == []
    assert len(documents(inc)) == 2


def test_search_without_fts_falls_back_to_like(inc: Incident, tmp_path: Path) -> None:
    import_archive(inc, make_warc(tmp_path / "a.warc.gz"))
    inc.close()
    con = sqlite3.connect(inc.path)
    con.execute("DROP TABLE context_document_fts")
    con.commit()
    con.close()
    with Incident.open(inc.path) as again:
        assert [h.title for h in search(again, "Kestrel 100%")] == []
        assert [h.title for h in search(again, "bridge fell")] == ["Bridge collapses after storm"]


def test_truncated_warc_is_a_clear_error_and_adds_no_page(inc: Incident, tmp_path: Path) -> None:
    whole = make_warc(tmp_path / "a.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) - 40])
    with pytest.raises(BadInput, match="truncated"):
        import_archive(inc, cut)
    assert documents(inc) == []
    plain = make_warc(tmp_path / "b.warc", compress=False).read_bytes()
    (tmp_path / "cut.warc").write_bytes(plain[:900])
    with pytest.raises(BadInput, match="truncated"):
        import_archive(inc, tmp_path / "cut.warc")


def test_damaged_headers_are_refused() -> None:
    bad = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\nxx\r\n\r\n"
    with pytest.raises(BadInput, match="Content-Length"):
        list(iter_records(io.BytesIO(bad)))
    with pytest.raises(BadInput, match="not a WARC"):
        list(iter_records(io.BytesIO(b"HTTP/1.1 200 OK\r\n\r\n")))
    huge = b"WARC/1.1\r\n" + b"X-Pad: " + b"a" * 70_000 + b"\r\n\r\n"
    with pytest.raises(BadInput, match="64 KB"):
        list(iter_records(io.BytesIO(huge)))


def test_not_an_archive_is_refused_before_anything_is_kept(inc: Incident, tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("just some notes\n")
    with pytest.raises(BadInput, match="neither a WARC"):
        import_archive(inc, path)
    assert inc.media_items() == []


def test_hostile_page_text_is_inert() -> None:
    html = (
        b"<html><head><title>\x1b[31mred\x1b[0m <script>x</script></title></head><body>"
        b"<svg><script>alert(1)</script><text>svgtext</text></svg>"
        b"<template><p>hidden</p></template><p>visible &lt;script&gt;</p><a href='javascript:alert(1)'>j</a>"
        b"<object data='x.swf'>fallback</object><p onclick='x()' onmouseover='y()'>ok</p></body></html>"
    )
    page = extract(html, base_url="https://e.example/")
    assert "alert" not in page.text and "hidden" not in page.text and "svgtext" not in page.text
    assert "visible <script>" in page.text  # escaped text stays text
    assert page.links == ()
    assert page.event_handlers == 2
    assert page.scripts == 2
    assert page.title == "[31mred[0m"  # the escape character is gone, the rest is text


def test_big_page_is_read_in_part_with_a_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs_mod, "MAX_PAGE_BYTES", 2000)
    body = b"<html><title>Big</title><body>" + b"<p>word</p>" * 1000 + b"</body></html>"
    rec = warc_record("response", "https://big.example/", "2024-05-03T10:00:00Z", http_response(body),
                      "application/http; msgtype=response")  # fmt: skip
    (page,) = list(pages_in(io.BytesIO(rec)))
    assert page.payload_size == len(body)
    assert page.payload_sha256 == hashlib.sha256(body).hexdigest()  # the whole payload is hashed
    assert any("first 20 MB" in f for f in page.flags)


def test_gzip_bomb_page_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs_mod, "MAX_PAGE_BYTES", 100_000)
    bomb = gzip.compress(b"<html><body>" + b"A" * 5_000_000)
    rec = warc_record("response", "https://bomb.example/", "2024-05-03T10:00:00Z",
                      http_response(bomb, extra="Content-Encoding: gzip\r\n"),
                      "application/http; msgtype=response")  # fmt: skip
    (page,) = list(pages_in(io.BytesIO(rec)))
    assert len(page.page.text) <= 100_000
    assert any("expands beyond" in f for f in page.flags)


def test_wacz_with_climbing_paths(inc: Incident, tmp_path: Path) -> None:
    path = make_wacz(tmp_path / "c.wacz", extra={"../../../etc/evil.warc.gz": b"x", "/abs/x.warc": b"y"})
    before = {p.name for p in tmp_path.parent.iterdir()}
    report = import_archive(inc, path)
    assert report.pages == 2
    assert len(report.problems) == 2 and all("climbs out" in p for p in report.problems)
    assert {p.name for p in tmp_path.parent.iterdir()} == before  # nothing was written anywhere
    assert {d.archive_member for d in documents(inc)} == {"archive/data.warc.gz"}


@pytest.mark.parametrize(
    ("name", "safe"),
    [("archive/data.warc.gz", True), ("../x", False), ("a/../../x", False), ("/etc/passwd", False),
     ("C:/x", False), ("a\\..\\x", False), ("a/./b", True), ("", False)],
)  # fmt: skip
def test_safe_member_names(name: str, safe: bool) -> None:
    assert safe_member_name(name) is safe


def test_wacz_compression_bomb_member_is_refused(inc: Incident, tmp_path: Path) -> None:
    buf = io.BytesIO()
    for rec in two_page_records():
        buf.write(gzip.compress(rec))
    path = tmp_path / "bomb.wacz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.warc.gz", buf.getvalue())
        zf.writestr("archive/zeros.warc", b"\0" * (65 * 1024 * 1024))
    report = import_archive(inc, path)
    assert report.pages == 2
    assert any("compression bomb" in p for p in report.problems)


def test_wacz_claiming_enormous_size_is_refused(inc: Incident, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs_mod, "MAX_WACZ_TOTAL", 100)
    with pytest.raises(BadInput, match="compression bomb"):
        import_archive(inc, make_wacz(tmp_path / "c.wacz"))
    assert inc.media_items() == []


def test_captures_by_hand(inc: Incident, tmp_path: Path) -> None:
    html = tmp_path / "saved.html"
    html.write_text("<html><title>Saved</title><script>x()</script><p>Bridge closed</p></html>")
    c = add_capture(inc, html, url="https://news.example.com/a?utm_campaign=z", captured_at="2024-05-03T12:00:00+02:00")
    doc = document(inc, c.ids["context"][0])
    assert (doc.kind, doc.url, doc.capture_utc) == ("html", "https://news.example.com/a", "2024-05-03T10:00:00+00:00")
    assert doc.text == "Bridge closed" and doc.flags
    pdf = add_capture(inc, make_pdf(tmp_path / "r.pdf"), url=None, captured_at="2024-05-04T08:00:00Z")
    assert "Kestrel bridge report" in document(inc, pdf.ids["context"][0]).text
    from tests.helpers import make_jpeg

    shot = tmp_path / "shot.jpg"
    shot.write_bytes(make_jpeg())
    s = add_capture(inc, shot, url="https://x.example/p", captured_at="2024-05-04T09:00:00Z", text="Post says: closed")
    assert document(inc, s.ids["context"][0]).kind == "screenshot"
    assert sorted(h.document_id for h in search(inc, "closed")) == sorted([c.ids["context"][0], s.ids["context"][0]])
    with pytest.raises(BadInput, match="no time zone"):
        add_capture(inc, html, url=None, captured_at="2024-05-03 12:00")
    assert actions(inc).count("context.capture_add") == 3


def test_records_without_trailing_newlines_and_offsets_per_member() -> None:
    recs = [r[:-4] for r in two_page_records()]  # a careless writer: no CRLF CRLF after the blocks
    raw = b"".join(recs)
    offsets = [r.offset for r in iter_records(io.BytesIO(raw))]
    assert offsets == [sum(len(r) for r in recs[:i]) for i in range(len(recs))]
    members = [gzip.compress(r) for r in two_page_records()]
    offsets = [r.offset for r in iter_records(io.BytesIO(b"".join(members)))]
    assert offsets == [sum(len(m) for m in members[:i]) for i in range(len(members))]
