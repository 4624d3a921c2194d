import re

import pandas as pd
import pytest

from mcstudy import config
from mcstudy.io.catalogue import (
    CHANNEL_COLUMNS,
    CLAIM_COLUMNS,
    CLAIM_KINDS,
    CLAIM_TOPICS,
    DataValidationError,
    load_channels,
    load_claims,
)
from mcstudy.model.channels import ChannelSet


@pytest.fixture(scope="module")
def claims_text():
    return pd.read_csv(config.CLAIMS_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def channels_text():
    return pd.read_csv(config.CHANNELS_CSV, dtype=str, keep_default_na=False)


def _write(df, tmp_path, name):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def test_shipped_registry_is_valid_and_large_enough():
    claims = load_claims()
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    assert len(claims) >= 35
    per_doc = claims["source"].value_counts()
    assert (per_doc >= 3).all() and len(per_doc) == 5
    assert set(claims["topic"]) <= set(CLAIM_TOPICS)
    assert set(claims["kind"]) <= set(CLAIM_KINDS)
    assert claims["quote_fr"].str.len().min() > 10


def test_quotes_appear_in_their_source_document():
    seeds = config.ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"source documents not found at {seeds}")
    claims = load_claims()
    norm = {}
    for src in claims["source"].unique():
        text = (seeds / src).read_text(encoding="utf-8")
        norm[src] = " ".join(text.split())
    missing = [
        cid
        for cid, src, q in claims[["claim_id", "source", "quote_fr"]].itertuples(index=False)
        if " ".join(q.split()) not in norm[src]
    ]
    assert missing == []


def test_shipped_channels_are_valid():
    channels = load_channels()
    assert list(channels.columns) == list(CHANNEL_COLUMNS)
    needed = {"face_to_face", "telephone", "postal_mail", "email", "sms", "website"}
    assert needed <= set(channels["channel"])
    assert channels["intrusiveness"].between(0, 1).all()
    assert (
        channels.loc[channels["channel"] == "sms", "intrusiveness"].item()
        > channels.loc[channels["channel"] == "email", "intrusiveness"].item()
    )


def test_missing_claims_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_claims(tmp_path / "nope.csv")


def test_missing_columns_are_listed(claims_text, tmp_path):
    path = _write(claims_text.drop(columns=["kind", "note"]), tmp_path, "c.csv")
    with pytest.raises(DataValidationError, match=r"c\.csv: missing columns \['kind', 'note'\]"):
        load_claims(path)


def test_duplicate_claim_id(claims_text, tmp_path):
    df = claims_text.copy()
    df.loc[3, "claim_id"] = df.loc[0, "claim_id"]
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(
        DataValidationError,
        match=r"line 5, column 'claim_id', value 'C000-01': duplicate id; "
        r"first used on line 2",
    ):
        load_claims(path)


@pytest.mark.parametrize(
    "column,value",
    [
        ("topic", "weather"),
        ("kind", "guess"),
        ("notebook", "42_unplanned.ipynb"),
        ("notebook", "99_scorecard.ipynb"),
        ("source", "005_unknown.txt"),
    ],
)
def test_unknown_vocabulary(claims_text, tmp_path, column, value):
    df = claims_text.copy()
    df.loc[2, column] = value
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(
        DataValidationError, match=rf"line 4, column '{column}', value '{value}': must be one of"
    ):
        load_claims(path)


def test_not_testable_needs_a_note(claims_text, tmp_path):
    df = claims_text.copy()
    df.loc[1, ["kind", "note"]] = ["not-testable", " "]
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(DataValidationError, match="line 3, column 'note'.*must say why"):
        load_claims(path)


def test_blank_quote(claims_text, tmp_path):
    df = claims_text.copy()
    df.loc[0, "quote_fr"] = ""
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(DataValidationError, match="line 2, column 'quote_fr'.*must not be blank"):
        load_claims(path)


@pytest.mark.parametrize(
    "column,value,allowed",
    [
        ("intrusiveness", "1.5", r"\[0, 1\] \(a share\)"),
        ("intrusiveness", "nan", r"\[0, 1\]"),
        ("persuasion", "-0.1", r"\[0, 1\]"),
        ("cost_per_contact_eur", "0", r"\(0, 1000\] \(euros per outbound contact\)"),
        ("cost_per_contact_eur", "cheap", r"\(0, 1000\]"),
        ("cost_per_contact_eur", "inf", r"\(0, 1000\]"),  # cost per customer became inf
        ("cost_per_contact_eur", "1e309", r"\(0, 1000\]"),
        ("cost_per_contact_eur", "5000", r"\(0, 1000\]"),
        ("service_cost_eur", "-inf", r"\[0, 1000\]"),
        ("service_price_index", "inf", r"\(0, 10\]"),
        ("affinity_social", "", r"\[0.01, 100\]"),
        ("affinity_social", "1e308", r"\[0.01, 100\] \(a relative weight"),  # NaN affinities
        ("affinity_autonomous", "0.001", r"\[0.01, 100\]"),
    ],
)
def test_channel_numbers_out_of_range(channels_text, tmp_path, column, value, allowed):
    df = channels_text.copy()
    df.loc[1, column] = value
    path = _write(df, tmp_path, "ch.csv")
    with pytest.raises(
        DataValidationError,
        match=rf"ch\.csv, line 3, column '{column}', value '{value}': "
        rf"must be a finite number in {allowed}",
    ):
        load_channels(path)


