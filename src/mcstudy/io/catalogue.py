"""Validated loaders for the data files shipped inside the package.

``load_claims`` reads the claims registry, ``load_channels`` the channel catalogue,
``load_parameters`` the parameter table and ``load_targets`` the calibration targets; by default
the copies in ``mcstudy/data/`` (:data:`mcstudy.config.CLAIMS_CSV`,
:data:`mcstudy.config.CHANNELS_CSV`, :data:`mcstudy.config.PARAMETERS_CSV`,
:data:`mcstudy.config.TARGETS_CSV`; ``data/*.csv`` of a source checkout link to them).
Every problem is reported as a :class:`DataValidationError` that names the file, the row (as the
line number in the file, header = line 1), the column, the value and what is allowed.
"""

from __future__ import annotations

import re
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
    RULES,
    SOURCE_DOCUMENTS,
    TARGET_STATISTICS,
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
    "note",
)
#: The columns of a claim's pre-registered verdict rule (blank for a not-testable claim).
RULE_COLUMNS = ("estimand", "direction", "claimed", "smallest_effect", "rule")
#: Notebooks a claim may point at: every study notebook except the scorecard.
CLAIM_NOTEBOOKS = tuple(nb for nb in config.STUDY_NOTEBOOKS if not nb.startswith("99_"))

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
#: Numeric columns of the channel catalogue: the allowed range and what the number means. Every
#: number must be finite; the bounds are sanity bounds, wide around the catalogue's values.
_CHANNEL_NUMBERS = {
    # column: (low, high, low_open, may_be_blank, provenance column, meaning)
    "cost_per_contact_eur": (
        0.0,
        1000.0,
        True,
        False,
        "cost_provenance",
        "euros per outbound contact",
    ),
    "service_cost_eur": (
        0.0,
        1000.0,
        False,
        False,
        "service_cost_provenance",
        "euros per customer-initiated service contact",
    ),
    "intrusiveness": (0.0, 1.0, False, False, "intrusiveness_provenance", "a share"),
    "persuasion": (0.0, 1.0, False, False, "persuasion_provenance", "a share"),
    "consent_withdrawal": (
        0.0,
        1.0,
        False,
        False,
        "consent_withdrawal_provenance",
        "hazard of withdrawing consent per contact received, sensitivity 1, no irritation",
    ),
    "service_price_index": (
        0.0,
        10.0,
        True,
        True,
        "price_provenance",
        "price relative to face-to-face = 1",
    ),
    "affinity_social": (
        0.01,
        100.0,
        False,
        False,
        "affinity_provenance",
        "a relative weight; only ratios within a profile matter",
    ),
    "affinity_autonomous": (
        0.01,
        100.0,
        False,
        False,
        "affinity_provenance",
        "a relative weight; only ratios within a profile matter",
    ),
}


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
        ``source`` and ``notebook`` are categoricals.

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
    path = as_path(path) if path is not None else config.CLAIMS_CSV
    df = read_csv(path, CLAIM_COLUMNS)[list(CLAIM_COLUMNS)]
    check_required(
        df, path, ("claim_id", "source", "quote_fr", "statement_en", "topic", "kind", "notebook")
    )
    check_trimmed(df, path, ("claim_id", "source", "topic", "kind", "notebook"))
    check_unique(df, path, "claim_id")
    check_vocabulary(df, path, "source", SOURCE_DOCUMENTS)
    check_vocabulary(df, path, "topic", CLAIM_TOPICS)
    check_vocabulary(df, path, "kind", CLAIM_KINDS)
    check_vocabulary(df, path, "notebook", CLAIM_NOTEBOOKS)
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


