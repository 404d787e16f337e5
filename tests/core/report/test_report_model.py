"""The report model without Qt: sections, escaping, the content digest, pictures with annotations."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.conftest import make_jpeg
from tests.core.report.fixtures import HOSTILE, add_posts, item_id, script_posts

from workbench.core import annotations as ann
from workbench.core import findings as fnd
from workbench.core.demo import exif_bytes
from workbench.core.errors import BadInput
from workbench.core.incident import Incident
from workbench.core.report import SECTIONS, build_report, content_digest, parse_sections
from workbench.core.report.figures import Mark, evidence_picture
from workbench.core.report.model import esc, safe_link


def test_parse_sections() -> None:
    assert parse_sections(None) == SECTIONS
    assert parse_sections("all") == SECTIONS
    assert parse_sections("appendix, title") == ("title", "appendix")  # report order, whatever the given order
    assert parse_sections(["posts", "findings"]) == ("findings", "posts")
    with pytest.raises(BadInput, match="summary"):
        parse_sections("title,summary")


def test_escaping_keeps_untrusted_text_as_text() -> None:
    out = esc(HOSTILE + "\nline two")
    assert "<b>" not in out and "<img" not in out and "<script" not in out and "<a " not in out
    assert "&lt;b&gt;not bold&lt;/b&gt;" in out
    assert "&amp;amp;" in out  # an entity in the text is shown as typed
    assert "\x00" not in out and "\x07" not in out and "\ufffd" in out
    assert out.endswith("<br/>line two")
    assert safe_link("https://example.org/a?b=1&c=2") == (
        '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>'
    )
    assert "<a" not in safe_link("javascript:alert(1)")
    assert "<a" not in safe_link('https://x.org/"><script>')


def test_content_digest_is_reproducible_from_the_file_alone(demo: Incident) -> None:
    d = content_digest(demo)
    # Recompute with the sqlite3 module, following the documented definition only.
    con = sqlite3.connect(f"file:{demo.path}?mode=ro", uri=True)
    try:
        lines = ["workbench-content-digest-v1"]
        lines += [f"{i} {s}" for i, s in con.execute("SELECT id, sha256 FROM media_item ORDER BY id")]
        count, head = con.execute("SELECT audit_count, audit_head FROM incident").fetchone()
        lines.append(f"audit {count} {head}")
    finally:
        con.close()
    expected = hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()
    assert d.sha256 == expected
    assert (d.media_count, d.audit_count, d.audit_head) == (len(demo.media_items()), count, head)
    fnd.add_finding(demo, "A change")
    after = content_digest(demo)
    assert after.sha256 != d.sha256 and after.audit_head != d.audit_head


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line tool is not installed")
def test_content_digest_shell_recipe(demo: Incident) -> None:
    from workbench.core.report.digest import SHELL_RECIPE

    out = subprocess.run(
        ["sh", "-c", SHELL_RECIPE.replace("FILE", str(demo.path))], capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[0] == content_digest(demo).sha256


def test_report_has_the_chosen_sections_in_order(demo: Incident) -> None:
    report = build_report(demo, "appendix,title,findings")
    assert report.section_keys == ("title", "findings", "appendix")
    html = report.html()
    assert "Summary of findings" in html and "Appendix" in html
    assert "Geolocation" not in html and "Methodology" not in html
    assert report.sections[0].page_break is False and report.sections[1].page_break is True
    assert report.content_digest == content_digest(demo).sha256
    assert report.content_digest in html.replace("<br/>", "").replace('</span><span class="mono">', "")


def test_title_and_findings_state_verdict_checklist_and_evidence(demo: Incident) -> None:
    original = item_id(demo, "DSCF4021.JPG")
    fid = fnd.add_finding(demo, "The sign names the square.", confidence="high", evidence=[f"media:{original}"])
    fnd.set_verdict(demo, "false", "The photo was taken in June 2024.")
    fnd.set_checklist_item(demo, "place", "done", "Sign matched")
    report = build_report(demo, "title,findings")
    html = report.html()
    assert ">False<" in html
    assert "The photo was taken in June 2024." in html
    assert "The sign names the square." in html and f"item {original} (DSCF4021.JPG)" in html
    assert "Sign matched" in html and "not done" in html
    assert report.findings["findings"][0]["id"] == fid.ids["findings"][0]


def test_every_section_builds_on_the_demo_with_figures(demo: Incident) -> None:
    original = item_id(demo, "DSCF4021.JPG")
    ann.create_annotation(
        demo,
        original,
        "rect",
        {"x": 620, "y": 420, "w": 360, "h": 60},
        category="sign/text",
        label="HAUPTPLATZ street sign",
    )
    add_posts(demo, script_posts())
    report = build_report(demo)
    assert report.section_keys == SECTIONS
    names = set(report.figures())
    assert {f"item-{original}", "map", "sun", "timeline"} <= names
    assert len([n for n in names if n.startswith("item-")]) == len(demo.media_items(include_derived=False))
    for fig in report.figures().values():
        img = Image.open(io.BytesIO(fig.data))
        assert img.size == (fig.width, fig.height)
        assert max(fig.width, fig.height) <= 1360
        assert f'src="figure:{fig.name}"' in report.html()
    html = report.html()
    assert "HAUPTPLATZ street sign" in html
    assert "https://t.me/channel/100" in html
    assert "Europe/Vienna" in html
    standalone = report.standalone_html()
    assert "figure:" not in standalone and "data:image/jpeg;base64," in standalone


def test_hostile_post_text_and_file_names_are_escaped(demo: Incident) -> None:
    add_posts(demo, [{"username": "<b>evil</b>", "text": HOSTILE, "url": "javascript:alert(1)"}])
    demo.set_media_note(item_id(demo, "DSCF4021.JPG"), "<i>note</i>")
    html = build_report(demo, "evidence,posts").html()
    assert "<script" not in html and "<b>not bold" not in html and "<b>evil" not in html
    assert '<img src="file:' not in html and "javascript:alert(1)</a>" not in html
    assert 'href="javascript' not in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "&lt;i&gt;note&lt;/i&gt;" in html


def _jpeg(width: int, height: int, orientation: int) -> bytes:
    img = Image.fromarray(np.full((height, width, 3), 128, dtype=np.uint8))
    ex = img.getexif()
    ex[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95, exif=ex.tobytes())
    return buf.getvalue()


def test_annotations_follow_the_exif_orientation() -> None:
    # Stored 400x200, orientation 6 (turn 90° clockwise to view): shown 200x400.
    data = _jpeg(400, 200, 6)
    mark = Mark(1, "rect", {"x": 20, "y": 20, "w": 60, "h": 40}, "person")  # near the stored top-left corner
    pic = evidence_picture(data, [mark])
    img = Image.open(io.BytesIO(pic.data)).convert("RGB")
    assert img.size == (200, 400)
    arr = np.asarray(img).astype(int)
    red = (arr[..., 0] > 180) & (arr[..., 1] < 90)
    ys, xs = np.nonzero(red)
    # Stored (x, y) → shown (h - 1 - y, x): the box lands near the shown top-RIGHT corner.
    assert xs.min() >= 200 - 1 - 60 - 12 and xs.max() <= 200 - 20 + 12
    assert ys.min() >= 20 - 12 and ys.max() <= 80 + 12


def test_pictures_are_downscaled_jpegs(demo: Incident) -> None:
    big = Image.fromarray(np.random.default_rng(1).integers(0, 255, (3000, 4000, 3), dtype=np.uint8))
    buf = io.BytesIO()
    big.save(buf, "JPEG", quality=95, exif=exif_bytes(taken_local=None, make="X", model="Y"))
    pic = evidence_picture(buf.getvalue(), (), max_side=1200)
    assert (pic.width, pic.height) == (1200, 900)
    assert pic.mime == "image/jpeg" and pic.data[:2] == b"\xff\xd8"


def test_an_empty_incident_still_gives_every_section(tmp_path: Path) -> None:
    with Incident.create(tmp_path / "empty.incident", title="Nothing yet", analyst="a") as inc:
        report = build_report(inc)
    assert report.section_keys == SECTIONS
    html = report.html()
    for sentence in (
        "No findings have been recorded.",
        "The incident holds no evidence items.",
        "No claimed place is recorded",
        "No claimed time is recorded",
        "No posts were imported",
    ):
        assert sentence in html
    assert report.figures() == {}


def test_hostile_file_names_are_escaped(tmp_path: Path) -> None:
    from workbench.core.ingest import add_evidence

    name = '<img src="file:x">&amp;.jpg'
    (tmp_path / name).write_bytes(make_jpeg(64, 48, seed=3))
    with Incident.create(tmp_path / "h.incident", title="<script>t</script>", analyst="<b>a</b>") as inc:
        add_evidence(inc, [tmp_path / name], pixels=False)
        html = build_report(inc, "title,evidence,appendix").html()
    assert '<img src="file:x">' not in html and "<script>" not in html and "<b>a</b>" not in html
    assert "&lt;img src=&quot;file:x&quot;&gt;&amp;amp;.jpg" in html
    assert "&lt;script&gt;t&lt;/script&gt;" in html


def test_picture_budget_and_contact_sheet() -> None:
    from workbench.core.report.figures import MAX_SIDE, MIN_SIDE, contact_sheet, picture_side

    assert picture_side(1) == MAX_SIDE and picture_side(20) == MAX_SIDE
    assert picture_side(50) < MAX_SIDE and picture_side(10_000) == MIN_SIDE
    assert picture_side(50) ** 2 * 0.75 * 50 <= 36_000_000
    sheet = contact_sheet([make_jpeg(320, 240, seed=i) for i in range(3)], ["0.0 s", "1.0 s", "2.0 s"], 900)
    img = Image.open(io.BytesIO(sheet.data))
    assert img.width == 900 and sheet.mime == "image/jpeg"


def test_video_keyframes_make_a_contact_sheet_and_annotated_frames_their_own_entry(demo: Incident) -> None:
    from workbench.core.derived import add_derived_media

    video = item_id(demo, "square_walk.mp4")
    frames = []
    for i, colour in enumerate(((200, 60, 40), (40, 160, 70))):
        buf = io.BytesIO()
        Image.new("RGB", (320, 240), colour).save(buf, "PNG")
        changes = add_derived_media(
            demo, video, buf.getvalue(), f"square_walk_{i}.png", {"method": "keyframe", "tool": "test", "time_s": i}
        )
        frames.append(changes.ids["media"][0])
    ann.create_annotation(demo, frames[1], "point", {"x": 100, "y": 100}, label="a car")
    report = build_report(demo, "evidence")
    figures = report.figures()
    sheet = figures[f"item-{video}"]
    assert "2 keyframes" in sheet.caption and Image.open(io.BytesIO(sheet.data)).width > 320
    assert f"item-{frames[1]}" in figures and f"item-{frames[0]}" not in figures
    html = report.html()
    assert f"Item {frames[1]} · square_walk_1.png" in html and "a car" in html
    assert f"item {video}: " in html  # a derived entry names its parent
