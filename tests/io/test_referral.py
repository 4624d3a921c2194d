"""The box-3 referral network: the shipped table, its checks, and the matrix built from it."""

import re

import numpy as np
import pandas as pd
import pytest

from mcstudy import config
from mcstudy.io import DataValidationError
from mcstudy.io.referral import BOX3_CHANNELS, REFERRAL_COLUMNS, load_referral_network
from mcstudy.model.channels import (
    DEFAULT_CHANNELS,
    PURCHASE_CHANNELS,
    default_referral_matrix,
    network_referral_matrix,
)


@pytest.fixture(scope="module")
def network_text():
    return pd.read_csv(config.REFERRAL_NETWORK_CSV, dtype=str, keep_default_na=False)


def write(df, tmp_path):
    path = tmp_path / "referral_network.csv"
    df.to_csv(path, index=False)
    return path


def test_shipped_network_holds_the_six_box3_percentages():
    # source 000, box 3: 8 %, 21 %, 6 %, 33 %, 45 %, 17 % between Internet, shops, catalogues
    net = load_referral_network()
    assert list(net.columns) == list(REFERRAL_COLUMNS)
    assert sorted(net["share"]) == sorted([0.08, 0.21, 0.06, 0.33, 0.45, 0.17])
    assert len(set(zip(net["from_channel"], net["to_channel"], strict=True))) == 6
    # the three flows the text names as most efficient carry the three largest values
    named = net[net["mapping"] == "named"].set_index(["from_channel", "to_channel"])["share"]
    assert named.to_dict() == {
        ("catalogue", "shop"): 0.45,
        ("internet", "shop"): 0.33,
        ("catalogue", "internet"): 0.21,
    }
    assert net.groupby("from_channel")["share"].sum().max() <= 1.0
    assert net["note"].str.contains("Reconstruction|Assumption").all()


def test_quotes_appear_in_source_000():
    seeds = config.ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"source documents not found at {seeds}")
    text = (seeds / "000_da6d8463cb5d92d2.txt").read_text(encoding="utf-8")
    flat = re.sub(r"\s+", " ", text)
    for quote in load_referral_network()["quote"].unique():
        assert re.sub(r"\s+", " ", quote) in flat


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("share", "1.5", r"column 'share', value '1.5': must be a number in \[0, 1\]"),
        ("share", "x", r"column 'share', value 'x'"),
        ("from_channel", "radio", r"column 'from_channel', value 'radio': must be one of"),
        ("to_channel", "catalogue", r"column 'to_channel', value 'catalogue': a flow goes"),
        ("from_simulated", "email", r"column 'from_simulated', value 'email': the simulated"),
        ("mapping", "guess", r"column 'mapping', value 'guess': must be one of"),
        ("flow_id", " box3.x", r"column 'flow_id', value ' box3.x': must not start or end"),
        ("source", "", r"column 'source', value '': must not be blank"),
    ],
)
def test_bad_rows_name_file_line_column_and_value(network_text, tmp_path, column, value, message):
    df = network_text.copy()
    df.loc[0, column] = value
    with pytest.raises(DataValidationError, match=r"referral_network\.csv, line 2, " + message):
        load_referral_network(write(df, tmp_path))


def test_a_flow_given_twice_and_outgoing_shares_above_one(network_text, tmp_path):
    df = network_text.copy()
    df.loc[1, ["from_channel", "to_channel", "from_simulated", "to_simulated"]] = df.loc[
        0, ["from_channel", "to_channel", "from_simulated", "to_simulated"]
    ]
    with pytest.raises(DataValidationError, match="line 3.*the flow is given twice"):
        load_referral_network(write(df, tmp_path))
    df = network_text.copy()
    df.loc[df["flow_id"] == "box3.catalogue.internet", "share"] = "0.6"
    with pytest.raises(DataValidationError, match="shares leaving 'catalogue' sum to 1.05"):
        load_referral_network(write(df, tmp_path))


def test_missing_column_and_file(network_text, tmp_path):
    with pytest.raises(DataValidationError, match="share"):
        load_referral_network(write(network_text.drop(columns="share"), tmp_path))
    with pytest.raises(FileNotFoundError):
        load_referral_network(tmp_path / "none.csv")


def test_matrix_rows_are_the_box3_splits():
    net = load_referral_network()
    m = pd.DataFrame(
        network_referral_matrix(net, DEFAULT_CHANNELS, PURCHASE_CHANNELS),
        index=DEFAULT_CHANNELS,
        columns=PURCHASE_CHANNELS,
    )
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    # catalogue: 45 % buy in a shop, 21 % online, the rest by catalogue
    np.testing.assert_allclose(
        m.loc["postal_mail", ["face_to_face", "website", "postal_mail"]], [0.45, 0.21, 0.34]
    )
    # Internet: 33 % shop, 8 % catalogue, the rest online; e-mail and SMS refer like it
    for row in ("website", "email", "sms"):
        np.testing.assert_allclose(
            m.loc[row, ["face_to_face", "postal_mail", "website"]], [0.33, 0.08, 0.59]
        )
    np.testing.assert_allclose(
        m.loc["face_to_face", ["face_to_face", "website", "postal_mail"]], [0.77, 0.17, 0.06]
    )
    # a channel outside box 3 keeps its default row
    default = default_referral_matrix(DEFAULT_CHANNELS, PURCHASE_CHANNELS)
    np.testing.assert_allclose(m.loc["telephone"], default[DEFAULT_CHANNELS.index("telephone")])
    assert set(BOX3_CHANNELS.values()) <= set(PURCHASE_CHANNELS)


def test_matrix_without_proxies_and_on_fewer_purchase_channels():
    net = load_referral_network()
    plain = network_referral_matrix(net, ["email"], PURCHASE_CHANNELS, proxies={})
    np.testing.assert_allclose(plain, default_referral_matrix(["email"], PURCHASE_CHANNELS))
    # without the catalogue as a purchase channel its share is dropped and the row renormalised
    m = network_referral_matrix(net, ["website"], ["face_to_face", "website"])
    np.testing.assert_allclose(m, [[0.33 / 0.92, 0.59 / 0.92]])


def test_matrix_bad_input():
    net = load_referral_network()
    with pytest.raises(ValueError, match=r"'network' must have columns \['share'\]"):
        network_referral_matrix(net.drop(columns="share"), DEFAULT_CHANNELS, PURCHASE_CHANNELS)
    with pytest.raises(ValueError, match=r"'proxies' must map.*\{'email': 'telephone'\}"):
        network_referral_matrix(
            net, DEFAULT_CHANNELS, PURCHASE_CHANNELS, proxies={"email": "telephone"}
        )
