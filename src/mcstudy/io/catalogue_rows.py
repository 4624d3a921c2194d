"""The row rules of the shipped data files: what each row of the catalogue files may hold.

The loaders of :mod:`mcstudy.io.catalogue` check a file's columns, blank cells, ids and
vocabularies, then hand each row to the rules here: a claim's pre-registered verdict rule
(:func:`_check_rules`), the range and provenance of each number of the channel catalogue
(:data:`_CHANNEL_NUMBERS`), the name, status, range and default of each parameter, and the
id, value and uncertainty of each calibration target. Every broken rule is a
:class:`~mcstudy.io.schema.DataValidationError` that names the file, line, column, value and
what is allowed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from mcstudy._vocab import KIND_NOT_TESTABLE, RULES
from mcstudy.io.schema import DataValidationError, check_trimmed, file_line

__all__ = ["RULE_COLUMNS"]

#: The columns of a claim's pre-registered verdict rule (blank for a not-testable claim).
RULE_COLUMNS = ("estimand", "direction", "claimed", "smallest_effect", "rule")

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
        if df["rule"].iloc[i] == "equivalence" and claimed_text != "":
            raise error(
                i,
                "claimed",
                "must be blank for an 'equivalence' rule: it judges whether two quantities agree "
                "to within the smallest effect, with no claimed magnitude.",
            )
    return numbers


def _fmt_range(low: float, high: float, low_open: bool) -> str:
    return f"{'(' if low_open else '['}{low:g}, {high:g}]"


def _check_channel_numbers(df: pd.DataFrame, path) -> None:
    """Check each number of the channel catalogue and its provenance; store the numbers as floats.

    Each column of :data:`_CHANNEL_NUMBERS` is replaced in ``df`` by its values as floats (NaN
    where a number may be blank).
    """
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


#: A parameter name: its group, then the parameter (and a part of it, as in
#: ``population.tier_shares.small``), in lower-case snake_case separated by dots.
_PARAMETER_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
#: A word default of a strategy option, such as ``attention`` for the frequency cap.
_OPTION_WORD = re.compile(r"[a-z][a-z0-9_]*")


def _parameter_error(path, df, i, column, message):
    return DataValidationError(
        path, message, row=file_line(df, i), column=column, value=df[column].iloc[i]
    )


def _check_parameter_rows(df: pd.DataFrame, path, numbers: dict[str, pd.Series]) -> list:
    """Check each row of the parameter table; return the defaults (float, word or NaN)."""
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
    return defaults


def _check_target_rows(df: pd.DataFrame, path, numbers: dict[str, pd.Series]) -> None:
    """Check each row of the calibration targets: its id, value and uncertainty."""
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
