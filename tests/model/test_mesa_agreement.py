"""Cross-check the numba engine against an independent Mesa implementation of the same rules.

``benchmarks/mesa_model.py`` re-implements the weekly rules of ``mcstudy.model._kernel.run_block``
as plain per-agent Python in Mesa 3. Both start from the same customer distributions and
strategy tables but draw independently, so agreement is statistical: per-customer means must
not differ beyond sampling error (two-sample tests at a Bonferroni-corrected level), and the
siloed-vs-omnichannel contrasts must agree in sign and overlap. A negative control shows the
tests have the power to catch a rule left out.
"""

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mesa")

from mcstudy.model.engine import simulate  # noqa: E402
from mcstudy.model.population import PopulationSpec  # noqa: E402
from mcstudy.model.strategies import Omnichannel, SiloedMultichannel  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from mesa_model import AGREEMENT_METRICS, agreement_table, run_mesa  # noqa: E402

N_CUSTOMERS = 3000
N_WEEKS = 26
ROOT_SEED = 20240611
# Omnichannel's default 26-week deployment lag would make it siloed for the whole run; a
# 4-week lag still exercises the phase switch and leaves 22 integrated weeks.
STRATEGIES = {
    "siloed": SiloedMultichannel(),
    "omnichannel": Omnichannel(deployment_lag_weeks=4),
}
FAMILY_ALPHA = 0.05
ALPHA = FAMILY_ALPHA / (len(AGREEMENT_METRICS) * len(STRATEGIES))  # Bonferroni
Z_95 = 1.959963984540054

# One independent integer seed per (strategy, implementation), from one root seed.
_SEEDS = iter(np.random.SeedSequence(ROOT_SEED).generate_state(2 * len(STRATEGIES) + 1).tolist())
SEEDS = {(name, impl): next(_SEEDS) for name in STRATEGIES for impl in ("engine", "mesa")}
CONTROL_SEED = next(_SEEDS)


def _engine(strategy, seed):
    spec = PopulationSpec(n_customers=N_CUSTOMERS)
    return simulate(
        spec, strategy, n_weeks=N_WEEKS, n_journeys=0, progress=False, rng=seed
    ).customers


def _mesa(strategy, seed):
    return run_mesa(PopulationSpec(n_customers=N_CUSTOMERS), strategy, N_WEEKS, seed)


@pytest.fixture(scope="module")
def runs():
    return {
        name: (_engine(s, SEEDS[name, "engine"]), _mesa(s, SEEDS[name, "mesa"]))
        for name, s in STRATEGIES.items()
    }


def test_mesa_table_has_engine_columns_and_dtypes(runs):
    engine, mesa = runs["siloed"]
    assert len(mesa) == N_CUSTOMERS
    for name in ("customer_id", "arm", *AGREEMENT_METRICS):
        assert mesa[name].dtype == engine[name].dtype, name
    assert list(mesa["arm"].cat.categories) == ["siloed"]


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_means_agree_within_sampling_error(runs, strategy):
    table = agreement_table(*runs[strategy])
    rejected = table[table["pvalue"] < ALPHA]
    assert rejected.empty, f"{strategy}: engine and Mesa differ:\n{rejected.to_string()}"


def _contrast(a, b, metric):
    x = a[metric].to_numpy(dtype=float)
    y = b[metric].to_numpy(dtype=float)
    diff = x.mean() - y.mean()
    half = Z_95 * np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    return diff, diff - half, diff + half


@pytest.mark.parametrize(
    "metric", ["contacts_clutter", "effort_events", "contacts_received", "churned", "n_purchases"]
)
def test_siloed_minus_omnichannel_agrees(runs, metric):
    (e_s, m_s), (e_o, m_o) = runs["siloed"], runs["omnichannel"]
    d_e, lo_e, hi_e = _contrast(e_s, e_o, metric)
    d_m, lo_m, hi_m = _contrast(m_s, m_o, metric)
    # each implementation finds a clear effect, in the same direction ...
    assert lo_e > 0 or hi_e < 0, f"engine: no clear {metric} effect [{lo_e:.3f}, {hi_e:.3f}]"
    assert lo_m > 0 or hi_m < 0, f"Mesa: no clear {metric} effect [{lo_m:.3f}, {hi_m:.3f}]"
    assert np.sign(d_e) == np.sign(d_m)
    # ... and of a compatible size
    assert lo_e <= hi_m and lo_m <= hi_e, (
        f"{metric}: engine CI [{lo_e:.3f}, {hi_e:.3f}] vs Mesa CI [{lo_m:.3f}, {hi_m:.3f}]"
    )


def test_agreement_detects_a_missing_rule(runs):
    # Negative control: a Mesa run without suppression after purchase must be told apart
    # from the engine's omnichannel run, so the agreement test has power against a rule error.
    engine, _ = runs["omnichannel"]
    wrong = dataclasses.replace(STRATEGIES["omnichannel"], suppress_weeks_after_purchase=0)
    table = agreement_table(engine, _mesa(wrong, CONTROL_SEED)).set_index("metric")
    assert table.loc["contacts_received", "pvalue"] < ALPHA
