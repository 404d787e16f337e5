"""The command line over the core: scriptable, and what tests and CI drive.

Each area has a module here with `register(subparsers)`; a module's heavy imports happen inside its command
functions so that `workbench --help` stays instant. Commands print JSON on stdout with `--json`, progress on
stderr, and a one-line message with a non-zero exit on errors a user can cause.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

from workbench import __version__
from workbench.core.errors import WorkbenchError

# Areas in the order their commands are listed in --help. A missing module is skipped, so an area can land later.
_AREAS = ("evidence", "media", "forensics", "sun", "geo", "posts", "context", "report", "demo")

EXIT_OK = 0
EXIT_FAILED_CHECK = 1  # e.g. `verify` found damage
EXIT_ERROR = 2  # the command could not do what was asked


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Verification Workbench: verify one incident's photos, videos and posts, offline. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in _AREAS:
        try:
            module = importlib.import_module(f"{__name__}.{area}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{area}":
                continue
            raise
        module.register(sub)
    return parser


def _command_names() -> frozenset[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return frozenset(action.choices)
    return frozenset()


class _Commands:
    """Lazily computed set of sub-command names (the launcher asks before deciding CLI or window)."""

    _names: frozenset[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            self._names = _command_names()
        return name in self._names


COMMANDS = _Commands()


def print_json(value: Any) -> None:
    # One write: json.dump to a text stream issues a write per token (700,000 for 5,000 items).
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def stderr_progress(done: int, total: int, message: str) -> None:
    """Progress on stderr: one line per step when piped, an updating line on a terminal."""
    text = f"[{done}/{total}] {message}" if total else message
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K" + text[:150])
        if total and done >= total:
            sys.stderr.write("\n")
    else:
        sys.stderr.write(text + "\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_OK
    try:
        return func(args)
    except WorkbenchError as exc:
        sys.stderr.write(f"workbench: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("workbench: interrupted; nothing half-done was kept.\n")
        return 130
