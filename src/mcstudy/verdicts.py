"""The claims registry and the verdicts the notebooks record about them.

A verdict is computed, never typed in: :func:`judge_effect` turns an estimate and its
confidence interval into ``supported`` / ``not supported`` / ``conditional``, and
:func:`judge_association` compares an observational association with the causal effect
measured on randomised arms to detect an ``artefact``. :func:`record_verdict` writes the
result to ``results/verdicts.csv``, one row per claim, which the scorecard gathers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy._validation import check_option
from mcstudy.vocab import EVIDENCE, KIND_NOT_TESTABLE, VERDICT_NOT_TESTABLE, VERDICTS

__all__ = [
    "VERDICTS",
    "VERDICT_STRENGTH",
    "Verdict",
    "judge_association",
    "judge_effect",
    "load_verdicts",
    "record_untestable",
    "record_verdict",
    "summarise_claims",
    "weakest",
]



@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the statistic it follows from.

    Attributes
    ----------
    claim_id : str
        Id in ``data/claims.csv``.
    verdict : str
        One of :data:`VERDICTS`.
    effect : float
        The estimate the verdict rests on (NaN when there is none).
    ci_low, ci_high : float
        Its confidence interval.
    measure : str
        What ``effect`` measures, with its unit.
    method : str
        How it was estimated (test, design, replications).
    n : int
        Customers (or replications) behind the estimate.
    evidence : str
        ``causal`` (randomised arms), ``observational``, ``arithmetic`` or ``none``.
    condition : str
        For ``conditional``: the assumption the verdict hinges on; otherwise a short reason.
    notebook : str
        Notebook that computed it.
    """

    claim_id: str
    verdict: str
    effect: float
    ci_low: float
    ci_high: float
    measure: str
    method: str
    n: int
    evidence: str
    condition: str
    notebook: str

    def __post_init__(self):
        check_option(self.verdict, "verdict", VERDICTS)
        check_option(self.evidence, "evidence", EVIDENCE)

    def summary(self) -> pd.DataFrame:
        """The verdict as a one-row DataFrame."""
        return pd.DataFrame([asdict(self)])


def judge_effect(ci_low: float, ci_high: float, *, direction: int = 1,
                 claimed: float | None = None) -> str:
    """Verdict on a claimed effect from the confidence interval of its estimate.

    Parameters
    ----------
    ci_low, ci_high : float
        Confidence interval of the effect.
    direction : {1, -1}, default=1
        Sign the claim gives the effect (+1: it raises the outcome).
    claimed : float, default=None
        Magnitude claimed, in the same unit (e.g. 2.87 for "+287 %" as a relative lift).

    Returns
    -------
    str
        ``"supported"`` if the interval lies entirely on the claimed side of 0 and, when a
        magnitude is claimed, contains it or lies beyond it; ``"conditional"`` if the
        direction holds but the claimed magnitude lies beyond the interval (the effect exists
        but is smaller than claimed); ``"not supported"`` otherwise.
    """
    if direction not in (1, -1):
        raise ValueError(f"'direction' must be one of [-1, 1]; got {direction!r}.")
    low, high = sorted((direction * ci_low, direction * ci_high))
    if not low > 0:
        return "not supported"
    if claimed is None or direction * claimed <= high:
        return "supported"
    return "conditional"


def judge_association(observational_ci: tuple[float, float], causal_ci: tuple[float, float],
                      *, direction: int = 1) -> str:
    """Verdict on "X goes with more Y" when both the association and the causal effect are known.

    Returns ``"artefact"`` when the observational association is on the claimed side but the
    causal effect is not (its interval includes 0 or lies on the other side), ``"supported"``
    when both are, and ``"not supported"`` when not even the association is.
    """
    seen = judge_effect(*observational_ci, direction=direction)
    real = judge_effect(*causal_ci, direction=direction)
    if seen == "supported":
        return "supported" if real == "supported" else "artefact"
    return "not supported"


def record_untestable(claims: pd.DataFrame, notebook: str,
                      path: str | Path | None = None) -> pd.DataFrame:
    """Record a ``not testable`` verdict for every claim the registry marks ``not-testable``.

    The reason recorded is the registry's note. Returns the verdicts written.
    """
    rows = []
    for claim in claims[claims["kind"] == KIND_NOT_TESTABLE].itertuples(index=False):
        verdict = Verdict(claim.claim_id, VERDICT_NOT_TESTABLE, float("nan"), float("nan"),
                          float("nan"), "", "registry", 0, "none", claim.note, notebook)
        rows.append(record_verdict(verdict, path))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def record_verdict(verdict: Verdict, path: str | Path | None = None) -> pd.DataFrame:
    """Write ``verdict`` into the verdicts table (replacing an earlier one for the claim).

    Returns the verdict as a one-row DataFrame (rounded for display).
    """
    path = Path(path) if path is not None else config.VERDICTS_CSV
    row = verdict.summary()
    parts = [row]
    if path.exists():
        table = load_verdicts(path)
        parts.insert(0, table[table["claim_id"] != verdict.claim_id])
    table = pd.concat([p for p in parts if len(p)], ignore_index=True)
    table = table.sort_values("claim_id").reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, float_format="%.6g")
    return row.round(4)


def load_verdicts(path: str | Path | None = None) -> pd.DataFrame:
    """Read the verdicts table written by :func:`record_verdict`."""
    path = Path(path) if path is not None else config.VERDICTS_CSV
    text = ["claim_id", "verdict", "measure", "method", "evidence", "condition", "notebook"]
    df = pd.read_csv(path, dtype={c: str for c in text}, keep_default_na=False,
                     na_values={c: [""] for c in ("effect", "ci_low", "ci_high")})
    return df


def summarise_claims(claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Count claims by document, topic and kind.

    Parameters
    ----------
    claims : pandas.DataFrame
        The registry, as returned by :func:`mcstudy.io.catalogue.load_claims`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"by document and kind"`` (documents × kinds, with totals), ``"by topic and kind"``
        (topics × kinds, with totals) and ``"by notebook"`` (claims per notebook).
    """
    out = {}
    for title, rows in (("by document and kind", "source"), ("by topic and kind", "topic")):
        table = pd.crosstab(claims[rows], claims["kind"], margins=True, margins_name="total",
                            dropna=False)
        table.columns.name = None
        out[title] = table
    out["by notebook"] = (claims["notebook"].value_counts(sort=False).rename("claims")
                          .to_frame().rename_axis("notebook"))
    return out



#: Verdicts on a testable claim from the weakest to the strongest, for combining the parts of
#: a claim of the form "A and B" (it is no stronger than its weakest part).
VERDICT_STRENGTH = ("not supported", "artefact", "conditional", "supported")


def weakest(verdicts) -> str:
    """Return the weakest of ``verdicts`` in the order of :data:`VERDICT_STRENGTH`.

    Parameters
    ----------
    verdicts : iterable of str
        Verdicts on the parts of one claim.

    Raises
    ------
    ValueError
        If ``verdicts`` is empty or holds a verdict outside :data:`VERDICT_STRENGTH`.

    Examples
    --------
    >>> weakest(["supported", "artefact"])
    'artefact'
    """
    verdicts = list(verdicts)
    if not verdicts:
        raise ValueError("'verdicts' must hold at least one verdict; got [].")
    for v in verdicts:
        check_option(v, "verdict", VERDICT_STRENGTH)
    return min(verdicts, key=VERDICT_STRENGTH.index)
