import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from mcstudy import config
from mcstudy._vocab import PARAMETER_GROUPS, PARAMETER_STATUSES, TARGET_STATISTICS
from mcstudy.io.catalogue import (
    CHANNEL_COLUMNS,
    CLAIM_COLUMNS,
    CLAIM_KINDS,
    CLAIM_TOPICS,
    PARAMETER_COLUMNS,
    TARGET_COLUMNS,
    DataValidationError,
    load_channels,
    load_claims,
    load_parameters,
    load_targets,
)
from mcstudy.model.channels import ChannelSet
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec


@pytest.fixture(scope="module")
def claims_text():
    return pd.read_csv(config.CLAIMS_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def channels_text():
    return pd.read_csv(config.CHANNELS_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def parameters_text():
    return pd.read_csv(config.PARAMETERS_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def targets_text():
    return pd.read_csv(config.TARGETS_CSV, dtype=str, keep_default_na=False)


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
    df.loc[1, ["kind", "note", "fixed_by"]] = ["not-testable", " ", ""]
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(DataValidationError, match="line 3, column 'note'.*must say why"):
        load_claims(path)


@pytest.mark.parametrize(
    ("claim_id", "column", "value", "message"),
    [
        ("C000-03", "rule", "", r"claim C000-03: must be one of \['effect', 'non_inferiority'"),
        ("C000-03", "rule", "t-test", r"claim C000-03: must be one of"),
        ("C000-03", "estimand", "", r"claim C000-03: a testable claim must state its estimand"),
        ("C000-03", "direction", "0", r"claim C000-03: must be 1 .* or -1"),
        ("C000-03", "smallest_effect", "0", r"claim C000-03: must be a finite number > 0"),
        ("C000-03", "smallest_effect", "", r"claim C000-03: must be a finite number > 0"),
        ("C001-06", "claimed", "-2.87", r"claim C001-06: must be blank or a finite number > 0"),
        ("C000-01", "rule", "effect", r"claim C000-01: a not-testable claim has no verdict rule"),
    ],
)
def test_bad_rules_name_file_line_claim_column_and_value(
    claims_text, tmp_path, claim_id, column, value, message
):
    df = claims_text.copy()
    i = int(np.flatnonzero(df["claim_id"] == claim_id)[0])
    df.loc[i, column] = value
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(
        DataValidationError,
        match=rf"^c\.csv, line {i + 2}, column '{column}', value {re.escape(repr(value))}: "
        + message,
    ):
        load_claims(path)


def test_a_consistency_rule_needs_its_claimed_figure(claims_text, tmp_path):
    # the first claim judged by the consistency rule, whichever it is in the registry
    df = claims_text.copy()
    i = int(np.flatnonzero(df["rule"] == "consistency")[0])
    claim = df.loc[i, "claim_id"]
    df.loc[i, "claimed"] = ""
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(
        DataValidationError,
        match=rf"^c\.csv, line {i + 2}, column 'claimed', value '': claim {claim}: a "
        "'consistency' rule needs the claimed",
    ):
        load_claims(path)


def test_blank_quote(claims_text, tmp_path):
    df = claims_text.copy()
    df.loc[0, "quote_fr"] = ""
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(DataValidationError, match="line 2, column 'quote_fr'.*must not be blank"):
        load_claims(path)


def test_blank_quote_translation(claims_text, tmp_path):
    df = claims_text.copy()
    df.loc[4, "quote_en"] = " "
    path = _write(df, tmp_path, "c.csv")
    with pytest.raises(DataValidationError, match="line 6, column 'quote_en'.*must not be blank"):
        load_claims(path)


@pytest.mark.parametrize(
    "column,value,allowed",
    [
        ("intrusiveness", "1.5", r"\[0, 1\] \(a share\)"),
        ("intrusiveness", "nan", r"\[0, 1\]"),
        ("persuasion", "-0.1", r"\[0, 1\]"),
        ("consent_withdrawal", "1.5", r"\[0, 1\] \(hazard of withdrawing consent per contact"),
        ("consent_withdrawal", "-0.01", r"\[0, 1\]"),
        ("consent_withdrawal", "", r"\[0, 1\]"),
        ("consent_withdrawal", "often", r"\[0, 1\]"),
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


@pytest.mark.parametrize(
    "column,provenance",
    [
        ("cost_per_contact_eur", "cost_provenance"),
        ("consent_withdrawal", "consent_withdrawal_provenance"),
    ],
)
def test_channel_number_needs_provenance(channels_text, tmp_path, column, provenance):
    df = channels_text.copy()
    df.loc[0, provenance] = ""
    path = _write(df, tmp_path, "ch.csv")
    with pytest.raises(
        DataValidationError,
        match=rf"ch\.csv, line 2, column '{provenance}', value '': the number in "
        rf"'{column}' needs its provenance",
    ):
        load_channels(path)


def test_consent_withdrawal_is_the_former_rate_scaled_by_intrusiveness():
    # every channel but e-mail, whose value is calibrated (data/calibration.toml)
    channels = load_channels()
    expected = (0.05 * channels["intrusiveness"]).round(4)
    other = channels["channel"] != "email"
    np.testing.assert_allclose(channels["consent_withdrawal"][other], expected[other])
    email = channels.set_index("channel").loc["email"]
    assert email["consent_withdrawal"] < expected[~other].item()
    assert email["consent_withdrawal_provenance"].startswith("calibrated")
    assert list(CHANNEL_COLUMNS).index("consent_withdrawal") == (
        list(CHANNEL_COLUMNS).index("persuasion_provenance") + 1
    )
    assert (channels["consent_withdrawal_provenance"].str.len() > 0).all()
    channel_set = ChannelSet(channels, names=("email", "sms", "website"))
    np.testing.assert_allclose(
        channel_set.consent_withdrawal, [email["consent_withdrawal"], 0.035, 0.005]
    )


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


# ---------------------------------------------------------------- parameter table

#: Defaults of the response parameters, from the code: the table must list every one.
RESPONSE_DEFAULTS = dataclasses.asdict(ResponseSpec())


def _group(parameters, group):
    rows = parameters[parameters["group"] == group]
    return dict(zip(rows["name"].str.removeprefix(f"{group}."), rows["default"], strict=True))


def test_shipped_parameters_are_valid():
    parameters = load_parameters()
    assert list(parameters.columns) == list(PARAMETER_COLUMNS)
    assert parameters.attrs["source"] == str(config.PARAMETERS_CSV)
    assert set(parameters["group"]) == set(PARAMETER_GROUPS)
    assert set(parameters["status"]) == set(PARAMETER_STATUSES)
    assert (parameters["low"] <= parameters["high"]).all()
    assert parameters["source"].str.strip().str.len().min() > 10
    # a calibrated parameter names the targets it was fitted to, all of them used in the fit
    targets = load_targets()
    fitted = set(targets.loc[targets["used_in_fit"], "target_id"])
    calibrated = parameters[parameters["status"] == "calibrated"]
    for name, listed in zip(calibrated["name"], calibrated["fitted_to"], strict=True):
        assert listed and set(listed.split(";")) <= fitted, name
    assert (parameters.loc[parameters["status"] != "calibrated", "fitted_to"] == "").all()


def test_every_population_field_is_listed_with_its_default():
    listed = _group(load_parameters(), "population")
    spec = PopulationSpec()
    expected = {}
    for f in dataclasses.fields(PopulationSpec):
        if f.name == "n_customers":
            continue
        value = getattr(spec, f.name)
        if isinstance(value, tuple):  # one row per tier
            for tier, part in zip(("small", "medium", "key_account"), value, strict=True):
                expected[f"{f.name}.{tier}"] = part
        else:
            expected[f.name] = value
    assert listed == pytest.approx(expected)


def test_response_parameters_are_listed_with_their_defaults():
    assert _group(load_parameters(), "response") == pytest.approx(RESPONSE_DEFAULTS)


def test_strategy_parameters_are_fields_with_a_preset_default():
    from mcstudy.model.strategies import DEFAULT_CONTACT_MIX, STRATEGIES, Strategy, ValueTiered

    listed = _group(load_parameters(), "strategy")
    fields = {f.name for f in dataclasses.fields(Strategy)}
    presets = [cls() for cls in STRATEGIES.values()]
    for name, default in listed.items():
        field, _, part = name.partition(".")
        if field == "contact_mix":
            assert default == DEFAULT_CONTACT_MIX[part], name
            continue
        assert field in fields, name
        if field == "tier_pressure":
            assert default == ValueTiered().tier_pressure[part], name
            continue
        if isinstance(default, str):  # an option word: the learned frequency cap
            assert default == getattr(STRATEGIES["omnichannel"](), field), name
            continue
        assert default in [float(getattr(p, name)) for p in presets], name
    assert set(DEFAULT_CONTACT_MIX) == {
        n.removeprefix("contact_mix.") for n in listed if n.startswith("contact_mix.")
    }


def test_channel_parameters_are_relative_ranges_of_catalogue_columns():
    parameters = load_parameters()
    channel = parameters[parameters["group"] == "channel"]
    # one channel's own value: an absolute row whose default is the catalogue's value
    own = channel[channel["name"].str.count(r"\.") == 2]
    catalogue = load_channels().set_index("channel")
    assert list(own["name"]) == ["channel.consent_withdrawal.email"]
    for name, default in zip(own["name"], own["default"], strict=True):
        _, column, which = name.split(".")
        assert default == catalogue.loc[which, column], name
    assert (own["range_kind"] == "absolute").all()
    channel = channel.drop(own.index)
    assert set(channel["name"]) == {
        f"channel.{c}"
        for c in (
            "cost_per_contact_eur",
            "service_cost_eur",
            "intrusiveness",
            "persuasion",
            "consent_withdrawal",
            "affinity_social",
            "affinity_autonomous",
        )
    }
    assert (channel["range_kind"] == "relative").all()
    assert channel["default"].isna().all()
    assert ((channel["low"] > 0) & (channel["low"] <= 1) & (channel["high"] >= 1)).all()


def _line(parameters_text, name):
    return int(np.flatnonzero(parameters_text["name"] == name)[0]) + 2


@pytest.mark.parametrize(
    "name,column,value,message",
    [
        (
            "population.social_share",
            "group",
            "people",
            r"must be one of \['channel', 'population', 'response', 'strategy', 'study'\]",
        ),
        (
            "response.churn_effort",
            "status",
            "guess",
            r"must be one of \['assumption', 'calibrated', 'source'\]",
        ),
        (
            "response.churn_effort",
            "range_kind",
            "log",
            r"must be one of \['absolute', 'relative'\]",
        ),
        ("population.social_share", "name", "population.social_share ", r"must not start or end"),
        ("population.social_share", "name", "Population.SocialShare", r"must be the group "),
        (
            "population.social_share",
            "name",
            "response.social_share",
            r"must be the group 'population', a dot and the parameter in lower-case snake_case",
        ),
        ("population.social_share", "name", "social_share", r"must be the group 'population'"),
        (
            "channel.persuasion",
            "name",
            "channel.colour",
            r"a channel parameter must name a numeric column of the channel catalogue, one of "
            r"\['channel.affinity_autonomous', ",
        ),
        (
            "population.social_share",
            "range_kind",
            "relative",
            r"must be 'absolute' for a 'population' parameter: 'relative' ranges are factors",
        ),
        ("channel.persuasion", "range_kind", "absolute", r"must be 'relative' for a 'channel'"),
        (
            "channel.consent_withdrawal.email",
            "range_kind",
            "relative",
            r"must be 'absolute' for a 'channel' parameter: .*one channel's own value",
        ),
        (
            "channel.consent_withdrawal.email",
            "name",
            "channel.withdrawal.email",
            r"a channel parameter must name a numeric column of the channel catalogue, .* "
            r"optionally followed by a dot and a channel",
        ),
        (
            "population.purchase_rate_per_week",
            "fitted_to",
            "",
            r"must list the target ids \(data/targets\.csv\) a 'calibrated' parameter was fitted "
            r"to, separated by ';', and be blank for any other status; the status is "
            r"'calibrated'\.",
        ),
        (
            "population.social_share",
            "fitted_to",
            "hillstrom.control.visit_rate",
            r"must list the target ids .*the status is 'assumption'",
        ),
        ("response.churn_effort", "low", "-inf", r"must be a finite number\."),
        ("response.churn_effort", "high", "lots", r"must be a finite number\."),
        ("response.churn_effort", "high", "", r"must not be blank\."),
        ("population.social_share", "high", "0.05", r"must be at least low \(0\.1\)"),
        (
            "population.social_share",
            "default",
            "0.95",
            r"must be a finite number in the row's range \[low, high\] = \[0\.1, 0\.9\]\.$",
        ),
        ("population.social_share", "default", "nan", r"must be a finite number in the row's"),
        ("population.social_share", "default", "", r"must be a finite number in the row's"),
        ("population.social_share", "default", "half", r"must be a .*\[0\.1, 0\.9\]\.$"),
        (
            "strategy.frequency_cap",
            "default",
            "Attention span",
            r"must be a .*\[1, 7\], or a lower-case word for a strategy option\.",
        ),
        ("strategy.contact_pressure", "default", "inf", r"must be .*\[0, 3\], or a lower-case"),
        (
            "channel.intrusiveness",
            "default",
            "1.0",
            r"must be blank for a relative \(channel\) parameter: its values are per channel",
        ),
        (
            "channel.intrusiveness",
            "low",
            "0",
            r"a relative range must be positive factors with 0 < low <= 1 <= high .*"
            r"got \[0, 1\.3\]",
        ),
        ("channel.intrusiveness", "high", "0.9", r"a relative .*got \[0\.5, 0\.9\]"),
        ("response.churn_effort", "source", "", r"must not be blank\."),
        ("response.churn_effort", "unit", "", r"must not be blank\."),
    ],
)
def test_bad_parameter_rows_name_file_line_column_value_and_what_is_allowed(
    parameters_text, tmp_path, name, column, value, message
):
    df = parameters_text.copy()
    line = _line(parameters_text, name)
    df.loc[line - 2, column] = value
    with pytest.raises(
        DataValidationError,
        match=rf"^p\.csv, line {line}, column '{column}', value {re.escape(repr(value))}: "
        rf"{message}",
    ):
        load_parameters(_write(df, tmp_path, "p.csv"))


def test_duplicate_parameter_name(parameters_text, tmp_path):
    df = parameters_text.copy()
    df.loc[5, "name"] = df.loc[1, "name"]
    with pytest.raises(
        DataValidationError,
        match=r"p\.csv, line 7, column 'name', value 'population.engagement_sigma': "
        r"duplicate id; first used on line 3",
    ):
        load_parameters(_write(df, tmp_path, "p.csv"))


def test_missing_parameter_columns(parameters_text, tmp_path):
    path = _write(parameters_text.drop(columns=["status", "range_kind"]), tmp_path, "p.csv")
    with pytest.raises(
        DataValidationError, match=r"p\.csv: missing columns \['status', 'range_kind'\]"
    ):
        load_parameters(path)


def test_option_word_default_of_a_strategy_row(parameters_text, tmp_path):
    df = parameters_text.copy()
    df.loc[_line(parameters_text, "strategy.frequency_cap") - 2, "default"] = "off"
    parameters = load_parameters(_write(df, tmp_path, "p.csv")).set_index("name")
    assert parameters.loc["strategy.frequency_cap", "default"] == "off"
    assert parameters.loc["strategy.contact_pressure", "default"] == 1.0


def test_parameter_table_is_exported():
    import mcstudy
    import mcstudy.io

    assert mcstudy.load_parameters is load_parameters is mcstudy.io.load_parameters


# ---------------------------------------------------------------- calibration targets


def test_shipped_targets_are_valid():
    targets = load_targets()
    assert list(targets.columns) == list(TARGET_COLUMNS)
    assert targets.attrs["source"] == str(config.TARGETS_CSV)
    assert set(targets["statistic"]) <= set(TARGET_STATISTICS)
    has_se = targets["se"].notna()
    assert (targets.loc[has_se, ["low", "high"]].isna()).all().all()
    ranged = targets[~has_se]
    assert ((ranged["low"] <= ranged["value"]) & (ranged["value"] <= ranged["high"])).all()
    # external figures: the value is the midpoint of the published range
    assert ranged["value"].to_numpy() == pytest.approx((ranged["low"] + ranged["high"]) / 2)
    fitted = set(targets.loc[targets["used_in_fit"], "target_id"])
    assert fitted == {
        "hillstrom.control.visit_rate",
        "hillstrom.control.conversion_rate",
        "hillstrom.control.spend_per_customer",
        "hillstrom.mens_email.visit_effect",
        "hillstrom.mens_email.conversion_effect",
        "hillstrom.mens_email.spend_effect",
        "hillstrom.womens_email.visit_effect",
        "hillstrom.womens_email.conversion_effect",
        "hillstrom.womens_email.spend_effect",
        "email.unsubscribe_per_send",
    }
    # a target left out of the fit says why
    assert (targets.loc[~targets["used_in_fit"], "note"].str.len() > 20).all()


def test_shipped_external_ranges():
    # figures as published (practitioner figure; Klaviyo, Burst SMS, Tatango; Epsilon, ANA/DMA)
    targets = load_targets().set_index("target_id")
    for target_id, low, high in (
        ("email.unsubscribe_per_send", 0.001, 0.0015),
        ("sms.optout_per_message", 0.005, 0.037),
        ("direct_mail.response_rate_house_list", 0.034, 0.09),
    ):
        assert targets.loc[target_id, ["low", "high"]].tolist() == pytest.approx([low, high])


def _target_line(targets_text, target_id):
    return int(np.flatnonzero(targets_text["target_id"] == target_id)[0]) + 2


_SE_ROW = "hillstrom.control.visit_rate"
_RANGE_ROW = "sms.optout_per_message"


@pytest.mark.parametrize(
    "target_id,column,value,message",
    [
        (
            _RANGE_ROW,
            "se",
            "0.002",
            r"must be blank when a range is given \(low = '0\.005', high = '0\.037'\): give "
            r"either a standard error \(se\) or a range \(low and high\), not both\.",
        ),
        (_SE_ROW, "se", "", r"a target needs its uncertainty: give a standard error \(se\) or"),
        (
            _RANGE_ROW,
            "value",
            "0.05",
            r"must lie in the row's range \[low, high\] = \[0\.005, 0\.037\]\.$",
        ),
        (_RANGE_ROW, "high", "", r"must be a finite number: a range needs both low and high\."),
        (_RANGE_ROW, "low", "-inf", r"must be a finite number: a range needs both"),
        (
            _SE_ROW,
            "statistic",
            "visit_rate",
            r"must be one of \['completejourney_relative_interaction', 'control_conversion_rate', ",
        ),
        (_SE_ROW, "statistic", "control_visit_rate ", r"must not start or end"),
        (_SE_ROW, "value", "inf", r"must be a finite number\.$"),
        (_SE_ROW, "value", "nan", r"must be a finite number\.$"),
        (_SE_ROW, "value", "ten percent", r"must be a finite number\.$"),
        (_SE_ROW, "se", "nan", r"must be a finite number > 0 \(a standard error\) or blank\."),
        (_SE_ROW, "se", "0", r"must be a finite number > 0"),
        (_SE_ROW, "se", "-0.002", r"must be a finite number > 0"),
        (_SE_ROW, "source", "", r"must not be blank\."),
        (_SE_ROW, "unit", "", r"must not be blank\."),
        (_SE_ROW, "used_in_fit", "yes", r"must be one of \['false', 'true'\]\."),
        (_SE_ROW, "used_in_fit", "True", r"must be one of \['false', 'true'\]\."),
        (_SE_ROW, "used_in_fit", "", r"must not be blank\."),
        (
            _SE_ROW,
            "target_id",
            "Hillstrom control visit rate",
            r"must be lower-case snake_case words separated by dots, e\.g\. "
            r"'hillstrom\.control\.visit_rate'\.",
        ),
    ],
)
def test_bad_target_rows_name_file_line_column_value_and_what_is_allowed(
    targets_text, tmp_path, target_id, column, value, message
):
    df = targets_text.copy()
    line = _target_line(targets_text, target_id)
    df.loc[line - 2, column] = value
    with pytest.raises(
        DataValidationError,
        match=rf"^t\.csv, line {line}, column '{column}', value {re.escape(repr(value))}: "
        rf"{message}",
    ):
        load_targets(_write(df, tmp_path, "t.csv"))


def test_standard_error_and_range_together(targets_text, tmp_path):
    df = targets_text.copy()
    line = _target_line(targets_text, _SE_ROW)
    df.loc[line - 2, "high"] = "0.12"
    with pytest.raises(
        DataValidationError,
        match=rf"^t\.csv, line {line}, column 'se', value '0\.00211049': must be blank when a "
        r"range is given \(low = '', high = '0\.12'\): give either",
    ):
        load_targets(_write(df, tmp_path, "t.csv"))


def test_blank_source_of_a_target(targets_text, tmp_path):
    df = targets_text.copy()
    df.loc[0, "source"] = "  "
    with pytest.raises(
        DataValidationError, match=r"^t\.csv, line 2, column 'source', value '': must not be blank"
    ):
        load_targets(_write(df, tmp_path, "t.csv"))


def test_duplicate_target_id(targets_text, tmp_path):
    df = targets_text.copy()
    df.loc[4, "target_id"] = df.loc[1, "target_id"]
    with pytest.raises(
        DataValidationError,
        match=r"^t\.csv, line 6, column 'target_id', value 'hillstrom\.control\.conversion_rate': "
        r"duplicate id; first used on line 3",
    ):
        load_targets(_write(df, tmp_path, "t.csv"))


def test_missing_target_columns(targets_text, tmp_path):
    path = _write(targets_text.drop(columns=["se", "statistic"]), tmp_path, "t.csv")
    with pytest.raises(DataValidationError, match=r"t\.csv: missing columns \['se', 'statistic'\]"):
        load_targets(path)


def test_target_types(targets_text, tmp_path):
    df = targets_text.copy()
    df.loc[0, "used_in_fit"] = "false"
    targets = load_targets(_write(df, tmp_path, "t.csv"))
    assert targets["used_in_fit"].dtype == bool and not targets["used_in_fit"].iloc[0]
    for col in ("value", "se", "low", "high"):
        assert targets[col].dtype == float
    assert list(targets["statistic"].cat.categories) == list(TARGET_STATISTICS)


def test_target_table_is_exported():
    import mcstudy
    import mcstudy.io

    assert mcstudy.load_targets is load_targets is mcstudy.io.load_targets


def test_fixed_by_only_on_testable_simulation_or_real_data_claims(tmp_path):
    df = pd.read_csv(config.CLAIMS_CSV, dtype=str, keep_default_na=False)
    row = int(df.index[df["kind"] == "consistency"][0])
    df.loc[row, "fixed_by"] = "an input"
    path = tmp_path / "claims.csv"
    df.to_csv(path, index=False)
    pattern = r"'fixed_by' names the input .* kind 'consistency'"
    with pytest.raises(DataValidationError, match=pattern):
        load_claims(path)


def test_purchase_channels_can_be_restricted_and_default_to_every_selected_one():
    catalogue = load_channels()
    default = ChannelSet(catalogue)
    assert default.purchase_channels == ("face_to_face", "telephone", "postal_mail", "website")
    assert ChannelSet(catalogue, purchase=None).purchase_channels == default.purchase_channels
    retailer = ChannelSet(catalogue, purchase=("website", "telephone"))
    assert retailer.names == default.names  # postal mail stays a contact channel
    assert retailer.purchase_channels == ("telephone", "website")  # in names order
    assert list(retailer.purchase_index) == [
        default.names.index(c) for c in ("telephone", "website")
    ]
    assert retailer.referral.shape == (default.n_channels, 2)
    np.testing.assert_allclose(retailer.referral.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("purchase", "error", "match"),
    [
        (("email",), ValueError, r"'purchase' must be distinct purchase channels.*'email'"),
        (("website", "website"), ValueError, r"'purchase' must be distinct"),
        ((), ValueError, r"at least one"),
        (("chat",), ValueError, r"allowed: \['face_to_face'"),
        ("website", TypeError, r"'purchase' must be a tuple of channel names"),
    ],
)
def test_purchase_channels_outside_the_selected_purchase_channels_are_refused(
    purchase, error, match
):
    with pytest.raises(error, match=match):
        ChannelSet(load_channels(), purchase=purchase)
