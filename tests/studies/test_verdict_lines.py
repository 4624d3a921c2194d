"""The recorded verdicts as wrapped text."""

import pandas as pd
import pytest

from mcstudy.studies.verdict_lines import verdict_lines


def test_verdict_lines_wraps_and_names_untestable_claims():
    recorded = pd.DataFrame(
        {
            "claim_id": ["C1", "C2"],
            "verdict": ["supported", "not testable"],
            "measure": ["a share " * 20, float("nan")],
            "condition": ["holds " * 30, "the registry's note"],
        }
    )
    text = verdict_lines(recorded, width=60)
    assert text.startswith("C1 (supported) - a share")
    assert "C2 (not testable) - not testable.\n    the registry's note \n" in text
    assert all(len(line) <= 61 for line in text.splitlines())
    assert "C2 (not testable) - registry note:\n" in verdict_lines(
        recorded, no_measure="registry note:"
    )
    with pytest.raises(ValueError, match="condition"):
        verdict_lines(recorded.drop(columns="condition"))
