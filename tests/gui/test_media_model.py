"""The evidence models without widgets: sorting, filtering by kind and flag, searching."""

from __future__ import annotations

from workbench.core.media.model import Flag, Summary
from workbench.core.store.records import MediaItem
from workbench.gui.models.media import IdRole, MediaFilterProxy, MediaListModel


def _item(
    i: int,
    name: str,
    kind: str = "image",
    capture: str | None = None,
    flags: tuple[Flag, ...] = (),
    make: str | None = None,
) -> MediaItem:
    added = f"2025-01-0{i}T00:00:00+00:00"
    return MediaItem(
        id=i, sha256=f"{i:064x}", kind=kind, mime="image/jpeg", filename=name, size=100, added_utc=added,
        capture_time=capture, summary=Summary(make=make), flags=flags, reader="t",
    )  # fmt: skip


def _ids(proxy: MediaFilterProxy) -> list[int]:
    return [proxy.index(r, 0).data(IdRole) for r in range(proxy.rowCount())]


def test_sort_filter_search() -> None:
    model = MediaListModel()
    edited = Flag("editing_software", "notice", "Editing software named: Adobe Photoshop")
    model.set_items(
        [
            _item(1, "b.jpg", capture="2025-03-14T09:00:00+01:00", make="Fujifilm"),
            _item(2, "a.jpg", capture="2025-03-14T07:30:00+00:00", flags=(edited,)),  # 08:30 +01:00: earlier than 1
            _item(3, "clip.mp4", kind="video"),
            _item(4, "C.jpg", capture="2025-03-14T07:00:00"),
        ]
    )
    proxy = MediaFilterProxy()
    proxy.setSourceModel(model)
    assert _ids(proxy) == [4, 2, 1, 3]  # no capture time last
    proxy.set_sort_key("name")
    assert _ids(proxy) == [2, 1, 4, 3]
    proxy.set_sort_key("added")
    assert _ids(proxy) == [1, 2, 3, 4]
    proxy.set_kind("video")
    assert _ids(proxy) == [3]
    proxy.set_kind(None)
    proxy.set_flag("*")
    assert _ids(proxy) == [2]
    proxy.set_flag("editing_software")
    assert _ids(proxy) == [2]
    proxy.set_flag(None)
    proxy.set_search("fuji")
    assert _ids(proxy) == [1]
    proxy.set_search("photoshop")
    assert _ids(proxy) == [2]
    proxy.set_search("")
    model.upsert([_item(5, "new.jpg")])
    assert len(_ids(proxy)) == 5
