"""Long work without Qt: a progress callback and a cancel token.

Core functions that take time accept a `Progress` and call it often; the GUI wraps it in a worker that forwards
progress to the status bar, the command line prints it to stderr. Cancelling raises `Cancelled` at the next
check, and the caller's transaction rolls back, so nothing half-done is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.core.errors import Cancelled

ProgressCallback = Callable[[int, int, str], None]
"""Called with (done, total, message); total may be 0 when unknown."""


@dataclass
class CancelToken:
    """Set from any thread; long work checks it between steps."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("Cancelled by the user; nothing half-done was kept.")


@dataclass
class Progress:
    """Progress reporting plus cancellation, passed into long core work."""

    callback: ProgressCallback | None = None
    token: CancelToken = field(default_factory=CancelToken)

    def __call__(self, done: int, total: int, message: str = "") -> None:
        self.token.raise_if_cancelled()
        if self.callback is not None:
            self.callback(done, total, message)
            self.token.raise_if_cancelled()  # the callback is where a user's cancel is often noticed

    def check(self) -> None:
        self.token.raise_if_cancelled()


def no_progress() -> Progress:
    return Progress()
