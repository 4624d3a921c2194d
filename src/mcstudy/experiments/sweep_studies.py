"""The studies shipped with mcstudy, for :func:`mcstudy.experiments.sweep` and ``mcstudy sweep``.

The registry imports this module the first time a study is looked up by name
(:data:`mcstudy.experiments.registry.STUDIES`), so importing mcstudy registers nothing by side
effect.

Each study is a top-level function ``study(params, rng) -> dict[str, float]`` (``rng`` the task's
``numpy.random.SeedSequence``) so it can run in
other processes and on Dask workers; it runs the simulator on one thread (parallelism comes from
running tasks side by side).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mcstudy._validation import check_number
from mcstudy._vocab import DEFAULT_CONSENT_RATE, PARAMETER_RANGES
from mcstudy.experiments.registry import FloatParam, IntParam, OptionParam, register_study
from mcstudy.model.design import equalise
from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.strategies import STRATEGIES, Monochannel, make_strategy

__all__ = ["email_experiment", "strategy_comparison", "toy_poisson"]

_POPULATION_PARAMS = {
    "n_customers": IntParam(*PARAMETER_RANGES["n_customers"], default=20_000),
    "social_share": FloatParam(*PARAMETER_RANGES["social_share"], default=0.5),
    "engagement_breadth_link": FloatParam(
        *PARAMETER_RANGES["engagement_breadth_link"], default=1.0
    ),
    "attention_mean": FloatParam(*PARAMETER_RANGES["attention_mean"], default=2.0),
    "consent_rate": FloatParam(*PARAMETER_RANGES["consent_rate"], default=DEFAULT_CONSENT_RATE),
}
_N_WEEKS = PARAMETER_RANGES["n_weeks"]
_PRESSURE = PARAMETER_RANGES["contact_pressure"]


#: How :func:`strategy_comparison` makes its two arms comparable.
COMPARE_AT = ("contacts", "budget", "pressure")


def strategy_comparison(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """Randomise one population to a baseline and a treatment strategy; per-arm outcomes.

    ``compare_at`` says what the two arms hold equal: ``"contacts"`` (default) or
    ``"budget"`` rescale each arm's pressure (:func:`mcstudy.model.equalise`) so that both send
    the same contacts, or spend the same contact budget, per customer (the mean of what the
    two arms send at ``contact_pressure``), on the same customers and random draws;
    ``"pressure"`` compares them at the same planned ``contact_pressure``, which mixes the
    strategies' integration with the volume they send.

    Returns, for each arm (``baseline_``/``treatment_`` prefix) the columns of
    :meth:`mcstudy.model.engine.SimulationResult.summary` and the arm's rescaled
    ``contact_pressure``, and their differences (``diff_`` prefix, treatment minus baseline):
    a causal effect, since arms are randomised.
    """
    spec = PopulationSpec(**{k: params[k] for k in _POPULATION_PARAMS})
    pressure = {"contact_pressure": params["contact_pressure"]}
    arms = {
        "baseline": make_strategy(params["baseline"], **pressure),
        "treatment": make_strategy(params["strategy"], **pressure),
    }
    options = {"n_weeks": params["n_weeks"], "n_journeys": 0, "n_threads": 1, "progress": False}
    if params["compare_at"] != "pressure" and params["contact_pressure"] > 0:
        fair = equalise(
            arms, target=params["compare_at"], population=spec, n_weeks=params["n_weeks"], rng=rng
        )
        arms, rng = fair.arms, fair.rng
    result = simulate(spec, arms, rng=rng, **options)
    summary = result.summary().set_index("arm").drop(columns="customers")
    summary["contact_pressure"] = [arms[a].contact_pressure for a in summary.index]
    out = {}
    for arm in arms:
        out.update({f"{arm}_{k}": float(v) for k, v in summary.loc[arm].items()})
    out.update(
        {
            f"diff_{k}": float(v)
            for k, v in (summary.loc["treatment"] - summary.loc["baseline"]).items()
        }
    )
    return out


register_study(
    "strategy_comparison",
    strategy_comparison,
    params={
        **_POPULATION_PARAMS,
        "n_weeks": IntParam(*_N_WEEKS, default=78),
        "strategy": OptionParam(tuple(sorted(STRATEGIES)), default="omnichannel"),
        "baseline": OptionParam(tuple(sorted(STRATEGIES)), default="siloed"),
        "contact_pressure": FloatParam(*_PRESSURE, default=1.0),
        "compare_at": OptionParam(COMPARE_AT, default="contacts"),
    },
)


#: Arms of :func:`email_experiment`, named as in the Hillstrom customer table.
EMAIL_ARMS = ("control", "mens_email", "womens_email")


def _relative(a: float, b: float) -> float:
    """Return ``a / b - 1``, or NaN when ``b`` is 0."""
    return a / b - 1.0 if b != 0 else float("nan")


def email_experiment(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """Randomise one population to no e-mail and two e-mail arms, as in the Hillstrom test.

    The arms are ``control`` (e-mail channel, pressure 0), ``mens_email`` and ``womens_email``
    (e-mail only, ``email_pressure`` e-mails per customer per week). The simulator has no
    merchandise lines, so the two e-mail arms are the same intervention: their difference is
    pure noise and shows how far two identical arms drift apart by chance.

    Returns
    -------
    dict of str to float
        Per arm (``<arm>_`` prefix): ``conversion_rate`` (share of customers with at least one
        purchase in the window), ``spend_per_customer_eur`` and ``contacts_per_customer``.
        Per e-mail arm, against control (causal, arms are randomised): ``conversion_diff``,
        ``conversion_relative_lift``, ``spend_diff_eur``, ``spend_relative_lift``.
        Inside the control arm (observational): ``control_multichannel_share``, and the
        ``conversion_rate`` and ``spend_per_customer_eur`` of ``multichannel`` customers
        (``n_repertoire_channels >= 2``, the analogue of Hillstrom's past-year
        "Multichannel") and ``single`` ones, with the relative lifts
        ``control_multichannel_conversion_relative_lift`` and
        ``control_multichannel_spend_relative_lift``. Relative lifts are NaN when the
        reference is 0.
    """
    spec = PopulationSpec(
        **{k: params[k] for k in _POPULATION_PARAMS},
        breadth_purchase_effect=params["breadth_purchase_effect"],
    )
    # As in Hillstrom, the e-mail goes to every customer of the arm; 'consent_rate' is the
    # share who opted in (a contact without consent irritates more and persuades less).
    email = Monochannel(
        channel="email", contact_pressure=params["email_pressure"], respect_consent=False
    )
    arms = {
        "control": Monochannel(channel="email", contact_pressure=0.0),
        "mens_email": email,
        "womens_email": email,
    }
    result = simulate(
        spec, arms, n_weeks=params["n_weeks"], n_journeys=0, n_threads=1, progress=False, rng=rng
    )
    c = result.customers
    sizes = c["arm"].value_counts().reindex(list(EMAIL_ARMS), fill_value=0)
    empty = [a for a in EMAIL_ARMS if sizes[a] == 0]
    if empty:
        raise ValueError(
            f"arms {empty} drew no customer out of {spec.n_customers}; simulate more customers "
            "('n_customers', at least a few per arm)."
        )
    table = pd.DataFrame(
        {
            "arm": c["arm"],
            "converted": (c["n_purchases"] > 0).to_numpy(float),
            "spend": c["revenue_eur"].to_numpy(float),
            "contacts": c["contacts_received"].to_numpy(float),
            "multichannel": (c["n_repertoire_channels"] >= 2).to_numpy(),
        }
    )
    by_arm = table.groupby("arm", observed=False)[["converted", "spend", "contacts"]].mean()
    out = {}
    for arm in EMAIL_ARMS:
        row = by_arm.loc[arm]
        out[f"{arm}_conversion_rate"] = float(row["converted"])
        out[f"{arm}_spend_per_customer_eur"] = float(row["spend"])
        out[f"{arm}_contacts_per_customer"] = float(row["contacts"])
    base = by_arm.loc["control"]
    for arm in EMAIL_ARMS[1:]:
        row = by_arm.loc[arm]
        for metric, col, unit in (("conversion", "converted", ""), ("spend", "spend", "_eur")):
            out[f"{arm}_{metric}_diff{unit}"] = float(row[col] - base[col])
            out[f"{arm}_{metric}_relative_lift"] = _relative(float(row[col]), float(base[col]))
    control = table[table["arm"] == "control"]
    groups = control.groupby("multichannel")[["converted", "spend"]].mean()
    groups = groups.reindex([True, False])  # NaN for a group with no customer
    out["control_multichannel_share"] = float(control["multichannel"].mean())
    for label, key in (("multichannel", True), ("single", False)):
        out[f"control_{label}_conversion_rate"] = float(groups.loc[key, "converted"])
        out[f"control_{label}_spend_per_customer_eur"] = float(groups.loc[key, "spend"])
    for metric, col in (("conversion", "converted"), ("spend", "spend")):
        out[f"control_multichannel_{metric}_relative_lift"] = _relative(
            float(groups.loc[True, col]), float(groups.loc[False, col])
        )
    return out


register_study(
    "email_experiment",
    email_experiment,
    params={
        **_POPULATION_PARAMS,
        "breadth_purchase_effect": FloatParam(
            *PARAMETER_RANGES["breadth_purchase_effect"], default=0.0
        ),
        "n_weeks": IntParam(*_N_WEEKS, default=2),
        "email_pressure": FloatParam(*_PRESSURE, default=1.0),
    },
)


#: Largest rate :func:`toy_poisson` draws (numpy refuses rates near 2**63).
_MAX_POISSON_RATE = 1e18


def toy_poisson(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """Mean and sample variance of ``n`` Poisson(``rate``) draws.

    A study that runs in microseconds, for trying the backends, the resumable store and the
    TOML configurations without waiting for the simulator.
    """
    # numpy draws Poisson counts as 64-bit ints: a larger (or infinite) rate cannot be drawn
    rate = check_number(params["rate"], "rate", 0.0, _MAX_POISSON_RATE, low_open=True)
    draws = np.random.default_rng(rng).poisson(rate, size=params["n"])
    variance = float(draws.var(ddof=1)) if draws.size > 1 else math.nan
    return {"mean": float(draws.mean()), "variance": variance}


register_study(
    "toy_poisson",
    toy_poisson,
    params={
        "rate": FloatParam(0.0, math.inf, default=1.0, low_open=True),
        "n": IntParam(1, 100_000_000, default=100),
    },
)
