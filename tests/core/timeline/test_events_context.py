"""Context objects with dates (page captures, reference images, domain registrations) are on the one clock."""

from __future__ import annotations

from pathlib import Path

from tests.core.context.makers import make_warc

from workbench.core.context import import_context_file
from workbench.core.incident import Incident
from workbench.core.timeline.events import build_events


def test_page_captures_appear_on_the_timeline(tmp_path: Path) -> None:
    with Incident.create(tmp_path / "t.incident", title="t") as inc:
        import_context_file(inc, make_warc(tmp_path / "pages.warc.gz"))
        events = build_events(inc)
        docs = [e for e in events if e.object_type == "context_document"]
        assert len(docs) == 2
        assert all(e.at.tzinfo is not None for e in docs)
        assert [e.at for e in events] == sorted(e.at for e in events)
