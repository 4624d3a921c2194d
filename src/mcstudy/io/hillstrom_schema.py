"""The schema of the published Hillstrom file: its columns, labels, row count and checksum.

:data:`HILLSTROM_COLUMNS` are the twelve columns of the MineThatData E-Mail Analytics and Data
Mining Challenge file (:data:`HILLSTROM_URL`), with the labels its text columns take and the
dollar range of each ``history_segment``; :data:`HILLSTROM_N_ROWS` and
:data:`HILLSTROM_SHA256` identify the published file. The loader
(:mod:`mcstudy.io.hillstrom`) and the customer table (:mod:`mcstudy.io.hillstrom_customers`)
read them from here.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "HILLSTROM_COLUMNS",
    "HILLSTROM_N_ROWS",
    "HILLSTROM_SHA256",
    "HILLSTROM_URL",
]

#: Public file of the MineThatData E-Mail Analytics and Data Mining Challenge (2008).
HILLSTROM_URL = (
    "http://www.minethatdata.com/"
    "Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv"
)
#: Data rows and SHA-256 of the published file (CRLF line ends, no newline after the last row).
HILLSTROM_N_ROWS = 64_000
HILLSTROM_SHA256 = "ff9e59285e9dc3f5fa3e0975419e6631ea5bdccd65d818991473d2367e02979c"
HILLSTROM_COLUMNS = (
    "recency",
    "history_segment",
    "history",
    "mens",
    "womens",
    "zip_code",
    "newbie",
    "channel",
    "segment",
    "visit",
    "conversion",
    "spend",
)
_INT_COLUMNS = ("recency", "mens", "womens", "newbie", "visit", "conversion")
_FLOAT_COLUMNS = ("history", "spend")
_BINARY_COLUMNS = ("mens", "womens", "newbie", "visit", "conversion")
_SEGMENTS = ("No E-Mail", "Mens E-Mail", "Womens E-Mail")
_CHANNELS = ("Phone", "Web", "Multichannel")
_ZIP_CODES = ("Urban", "Surburban", "Rural")  # "Surburban" is the original spelling
#: history_segment label -> [low, high) bounds of ``history`` in dollars.
_HISTORY_BUCKETS = {
    "1) $0 - $100": (0.0, 100.0),
    "2) $100 - $200": (100.0, 200.0),
    "3) $200 - $350": (200.0, 350.0),
    "4) $350 - $500": (350.0, 500.0),
    "5) $500 - $750": (500.0, 750.0),
    "6) $750 - $1,000": (750.0, 1000.0),
    "7) $1,000 +": (1000.0, np.inf),
}
_CATEGORIES = {
    "segment": (_SEGMENTS, False),
    "channel": (_CHANNELS, False),
    "zip_code": (_ZIP_CODES, False),
    "history_segment": (tuple(_HISTORY_BUCKETS), True),
}