def test_shipped_channel_numbers_are_inside_the_documented_ranges():
    channels = load_channels()
    assert channels["cost_per_contact_eur"].between(0.001, 1000).all()
    assert channels[["affinity_social", "affinity_autonomous"]].stack().between(0.01, 100).all()


def test_renamed_channel_is_named_in_the_simulator_error(channels_text, tmp_path):
    df = channels_text.copy()
    df.loc[df["channel"] == "email", "channel"] = "e-mail"
    path = _write(df, tmp_path, "renamed.csv")
    catalogue = load_channels(path)
    assert catalogue.attrs["source"] == str(path)
    with pytest.raises(
        ValueError,
        match=r"'names' needs channel\(s\) \['email'\], missing from "
        rf"the channel catalogue read from {re.escape(str(path))} "
        r"\(its channels: \[.*'e-mail'",
    ):
        ChannelSet(catalogue)
    built = catalogue.copy()
    built.attrs.clear()  # a catalogue built in code has no source file
    with pytest.raises(
        ValueError,
        match=r"needs channel\(s\) \['email'\], missing from the "
        r"channel catalogue given as 'catalogue'",
    ):
        ChannelSet(built)


def test_repeated_channel_names_are_an_error():
    with pytest.raises(ValueError, match=r"'names' must be distinct channels.*'sms', 'sms'"):
        ChannelSet(load_channels(), names=("website", "sms", "sms"))


@pytest.mark.parametrize(
    "column,value",
    [
        ("claim_id", "C000-01 "),
        ("claim_id", " C000-02"),
        ("topic", "channels "),
        ("kind", "simulation\t"),
        ("source", " 000_da6d8463cb5d92d2.txt"),
        ("notebook", "00_claims_registry.ipynb "),
    ],
)
def test_claim_keys_with_surrounding_whitespace_are_an_error(claims_text, tmp_path, column, value):
    df = claims_text.copy()
    df.loc[3, column] = value
    with pytest.raises(
        DataValidationError,
        match=rf"c\.csv, line 5, column '{column}', value '.*': must not start or "
        r"end with spaces or tabs",
    ):
        load_claims(_write(df, tmp_path, "c.csv"))


def test_trailing_space_id_is_reported_as_the_near_duplicate_it_is(claims_text, tmp_path):
    df = claims_text.copy()
    df.loc[3, "claim_id"] = df.loc[0, "claim_id"] + " "
    with pytest.raises(
        DataValidationError,
        match=r"line 5, column 'claim_id', value 'C000-01 ': must not start or "
        r"end.*Stripped, it equals the value on line 2\.",
    ):
        load_claims(_write(df, tmp_path, "c.csv"))


def test_padded_channel_name_is_an_error(channels_text, tmp_path):
    df = channels_text.copy()
    df.loc[0, "channel"] = "face_to_face "
    with pytest.raises(
        DataValidationError,
        match=r"line 2, column 'channel', value "
        r"'face_to_face ': must not start or end",
    ):
        load_channels(_write(df, tmp_path, "ch.csv"))


def test_channel_number_needs_provenance(channels_text, tmp_path):
    df = channels_text.copy()
    df.loc[0, "cost_provenance"] = ""
    path = _write(df, tmp_path, "ch.csv")
    with pytest.raises(DataValidationError, match="column 'cost_provenance'.*needs its provenance"):
        load_channels(path)


def test_channel_flag_and_duplicates(channels_text, tmp_path):
    df = channels_text.copy()
    df.loc[0, "outbound"] = "yes"
    with pytest.raises(DataValidationError, match="column 'outbound', value 'yes'"):
        load_channels(_write(df, tmp_path, "ch.csv"))
    df = channels_text.copy()
    df.loc[2, "channel"] = df.loc[0, "channel"]
    with pytest.raises(DataValidationError, match="duplicate id"):
        load_channels(_write(df, tmp_path, "ch2.csv"))


def test_missing_channel_columns(channels_text, tmp_path):
    path = _write(channels_text.drop(columns=["persuasion"]), tmp_path, "ch.csv")
    with pytest.raises(DataValidationError, match=r"missing columns \['persuasion'\]"):
        load_channels(path)
