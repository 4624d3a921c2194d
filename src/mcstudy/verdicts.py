"""The claims registry and the verdicts the notebooks record about them.

A verdict is computed, never typed in: :func:`judge_effect` turns an estimate and its
confidence interval into ``supported`` / ``not supported`` / ``conditional``, and
:func:`judge_association` compares an observational association with the causal effect
measured on randomised arms to detect an ``artefact``. :func:`record_verdict` writes the
result to ``results/verdicts.csv``, one row per claim, which the scorecard gathers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from numbers import Integral, Real
from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy._validation import check_option
from mcstudy.io.catalogue import load_claims
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

    Raises
    ------
    TypeError
        If a field has the wrong type (text fields must be str, ``n`` an int, the numbers
        real).
    ValueError
        If ``verdict`` or ``evidence`` is not in its vocabulary, ``claim_id`` is blank, ``n``
        is negative, ``ci_low > ci_high``, ``effect`` lies outside ``[ci_low, ci_high]``, a
        verdict other than ``not testable`` has a NaN interval, or a ``not testable``
        verdict has a number (its effect and interval must be NaN and ``n`` 0).

    Notes
    -----
    ``effect`` may be NaN when the verdict rests on the interval alone, and interval limits
    may be infinite (one-sided intervals); ``effect`` itself must then be finite or NaN.
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
        for name in ("claim_id", "measure", "method", "condition", "notebook"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"{name!r} must be a str; got {value!r}.")
        if not self.claim_id.strip():
            raise ValueError(
                f"'claim_id' must be a claim id such as 'C001-06'; got {self.claim_id!r}."
            )
        check_option(self.verdict, "verdict", VERDICTS)
        check_option(self.evidence, "evidence", EVIDENCE)
        if isinstance(self.n, bool) or not isinstance(self.n, Integral):
            raise TypeError(f"'n' must be an int >= 0; got {self.n!r}.")
        if self.n < 0:
            raise ValueError(f"'n' must be an int >= 0; got {self.n!r}.")
        for name in ("effect", "ci_low", "ci_high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(f"{name!r} must be a real number (NaN allowed); got {value!r}.")
        effect, low, high = float(self.effect), float(self.ci_low), float(self.ci_high)
        if self.verdict == VERDICT_NOT_TESTABLE:
            numbers = {
                name: value
                for name, value in (("effect", effect), ("ci_low", low), ("ci_high", high))
                if not math.isnan(value)
            }
            if self.n != 0:
                numbers["n"] = int(self.n)
            if numbers:
                raise ValueError(
                    f"a {VERDICT_NOT_TESTABLE!r} verdict rests on no estimate: 'effect', "
                    f"'ci_low' and 'ci_high' must be NaN and 'n' 0; got {numbers}."
                )
            return
        for name, value in (("ci_low", low), ("ci_high", high)):
            if math.isnan(value):
                raise ValueError(
                    f"{name!r} must be a number when 'verdict' is {self.verdict!r} (only "
                    f"{VERDICT_NOT_TESTABLE!r} verdicts may lack an interval); got nan."
                )
        if low > high:
            raise ValueError(
                f"'ci_low' must be <= 'ci_high'; got ci_low={low!r} > ci_high={high!r}."
            )
        if math.isinf(effect) or not (math.isnan(effect) or low <= effect <= high):
            raise ValueError(
                f"'effect' must be finite and lie in its interval [ci_low, ci_high] = "
                f"[{low!r}, {high!r}] (or be NaN); got {effect!r}."
            )

    def summary(self) -> pd.DataFrame:
        """The verdict as a one-row DataFrame."""
        return pd.DataFrame([asdict(self)])


def judge_effect(
    ci_low: float, ci_high: float, *, direction: int = 1, claimed: float | None = None
) -> str:
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

    Raises
    ------
    TypeError
        If a limit is not a real number.
    ValueError
        If ``direction`` is not 1 or -1, a limit is NaN (an interval that could not be
        computed would otherwise read as "not supported") or ``ci_low > ci_high``.
    """
    if direction not in (1, -1):
        raise ValueError(f"'direction' must be one of [-1, 1]; got {direction!r}.")
    for name, value in (("ci_low", ci_low), ("ci_high", ci_high)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name!r} must be a real number; got {value!r}.")
        if math.isnan(value):
            raise ValueError(f"{name!r} must be a real number, not NaN; got {value!r}.")
    if ci_low > ci_high:
        raise ValueError(
            f"'ci_low' must be <= 'ci_high'; got ci_low={ci_low!r} > ci_high={ci_high!r}."
        )
    low, high = sorted((direction * ci_low, direction * ci_high))
    if not low > 0:
        return "not supported"
    if claimed is None or direction * claimed <= high:
        return "supported"
    return "conditional"


