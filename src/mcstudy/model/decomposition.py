"""Shapley decomposition of an outcome difference among the factors that produce it.

:func:`shapley_decomposition` takes the outcome of every subset of factors switched on (the
arms of :func:`~mcstudy.model.design.integration_path`, for instance) and returns each
factor's Shapley value: its share of the difference between all factors on and none.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import pandas as pd

from mcstudy._validation import check_number

__all__ = ["shapley_decomposition"]


def _subset_key(key: object) -> frozenset[str]:
    """A key of ``values`` (frozenset, tuple or 'a+b' / 'none' arm name) as a frozenset."""
    if isinstance(key, str):
        return frozenset() if key == "none" else frozenset(key.split("+"))
    if isinstance(key, frozenset | set | tuple | list):
        if not all(isinstance(f, str) for f in key):
            raise TypeError(f"'values' keys must be sets of factor names; got {key!r}.")
        return frozenset(key)
    raise TypeError(
        f"'values' keys must be frozensets or tuples of factor names, or arm names of "
        f"integration_path ('a+b', 'none'); got {key!r}."
    )


def shapley_decomposition(
    values: Mapping[frozenset[str] | tuple[str, ...] | str, float] | pd.Series,
    factors: Sequence[str] | None = None,
) -> dict[str, float]:
    r"""Shapley value of each factor for an outcome known at every subset of factors switched on.

    Parameters
    ----------
    values : mapping or pandas.Series
        Outcome (e.g. margin per customer) for every subset of ``factors`` switched on: keys
        are frozensets or tuples of factor names, or the arm names of
        :func:`integration_path` (``"none"``, ``"a"``, ``"a+b"``, ...), so that
        ``res.summary().set_index("arm")["margin_per_customer_eur"]`` can be passed as is.
        Every one of the :math:`2^k` subsets is required.
    factors : sequence of str, default=None
        The factors, in the order of the result; None for every factor named in the keys, in
        order of first appearance.

    Returns
    -------
    dict of str to float
        Factor -> its Shapley value

        .. math:: \phi_i = \sum_{S \subseteq N \setminus \{i\}}
           \frac{|S|!\,(k-|S|-1)!}{k!}\,\bigl(v(S \cup \{i\}) - v(S)\bigr),

        the change in the outcome when factor :math:`i` is switched on, averaged over the
        :math:`k!` orders in which the factors can be switched on. The values add up to
        :math:`v(N) - v(\emptyset)` (up to rounding); interactions are shared equally among
        the factors involved.

    Raises
    ------
    TypeError, ValueError
        If a key is not a set of factor names, names an unknown factor, two keys give the same
        subset, a subset is missing (the message lists some) or an outcome is not a finite
        number.

    Notes
    -----
    With outcomes from one simulation, each :math:`v(S)` carries Monte Carlo error; the
    Shapley values are linear in the :math:`v(S)`, so their standard errors follow from those
    of the arms (or from replications, :func:`mcstudy.experiments.replicate`).

    References
    ----------
    .. [1] Shapley, L. S. (1953). A value for n-person games. In H. W. Kuhn and A. W. Tucker
       (eds.), *Contributions to the Theory of Games II*, Annals of Mathematics Studies 28,
       Princeton University Press, 307-317.

    Examples
    --------
    >>> v = {(): 0.0, ("a",): 1.0, ("b",): 2.0, ("a", "b"): 5.0}
    >>> shapley_decomposition(v, ["a", "b"])
    {'a': 2.0, 'b': 3.0}
    """
    if isinstance(values, pd.Series):
        values = values.to_dict()
    if not isinstance(values, Mapping) or not values:
        raise TypeError(
            f"'values' must be a non-empty mapping subset of factors -> outcome; got {values!r}."
        )
    table: dict[frozenset[str], float] = {}
    for key, value in values.items():
        subset = _subset_key(key)
        if subset in table:
            raise ValueError(
                f"two keys of 'values' give the same subset of factors {sorted(subset)}; the "
                f"second is {key!r}."
            )
        table[subset] = check_number(value, f"values[{key!r}]")
    if factors is None:
        factors = list(dict.fromkeys(f for key in table for f in sorted(key)))
    elif isinstance(factors, str) or not isinstance(factors, Sequence):
        raise TypeError(f"'factors' must be a sequence of factor names; got {factors!r}.")
    factors = list(factors)
    if len(set(factors)) != len(factors) or not factors:
        raise ValueError(f"'factors' must be distinct factor names, at least one; got {factors}.")
    unknown = sorted(set().union(*table) - set(factors))
    if unknown:
        raise ValueError(f"'values' names factors {unknown} that are not in 'factors' {factors}.")
    k = len(factors)
    subsets = [frozenset(c) for r in range(k + 1) for c in itertools.combinations(factors, r)]
    missing = [sorted(s) for s in subsets if s not in table]
    if missing:
        raise ValueError(
            f"'values' must give the outcome for all 2**{k} = {2**k} subsets of the factors "
            f"{factors}; {len(missing)} missing, e.g. {missing[:5]}."
        )
    weight = [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    out = {}
    for f in factors:
        terms = [weight[len(s)] * (table[s | {f}] - table[s]) for s in subsets if f not in s]
        out[f] = math.fsum(terms)
    return out
