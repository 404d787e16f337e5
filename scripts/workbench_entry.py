"""Entry point of the desktop build: the same `workbench` command (window, or a sub-command)."""

from workbench.launcher import main

raise SystemExit(main())
