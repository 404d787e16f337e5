"""Workers: results, errors and progress arrive on the GUI thread; cancelling stops work and delivers no result."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from workbench.core.errors import BadInput
from workbench.core.tasks import Progress
from workbench.gui.workers import Workers


def test_result_and_progress_arrive_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    workers = Workers()
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(n: int, *, progress: Progress) -> tuple[int, str]:
        for i in range(n):
            progress(i, n, f"step {i}")
            time.sleep(0.06)
        return n * 2, threading.current_thread().name

    def on_progress(done: int, total: int, message: str) -> None:
        seen["progress_thread"] = QThread.currentThread() is gui
        seen["total"] = total

    task = workers.run(work, 3, description="doubling", on_progress=on_progress)
    assert workers.active == [task]
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        pass
    value, thread_name = blocker.args[0]
    assert value == 6 and thread_name != threading.main_thread().name
    assert seen == {"progress_thread": True, "total": 3}
    qtbot.waitUntil(lambda: not workers.active)
    assert workers.wait()


def test_errors_are_delivered_not_raised(qtbot) -> None:  # type: ignore[no-untyped-def]
    workers = Workers()

    def fails(*, progress: Progress) -> None:
        raise BadInput("the quality must be 1-100")

    task = workers.run(fails)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], BadInput)
    assert workers.wait()


def test_cancel_stops_work_and_sends_no_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    workers = Workers()
    steps: list[int] = []
    results: list[object] = []

    def long(*, progress: Progress) -> str:
        for i in range(500):
            progress(i, 500)
            steps.append(i)
            time.sleep(0.005)
        return "finished"

    task = workers.run(long, on_result=results.append)
    qtbot.waitUntil(lambda: len(steps) > 3, timeout=5000)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()
    assert results == [] and len(steps) < 500
    assert workers.wait()


def test_writes_run_one_at_a_time(qtbot) -> None:  # type: ignore[no-untyped-def]
    workers = Workers()
    running = [0]
    peak = [0]
    lock = threading.Lock()

    def write(*, progress: Progress) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.03)
        with lock:
            running[0] -= 1

    tasks = [workers.run(write, writes=True) for _ in range(4)]
    with qtbot.waitSignals([t.finished for t in tasks], timeout=5000):
        pass
    assert peak[0] == 1
    assert workers.wait()


@pytest.mark.parametrize("visible", [True, False])
def test_invisible_tasks_stay_out_of_the_status_bar(qtbot, visible: bool) -> None:  # type: ignore[no-untyped-def]
    workers = Workers()
    task = workers.run(lambda *, progress: time.sleep(0.05), visible=visible)
    assert (task in workers.active) is visible
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert workers.wait()
