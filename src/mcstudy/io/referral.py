"""The cross-channel referral network of source 000 (box 3), as a validated table.

Box 3 of source 000 ("Réseau de renvois inter-canaux") gives, for an action channel among
Internet, shops and catalogues, the percentage of its customers who buy through another
channel: six directed flows, 8 %, 21 %, 6 %, 33 %, 45 % and 17 %. The extraction lost the
arrows; the text names the three most efficient referrals (catalogue to shops, Internet to
shops, catalogue to Internet). ``data/referral_network.csv`` holds one row per flow with the
mapping of percentages to flows *reconstructed* from the text, each row marking whether its
flow is named in the text or assigned by assumption, with its source, quote and note
(``docs/model.md`` §8.5). :func:`load_referral_network` reads and checks it;
:func:`mcstudy.model.channels.network_referral_matrix` turns it into the simulator's referral
matrix.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
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
    "BOX3_CHANNELS",
    "REFERRAL_COLUMNS",
    "REFERRAL_MAPPINGS",
    "load_referral_network",
]

#: The columns of the referral-network table, in order.
REFERRAL_COLUMNS = (
    "flow_id",
    "from_channel",
    "to_channel",
    "share",
    "from_simulated",
    "to_simulated",
    "mapping",
    "source",
    "quote",
    "note",
)
#: The action channels of box 3 and the simulated channel each stands for.
BOX3_CHANNELS = {"internet": "website", "shop": "face_to_face", "catalogue": "postal_mail"}
#: ``named``: a flow the text names as one of the most efficient referrals; ``unnamed``: a
#: flow the text does not name, assigned one of the remaining percentages by assumption.
REFERRAL_MAPPINGS = ("named", "unnamed")


def load_referral_network(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the cross-channel referral network (source 000, box 3).

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; the table shipped inside the package
        (:data:`mcstudy.config.REFERRAL_NETWORK_CSV`, also at ``data/referral_network.csv``
        of a source checkout) when None.

    Returns
    -------
    pandas.DataFrame
        One row per directed flow, columns :data:`REFERRAL_COLUMNS`; ``share`` as a float
        (the share of the action channel's customers who buy through the other channel).
        ``attrs["source"]`` holds the path the table was read from.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        If the file cannot be read as a comma-separated UTF-8 table; on missing columns,
        blank cells (every column but ``note``), ids or channel names with surrounding
        spaces, duplicate ids or flows, a channel outside :data:`BOX3_CHANNELS`, a flow from
        a channel to itself, a simulated channel that is not the one the box-3 channel
        stands for, a share that is not a number in [0, 1], a ``mapping`` outside
        :data:`REFERRAL_MAPPINGS`, or an action channel whose outgoing shares sum to more
        than 1. The message names the file, line, column, value and what is allowed.
    """
    path = as_path(path) if path is not None else config.REFERRAL_NETWORK_CSV
    df = read_csv(path, REFERRAL_COLUMNS)[list(REFERRAL_COLUMNS)]
    check_required(df, path, [c for c in REFERRAL_COLUMNS if c != "note"])
    check_trimmed(
        df,
        path,
        ("flow_id", "from_channel", "to_channel", "share", "from_simulated", "to_simulated"),
    )
    check_unique(df, path, "flow_id")
    for col in ("from_channel", "to_channel"):
        check_vocabulary(df, path, col, tuple(BOX3_CHANNELS))
    check_vocabulary(df, path, "mapping", REFERRAL_MAPPINGS)
    share = pd.to_numeric(df["share"], errors="coerce").astype(float)
    for i in range(len(df)):
        row = df.iloc[i]
        if row["from_channel"] == row["to_channel"]:
            raise DataValidationError(
                path,
                "a flow goes from an action channel to another one; got the same channel "
                "on both ends.",
                row=file_line(df, i),
                column="to_channel",
                value=row["to_channel"],
            )
        for end in ("from", "to"):
            wanted = BOX3_CHANNELS[row[f"{end}_channel"]]
            if row[f"{end}_simulated"] != wanted:
                raise DataValidationError(
                    path,
                    f"the simulated channel of box-3 channel {row[f'{end}_channel']!r} is "
                    f"{wanted!r} (allowed pairs: {BOX3_CHANNELS}).",
                    row=file_line(df, i),
                    column=f"{end}_simulated",
                    value=row[f"{end}_simulated"],
                )
        if not (np.isfinite(share.iloc[i]) and 0.0 <= share.iloc[i] <= 1.0):
            raise DataValidationError(
                path,
                "must be a number in [0, 1] (share of the action channel's customers).",
                row=file_line(df, i),
                column="share",
                value=row["share"],
            )
    pairs = df["from_channel"] + " -> " + df["to_channel"]
    repeated = pairs.duplicated(keep="first")
    if repeated.any():
        i = int(np.flatnonzero(repeated)[0])
        raise DataValidationError(
            path,
            "the flow is given twice; each directed flow once.",
            row=file_line(df, i),
            column="to_channel",
            value=pairs.iloc[i],
        )
    df["share"] = share
    outgoing = df.groupby("from_channel")["share"].sum()
    for channel, total in outgoing.items():
        if total > 1.0 + 1e-12:
            i = int(np.flatnonzero(df["from_channel"] == channel)[-1])
            raise DataValidationError(
                path,
                f"the shares leaving {channel!r} sum to {total:g}; they are shares of that "
                "channel's customers and must sum to at most 1.",
                row=file_line(df, i),
                column="share",
                value=df["share"].iloc[i],
            )
    df = df.reset_index(drop=True)
    df.attrs["source"] = str(path)
    return df
