"""The `workbench` command: a sub-command runs the command line, anything else opens the window.

Kept apart from both so that the command line never imports Qt and the window is only loaded when wanted.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from workbench.cli import COMMANDS

    if args and (args[0] in COMMANDS or args[0] in {"-h", "--help", "--version"}):
        from workbench.cli import main as cli_main

        return cli_main(args)
    from workbench.gui.main import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
