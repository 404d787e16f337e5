"""Render tests use pytest-qt's application (a QApplication), so that widget tests running later in the same
session find the kind of application they need; the renderer itself only needs a QGuiApplication."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.core.report.fixtures import demo, demo_master  # noqa: F401  (fixtures)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _qt_application(qapp: Any) -> Any:
    return qapp