def _check_rules(df: pd.DataFrame, path) -> dict[str, pd.Series]:
    """Check every claim's pre-registered rule; return the numeric rule columns."""
    check_trimmed(df, path, RULE_COLUMNS)
    numbers = {
        col: pd.to_numeric(df[col].where(df[col] != ""), errors="coerce").astype(float)
        for col in ("direction", "claimed", "smallest_effect")
    }

    def error(i, column, message):
        return DataValidationError(
            path,
            f"claim {df['claim_id'].iloc[i]}: {message}",
            row=file_line(df, i),
            column=column,
            value=df[column].iloc[i],
        )

    for i in range(len(df)):
        testable = df["kind"].iloc[i] != KIND_NOT_TESTABLE
        if not testable:
            filled = [c for c in RULE_COLUMNS if df[c].iloc[i] != ""]
            if filled:
                raise error(
                    i,
                    filled[0],
                    f"a not-testable claim has no verdict rule: leave {list(RULE_COLUMNS)} blank.",
                )
            continue
        if df["estimand"].iloc[i].strip() == "":
            raise error(i, "estimand", "a testable claim must state its estimand (what quantity).")
        if df["rule"].iloc[i] not in RULES:
            raise error(i, "rule", f"must be one of {list(RULES)}.")
        if numbers["direction"].iloc[i] not in (1.0, -1.0):
            raise error(
                i, "direction", "must be 1 (the claim says the quantity is positive) or -1."
            )
        small = numbers["smallest_effect"].iloc[i]
        if not (np.isfinite(small) and small > 0):
            raise error(
                i,
                "smallest_effect",
                "must be a finite number > 0: the smallest effect that would matter, in the "
                "estimand's unit.",
            )
        claimed_text, claimed = df["claimed"].iloc[i], numbers["claimed"].iloc[i]
        if claimed_text != "" and not (np.isfinite(claimed) and claimed > 0):
            raise error(
                i,
                "claimed",
                "must be blank or a finite number > 0: the claimed magnitude, in the estimand's "
                "unit (the direction column gives its sign).",
            )
        if df["rule"].iloc[i] == "consistency" and claimed_text == "":
            raise error(i, "claimed", "a 'consistency' rule needs the claimed figure.")
    return numbers


def _fmt_range(low: float, high: float, low_open: bool) -> str:
    return f"{'(' if low_open else '['}{low:g}, {high:g}]"


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
    for col, (low, high, low_open, may_be_blank, prov, meaning) in _CHANNEL_NUMBERS.items():
        text = df[col].str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
        for i in range(len(df)):
            value, raw = values.iloc[i], text.iloc[i]
            if raw == "" and may_be_blank:
                continue
            below = value <= low if low_open else value < low
            if raw == "" or not np.isfinite(value) or below or value > high:
                raise DataValidationError(
                    path,
                    f"must be a finite number in {_fmt_range(low, high, low_open)} ({meaning}).",
                    row=file_line(df, i),
                    column=col,
                    value=raw,
                )
            if df[prov].iloc[i].strip() == "":
                raise DataValidationError(
                    path,
                    f"the number in {col!r} needs its provenance (document, study or "
                    "'assumption').",
                    row=file_line(df, i),
                    column=prov,
                    value="",
                )
        df[col] = values
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
#: A parameter name: its group, then the parameter (and a part of it, as in
#: ``population.tier_shares.small``), in lower-case snake_case separated by dots.
_PARAMETER_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
#: A word default of a strategy option, such as ``attention`` for the frequency cap.
_OPTION_WORD = re.compile(r"[a-z][a-z0-9_]*")


