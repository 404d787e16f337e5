"""Derived media (keyframes): stored as items linked to their parent, with the derivation recorded and audited."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from workbench.core.derived import add_derived_media
from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident


def _png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 18), colour).save(buf, "PNG")
    return buf.getvalue()


def test_keyframe_becomes_a_linked_item(incident: Incident) -> None:
    parent = incident.media_item(1)
    derivation = {"time": 1.5, "frame_index": 45, "method": "scene-change", "params": {"threshold": 0.3}, "tool": "t"}
    changes = add_derived_media(incident, 1, _png((200, 10, 10)), "frame_000045.png", derivation)
    new_id = changes.ids["media"][0]
    item = incident.media_item(new_id)
    assert (item.parent_id, item.kind, item.mime) == (1, "image", "image/png")
    assert item.derivation == {"source_sha256": parent.sha256, **derivation}
    assert (item.summary.width, item.summary.height) == (32, 18)
    assert incident.media_bytes(new_id) == _png((200, 10, 10))
    assert incident.audit_log(newest_first=True, limit=1)[0].action == "media.derive"
    assert [m.id for m in incident.media_items(include_derived=False)] == [1, 2]
    again = add_derived_media(incident, 1, _png((200, 10, 10)), "again.png", derivation)
    assert again.ids["media"] == (new_id,)


def test_refuses_without_parent_or_method(incident: Incident) -> None:
    with pytest.raises(NotFound):
        add_derived_media(incident, 77, _png((0, 0, 0)), "f.png", {"method": "m", "tool": "t"})
    with pytest.raises(BadInput, match="method"):
        add_derived_media(incident, 1, _png((0, 0, 0)), "f.png", {"tool": "t"})
    with pytest.raises(BadInput):
        add_derived_media(incident, 1, b"", "f.png", {"method": "m", "tool": "t"})
