"""Hostile inputs to the data loaders: claims, channels, parameters, targets, referral network,
Hillstrom (files in odd encodings, empty, header only, another separator, duplicated ids, NaN
in required numbers) and the Hillstrom tables built from a loaded frame."""

import codecs
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcstudy import config

TMP = Path(tempfile.mkdtemp(prefix="mcstudy-hostile-io-"))
DATA = {
    "claims": config.CLAIMS_CSV,
    "channels": Path(config.CLAIMS_CSV).parent / "channels.csv",
    "parameters": Path(config.CLAIMS_CSV).parent / "parameters.csv",
    "targets": Path(config.CLAIMS_CSV).parent / "targets.csv",
    "referral": config.REFERRAL_NETWORK_CSV,
}
TEXT = {name: Path(path).read_text(encoding="utf-8") for name, path in DATA.items()}

HILLSTROM_HEADER = (
    "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,"
    "conversion,spend"
)
HILLSTROM_ROWS = [
    "10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0",
    "6,3) $200 - $350,329.08,1,1,Rural,1,Web,No E-Mail,0,0,0",
    "7,2) $100 - $200,180.65,0,1,Surburban,1,Web,Womens E-Mail,0,0,0",
    "9,5) $500 - $750,675.83,1,0,Rural,1,Web,Mens E-Mail,1,1,29.99",
    "2,1) $0 - $100,45.34,1,0,Urban,0,Web,Womens E-Mail,0,0,0",
    "6,2) $100 - $200,134.83,0,1,Surburban,0,Phone,No E-Mail,1,0,0",
    "9,3) $200 - $350,280.2,1,0,Surburban,1,Phone,Mens E-Mail,1,1,10.5",
    "3,1) $0 - $100,50.0,0,1,Urban,0,Multichannel,No E-Mail,0,0,0",
]
TEXT["hillstrom"] = HILLSTROM_HEADER + "\n" + "\n".join(HILLSTROM_ROWS) + "\n"


def _loader(kind):
    from mcstudy.io import (
        load_channels,
        load_claims,
        load_hillstrom,
        load_parameters,
        load_referral_network,
        load_targets,
    )

    return {
        "claims": load_claims,
        "channels": load_channels,
        "parameters": load_parameters,
        "targets": load_targets,
        "referral": load_referral_network,
        "hillstrom": lambda p: load_hillstrom(p, verify=False),
    }[kind]


_counter = iter(range(10**6))


def _file(kind, data: bytes | str) -> Path:
    path = TMP / f"{kind}_{next(_counter)}.csv"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def _load(kind, data):
    path = _file(kind, data)
    return lambda: _loader(kind)(path)


def _lines(kind):
    return TEXT[kind].splitlines(keepends=True)


def _replace_cell(kind, line_no, column, value):
    """Text of ``kind`` with one cell replaced (line_no: 1-based data line)."""
    df = pd.read_csv(DATA[kind] if kind != "hillstrom" else _file(kind, TEXT[kind]), dtype=str)
    df = df.fillna("")
    df.iloc[line_no - 1, df.columns.get_loc(column)] = value
    return df.to_csv(index=False)


def _duplicate_first_row(kind):
    lines = _lines(kind)
    df = pd.read_csv(DATA[kind] if kind != "hillstrom" else _file(kind, TEXT[kind]), dtype=str)
    df = pd.concat([df, df.iloc[[0]]]).fillna("")
    return df.to_csv(index=False) if lines else ""


def _valid(kind):
    def check():
        df = _loader(kind)(_file(kind, TEXT[kind]))
        assert len(df) > 0

    return check


KINDS = ("claims", "channels", "parameters", "targets", "referral", "hillstrom")
ID_COLUMN = {
    "claims": "claim_id",
    "channels": "channel",
    "parameters": "name",
    "targets": "target_id",
    "referral": "flow_id",
}
NUMBER_COLUMN = {
    "claims": ("smallest_effect", 2),  # line 2 is a testable claim (C000-02)
    "channels": ("cost_per_contact_eur", 1),
    "parameters": ("default", 1),
    "targets": ("value", 1),
    "referral": ("share", 1),
    "hillstrom": ("history", 1),
}

