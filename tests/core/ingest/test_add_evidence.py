"""Adding evidence: unchanged bytes, content addressing, duplicates, refusals, the batch goes on."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from tests.helpers import make_jpeg

from workbench.core.errors import Cancelled
from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence, collect_files
from workbench.core.store import blobs
from workbench.core.tasks import CancelToken, Progress
from workbench.core.verify import verify_incident


def test_bytes_go_in_and_come_out_unchanged(tmp_path: Path, incident_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(make_jpeg(seed=1))
    big = tmp_path / "clip.bin"
    big.write_bytes(os.urandom(3 * blobs.CHUNK_SIZE + 12345))  # several chunks, the last one partial
    with Incident.create(incident_path, title="t") as inc:
        report = add_evidence(inc, [photo, big], pixels=False)
        assert (report.added, report.duplicates, report.refused) == (2, 0, 0)
        items = {m.filename: m for m in inc.media_items()}
        for path in (photo, big):
            item = items[path.name]
            assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
            assert item.size == path.stat().st_size
            out = tmp_path / f"out-{path.name}"
            inc.export_media(item.id, out)
            assert out.read_bytes() == path.read_bytes()
        assert items["clip.bin"].kind == "file"  # evidence is evidence, whatever it is
        assert inc.media_bytes(items["photo.jpg"].id) == photo.read_bytes()
    conn = sqlite3.connect(incident_path)
    assert conn.execute("SELECT chunk_count FROM blob WHERE size = ?", (big.stat().st_size,)).fetchone()[0] == 4
    conn.close()


def test_same_bytes_twice_is_one_item_with_two_sources(tmp_path: Path, incident_path: Path) -> None:
    data = make_jpeg(seed=2)
    (tmp_path / "a").mkdir()
    first = tmp_path / "a" / "original.jpg"
    second = tmp_path / "copy from chat.jpg"
    first.write_bytes(data)
    second.write_bytes(data)
    with Incident.create(incident_path, title="t", analyst="Ana") as inc:
        add_evidence(inc, [first], pixels=False, url="https://example.org/a")
        report = add_evidence(inc, [second], pixels=False, acquired_by="Ben")
        assert report.duplicates == 1 and report.added == 0
        (item,) = inc.media_items()
        sources = inc.media_sources(item.id)
        assert [s.original_name for s in sources] == ["original.jpg", "copy from chat.jpg"]
        assert sources[0].url == "https://example.org/a" and sources[0].acquired_by == "Ana"
        assert sources[1].acquired_by == "Ben"
        actions = [e.action for e in inc.audit_log()]
        assert actions == ["incident.create", "media.add", "media.source_add"]


def test_folders_recursive_and_broken_files_do_not_stop_the_batch(tmp_path: Path, incident_path: Path) -> None:
    root = tmp_path / "dump"
    for i in range(60):
        sub = root / f"d{i % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        if i % 10 == 3:
            (sub / f"empty{i}.jpg").write_bytes(b"")
        elif i % 10 == 7:
            (sub / f"broken{i}.jpg").write_bytes(make_jpeg(seed=i)[:-200])  # truncated JPEG: still evidence
        else:
            (sub / f"p{i}.jpg").write_bytes(make_jpeg(seed=i))
    os.mkfifo(root / "a-pipe")
    with Incident.create(incident_path, title="t") as inc:
        report = add_evidence(inc, [root, tmp_path / "nowhere.jpg"], pixels=False)
        refused = {Path(o.path).name: o.reason for o in report.outcomes if o.status == "refused"}
        assert set(refused) == {f"empty{i}.jpg" for i in range(3, 60, 10)} | {"a-pipe", "nowhere.jpg"}
        assert all("0 bytes" in refused[f"empty{i}.jpg"] for i in range(3, 60, 10))
        assert "does not exist" in refused["nowhere.jpg"]
        assert "not a regular file" in refused["a-pipe"]
        assert report.added == 54
        assert len(inc.media_items()) == 54
    assert verify_incident(incident_path).intact


def test_collect_files_is_sorted_and_does_not_follow_folder_links(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "2.jpg").write_bytes(b"x")
    (tmp_path / "a" / "1.jpg").write_bytes(b"x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    names = [p.relative_to(tmp_path).as_posix() for p, _ in collect_files([tmp_path])]
    assert names == ["a/1.jpg", "b/2.jpg"]


def test_cancel_keeps_what_was_committed_and_nothing_half_written(tmp_path: Path, incident_path: Path) -> None:
    files = []
    for i in range(6):
        p = tmp_path / f"{i}.jpg"
        p.write_bytes(make_jpeg(seed=i))
        files.append(p)
    token = CancelToken()

    def on_progress(done: int, total: int, message: str) -> None:
        if done == 3:
            token.cancel()

    with Incident.create(incident_path, title="t") as inc:
        report = add_evidence(inc, files, progress=Progress(on_progress, token), pixels=False)
        assert report.cancelled
        assert report.added == 3
        assert len(inc.media_items()) == 3
    assert verify_incident(incident_path).intact


def test_file_changing_while_added_is_refused(
    tmp_path: Path, incident_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.core.ingest as ingest

    path = tmp_path / "growing.jpg"
    path.write_bytes(make_jpeg(seed=3))
    real_probe = ingest._probe

    def probe_then_change(p: Path) -> object:
        result = real_probe(p)
        os.utime(p, ns=(0, 10**9))  # another program rewrites it between our stat and our read
        p.write_bytes(p.read_bytes()[:-10] + b"0123456789")
        return result

    monkeypatch.setattr(ingest, "_probe", probe_then_change)
    with Incident.create(incident_path, title="t") as inc:
        report = add_evidence(inc, [path], pixels=False)
        assert report.refused == 1
        assert "changed while it was being added" in (report.outcomes[0].reason or "")
        assert inc.media_items() == []
    assert verify_incident(incident_path).intact


def test_same_size_different_bytes_are_two_items(tmp_path: Path, incident_path: Path) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"x" * 5000)
    b.write_bytes(b"y" * 5000)  # same size: pre-hashed to rule out a duplicate, then stored
    with Incident.create(incident_path, title="t") as inc:
        report = add_evidence(inc, [a, b, a], pixels=False)
        assert [o.status for o in report.outcomes] == ["added", "added", "duplicate"]


def test_cancelled_error_type() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        Progress(None, token)(0, 1, "x")
