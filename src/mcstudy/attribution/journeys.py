"""Path tables built from journeys: customer-level touchpoints or a simulation's journeys.

- :func:`paths_from_journeys`: customer-level journeys (one row per touchpoint) aggregated to
  unique paths;
- :func:`paths_from_simulation`: the journeys table of a :class:`~mcstudy.model.SimulationResult`
  turned into a path table.

Both return a path table in the convention of :mod:`~mcstudy.attribution.paths`.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame, check_option, check_separator
from mcstudy.attribution._checks import (
    DEFAULT_SEP,
    _check_unique_columns,
    _name_problem,
    _numbers,
    _row,
    _rows,
    _split_token,
)
from mcstudy.attribution._sequences import _sequence_keys

__all__ = ["paths_from_journeys", "paths_from_simulation"]


def _check_order(tp: pd.DataFrame, order) -> None:
    """Raise unless column ``order`` holds finite numbers or time stamps, none missing."""
    series = tp[order]
    dtype = series.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    stamps = pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
    ordered = isinstance(dtype, pd.CategoricalDtype) and bool(dtype.ordered)
    if not (numeric or stamps or ordered):
        first = f" (first value {series.iloc[0]!r})" if len(series) else ""
        raise TypeError(
            f"'touchpoints' column {order!r} must hold numbers or time stamps that order the "
            f"touches; got dtype {dtype}{first}. Strings sort as text ('10' before '9'): "
            f"convert them (pd.to_numeric, pd.to_datetime)."
        )
    bad = series.isna().to_numpy(dtype=bool, copy=True)
    if numeric:
        bad |= ~np.isfinite(series.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        at = np.flatnonzero(bad)
        first = series.iloc[at[0]]
        first = first.item() if isinstance(first, np.generic) else first
        raise ValueError(
            f"'touchpoints' column {order!r} must hold finite numbers or time stamps, none "
            f"missing; {_rows(tp, at)} {'has' if len(at) == 1 else 'have, first,'} {first!r} "
            f"(a touch without a place in its journey)."
        )


def _channel_names(tp: pd.DataFrame, channel, sep: str) -> pd.Series:
    """The channel column as strings (missing: not a touch); raise on a bad name."""
    raw = tp[channel]
    present = raw.notna().to_numpy(dtype=bool)
    is_str = raw.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if is_str.any() and (present & ~is_str).any():
        i = int(np.flatnonzero(present & ~is_str)[0])
        raise TypeError(
            f"'touchpoints' column {channel!r} mixes strings and other values: {_row(tp, i)} "
            f"has {raw.iloc[i]!r} ({type(raw.iloc[i]).__name__}); channel names must be of one "
            f"kind (1 and '1' would be one channel)."
        )
    names = raw.astype("string")
    token = _split_token(sep)
    bad = names.str.contains(token, regex=False).fillna(False).to_numpy(bool)
    bad |= names.str.strip().eq("").fillna(False).to_numpy(bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'touchpoints' column {channel!r}: {_row(tp, i)} is empty or contains the "
            f"separator {sep!r}: {raw.iloc[i]!r}."
        )
    stripped = names.str.strip()
    for name in stripped[present].unique():
        problem = _name_problem(str(name), sep, str(name))
        if problem is not None:
            i = int(np.flatnonzero((stripped == name).fillna(False).to_numpy(bool))[0])
            raise ValueError(
                f"'touchpoints' column {channel!r}: {_row(tp, i)} has channel {raw.iloc[i]!r}, "
                f"which {problem[0]}; a channel name must not contain or end with a separator "
                f"(the path table would not read back) nor spell a missing value."
            )
    return names


def paths_from_journeys(
    touchpoints: pd.DataFrame,
    *,
    journey: str = "journey_id",
    channel: str = "channel",
    order: str | None = None,
    conversions: str = "conversions",
    value: str | None = "value",
    outcome: str = "sum",
    sep: str = DEFAULT_SEP,
) -> pd.DataFrame:
    """Aggregate customer-level journeys into a path table.

    Parameters
    ----------
    touchpoints : pandas.DataFrame
        One row per touchpoint (an outbound contact, a visit, a service contact...): the
        journey it belongs to, its channel and, on any row, the journey's conversions and
        value. A row whose channel is missing is not a touch; it only carries an outcome (a
        purchase row, for instance).
    journey : str, default="journey_id"
        Column identifying the journey (a customer, or a customer's journey up to a
        conversion).
    channel : str, default="channel"
        Column naming the channel of the touch; names must not contain ``sep``.
    order : str, default=None
        Column ordering the touches within a journey (a time stamp, a step number); ties and
        None keep the order of the rows.
    conversions : str, default="conversions"
        Column of conversions (a count or a bool).
    value : str, default="value"
        Column of conversion values; None when there are none.
    outcome : {"sum", "max"}, default="sum"
        How the journey's conversions and value are read from its rows: ``"sum"`` adds them
        (outcomes recorded on the rows where they happen), ``"max"`` takes the largest (a
        journey-level flag and value repeated on every row).
    sep : str, default=" > "
        Separator written between touchpoints.

    Returns
    -------
    pandas.DataFrame
        The path table (``path``, ``conversions``, ``nulls``, ``value``), one row per unique
        path, sorted by path. A journey with conversions is counted in ``conversions`` (its
        number of conversions) and one without in ``nulls`` (1). Journeys without any touch
        have no path and are left out; their number and conversions are in
        ``attrs["n_journeys_without_touch"]`` and ``attrs["conversions_without_touch"]``.

    Raises
    ------
    TypeError, ValueError
        On a missing column, a column argument that is None (other than ``order`` and
        ``value``) or names a column also given another role, a column used that is not
        unique, a bad option, a negative or non-finite conversion or value (or totals that
        overflow), a missing journey id, journey ids of mixed kinds, an ``order`` column that
        is not numbers or time stamps or has missing or infinite values, channel names
        mixing strings and other values, or a channel name that contains the separator or
        another one, begins or ends with a separator's leftover or spells a missing value
        (``"nan"``); the message names the rows (position and index label), column and value.

    Examples
    --------
    >>> import pandas as pd
    >>> touches = pd.DataFrame({"journey_id": [1, 1, 2, 3],
    ...                         "channel": ["email", "web", "web", "sms"],
    ...                         "conversions": [0, 1, 1, 0], "value": [0.0, 30.0, 20.0, 0.0]})
    >>> paths_from_journeys(touches)
              path  conversions  nulls  value
    0  email > web          1.0    0.0   30.0
    1          sms          0.0    1.0    0.0
    2          web          1.0    0.0   20.0
    """
    roles = {
        "journey": journey,
        "channel": channel,
        "order": order,
        "conversions": conversions,
        "value": value,
    }
    for role, column in roles.items():
        if (column is None and role not in ("order", "value")) or not isinstance(column, Hashable):
            raise TypeError(
                f"{role!r} must name a column of 'touchpoints'"
                f"{'' if role not in ('order', 'value') else ' (or be None)'}; got {column!r}."
            )
    check_frame(touchpoints, list(roles.values()), "touchpoints")
    check_option(outcome, "outcome", ("sum", "max"))
    check_separator(sep, "sep")
    used = {role: column for role, column in roles.items() if column is not None}
    for role, column in used.items():
        others = [r for r, c in used.items() if c == column and r != role]
        if others:
            raise ValueError(
                f"{role!r} and {others[0]!r} both name column {column!r} of 'touchpoints'; "
                f"each must be a different column."
            )
    _check_unique_columns(touchpoints, used.values(), "touchpoints")
    tp = touchpoints  # messages name its rows by position and index label
    conv = _numbers(tp, conversions, "touchpoints", low=0.0)
    val = np.zeros(len(tp)) if value is None else _numbers(tp, value, "touchpoints")
    if value is not None and (val < 0).any():
        i = int(np.flatnonzero(val < 0)[0])
        raise ValueError(
            f"'touchpoints' column {value!r} must hold values >= 0; {_row(tp, i)} has "
            f"{float(val[i])!r}."
        )
    for column, numbers in ((conversions, conv), (value, val)):
        with np.errstate(over="ignore"):
            total = numbers.sum()
        if not np.isfinite(total):
            i = int(np.argmax(numbers))
            raise ValueError(
                f"'touchpoints' column {column!r} must sum to a finite number; its total "
                f"overflows to {float(total)!r} (the largest is {float(numbers[i])!r}, "
                f"{_row(tp, i)})."
            )
    missing = tp[journey].isna().to_numpy(dtype=bool)
    if missing.any():
        raise ValueError(
            f"'touchpoints' column {journey!r} is missing on {_rows(tp, np.flatnonzero(missing))}"
            f"; every row must belong to a journey (its touch, conversions and value would "
            f"otherwise be lost or added to another journey)."
        )
    if order is not None:
        _check_order(tp, order)
    names = _channel_names(tp, channel, sep)
    df = tp.reset_index(drop=True)
    names = names.reset_index(drop=True)

    sort_cols = [journey] if order is None else [journey, order]
    try:
        rows = df.sort_values(sort_cols, kind="stable").index.to_numpy()
        journey_codes, journey_ids = pd.factorize(df[journey].iloc[rows], sort=True)
    except TypeError as exc:
        kinds = sorted({type(v).__name__ for v in tp[journey]})
        raise TypeError(
            f"'touchpoints' column {journey!r} must hold journey ids of one kind that can be "
            f"sorted and compared (numbers or strings); got values of types {kinds} ({exc})."
        ) from None
    n_journeys = len(journey_ids)
    reduce = np.add if outcome == "sum" else np.maximum
    j_conv = np.zeros(n_journeys)
    j_val = np.zeros(n_journeys)
    reduce.at(j_conv, journey_codes, conv[rows])
    reduce.at(j_val, journey_codes, val[rows])

    is_touch = names.iloc[rows].notna().to_numpy()
    touch_journey = journey_codes[is_touch]
    channels, codes = np.unique(
        names.iloc[rows][is_touch].str.strip().to_numpy(str), return_inverse=True
    )
    lengths = np.bincount(touch_journey, minlength=n_journeys)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    has_touch = lengths > 0
    group = _sequence_keys(codes.astype(np.int64), starts, lengths)

    conv_j, val_j = j_conv[has_touch], j_val[has_touch]
    table = pd.DataFrame(
        {
            "group": group[has_touch],
            "conversions": conv_j,
            "nulls": (conv_j == 0).astype(float),
            "value": val_j,
        }
    )
    agg = table.groupby("group", sort=False).agg(
        conversions=("conversions", "sum"), nulls=("nulls", "sum"), value=("value", "sum")
    )
    first_journey = (
        pd.Series(np.flatnonzero(has_touch), index=group[has_touch]).groupby(level=0).first()
    )
    reps = first_journey.loc[agg.index].to_numpy()
    labels = np.asarray(channels, dtype=object)
    agg.insert(
        0,
        "path",
        [sep.join(labels[codes[starts[j] : starts[j] + lengths[j]]]) for j in reps],
    )
    out = agg.sort_values("path").reset_index(drop=True)
    if value is None:
        out["value"] = np.nan
    out.attrs.update(
        sep=sep,
        has_value=value is not None,
        n_journeys_without_touch=int((~has_touch).sum()),
        conversions_without_touch=float(j_conv[~has_touch].sum()),
    )
    return out


def paths_from_simulation(
    result,
    *,
    touches: str = "contacts",
    split: str = "purchase",
    purchase_channel: bool = False,
    arm: str | None = None,
    sep: str = DEFAULT_SEP,
) -> pd.DataFrame:
    """Turn the journeys table of a simulation into a path table.

    The simulator records, for each sampled customer, the outbound contacts of every week
    (channel, number sent, number attended) and the weeks with a purchase (channel, revenue);
    see :attr:`mcstudy.model.SimulationResult.journeys`. Within a week, contacts come before
    the purchase they may have caused.

    Parameters
    ----------
    result : SimulationResult
        A simulation run with ``n_journeys > 0``.
    touches : {"contacts", "attended"}, default="contacts"
        Which contacts are touchpoints: every contact sent (what a firm's contact history
        holds) or only those the customer attended to (what an analyst with open or read
        receipts sees). A week's contacts on one channel count as that many touches.
    split : {"purchase", "customer"}, default="purchase"
        ``"purchase"``: every week with a purchase closes a journey (a conversion of that
        week's revenue), the touches since the previous purchase form its path, and the
        touches after the last purchase form a journey without conversion.
        ``"customer"``: one journey per customer, its touches up to its last purchase, its
        purchase weeks as its conversions (all its touches and a null if it never bought).
    purchase_channel : bool, default=False
        Add the channel of each purchase (the shop, the website...) as a touch where the
        purchase happens, as a last-click export would: the last touch of a converting path
        with ``split="purchase"``.
    arm : str, default=None
        Keep the customers of one arm; every arm when None.
    sep : str, default=" > "
        Separator written between touchpoints.

    Returns
    -------
    pandas.DataFrame
        The path table (:func:`paths_from_journeys`). A conversion is a *week with a
        purchase* (the journeys table does not record several purchases within a week
        separately); its value is the week's revenue. Purchases with no touch before them
        have no path (see ``attrs``).

    Raises
    ------
    TypeError, ValueError
        If ``result`` is not a SimulationResult, an option is not one of those allowed, or
        the arm is unknown.
    """
    from mcstudy.model.engine import SimulationResult

    if not isinstance(result, SimulationResult):
        raise TypeError(f"'result' must be a SimulationResult; got {type(result).__name__}.")
    check_option(touches, "touches", ("contacts", "attended"))
    check_option(split, "split", ("purchase", "customer"))
    if not isinstance(purchase_channel, bool):
        raise TypeError(f"'purchase_channel' must be a bool; got {purchase_channel!r}.")
    jr = result.journeys
    if arm is not None:
        check_option(arm, "arm", [str(a) for a in result.strategies])
        jr = jr[jr["arm"] == arm]
    jr = jr.sort_values(["journey_id", "step"], kind="stable")
    is_purchase = (jr["touchpoint"] == "purchase").to_numpy()
    count = np.where(is_purchase, 1, jr[touches].to_numpy())
    rows = np.repeat(np.arange(len(jr)), count)
    purchase = is_purchase[rows]
    journey_ids = jr["journey_id"].to_numpy()[rows]
    if split == "purchase":
        # Purchases before this row, within the customer: the segment a touch belongs to.
        new_customer = np.r_[True, journey_ids[1:] != journey_ids[:-1]]
        before = np.cumsum(purchase) - purchase
        base = np.maximum.accumulate(np.where(new_customer, before, 0))
        segment = before - base
    else:
        last = (
            pd.Series(np.where(purchase, np.arange(len(rows)), -1))
            .groupby(journey_ids)
            .transform("max")
        )
        segment = np.zeros(len(rows), dtype=np.int64)
        drop_after = (np.arange(len(rows)) > last.to_numpy()) & (last.to_numpy() >= 0)
        keep = ~drop_after
        rows, purchase, journey_ids, segment = (
            rows[keep],
            purchase[keep],
            journey_ids[keep],
            segment[keep],
        )
    channel = jr["channel"].astype(str).to_numpy()[rows].astype(object)
    if not purchase_channel:
        channel = np.where(purchase, None, channel)
    touchpoints = pd.DataFrame(
        {
            "journey_id": journey_ids,
            "segment": segment,
            "channel": channel,
            "conversions": purchase.astype(float),
            "value": np.where(purchase, jr["value_eur"].to_numpy()[rows], 0.0),
        }
    )
    # A journey: one customer's touches up to (and including) a purchase week.
    key = touchpoints["journey_id"].astype(np.int64) * (int(segment.max(initial=0)) + 1) + segment
    touchpoints["journey"] = key
    return paths_from_journeys(
        touchpoints,
        journey="journey",
        channel="channel",
        conversions="conversions",
        value="value",
        sep=sep,
    )