def _parameter_error(path, df, i, column, message):
    return DataValidationError(
        path, message, row=file_line(df, i), column=column, value=df[column].iloc[i]
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
    defaults = []
    for i in range(len(df)):
        name, group, kind = df["name"].iloc[i], df["group"].iloc[i], df["range_kind"].iloc[i]
        if not _PARAMETER_NAME.fullmatch(name) or name.split(".")[0] != group:
            raise _parameter_error(
                path,
                df,
                i,
                "name",
                f"must be the group {group!r}, a dot and the parameter in lower-case snake_case "
                f"(optionally a dot and a part), e.g. '{group}.some_parameter'.",
            )
        one_channel = False
        if group == "channel":
            columns = sorted(f"channel.{c}" for c in _CHANNEL_NUMBERS)
            column, _, channel = name.rpartition(".")
            one_channel = column in columns and bool(_OPTION_WORD.fullmatch(channel))
            if name not in columns and not one_channel:
                raise _parameter_error(
                    path,
                    df,
                    i,
                    "name",
                    f"a channel parameter must name a numeric column of the channel catalogue, "
                    f"one of {columns}, optionally followed by a dot and a channel of the "
                    "catalogue (that channel's own value and range).",
                )
        status, fitted_to = df["status"].iloc[i], df["fitted_to"].iloc[i]
        if (status == "calibrated") != (fitted_to != ""):
            raise _parameter_error(
                path,
                df,
                i,
                "fitted_to",
                "must list the target ids (data/targets.csv) a 'calibrated' parameter was fitted "
                "to, separated by ';', and be blank for any other status; the status is "
                f"{status!r}.",
            )
        expected = "relative" if group == "channel" and not one_channel else "absolute"
        if kind != expected:
            raise _parameter_error(
                path,
                df,
                i,
                "range_kind",
                f"must be {expected!r} for a {group!r} parameter: 'relative' ranges are factors "
                "applied to each channel's value in the channel catalogue (group 'channel'); "
                "one channel's own value (channel.<column>.<channel>) and every other group "
                "have 'absolute' ranges.",
            )
        low, high = numbers["low"].iloc[i], numbers["high"].iloc[i]
        for col, value in (("low", low), ("high", high)):
            if not np.isfinite(value):
                raise _parameter_error(path, df, i, col, "must be a finite number.")
        if low > high:
            raise _parameter_error(
                path, df, i, "high", f"must be at least low ({low:g}): [low, high] is a range."
            )
        text, value = df["default"].iloc[i], numbers["default"].iloc[i]
        if kind == "relative":
            if not 0 < low <= 1 <= high:
                raise _parameter_error(
                    path,
                    df,
                    i,
                    "low" if not 0 < low <= 1 else "high",
                    "a relative range must be positive factors with 0 < low <= 1 <= high "
                    f"(they multiply each channel's catalogue value); got [{low:g}, {high:g}].",
                )
            if text != "":
                raise _parameter_error(
                    path,
                    df,
                    i,
                    "default",
                    "must be blank for a relative (channel) parameter: its values are per "
                    "channel in the channel catalogue.",
                )
            defaults.append(np.nan)
        elif (
            group == "strategy"
            and _OPTION_WORD.fullmatch(text)
            and text != "nan"
            and np.isnan(value)  # not a number ('inf' is one)
        ):
            defaults.append(text)
        elif text == "" or not np.isfinite(value) or not low <= value <= high:
            word = ", or a lower-case word for a strategy option" if group == "strategy" else ""
            raise _parameter_error(
                path,
                df,
                i,
                "default",
                f"must be a finite number in the row's range [low, high] = [{low:g}, {high:g}]"
                f"{word}.",
            )
        else:
            defaults.append(float(value))
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
    for i in range(len(df)):
        if not _PARAMETER_NAME.fullmatch(df["target_id"].iloc[i]):
            raise _parameter_error(
                path,
                df,
                i,
                "target_id",
                "must be lower-case snake_case words separated by dots, e.g. "
                "'hillstrom.control.visit_rate'.",
            )
        value, se = numbers["value"].iloc[i], numbers["se"].iloc[i]
        low, high = numbers["low"].iloc[i], numbers["high"].iloc[i]
        if not np.isfinite(value):
            raise _parameter_error(path, df, i, "value", "must be a finite number.")
        has_se = df["se"].iloc[i] != ""
        has_range = [df[c].iloc[i] != "" for c in ("low", "high")]
        if has_se and any(has_range):
            given = ", ".join(f"{c} = {df[c].iloc[i]!r}" for c in ("low", "high"))
            raise _parameter_error(
                path,
                df,
                i,
                "se",
                f"must be blank when a range is given ({given}): give either a standard error "
                "(se) or a range (low and high), not both.",
            )
        if has_se:
            if not (np.isfinite(se) and se > 0):
                raise _parameter_error(
                    path, df, i, "se", "must be a finite number > 0 (a standard error) or blank."
                )
            continue
        if not any(has_range):
            raise _parameter_error(
                path,
                df,
                i,
                "se",
                "a target needs its uncertainty: give a standard error (se) or a range (low and "
                "high).",
            )
        for col, bound in (("low", low), ("high", high)):
            if not np.isfinite(bound):
                raise _parameter_error(
                    path,
                    df,
                    i,
                    col,
                    "must be a finite number: a range needs both low and high.",
                )
        if not low <= value <= high:
            raise _parameter_error(
                path,
                df,
                i,
                "value",
                f"must lie in the row's range [low, high] = [{low:g}, {high:g}].",
            )
    for col, values in numbers.items():
        df[col] = values
    df["used_in_fit"] = df["used_in_fit"] == "true"
    df = df.reset_index(drop=True)
    df["statistic"] = pd.Categorical(df["statistic"], categories=list(TARGET_STATISTICS))
    df.attrs["source"] = str(path)
    return df
