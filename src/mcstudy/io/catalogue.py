"""Validated loaders for the data files shipped inside the package.

``load_claims`` reads the claims registry, ``load_channels`` the channel catalogue,
``load_parameters`` the parameter table and ``load_targets`` the calibration targets; by default
the copies in ``mcstudy/data/`` (:data:`mcstudy.config.CLAIMS_CSV`,
:data:`mcstudy.config.CHANNELS_CSV`, :data:`mcstudy.config.PARAMETERS_CSV`,
:data:`mcstudy.config.TARGETS_CSV`; ``data/*.csv`` of a source checkout link to them).
Every problem is reported as a :class:`DataValidationError` that names the file, the row (as the
line number in the file, header = line 1), the column, the value and what is allowed.

Each loader checks the file's columns, blank cells, ids and vocabularies, then its rows by the
rules of :mod:`mcstudy.io.catalogue_rows`; the notebook a claim names is checked by
:func:`mcstudy.claims.registry.check_claim_notebooks`, which owns ``CLAIM_NOTEBOOKS`` (still
importable from here).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy._vocab import (
    CLAIM_KINDS,
    CLAIM_TOPICS,
    KIND_NOT_TESTABLE,
    PARAMETER_GROUPS,
    PARAMETER_RANGE_KINDS,
    PARAMETER_STATUSES,
    SOURCE_DOCUMENTS,
    TARGET_STATISTICS,
)
from mcstudy.io.catalogue_rows import (
    _CHANNEL_NUMBERS,  # noqa: F401 - still imported from here by mcstudy.model.channels
    RULE_COLUMNS,
    _check_channel_numbers,
    _check_parameter_rows,
    _check_rules,
    _check_target_rows,
)
from mcstudy.io.schema import (
    DataValidationError,
    as_path,
    check_required,
    check_trimmed,
    check_unique,
    check_vocabulary,
    file_line,
    read_csv,
)

__all__ = [
    "CHANNEL_COLUMNS",
    "CLAIM_COLUMNS",
    "CLAIM_KINDS",
    "CLAIM_TOPICS",
    "PARAMETER_COLUMNS",
    "RULE_COLUMNS",
    "TARGET_COLUMNS",
    "load_channels",
    "load_claims",
    "load_parameters",
    "load_targets",
]

CLAIM_COLUMNS = (
    "claim_id",
    "source",
    "quote_fr",
    "quote_en",
    "location",
    "statement_en",
    "figure",
    "topic",
    "kind",
    "notebook",
    "estimand",
    "direction",
    "claimed",
    "smallest_effect",
    "rule",
    "fixed_by",
    "note",
)

CHANNEL_COLUMNS = (
    "channel",
    "label_fr",
    "label_en",
    "communication_modes",
    "sensory_registers",
    "modes_provenance",
    "cost_per_contact_eur",
    "cost_provenance",
    "service_cost_eur",
    "service_cost_provenance",
    "intrusiveness",
    "intrusiveness_provenance",
    "persuasion",
    "persuasion_provenance",
    "consent_withdrawal",
    "consent_withdrawal_provenance",
    "service_price_index",
    "price_provenance",
    "affinity_social",
    "affinity_autonomous",
    "affinity_provenance",
    "outbound",
    "inbound",
)


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the claims registry.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; the registry shipped inside the package (:data:`mcstudy.config.CLAIMS_CSV`,
        also at ``data/claims.csv`` of a source checkout) when None.

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns :data:`CLAIM_COLUMNS` in that order; ``topic``, ``kind``,
        ``source`` and ``notebook`` are categoricals. ``quote_en`` is a faithful English
        translation of the French quote ``quote_fr``; ``location`` says where the quote stands
        in its source document (section or box, paragraph, and the line of the plain-text file).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        If the file cannot be read as a comma-separated UTF-8 table (see
        :func:`~mcstudy.io.schema.read_csv`); on missing columns, blank required cells, an id
        or label with leading or trailing whitespace, duplicate ids, a topic, kind, source or
        notebook outside the allowed lists, or a ``not-testable`` claim without a note.

    Notes
    -----
    The key cells (``claim_id``, ``source``, ``topic``, ``kind``, ``notebook``) are compared
    exactly: a value with leading or trailing whitespace is an error, not stripped, so
    ``'C000-01 '`` cannot pass as an id distinct from ``'C000-01'``.
    """
    # the notebooks are the claims' concern; mcstudy.claims imports mcstudy.io, so import here
    from mcstudy.claims.registry import CLAIM_NOTEBOOKS, check_claim_notebooks

    path = as_path(path) if path is not None else config.CLAIMS_CSV
    df = read_csv(path, CLAIM_COLUMNS)[list(CLAIM_COLUMNS)]
    check_required(
        df,
        path,
        (
            "claim_id",
            "source",
            "quote_fr",
            "quote_en",
            "location",
            "statement_en",
            "topic",
            "kind",
            "notebook",
        ),
    )
    check_trimmed(df, path, ("claim_id", "source", "topic", "kind", "notebook"))
    check_unique(df, path, "claim_id")
    check_vocabulary(df, path, "source", SOURCE_DOCUMENTS)
    check_vocabulary(df, path, "topic", CLAIM_TOPICS)
    check_vocabulary(df, path, "kind", CLAIM_KINDS)
    check_claim_notebooks(df, path)
    fixed = df["fixed_by"].str.strip() != ""
    stray = fixed & ~df["kind"].isin(["simulation", "real-data"])
    if stray.any():
        i = int(np.flatnonzero(stray)[0])
        raise DataValidationError(
            path,
            "'fixed_by' names the input of the model or catalogue that decides a testable "
            f"claim's outcome; a claim of kind {df['kind'].iloc[i]!r} has none (leave it blank).",
            row=file_line(df, i),
            column="fixed_by",
            value=df["fixed_by"].iloc[i],
        )
    silent = (df["kind"] == KIND_NOT_TESTABLE) & (df["note"].str.strip() == "")
    if silent.any():
        i = int(np.flatnonzero(silent)[0])
        raise DataValidationError(
            path,
            "a not-testable claim must say why in its note.",
            row=file_line(df, i),
            column="note",
            value="",
        )
    numbers = _check_rules(df, path)
    df = df.reset_index(drop=True)
    for col in ("direction", "claimed", "smallest_effect"):
        df[col] = numbers[col].to_numpy()
    df["direction"] = df["direction"].astype("Int64")
    for col, cats in (
        ("source", SOURCE_DOCUMENTS),
        ("topic", CLAIM_TOPICS),
        ("kind", CLAIM_KINDS),
        ("notebook", CLAIM_NOTEBOOKS),
    ):
        df[col] = pd.Categorical(df[col], categories=list(cats))
    return df


