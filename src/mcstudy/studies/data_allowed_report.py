"""Notebook 01's view of the data-allowed samples of the simulated claims' spaces (§9.6).

The samples are committed (``data/data_allowed_<space>.csv``, written by ``mcstudy calibrate
--data-allowed``); :func:`~mcstudy.studies.data_allowed_spaces.allowed_space_tables` judges a
space's claims over one by the rule of :mod:`mcstudy.experiments.data_allowed`;
:func:`describe_space` says what it found; :func:`all_spaces` gathers every space and
:func:`describe_all` says what they show together.
"""

from __future__ import annotations

import pandas as pd

from mcstudy.experiments.data_allowed import NARROWED

__all__ = ["all_spaces", "describe_all", "describe_space"]


def describe_space(tables: dict) -> str:
    """What a space's data-allowed sample shows, in Markdown.

    ``tables`` is :func:`~mcstudy.studies.data_allowed_spaces.allowed_space_tables`'s result.
    """
    n, n_ok = len(tables["allowed"]), int(tables["allowed"].sum())
    ruled = tables["targets"]["points_ruled_out"]
    ruling = ruled[ruled > 0].sort_values(ascending=False)
    par = tables["parameters"]["narrowing"].sort_values(ascending=False)
    chance = tables["parameters"]["chance_97.5"]
    beyond = int((tables["parameters"]["narrowing"] > chance).sum())
    claims = tables["claims"]
    moved = (claims["share_allowed"] - claims["share_all"]).abs()
    constrained = list(claims.index[claims["data_constrained"]])
    classes = claims["evidence_class"].value_counts()
    by = (
        "; ".join(f"{t} {k}" for t, k in ruling.items())
        if len(ruling)
        else "no target rules out any"
    )
    return (
        f"{n_ok} of the {n} points over {len(par)} parameters are allowed (points ruled out, "
        f"by target: {by}). "
        + (
            f"The most narrowed parameter is {par.index[0]} ({100 * par.iloc[0]:.0f} % of its "
            "interquartile range removed)"
            if par.iloc[0] > 0
            else "No parameter's interquartile range shrinks"
        )
        + f"; the rule asks for {100 * NARROWED:.0f} %. {beyond} of the {len(par)} narrowings "
        "exceed what random subsets of as many points give 97.5 % of the time. Over the allowed "
        "points each claim's share moves by at most "
        f"{moved.max():.3f} from its share over the whole space. "
        + (
            f"By the rule, {', '.join(constrained)} would be data-constrained. "
            if constrained
            else "By the rule, the one claim is not data-constrained. "
            if len(claims) == 1
            else f"By the rule, none of the {len(claims)} claims is data-constrained. "
        )
        + "With that result their evidence classes are: "
        + "; ".join(f"{cls} {k}" for cls, k in classes.items())
        + " (a verdict the model's form decides stays by construction whatever the data allow)."
    )


def all_spaces(
    verdicts: pd.DataFrame,
    targets: pd.DataFrame,
    claims_registry: pd.DataFrame | None = None,
) -> dict:
    """Every registered space's committed sample, judged; a summary and one claims table.

    Parameters
    ----------
    verdicts : pandas.DataFrame
        ``results/verdicts.csv``.
    targets : pandas.DataFrame
        ``load_targets()``.
    claims_registry : pandas.DataFrame, default=None
        The claims registry; :func:`mcstudy.io.load_claims` when None.

    Returns
    -------
    dict
        ``"tables"``: space -> :func:`~mcstudy.studies.data_allowed_spaces.allowed_space_tables`;
        ``"spaces"``: one row per space (its notebook, parameters, points, allowed points, the
        most narrowed parameter and its narrowing, how many narrowings exceed chance, claims
        and data-constrained claims); ``"claims"``: one row per claim judged, with its space,
        recorded evidence class (``recorded_class``) and the class the data-allowed result
        gives it (``evidence_class``); ``"parameters"``: every space's parameters table, indexed
        by space and parameter; ``"targets"``: the points each target rules out, by space.

    Raises
    ------
    FileNotFoundError
        If a space's committed sample is missing (``mcstudy calibrate --no-fit
        --data-allowed <space>`` writes it).
    """
    from mcstudy.studies import data_allowed_spaces as das

    recorded = verdicts.set_index("claim_id")["evidence_class"]
    tables, spaces, claims = {}, [], []
    for name in das.SPACES:
        path = das.sample_path(name)
        if not path.exists():
            raise FileNotFoundError(
                f"the data-allowed sample of space {name!r} is missing: {path}; write it with "
                f"'mcstudy calibrate --no-fit --data-allowed {name}'."
            )
        space = das.load_space(name)
        points = pd.read_csv(path)
        t = das.allowed_space_tables(space, points, targets, verdicts, claims_registry)
        tables[name] = t
        par = t["parameters"]
        top = par["narrowing"].idxmax() if (par["narrowing"] > 0).any() else None
        spaces.append(
            {
                "space": name,
                "notebook": space.notebook,
                "parameters": len(par),
                "points": len(points),
                "allowed": int(t["allowed"].sum()),
                "most_narrowed": top or "none",
                "narrowing": float(par.loc[top, "narrowing"]) if top else 0.0,
                "beyond_chance": int((par["narrowing"] > par["chance_97.5"]).sum()),
                "claims": len(t["claims"]),
                "data_constrained": int(t["claims"]["data_constrained"].sum()),
            }
        )
        c = t["claims"].reset_index()
        c.insert(0, "space", name)
        c["recorded_class"] = c["claim_id"].map(recorded)
        claims.append(c)
    parameters = pd.concat(
        {name: t["parameters"] for name, t in tables.items()}, names=["space", "parameter"]
    )
    ruled = pd.DataFrame({name: t["targets"]["points_ruled_out"] for name, t in tables.items()})
    return {
        "tables": tables,
        "spaces": pd.DataFrame(spaces).set_index("space"),
        "claims": pd.concat(claims, ignore_index=True).set_index("claim_id"),
        "parameters": parameters,
        "targets": ruled.rename_axis("target_id"),
    }


def describe_all(result: dict) -> str:
    """What every space's data-allowed sample shows together, in Markdown (:func:`all_spaces`)."""
    spaces, claims = result["spaces"], result["claims"]
    changed = claims[claims["evidence_class"] != claims["recorded_class"]]
    constrained = list(claims.index[claims["data_constrained"]])
    top = spaces["narrowing"].idxmax()
    return (
        f"{len(claims)} claims of {len(spaces)} spaces (notebooks "
        f"{', '.join(sorted(set(spaces['notebook'])))}) were judged over what the data allow. "
        f"The allowed points range from {spaces['allowed'].min()} to {spaces['allowed'].max()} "
        f"of {spaces['points'].max()} per space. The largest narrowing of any parameter is "
        f"{100 * spaces.loc[top, 'narrowing']:.0f} % ({spaces.loc[top, 'most_narrowed']}, space "
        f"{top}); the rule asks for {100 * NARROWED:.0f} %. "
        + (
            f"By the rule, {', '.join(constrained)} are data-constrained. "
            if constrained
            else "By the rule, no claim is data-constrained. "
        )
        + (
            f"{len(changed)} claims change evidence class: "
            + "; ".join(
                f"{c} {r} -> {e}"
                for c, r, e in changed[["recorded_class", "evidence_class"]].itertuples()
            )
            + "."
            if len(changed)
            else "No claim changes evidence class: every one keeps the class recorded in "
            "results/verdicts.csv."
        )
    )
