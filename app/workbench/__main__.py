"""`python -m workbench` behaves like the `workbench` command."""

from workbench.launcher import main

raise SystemExit(main())