CASES = []
for kind in KINDS:
    text = TEXT[kind]
    header = text.splitlines()[0]
    CASES += [
        (f"io/{kind}: the shipped file (valid)", _valid(kind), None, None),
        (
            f"io/{kind}: UTF-16 with BOM",
            _load(kind, codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
            ValueError,
            r"\.csv: .*UTF-16.*save it as UTF-8",
        ),
        (
            f"io/{kind}: UTF-16 big-endian with BOM",
            _load(kind, codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
            ValueError,
            r"\.csv: .*UTF-16.*save it as UTF-8",
        ),
        (
            f"io/{kind}: UTF-16 without BOM",
            _load(kind, text.encode("utf-16-le")),
            ValueError,
            r"\.csv: .*UTF-16.*save it as UTF-8",
        ),
        (
            f"io/{kind}: UTF-32 with BOM",
            _load(kind, text.encode("utf-32")),
            ValueError,
            r"\.csv: .*UTF-32.*save it as UTF-8",
        ),
        (
            f"io/{kind}: Latin-1 bytes",
            _load(kind, (text + "").encode("utf-8").replace(b"\xc3\xa9", b"\xe9") + b"\xe9\n"),
            ValueError,
            r"\.csv: not UTF-8 text \(byte 0xe9 .*Latin-1",
        ),
        (
            f"io/{kind}: empty file",
            _load(kind, b""),
            ValueError,
            r"\.csv: the file is empty \(0 bytes\)",
        ),
        (
            f"io/{kind}: header only",
            _load(kind, header + "\n"),
            ValueError,
            r"\.csv: the file has a header but no data rows",
        ),
        (
            f"io/{kind}: semicolon-separated",
            _load(kind, header.replace(",", ";") + "\n" + "a;b\n"),
            ValueError,
            r"\.csv: missing columns .*semicolon-separated",
        ),
        (
            f"io/{kind}: a directory",
            lambda kind=kind: _loader(kind)(TMP),
            ValueError,
            r"is a directory, expected a CSV file",
        ),
        (
            f"io/{kind}: a missing file",
            lambda kind=kind: _loader(kind)(TMP / "no_such_file.csv"),
            FileNotFoundError,
            r"no_such_file\.csv",
        ),
    ]
    column, line = NUMBER_COLUMN[kind]
    for value in ("nan", "NaN", "inf", "abc"):
        CASES.append(
            (
                f"io/{kind}: {value!r} in required number {column!r}",
                _load(kind, _replace_cell(kind, line, column, value)),
                ValueError,
                rf"\.csv.* column '{column}'",
            )
        )
    if kind in ID_COLUMN:
        CASES.append(
            (
                f"io/{kind}: duplicated id",
                _load(kind, _duplicate_first_row(kind)),
                ValueError,
                rf"\.csv, line \d+, column '{ID_COLUMN[kind]}'.*duplicate",
            )
        )


# ---------------------------------------------------------------- Hillstrom frames


def _hillstrom_frame():
    from mcstudy.io import load_hillstrom

    return load_hillstrom(_file("hillstrom", TEXT["hillstrom"]), verify=False)


def _customer_table(mutate):
    def thunk():
        from mcstudy.io import hillstrom_customer_table

        df = _hillstrom_frame()
        hillstrom_customer_table(mutate(df))

    return thunk


def _as_text(df, column, value, row=0):
    df = df.copy()
    df[column] = df[column].astype(object)
    df.loc[row, column] = value
    return df


def _targets_of(mutate):
    def thunk():
        from mcstudy.io import hillstrom_targets

        hillstrom_targets(mutate(_hillstrom_frame()))

    return thunk


def _customer_table_valid():
    from mcstudy.io import hillstrom_customer_table

    out = hillstrom_customer_table(_hillstrom_frame())
    assert out["arm"].notna().all() and len(out) == len(HILLSTROM_ROWS)


CASES += [
    ("io/hillstrom_customer_table: valid frame", _customer_table_valid, None, None),
    (
        "io/hillstrom_customer_table: unknown segment label",
        _customer_table(lambda df: _as_text(df, "segment", "No e-mail")),
        ValueError,
        r"'df' column 'segment' must be one of .*; row 0 .* has 'No e-mail'",
    ),
    (
        "io/hillstrom_customer_table: unknown channel label",
        _customer_table(lambda df: _as_text(df, "channel", "Fax")),
        ValueError,
        r"'df' column 'channel' .*'Fax'",
    ),
    (
        "io/hillstrom_customer_table: NaN segment",
        _customer_table(lambda df: _as_text(df, "segment", np.nan)),
        ValueError,
        r"'df' column 'segment' .*nan",
    ),
    (
        "io/hillstrom_customer_table: NaN recency",
        _customer_table(
            lambda df: df.assign(recency=df["recency"].astype(float).where(df.index > 0))
        ),
        ValueError,
        r"'df' column 'recency' must hold finite numbers >= 0; row 0",
    ),
    (
        "io/hillstrom_customer_table: text in history",
        _customer_table(lambda df: _as_text(df, "history", "lots")),
        TypeError,
        r"'df' column 'history' must be numeric",
    ),
    (
        "io/hillstrom_customer_table: list instead of frame",
        lambda: __import__("mcstudy.io", fromlist=["x"]).hillstrom_customer_table([1, 2]),
        TypeError,
        r"'df' must be a pandas DataFrame; got list",
    ),
    (
        "io/hillstrom_targets: missing column",
        _targets_of(lambda df: df.drop(columns="spend")),
        ValueError,
        r"'df' is missing columns \['spend'\]",
    ),
    (
        "io/hillstrom_targets: one customer",
        _targets_of(lambda df: df.iloc[:1]),
        ValueError,
        r"'df' .*(at least|every arm)",
    ),
    (
        "io/hillstrom_targets: no No E-Mail arm",
        _targets_of(lambda df: df[df["segment"] != "No E-Mail"].reset_index(drop=True)),
        ValueError,
        r"'df' .*No E-Mail",
    ),
    (
        "io/hillstrom_targets: unknown segment",
        _targets_of(lambda df: _as_text(df, "segment", "Control")),
        ValueError,
        r"'df' column 'segment' .*'Control'",
    ),
    (
        "io/load_hillstrom: verify not a bool",
        lambda: __import__("mcstudy.io", fromlist=["x"]).load_hillstrom(
            _file("hillstrom", TEXT["hillstrom"]), verify="no"
        ),
        TypeError,
        r"'verify' must be a bool; got 'no'",
    ),
    (
        "io/load_claims: path of a wrong type",
        lambda: _loader("claims")(3.5),
        TypeError,
        r"'path' must be a path \(str or os.PathLike\); got 3.5",
    ),
    (
        "io/load_targets: path of a wrong type",
        lambda: _loader("targets")(["data/targets.csv"]),
        TypeError,
        r"'path' must be a path \(str or os.PathLike\)",
    ),
    (
        "io/read_csv: UTF-8 BOM is accepted",
        lambda: _loader("claims")(_file("claims", codecs.BOM_UTF8 + TEXT["claims"].encode())),
        None,
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
