"""Claims and their verdicts: the registry's rules, verdict records, the scorecard.

- :mod:`~mcstudy.claims.rules`: each claim's pre-registered rule and the verdicts it gives
  from computed intervals (:func:`judge_effect`, :func:`judge_association`, ...);
- :mod:`~mcstudy.claims.judging`: every verdict of a notebook from one table of estimates
  (:func:`judge`, :func:`estimates_for`), and the judges of a robustness design
  (:func:`point_judges`);
- :mod:`~mcstudy.claims.combine`: how verdicts combine (:func:`with_robustness`,
  :func:`weakest`);
- :mod:`~mcstudy.claims.verdicts`: recording verdicts to ``results/verdicts.csv``, re-judged
  by their rule, and reading them back;
- :mod:`~mcstudy.claims.verdict_table`: the table on disk, read validated and written under a
  lock between processes;
- :mod:`~mcstudy.claims.scorecard`: the scorecard's tables, from the registry and the verdicts;
- :mod:`~mcstudy.claims.registry`: the registry's consistency with the notebooks;
- :mod:`~mcstudy.claims.reading`: how a notebook shows its claims, their rules and verdicts
  (:func:`quote_claims`, :func:`rule_table`, :func:`verdict_lines`).
"""

from mcstudy.claims.combine import VERDICT_STRENGTH, weakest, with_robustness
from mcstudy.claims.judging import estimates_for, judge, point_judges
from mcstudy.claims.reading import claims_of, quote_claims, rule_table, verdict_lines
from mcstudy.claims.registry import CLAIM_NOTEBOOKS, check_claim_notebooks
from mcstudy.claims.rules import (
    Rule,
    Verdict,
    judge_association,
    judge_consistency,
    judge_effect,
    judge_equivalence,
    judge_non_inferiority,
    rule_for,
)
from mcstudy.claims.scorecard import build_scorecard, load_scorecard
from mcstudy.claims.verdicts import (
    load_verdicts,
    record_untestable,
    record_verdict,
    summarise_claims,
)

__all__ = [
    "CLAIM_NOTEBOOKS",
    "VERDICT_STRENGTH",
    "Rule",
    "Verdict",
    "build_scorecard",
    "check_claim_notebooks",
    "claims_of",
    "estimates_for",
    "judge",
    "judge_association",
    "judge_consistency",
    "judge_effect",
    "judge_equivalence",
    "judge_non_inferiority",
    "load_scorecard",
    "load_verdicts",
    "point_judges",
    "quote_claims",
    "record_untestable",
    "record_verdict",
    "rule_for",
    "rule_table",
    "summarise_claims",
    "verdict_lines",
    "weakest",
    "with_robustness",
]