def judge_association(
    observational_ci: tuple[float, float], causal_ci: tuple[float, float], *, direction: int = 1
) -> str:
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


def record_untestable(
    claims: pd.DataFrame, notebook: str, path: str | Path | None = None
) -> pd.DataFrame:
    """Record a ``not testable`` verdict for every claim the registry marks ``not-testable``.

    The reason recorded is the registry's note; ``claims`` is also the registry the claim
    ids are checked against. Returns the verdicts written.
    """
    rows = []
    for claim in claims[claims["kind"] == KIND_NOT_TESTABLE].itertuples(index=False):
        verdict = Verdict(
            claim.claim_id,
            VERDICT_NOT_TESTABLE,
            float("nan"),
            float("nan"),
            float("nan"),
            "",
            "registry",
            0,
            "none",
            claim.note,
            notebook,
        )
        rows.append(record_verdict(verdict, path, claims=claims))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _registry_ids(claims: pd.DataFrame | str | Path | None) -> tuple[set[str], str]:
    """Claim ids of the registry ``claims`` (a frame, a CSV path, or None for the default)."""
    if claims is None or isinstance(claims, (str, Path)):
        source = str(claims) if claims is not None else "data/claims.csv"
        claims = load_claims(claims)
    elif isinstance(claims, pd.DataFrame):
        source = "the 'claims' frame"
        if "claim_id" not in claims.columns:
            raise ValueError(
                f"'claims' must have a 'claim_id' column; it has columns {list(claims.columns)}."
            )
    else:
        raise TypeError(
            f"'claims' must be a DataFrame, a path or None; got {type(claims).__name__}."
        )
    return set(claims["claim_id"].astype(str)), source


def record_verdict(
    verdict: Verdict,
    path: str | Path | None = None,
    *,
    claims: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Write ``verdict`` into the verdicts table (replacing an earlier one for the claim).

    Parameters
    ----------
    verdict : Verdict
        The verdict; its values are checked when it is created.
    path : str or Path, default=None
        Verdicts CSV; ``results/verdicts.csv`` of the repository when None.
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry ``verdict.claim_id`` must belong to: a frame with a ``claim_id``
        column, a CSV path read with :func:`mcstudy.io.load_claims`, or ``data/claims.csv``
        when None.

    Returns
    -------
    pandas.DataFrame
        The verdict as a one-row DataFrame (rounded for display).

    Raises
    ------
    TypeError
        If ``verdict`` is not a :class:`Verdict` or ``claims`` is of the wrong type.
    ValueError
        If ``verdict.claim_id`` is not in the registry; nothing is written then.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"'verdict' must be a Verdict; got {type(verdict).__name__}.")
    ids, source = _registry_ids(claims)
    if verdict.claim_id not in ids:
        raise ValueError(
            f"'claim_id' must be an id of the claims registry ({source}, {len(ids)} claims, "
            f"e.g. {sorted(ids)[:3]}); got {verdict.claim_id!r}."
        )
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
    df = pd.read_csv(
        path,
        dtype={c: str for c in text},
        keep_default_na=False,
        na_values={c: [""] for c in ("effect", "ci_low", "ci_high")},
    )
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
        table = pd.crosstab(
            claims[rows], claims["kind"], margins=True, margins_name="total", dropna=False
        )
        table.columns.name = None
        out[title] = table
    out["by notebook"] = (
        claims["notebook"]
        .value_counts(sort=False)
        .rename("claims")
        .to_frame()
        .rename_axis("notebook")
    )
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