def load_channels(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the channel catalogue.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; the catalogue shipped inside the package (:data:`mcstudy.config.CHANNELS_CSV`,
        also at ``data/channels.csv`` of a source checkout) when None.

    Returns
    -------
    pandas.DataFrame
        One row per channel, columns :data:`CHANNEL_COLUMNS`; numbers as floats (NaN where a
        number may be blank), ``outbound`` and ``inbound`` as bools. ``attrs["source"]`` holds
        the path the catalogue was read from (used in error messages of
        :class:`~mcstudy.model.channels.ChannelSet`).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        If the file cannot be read as a comma-separated UTF-8 table (see
        :func:`~mcstudy.io.schema.read_csv`); on missing columns, a channel name or flag with
        leading or trailing whitespace, duplicate channels, a number that is not finite or is
        outside its range (below), a number without its provenance, or a flag that is not
        ``true``/``false``. The message names the file, line, column, value and allowed range.

    Notes
    -----
    Allowed ranges (sanity bounds, wide around the shipped values; every number must be
    finite):

    =======================  ============  =================================================
    column                   range         meaning
    =======================  ============  =================================================
    cost_per_contact_eur     (0, 1000]     euros per outbound contact (shipped: 0.005-150)
    service_cost_eur         [0, 1000]     euros per customer-initiated service contact
    intrusiveness            [0, 1]        share
    persuasion               [0, 1]        share
    consent_withdrawal       [0, 1]        hazard scale of withdrawing marketing consent on the
                                           channel per contact received, for a customer of
                                           sensitivity 1 and no irritation
    service_price_index      (0, 10]       price relative to face-to-face = 1; may be blank
    affinity_social          [0.01, 100]   relative weight of the channel for the profile
    affinity_autonomous      [0.01, 100]   relative weight of the channel for the profile
    =======================  ============  =================================================

    Affinities are Dirichlet base weights normalised within each profile, so only their
    ratios matter; the bounds keep every ratio within 1e4 and the normalised Dirichlet
    parameters finite and positive (a weight of 1e308 overflowed the normalisation and gave
    NaN affinities).
    """
    path = as_path(path) if path is not None else config.CHANNELS_CSV
    df = read_csv(path, CHANNEL_COLUMNS)[list(CHANNEL_COLUMNS)]
    check_required(df, path, ("channel", "label_en", "modes_provenance"))
    check_trimmed(df, path, ("channel", "outbound", "inbound"))
    check_unique(df, path, "channel")
    _check_channel_numbers(df, path)
    for col in ("outbound", "inbound"):
        check_vocabulary(df, path, col, ("true", "false"))
        df[col] = df[col] == "true"
    df = df.reset_index(drop=True)
    df.attrs["source"] = str(path)
    return df


PARAMETER_COLUMNS = (
    "name",
    "group",
    "default",
    "unit",
    "status",
    "low",
    "high",
    "range_kind",
    "fitted_to",
    "source",
    "description",
)


def load_parameters(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the parameter table: every model parameter with its plausible range.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; the table shipped inside the package (:data:`mcstudy.config.PARAMETERS_CSV`,
        also at ``data/parameters.csv`` of a source checkout) when None.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, columns :data:`PARAMETER_COLUMNS` in that order: ``low`` and
        ``high`` as floats; ``default`` as objects (a float, a word such as ``'learned'`` for
        a strategy option, or NaN for a channel parameter, whose values are per channel in the
        channel catalogue); ``group``, ``status`` and ``range_kind`` as categoricals.
        ``attrs["source"]`` holds the path the table was read from.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        If the file cannot be read as a comma-separated UTF-8 table (see
        :func:`~mcstudy.io.schema.read_csv`); on missing columns, blank required cells (every
        column but ``default``), a name, group, default, status, bound or range kind with
        leading or trailing whitespace, duplicate names, a group, status or range kind outside
        the allowed lists, or a row breaking the rules below. The message names the file,
        line, column, value and what is allowed.

    Notes
    -----
    Each row must satisfy:

    - ``name`` is the row's ``group``, a dot and the parameter in lower-case snake_case,
      optionally a dot and a part (``population.tier_shares.small``); a ``channel`` name
      names a numeric column of the channel catalogue (``channel.intrusiveness``);
    - ``group`` is one of :data:`mcstudy._vocab.PARAMETER_GROUPS`, ``status`` one of
      :data:`mcstudy._vocab.PARAMETER_STATUSES` and ``range_kind`` one of
      :data:`mcstudy._vocab.PARAMETER_RANGE_KINDS`;
    - ``low`` and ``high`` are finite numbers with ``low <= high``;
    - an ``absolute`` row (every group but ``channel``) has a ``default`` with
      ``low <= default <= high``, or, for a ``strategy`` option, a lower-case word;
    - a ``relative`` row (the ``channel`` group) has a blank ``default`` (the values are per
      channel in ``channels.csv``) and factors ``0 < low <= 1 <= high`` that multiply each
      channel's catalogue value.
    """
    path = as_path(path) if path is not None else config.PARAMETERS_CSV
    df = read_csv(path, PARAMETER_COLUMNS)[list(PARAMETER_COLUMNS)]
    check_required(df, path, [c for c in PARAMETER_COLUMNS if c not in ("default", "fitted_to")])
    check_trimmed(
        df, path, ("name", "group", "default", "status", "low", "high", "range_kind", "fitted_to")
    )
    check_unique(df, path, "name")
    check_vocabulary(df, path, "group", PARAMETER_GROUPS)
    check_vocabulary(df, path, "status", PARAMETER_STATUSES)
    check_vocabulary(df, path, "range_kind", PARAMETER_RANGE_KINDS)
    numbers = {
        col: pd.to_numeric(df[col].where(df[col] != ""), errors="coerce").astype(float)
        for col in ("default", "low", "high")
    }
    defaults = _check_parameter_rows(df, path, numbers)
    df["default"] = pd.Series(defaults, index=df.index, dtype=object)
    df["low"], df["high"] = numbers["low"], numbers["high"]
    df = df.reset_index(drop=True)
    for col, cats in (
        ("group", PARAMETER_GROUPS),
        ("status", PARAMETER_STATUSES),
        ("range_kind", PARAMETER_RANGE_KINDS),
    ):
        df[col] = pd.Categorical(df[col], categories=list(cats))
    df.attrs["source"] = str(path)
    return df


TARGET_COLUMNS = (
    "target_id",
    "value",
    "se",
    "low",
    "high",
    "unit",
    "window",
    "population",
    "source",
    "measures",
    "statistic",
    "used_in_fit",
    "note",
)


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the calibration targets: measured figures the simulator should match.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; the table shipped inside the package (:data:`mcstudy.config.TARGETS_CSV`,
        also at ``data/targets.csv`` of a source checkout) when None.

    Returns
    -------
    pandas.DataFrame
        One row per target, columns :data:`TARGET_COLUMNS` in that order: ``value``, ``se``,
        ``low`` and ``high`` as floats (NaN where blank); ``statistic`` as a categorical;
        ``used_in_fit`` as bool. ``attrs["source"]`` holds the path the table was read from.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        If the file cannot be read as a comma-separated UTF-8 table (see
        :func:`~mcstudy.io.schema.read_csv`); on missing columns, blank required cells (every
        column but ``se``, ``low``, ``high`` and ``note``), an id, number, statistic or flag
        with leading or trailing whitespace, duplicate ids, a statistic outside
        :data:`mcstudy._vocab.TARGET_STATISTICS`, a ``used_in_fit`` other than
        ``true``/``false``, or a row breaking the rules below. The message names the file,
        line, column, value and what is allowed.

    Notes
    -----
    Each row must satisfy:

    - ``target_id`` is lower-case snake_case words separated by dots
      (``hillstrom.control.visit_rate``);
    - ``value`` is a finite number;
    - exactly one of two uncertainties is given: a standard error ``se`` (a finite number
      > 0) with ``low`` and ``high`` blank, or a range ``low``, ``high`` (finite numbers with
      ``low <= value <= high``; for published figures without a standard error) with ``se``
      blank.

    Rates and shares are fractions (``unit`` ``share``); money stays in the currency it was
    measured in (``USD`` for the Hillstrom data).
    """
    path = as_path(path) if path is not None else config.TARGETS_CSV
    df = read_csv(path, TARGET_COLUMNS)[list(TARGET_COLUMNS)]
    check_required(df, path, [c for c in TARGET_COLUMNS if c not in ("se", "low", "high", "note")])
    check_trimmed(df, path, ("target_id", "value", "se", "low", "high", "statistic", "used_in_fit"))
    check_unique(df, path, "target_id")
    check_vocabulary(df, path, "statistic", TARGET_STATISTICS)
    check_vocabulary(df, path, "used_in_fit", ("true", "false"))
    numbers = {
        col: pd.to_numeric(df[col].where(df[col] != ""), errors="coerce").astype(float)
        for col in ("value", "se", "low", "high")
    }
    _check_target_rows(df, path, numbers)
    for col, values in numbers.items():
        df[col] = values
    df["used_in_fit"] = df["used_in_fit"] == "true"
    df = df.reset_index(drop=True)
    df["statistic"] = pd.Categorical(df["statistic"], categories=list(TARGET_STATISTICS))
    df.attrs["source"] = str(path)
    return df


def __getattr__(name: str):
    """Give ``CLAIM_NOTEBOOKS``, now :data:`mcstudy.claims.registry.CLAIM_NOTEBOOKS`, here too.

    It is imported when asked for, as :mod:`mcstudy.claims` imports this module.
    """
    if name == "CLAIM_NOTEBOOKS":
        from mcstudy.claims.registry import CLAIM_NOTEBOOKS

        return CLAIM_NOTEBOOKS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """List the module's names, ``CLAIM_NOTEBOOKS`` included."""
    return sorted([*globals(), "CLAIM_NOTEBOOKS"])
