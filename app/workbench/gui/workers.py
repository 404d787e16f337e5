"""Running core work off the GUI thread: progress and results come back as signals, on the GUI thread.

`Workers.run(fn, *args, ...)` calls `fn(*args, progress=Progress)` in a thread pool and returns a `Task`. The
Task is a QObject living on the GUI thread: its signals (`progressed`, `succeeded`, `failed`, `finished`) are
delivered there by Qt's queued connections, so callbacks may touch widgets. Cancelling sets the core
`CancelToken`; the core raises `Cancelled` at its next check and its transaction rolls back.

Rules (ARCHITECTURE.md, practice 5): a worker gets ids and paths, opens its own connections through the Incident
facade (its engine makes a new SQLite connection per use, in the calling thread), and returns plain frozen
records or QImages, never ORM rows or connections. Work that writes runs on the one-thread writer pool, so
writes never race each other.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from workbench.core.errors import Cancelled, WorkbenchError
from workbench.core.tasks import CancelToken, Progress

log = logging.getLogger(__name__)


class Task(QObject):
    """One piece of background work. Connect to its signals or pass callbacks to `Workers.run`."""

    progressed = Signal(int, int, str)  # done, total, message
    succeeded = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception (WorkbenchError: show str(exc); anything else is a bug)
    finished = Signal()  # after succeeded/failed, or when cancelled

    def __init__(self, description: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.description = description
        self.token = CancelToken()
        self.done = 0
        self.total = 0
        self.message = description
        self.is_finished = False
        self.started_at = time.perf_counter()

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def _progress(self, done: int, total: int, message: str) -> None:
        self.done, self.total, self.message = done, total, message or self.description
        self.progressed.emit(done, total, self.message)

    def _finish(self, result: object, error: object) -> None:
        self.is_finished = True
        if error is None:
            self.succeeded.emit(result)
        elif not isinstance(error, Cancelled):
            self.failed.emit(error)
        self.finished.emit()


class _Runnable(QRunnable):
    """Runs in a pool thread. It never holds the Task (a GUI-thread object): only its number, its cancel token
    and the long-lived Workers whose signals carry progress and the outcome back to the GUI thread."""

    def __init__(
        self,
        workers: Workers,
        number: int,
        token: CancelToken,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._workers = workers
        self._number = number
        self._token = token
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._last_emit = 0.0

    def _report(self, done: int, total: int, message: str) -> None:
        now = time.perf_counter()
        # At most ~20 progress events a second reach the GUI: a chatty loop must not flood the event queue.
        if now - self._last_emit >= 0.05 or done >= total > 0:
            self._last_emit = now
            self._workers._progress_from_worker.emit(self._number, done, total, message)

    def run(self) -> None:
        progress = Progress(self._report, self._token)
        result: object = None
        error: BaseException | None = None
        try:
            if self._token.cancelled:
                raise Cancelled("Cancelled before it started.")
            result = self._fn(*self._args, progress=progress, **self._kwargs)
        except Cancelled as exc:
            error = exc
        except WorkbenchError as exc:
            error = exc
        except Exception as exc:  # a bug: keep the traceback in the log, show the message
            log.error("background task failed:\n%s", traceback.format_exc())
            error = exc
        self._fn, self._args, self._kwargs = _nothing, (), {}
        self._workers._done_from_worker.emit(self._number, result, error)


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


class Workers(QObject):
    """The application's background work: a reader pool (all cores) and a one-thread writer pool."""

    tasks_changed = Signal()  # a task started, progressed or ended: the status bar redraws

    # Emitted from pool threads; Workers lives on the GUI thread, so its slots run there (queued connections).
    _progress_from_worker = Signal(int, int, int, str)
    _done_from_worker = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, *, max_readers: int | None = None) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        if max_readers:
            self._readers.setMaxThreadCount(max_readers)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._active: list[Task] = []
        self._running: dict[int, Task] = {}
        self._counter = 0
        self._progress_from_worker.connect(self._on_progress)
        self._done_from_worker.connect(self._on_done)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        description: str = "Working",
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        writes: bool = False,
        visible: bool = True,
        **kwargs: Any,
    ) -> Task:
        """Run `fn(*args, progress=..., **kwargs)` off the GUI thread; `fn` must accept `progress`.

        `visible=False` keeps small, frequent work (thumbnails) out of the status bar.
        """
        task = Task(description, self)
        if on_result is not None:
            task.succeeded.connect(on_result)
        if on_error is not None:
            task.failed.connect(on_error)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        self._counter += 1
        self._running[self._counter] = task
        if visible:
            self._active.append(task)
        (self._writer if writes else self._readers).start(_Runnable(self, self._counter, task.token, fn, args, kwargs))
        if visible:
            self.tasks_changed.emit()
        return task

    @Slot(int, int, int, str)
    def _on_progress(self, number: int, done: int, total: int, message: str) -> None:
        task = self._running.get(number)
        if task is not None:
            task._progress(done, total, message)
            if task in self._active:
                self.tasks_changed.emit()

    @Slot(int, object, object)
    def _on_done(self, number: int, result: object, error: object) -> None:
        task = self._running.pop(number, None)
        if task is None:
            return
        try:
            task._finish(result, error)
        finally:
            self._forget(task)

    def _forget(self, task: Task) -> None:
        if task in self._active:
            self._active.remove(task)
            self.tasks_changed.emit()
        task.setParent(None)  # Python owns it now: it lives as long as someone holds it

    @property
    def active(self) -> list[Task]:
        """Visible tasks still running, oldest first."""
        return list(self._active)

    def cancel_all(self) -> None:
        for task in list(self._running.values()):
            task.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until both pools are idle (closing an incident, quitting, tests)."""
        deadline = time.perf_counter() + msecs / 1000
        ok = self._writer.waitForDone(msecs)
        left = max(0, int((deadline - time.perf_counter()) * 1000))
        return self._readers.waitForDone(left) and ok
