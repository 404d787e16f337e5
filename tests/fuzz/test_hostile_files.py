"""Hostile input, generated: random and mutated files through the metadata reader, the incident opener and verify.

Each must end in a result or a clear, typed error — no crash, no other exception, no hang over 5 s. Hypothesis
drives the mutations; the number of inputs tried is printed (run with -s to see it).
"""

from __future__ import annotations

import io
import os
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers import make_jpeg

from workbench.core.errors import WorkbenchError
from workbench.core.incident import Incident
from workbench.core.media.probe import probe_file
from workbench.core.verify import verify_incident

TRIED = {"probe": 0, "open": 0}
_SEEDS: dict[str, bytes] = {}


def _seeds() -> dict[str, bytes]:
    """Valid files of each kind the reader knows, to mutate."""
    if _SEEDS:
        return _SEEDS
    import piexif
    from PIL import Image

    from workbench.core.demo import exif_bytes, video_bytes

    exif = exif_bytes(
        taken_local=None, make="Cam", model="M1", software="Editor 1.0", gps=(10.5, -20.25), direction=90.0
    )
    _SEEDS["jpeg"] = make_jpeg(64, 48, seed=1, exif=exif)
    img = Image.new("RGB", (16, 16), (200, 10, 10))
    for fmt in ("PNG", "WEBP", "GIF", "TIFF"):
        buf = io.BytesIO()
        kwargs = {"exif": piexif.dump({"0th": {piexif.ImageIFD.Make: b"X"}})} if fmt in ("PNG", "WEBP") else {}
        img.save(buf, fmt, **kwargs)
        _SEEDS[fmt.lower()] = buf.getvalue()
    _SEEDS["mp4"] = video_bytes(seconds=0.5, fps=4, size=(64, 48))
    return _SEEDS


def _check_probe(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    result = probe_file(path)  # must not raise for any content
    assert time.monotonic() - started < 5.0, f"probe took too long on {len(data)} bytes"
    assert result.kind in ("image", "video", "file")
    result.to_json()  # JSON-able whatever was read
    TRIED["probe"] += 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["jpeg", "png", "webp", "gif", "tiff", "mp4"]),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), max_size=6),
    cut=st.floats(0.05, 1.0),
)
def test_mutated_media_never_crash_the_metadata_reader(
    tmp_path: Path, kind: str, edits: list[tuple[float, bytes]], cut: float
) -> None:
    data = bytearray(_seeds()[kind])
    for where, patch in edits:
        at = int(where * (len(data) - 1))
        data[at : at + len(patch)] = patch
    data = data[: max(1, int(len(data) * cut))]
    _check_probe(tmp_path, bytes(data), f"mutant.{kind}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=4096), ext=st.sampled_from(["jpg", "png", "mp4", "heic", "bin"]))
def test_random_bytes_with_any_name_are_read_or_reported(tmp_path: Path, data: bytes, ext: str) -> None:
    _check_probe(tmp_path, data, f"random.{ext}")


@pytest.fixture(scope="module")
def valid_incident(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inc") / "valid.incident"
    with Incident.create(path, title="fuzz") as inc:
        src = path.parent / "a.jpg"
        src.write_bytes(make_jpeg(seed=3))
        from workbench.core.ingest import add_evidence

        add_evidence(inc, [src], pixels=False)
    return path  # a path, not the bytes: hypothesis prints fixtures in failure reports


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.one_of(st.none(), st.integers(0, 300_000)),
    flips=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=8),
)
def test_damaged_incident_files_open_with_a_clear_error_or_verify_reports_damage(
    tmp_path: Path, valid_incident: Path, cut: int | None, flips: list[tuple[int, int]]
) -> None:
    original = valid_incident.read_bytes()
    data = bytearray(original)
    if cut is not None:
        data = data[:cut]
    for at, value in flips:
        if data:
            data[at % len(data)] = value
    path = tmp_path / f"damaged-{os.getpid()}-{TRIED['open']}.incident"
    path.write_bytes(bytes(data))
    TRIED["open"] += 1
    started = time.monotonic()
    try:
        with Incident.open(path, read_only=True) as inc:
            inc.info()
            inc.media_items()
        report = verify_incident(path)
        if cut is not None and cut < len(original):
            assert not report.intact, "a truncated incident must not verify as intact"
    except WorkbenchError:
        pass  # a typed error with a message: what the user sees
    except sqlite3.DatabaseError as exc:  # damage found past the header must still surface as a clear message
        pytest.fail(f"raw SQLite error escaped: {exc}")
    except Exception as exc:
        # SQLAlchemy wraps driver errors; those must be turned into WorkbenchError by the opener too
        pytest.fail(f"untyped error escaped: {type(exc).__name__}: {exc}")
    assert time.monotonic() - started < 5.0


def test_a_sqlite_file_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(WorkbenchError, match="another application"):
        Incident.open(path)


def test_report_how_many_inputs_were_tried() -> None:
    print(f"\nhostile inputs tried: metadata reader {TRIED['probe']}, incident opener {TRIED['open']}")
