"""The base class of the statistics' results: frozen records that give a ``summary()`` table.

As statsmodels' results classes share ``LikelihoodModelResults``, every estimate of
:mod:`mcstudy.analysis` derives from :class:`Estimate`: a frozen dataclass of numbers and
labels whose :meth:`~Estimate.summary` is a DataFrame. The default summary is one row of the
scalar fields in their declared order; a result laid out otherwise (one row per group, per
term, per comparison) overrides it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

__all__ = ["Estimate"]

_SCALARS = (bool, int, float, complex, str, bytes, np.generic, type(None))


class Estimate:
    """Base of the frozen result dataclasses: ``summary()`` gives the result as a DataFrame.

    A subclass is a ``@dataclass(frozen=True)``; the base adds no field and no state, so
    equality, hashing, ``repr`` and pickling are the dataclass's own.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Mean(Estimate):
    ...     estimate: float
    ...     n: int
    >>> Mean(2.5, 10).summary()
       estimate   n
    0       2.5  10
    """

    __slots__ = ()

    def summary(self) -> pd.DataFrame:
        """Return one row: the scalar fields (numbers, strings, bools), in their declared order."""
        if not dataclasses.is_dataclass(self):
            raise TypeError(
                f"{type(self).__name__} derives from Estimate but is not a dataclass; "
                "decorate it with @dataclass(frozen=True)."
            )
        row = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), _SCALARS)
        }
        return pd.DataFrame([row])
