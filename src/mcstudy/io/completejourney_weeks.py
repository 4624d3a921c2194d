"""The week calendar of the Complete Journey: week numbers of the study year 2017.

:func:`completejourney_week` numbers calendar dates in the weeks of the release (week 1 is
Sunday 1 January 2017 alone, then Monday-to-Sunday weeks up to week 53);
:data:`COMPLETEJOURNEY_TIMEZONE` is the local zone in which the ``week`` of a transaction is
that of its ``transaction_timestamp``.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

__all__ = [
    "COMPLETEJOURNEY_N_WEEKS",
    "COMPLETEJOURNEY_TIMEZONE",
    "COMPLETEJOURNEY_WEEK_ORIGIN",
    "completejourney_week",
]

#: Weeks of the study year. Week 1 is Sunday 1 January 2017 alone; week k >= 2 runs from Monday
#: to Sunday; week 53 is 25-31 December 2017.
COMPLETEJOURNEY_N_WEEKS = 53
#: The Monday that starts week 1 (a week of which only its Sunday, 1 January 2017, is studied).
COMPLETEJOURNEY_WEEK_ORIGIN = pd.Timestamp("2016-12-26")
#: ``transaction_timestamp`` is stored in UTC; its ``week`` is that of the date in this zone.
COMPLETEJOURNEY_TIMEZONE = "America/New_York"
_YEAR = (pd.Timestamp("2017-01-01"), pd.Timestamp("2017-12-31"))


def completejourney_week(dates) -> np.ndarray:
    """Number calendar dates in the weeks of the Complete Journey.

    Parameters
    ----------
    dates : array-like of datetime64 or pandas.Series of datetimes
        Local calendar dates (a time of day is ignored), such as ``start_date``,
        ``end_date`` or ``redemption_date``.

    Returns
    -------
    numpy.ndarray of int64
        Week number: 1 for Sunday 1 January 2017, then one per Monday-to-Sunday week, 53 for
        25-31 December 2017. Dates before the year give 0 or less, dates after it 54 or more
        (campaigns run from November 2016 to February 2018).

    Raises
    ------
    TypeError
        If ``dates`` are not datetimes (text, numbers, None) or carry a time zone.
    ValueError
        If a date is missing (NaT), or ``dates`` has more than one dimension.

    Notes
    -----
    The release's ``week`` column of transactions agrees with this numbering of the local
    date of ``transaction_timestamp`` (stored in UTC, local time zone
    :data:`COMPLETEJOURNEY_TIMEZONE`) on every one of its 1,469,307 rows; the loader checks it.

    Examples
    --------
    >>> completejourney_week(pd.to_datetime(["2017-01-01", "2017-01-02", "2017-12-31"]))
    array([ 1,  2, 53])
    """
    values = _local_dates(dates).dt.normalize()
    days = (values - COMPLETEJOURNEY_WEEK_ORIGIN).dt.days.to_numpy(dtype=np.int64)
    return days // 7 + 1


def _local_dates(dates) -> pd.Series:
    """``dates`` as a Series of tz-naive datetimes; raise on anything else or on NaT."""
    allowed = (
        "'dates' must be datetime64 dates or Timestamps (tz-naive local dates; convert text "
        "with pd.to_datetime)"
    )
    if dates is None or isinstance(dates, str | bytes):
        raise TypeError(f"{allowed}; got {dates!r}.")
    if not isinstance(dates, pd.Series | pd.Index):
        dates = np.asarray(dates)
        if dates.ndim > 1:
            raise ValueError(f"'dates' must be 1-d; got shape {dates.shape}.")
        dates = dates.ravel()
    series = pd.Series(dates, copy=False).reset_index(drop=True)
    if len(series) == 0:
        return pd.Series(pd.to_datetime([]), dtype="datetime64[ns]")
    if series.dtype == object:
        kinds = {type(v) for v in series if v is not None and v is not pd.NaT}
        if not all(issubclass(k, datetime.date | np.datetime64) for k in kinds):
            shown = sorted(k.__name__ for k in kinds)
            raise TypeError(f"{allowed}; got values of type {shown}.")
        try:
            series = pd.to_datetime(series)
        except (ValueError, TypeError) as exc:  # mixed time zones
            raise TypeError(f"{allowed}; got {series.tolist()[:3]!r} ({exc}).") from exc
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        raise TypeError(
            f"'dates' must be tz-naive local dates (convert with .dt.tz_convert("
            f"{COMPLETEJOURNEY_TIMEZONE!r}).dt.tz_localize(None)); got dtype {series.dtype}."
        )
    if not pd.api.types.is_datetime64_dtype(series.dtype):
        raise TypeError(f"{allowed}; got dtype {series.dtype}.")
    missing = series.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"'dates' must not be missing; got NaT at position {int(np.flatnonzero(missing)[0])} "
            f"({int(missing.sum())} missing)."
        )
    return series
