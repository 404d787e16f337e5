"""The migration ladder: `vNNN_name.py` modules, each with `upgrade(conn)` taking a file from NNN-1 to NNN.

All steps needed run in one exclusive transaction after a backup copy (see `engine.open_file`); a failure leaves
the file as it was. A new format is a new module: never edit a released step.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from types import ModuleType

from sqlalchemy import Connection, Engine

Step = Callable[[Connection], None]


def _discover() -> dict[int, Step]:
    steps: dict[int, Step] = {}
    for info in pkgutil.iter_modules(__path__):
        match = re.fullmatch(r"v(\d{3})_\w+", info.name)
        if not match:
            continue
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        number = int(match.group(1))
        if number in steps:
            raise RuntimeError(f"two migration steps claim format {number}")
        steps[number] = module.upgrade
    expected = list(range(1, len(steps) + 1))
    if sorted(steps) != expected:
        raise RuntimeError(f"migration steps must be 1..N without gaps, found {sorted(steps)}")
    return steps


def run_statements(conn: Connection, statements: list[str]) -> None:
    for sql in statements:
        conn.exec_driver_sql(sql)


STEPS: dict[int, Step] = _discover()
CURRENT_VERSION: int = max(STEPS)


def migrate(engine: Engine, from_version: int) -> None:
    """Run every step after `from_version` in one transaction and set `user_version`."""
    with engine.begin() as conn:
        for number in range(from_version + 1, CURRENT_VERSION + 1):
            STEPS[number](conn)
        conn.exec_driver_sql(f"PRAGMA user_version = {CURRENT_VERSION}")
