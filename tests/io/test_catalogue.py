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
    missing = [cid for cid, src, q in claims[["claim_id", "source", "quote_fr"]].itertuples(
        index=False) if " ".join(q.split()) not in norm[src]]
    assert missing == []


def test_shipped_channels_are_valid():
    channels = load_channels()
    assert list(channels.columns) == list(CHANNEL_COLUMNS)
    needed = {"face_to_face", "telephone", "postal_mail", "email", "sms", "website"}
    assert needed <= set(channels["channel"])
    assert channels["intrusiveness"].between(0, 1).all()
    assert channels.loc[channels["channel"] == "sms", "intrusiveness"].item() > \
        channels.loc[channels["channel"] == "email", "intrusiveness"].item()


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
    with pytest.raises(DataValidationError,
                       match=r"line 5, column 'claim_id', value 'C000-01': duplicate id; "
                             r"first used on line 2"):
        load_claims(path)


@pytest.mark.parametrize("column,value", [
    ("topic", "weather"),
    ("kind", "guess"),
    ("notebook", "42_unplanned.ipynb"),
    ("notebook", "99_scorecard.ipynb"),
    ("source", "005_unknown.txt"),
])
def test_unknown_vocabulary(claims_text, tmp_path, column, value):
    df = claims_text.copy()
    df.loc[2, column] = value
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(DataValidationError,
                       match=rf"line 4, column '{column}', value '{value}': must be one of"):
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


@pytest.mark.parametrize("column,value,allowed", [
    ("intrusiveness", "1.5", r"\[0, 1\]"),
    ("persuasion", "-0.1", r"\[0, 1\]"),
    ("cost_per_contact_eur", "0", r"\(0, inf\)"),
    ("cost_per_contact_eur", "cheap", r"\(0, inf\)"),
    ("affinity_social", "", r"\(0, inf\)"),
])
def test_channel_numbers_out_of_range(channels_text, tmp_path, column, value, allowed):
    df = channels_text.copy()
    df.loc[1, column] = value
    path = _write(df, tmp_path, "ch.csv")
    with pytest.raises(DataValidationError,
                       match=rf"ch\.csv, line 3, column '{column}', value '{value}': "
                             rf"must be a number in {allowed}"):
        load_channels(path)


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
