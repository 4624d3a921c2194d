"""Allow ``python -m mcstudy``."""

from mcstudy.cli import main

raise SystemExit(main())
