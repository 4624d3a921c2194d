"""The bad-input sweep: every hostile input of ``tests/hostile``, run and classified.

Each ``tests/hostile/test_*.py`` module holds a list ``CASES`` of tuples
``(case_id, thunk, expected, pattern)``:

- ``case_id``: ``"family/what"``; the family is the row of the sweep's table;
- ``thunk``: a function of no argument that calls mcstudy with the hostile input;
- ``expected``: the exception class the call must raise (``TypeError``, ``ValueError`` or an
  ``OSError`` subclass), or ``None`` when the input is valid but awkward and the call must
  return a right result: the thunk then checks the result itself and raises
  ``AssertionError`` when it is wrong;
- ``pattern``: a regular expression the error message must match (``None`` with ``expected``
  ``None``).

The same modules are pytest tests (each asserts its own cases). Run as a script, this file
classifies every case instead of asserting it, so the package can be compared before and after
a change (put the old tree first on ``PYTHONPATH``)::

    python tests/hostile/sweep.py            # a table by family
    python tests/hostile/sweep.py --cases    # every case that is not a clear refusal

A case is

- ``clear``: refused with ``expected`` (or a subclass), raised by mcstudy's own code, with a
  message matching ``pattern``; or, when ``expected`` is ``None``, returned a right result;
- ``reworded``: refused as ``clear`` but with a message that does not match ``pattern`` (on
  older code: a clear refusal in other words; the tests require the pattern);
- ``raw``: refused with any other exception, or with one raised inside numpy, pandas or the
  standard library rather than by mcstudy;
- ``silent``: accepted, with a wrong result (no exception, or the thunk's own
  ``AssertionError``).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import traceback
import warnings
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_cases() -> list[tuple]:
    """Every case of every ``test_*.py`` module beside this file, in file order."""
    cases = []
    for path in sorted(HERE.glob("test_*.py")):
        spec = importlib.util.spec_from_file_location(f"_hostile_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend(module.CASES)
    return cases


def _raised_by_mcstudy(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and "mcstudy" in Path(frames[-1].filename).parts


def classify(case: tuple) -> tuple[str, str]:
    """``(outcome, detail)`` of one case: ``clear``, ``reworded``, ``raw`` or ``silent``."""
    case_id, thunk, expected, pattern = case
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            thunk()
    except AssertionError as exc:
        return "silent", f"wrong result: {exc}"
    except Exception as exc:  # noqa: BLE001 - classifying any exception is the point
        detail = f"{type(exc).__name__}: {str(exc)[:160]}"
        if expected is None:
            return "raw", detail
        if not isinstance(exc, expected) or not _raised_by_mcstudy(exc):
            return "raw", detail
        if pattern is not None and not re.search(pattern, str(exc)):
            return "reworded", f"message does not match {pattern!r}: {detail}"
        return "clear", detail
    if expected is None:
        return "clear", "right result"
    return "silent", "accepted"


def main(argv: list[str] | None = None) -> int:
    """Print the sweep's table (and with ``--cases`` every case that is not clear)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", action="store_true", help="list the cases not refused clearly")
    args = parser.parse_args(argv)
    import mcstudy

    print(f"mcstudy imported from {Path(mcstudy.__file__).parent}")
    table: dict[str, Counter] = {}
    bad = []
    for case in load_cases():
        outcome, detail = classify(case)
        table.setdefault(case[0].split("/")[0], Counter())[outcome] += 1
        if outcome != "clear":
            bad.append((case[0], outcome, detail))
    print("| family | inputs | clear | clear, other words | raw error | silent wrong |")
    print("|---|---:|---:|---:|---:|---:|")
    total = Counter()
    for family, counts in table.items():
        n = sum(counts.values())
        total.update(counts)
        print(
            f"| {family} | {n} | {counts['clear']} | {counts['reworded']} | {counts['raw']} "
            f"| {counts['silent']} |"
        )
    n = sum(total.values())
    print(
        f"| total | {n} | {total['clear']} | {total['reworded']} | {total['raw']} "
        f"| {total['silent']} |"
    )
    if args.cases:
        for case_id, outcome, detail in bad:
            print(f"{outcome:6} {case_id}: {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
