"""The hostile-input cases: each ``test_*.py`` here lists ``CASES`` (see ``sweep.py``)."""

import re
import warnings

import pytest


@pytest.fixture
def check_case():
    """Assert one case: refused with its exception and message, or a right result."""

    def run(case):
        case_id, thunk, expected, pattern = case
        if expected is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                thunk()
            return
        with pytest.raises(expected) as info:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                thunk()
        if pattern is not None:
            assert re.search(pattern, str(info.value)), (case_id, str(info.value))
        assert "mcstudy" in info.traceback[-1].path.parts, (
            f"{case_id}: raised outside mcstudy: {info.traceback[-1].path}"
        )

    return run
