"""Hostile inputs to the simulator: specs, strategies, channels, model contexts, simulate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.io.catalogue import load_channels
from mcstudy.model import (
    ChannelSet,
    Monochannel,
    Omnichannel,
    PopulationSpec,
    ResponseSpec,
    SiloedMultichannel,
    make_strategy,
    model_context,
    simulate,
)
from mcstudy.model.design import factorial_arms, integration_path, shapley_decomposition
from mcstudy.model.population import generate_population

CAT = load_channels()
POP = PopulationSpec(n_customers=200)
TWO = {"a": SiloedMultichannel(), "b": Omnichannel()}


def _sim(**kw):
    kw.setdefault("n_weeks", 2)
    kw.setdefault("n_threads", 1)
    kw.setdefault("progress", False)
    return simulate(kw.pop("population", POP), kw.pop("strategy", None), rng=1, **kw)


def _cat(**cols):
    return CAT.assign(**cols)


def _margin_ok():
    res = _sim(strategy=SiloedMultichannel())
    assert res.summary()["cost_per_customer_eur"].iloc[0] >= 0


def _zero_share_arm():
    s = _sim(strategy=TWO, arm_shares={"a": 1.0, "b": 0.0}).summary().set_index("arm")
    assert s.loc["b", "customers"] == 0 and s.loc["a", "customers"] == POP.n_customers
    assert math.isnan(s.loc["b", "purchases_per_customer"])


def _one_customer():
    s = _sim(population=PopulationSpec(n_customers=1), strategy=TWO).summary()
    assert list(s["arm"]) == ["a", "b"] and s["customers"].sum() == 1


def _shapley_tie():
    out = shapley_decomposition({(): 0.0, ("x",): 1.0, ("y",): 1.0, ("x", "y"): 2.0})
    assert out == pytest.approx({"x": 1.0, "y": 1.0})


CASES = [
    # model_context: values against the catalogue's bounds
    (
        "model/context negative cost factor",
        lambda: model_context({"channel.cost_per_contact_eur": -1.0}),
        ValueError,
        r"'channel\.cost_per_contact_eur'.*factor > 0; got -1\.0",
    ),
    (
        "model/context zero cost factor",
        lambda: model_context({"channel.cost_per_contact_eur": 0.0}),
        ValueError,
        r"'channel\.cost_per_contact_eur'.*factor > 0; got 0\.0",
    ),
    (
        "model/context cost factor inf",
        lambda: model_context({"channel.cost_per_contact_eur": math.inf}),
        ValueError,
        r"channel\.cost_per_contact_eur'\]\" must be a real number in \(-inf, inf\); got inf",
    ),
    (
        "model/context cost factor nan",
        lambda: model_context({"channel.cost_per_contact_eur": math.nan}),
        ValueError,
        r"channel\.cost_per_contact_eur'\]\" must be a real number.*got nan",
    ),
    (
        "model/context cost factor 1e308",
        lambda: model_context({"channel.cost_per_contact_eur": 1e308}),
        ValueError,
        r"'channel\.cost_per_contact_eur' = 1e\+308 gives channel .* allowed are finite "
        r"numbers in \(0, 2000\]",
    ),
    (
        "model/context one channel negative cost",
        lambda: model_context({"channel.cost_per_contact_eur.email": -0.1}),
        ValueError,
        r"'channel\.cost_per_contact_eur\.email' = -0\.1 gives channel 'email' "
        r"cost_per_contact_eur = -0\.1; allowed are finite numbers in \(0, 2000\]",
    ),
    (
        "model/context one channel zero cost",
        lambda: model_context({"channel.cost_per_contact_eur.email": 0.0}),
        ValueError,
        r"channel 'email' cost_per_contact_eur = 0\.0; allowed are finite numbers in \(0",
    ),
    (
        "model/context negative service cost",
        lambda: model_context({"channel.service_cost_eur.website": -1.0}),
        ValueError,
        r"'channel\.service_cost_eur\.website' = -1\.0.*allowed are finite numbers in \[0, 2000\]",
    ),
    (
        "model/context intrusiveness above 1",
        lambda: model_context({"channel.intrusiveness.sms": 2.0}),
        ValueError,
        r"channel 'sms' intrusiveness = 2\.0; allowed are finite numbers in \[0, 1\.3\]",
    ),
    (
        "model/context intrusiveness factor 10",
        lambda: model_context({"channel.intrusiveness": 10.0}),
        ValueError,
        r"'channel\.intrusiveness' = 10\.0 gives channel 'face_to_face' intrusiveness = 5\.0",
    ),
    (
        "model/context negative intrusiveness",
        lambda: model_context({"channel.intrusiveness.email": -0.2}),
        ValueError,
        r"intrusiveness = -0\.2; allowed are finite numbers in \[0, 1\.3\]",
    ),
    (
        "model/context consent withdrawal above bounds",
        lambda: model_context({"channel.consent_withdrawal.email": 5.0}),
        ValueError,
        r"consent_withdrawal = 5\.0; allowed are finite numbers in \[0, 2\]",
    ),
    (
        "model/context zero affinity factor",
        lambda: model_context({"channel.affinity_social": 0.0}),
        ValueError,
        r"'channel\.affinity_social'.*factor > 0; got 0\.0",
    ),
    (
        "model/context affinity below catalogue bound",
        lambda: model_context({"channel.affinity_autonomous.sms": 0.0}),
        ValueError,
        r"affinity_autonomous = 0\.0; allowed are finite numbers in \[0\.01, 200\]",
    ),
    (
        "model/context persuasion negative",
        lambda: model_context({"channel.persuasion.sms": -1.0}),
        ValueError,
        r"persuasion = -1\.0; allowed are finite numbers in \[0, 2\]",
    ),
    (
        "model/context e-mail persuasion zero",
        lambda: model_context({"channel.persuasion.email": 0.0}).channels.persuasion,
        ValueError,
        r"e-mail row of the channel catalogue must have a persuasion > 0",
    ),
    (
        "model/context plausible persuasion factor 2 accepted",
        lambda: _expect(model_context({"channel.persuasion": 2.0}).channels.persuasion[0], 4.0),
        None,
        None,
    ),
    (
        "model/context unknown channel",
        lambda: model_context({"channel.intrusiveness.fax": 0.5}),
        ValueError,
        r"'channel\.intrusiveness\.fax' names a channel that is not in the catalogue",
    ),
    (
        "model/context unknown column",
        lambda: model_context({"channel.colour": 0.5}),
        ValueError,
        r"parameter 'channel\.colour' cannot be set",
    ),
    (
        "model/context tuple field",
        lambda: model_context({"population.tier_shares": 0.5}),
        ValueError,
        r"parameter 'population\.tier_shares' cannot be set",
    ),
    (
        "model/context n_customers",
        lambda: model_context({"population.n_customers": 5}),
        ValueError,
        r"parameter 'population\.n_customers' cannot be set",
    ),
    (
        "model/context params a string",
        lambda: model_context("population.social_share"),
        TypeError,
        r"'params' must be a mapping of parameter name to value, or None; got "
        r"'population\.social_share'",
    ),
    (
        "model/context params a list of pairs",
        lambda: model_context([("population.social_share", 0.3)]),
        TypeError,
        r"'params' must be a mapping",
    ),
    (
        "model/context population not a spec",
        lambda: model_context(population="x"),
        TypeError,
        r"'population' must be a PopulationSpec or None; got 'x'",
    ),
    (
        "model/context response not a spec",
        lambda: model_context(response={"persuasion_effect": 0.1}),
        TypeError,
        r"'response' must be a ResponseSpec or None",
    ),
    (
        "model/context value a string",
        lambda: model_context({"response.persuasion_effect": "0.1"}),
        TypeError,
        r"persuasion_effect'\]\" must be a real number.*got '0\.1'",
    ),
    (
        "model/context share above 1",
        lambda: model_context({"population.social_share": 1.5}),
        ValueError,
        r"'social_share' must be a real number in \[0, 1\]; got 1\.5",
    ),
    (
        "model/context response value inf",
        lambda: model_context({"response.churn_effort": math.inf}),
        ValueError,
        r"params\['response\.churn_effort'\]\" must be a real number in \(-inf, inf\); got inf",
    ),
    (
        "model/context margin stays plausible",
        _margin_ok,
        None,
        None,
    ),
    # ChannelSet: the catalogue it is given
    (
        "model/channelset negative cost in catalogue",
        lambda: ChannelSet(_cat(cost_per_contact_eur=-1.0)),
        ValueError,
        r"'catalogue' column 'cost_per_contact_eur' must hold finite numbers in \(0, 2000\].*"
        r"channel 'face_to_face' has -1\.0",
    ),
    (
        "model/channelset NaN intrusiveness",
        lambda: ChannelSet(_cat(intrusiveness=np.nan)),
        ValueError,
        r"'catalogue' column 'intrusiveness' must hold finite numbers.*has nan",
    ),
    (
        "model/channelset inf consent withdrawal",
        lambda: ChannelSet(_cat(consent_withdrawal=np.inf)),
        ValueError,
        r"'catalogue' column 'consent_withdrawal' must hold finite numbers.*has inf",
    ),
    (
        "model/channelset strings in a numeric column",
        lambda: ChannelSet(_cat(intrusiveness="high")),
        TypeError,
        r"'catalogue' column 'intrusiveness' must hold finite numbers in \[0, 1\.3\].*got dtype",
    ),
    (
        "model/channelset missing column",
        lambda: ChannelSet(CAT.drop(columns="persuasion")),
        ValueError,
        r"'catalogue' is missing columns \['persuasion'\]",
    ),
    (
        "model/channelset flags as strings",
        lambda: ChannelSet(_cat(outbound="true")),
        TypeError,
        r"'catalogue' column 'outbound' must hold bools",
    ),
    (
        "model/channelset duplicated channel row",
        lambda: ChannelSet(pd.concat([CAT, CAT.iloc[[3]]], ignore_index=True)),
        ValueError,
        r"'catalogue' must have one row per channel; channels \['email'\] appear more than once",
    ),
    (
        "model/channelset catalogue a list",
        lambda: ChannelSet([1, 2]),
        TypeError,
        r"'catalogue' must be a pandas DataFrame; got list",
    ),
    (
        "model/channelset empty catalogue",
        lambda: ChannelSet(CAT.iloc[:0]),
        ValueError,
        r"'names' needs channel\(s\) \['face_to_face'",
    ),
    (
        "model/channelset names a string",
        lambda: ChannelSet(CAT, names="email"),
        TypeError,
        r"'names' must be a tuple of channel names \(str\); got 'email'",
    ),
    (
        "model/channelset names None",
        lambda: ChannelSet(CAT, names=None),
        TypeError,
        r"'names' must be a tuple of channel names \(str\); got None",
    ),
    (
        "model/channelset names with an int",
        lambda: ChannelSet(CAT, names=("email", 3)),
        TypeError,
        r"'names' must be a tuple of channel names \(str\); got \('email', 3\)",
    ),
    (
        "model/channelset names repeated",
        lambda: ChannelSet(CAT, names=("email", "email", "website")),
        ValueError,
        r"'names' must be distinct channels",
    ),
    (
        "model/channelset unknown name",
        lambda: ChannelSet(CAT, names=("email", "fax")),
        ValueError,
        r"'names' needs channel\(s\) \['fax'\]",
    ),
    (
        "model/channelset no purchase channel",
        lambda: ChannelSet(CAT, names=("email", "sms")),
        ValueError,
        r"'names' must include a purchase channel",
    ),
    (
        "model/channelset referral NaN",
        lambda: ChannelSet(CAT, referral=np.full((6, 4), np.nan)),
        ValueError,
        r"'referral' entries must be in \[0, 1\]",
    ),
    (
        "model/channelset referral wrong shape",
        lambda: ChannelSet(CAT, referral=np.eye(3)),
        ValueError,
        r"'referral' must have shape \(6, 4\)",
    ),
    (
        "model/channelset referral rows not summing to 1",
        lambda: ChannelSet(CAT, referral=np.full((6, 4), 0.1)),
        ValueError,
        r"'referral' rows must sum to 1",
    ),
    # PopulationSpec
    (
        "model/population share NaN",
        lambda: PopulationSpec(social_share=math.nan),
        ValueError,
        r"'social_share' must be a real number in \[0, 1\]; got nan",
    ),
    (
        "model/population purchase rate inf",
        lambda: PopulationSpec(purchase_rate_per_week=math.inf),
        ValueError,
        r"'purchase_rate_per_week' must be a real number in \(0, 10\]; got inf",
    ),
    (
        "model/population negative basket",
        lambda: PopulationSpec(basket_mean_eur=-5.0),
        ValueError,
        r"'basket_mean_eur' must be a real number in \(0, 1e\+09\]; got -5\.0",
    ),
    (
        "model/population zero customers",
        lambda: PopulationSpec(n_customers=0),
        ValueError,
        r"'n_customers' must be an int in \[1, 1e\+08\]; got 0",
    ),
    (
        "model/population float customers",
        lambda: PopulationSpec(n_customers=100.0),
        TypeError,
        r"'n_customers' must be an int in \[1, 1e\+08\]; got 100\.0",
    ),
    (
        "model/population tier shares not summing to 1",
        lambda: PopulationSpec(tier_shares=(0.5, 0.3, 0.1)),
        ValueError,
        r"'tier_shares' must sum to 1; got \(0\.5, 0\.3, 0\.1\)",
    ),
    (
        "model/population tier shares two entries",
        lambda: PopulationSpec(tier_shares=(0.5, 0.5)),
        ValueError,
        r"'tier_shares' must have 3 entries",
    ),
    (
        "model/population tier shares None",
        lambda: PopulationSpec(tier_shares=None),
        TypeError,
        r"'tier_shares' must be a sequence of 3 shares; got None",
    ),
    (
        "model/population tier shares a string",
        lambda: PopulationSpec(tier_shares="abc"),
        TypeError,
        r"'tier_shares' must be a sequence of 3 shares; got 'abc'",
    ),
    (
        "model/population tier multipliers a number",
        lambda: PopulationSpec(tier_value_multipliers=5),
        TypeError,
        r"'tier_value_multipliers' must be a sequence of 3 multipliers; got 5",
    ),
    (
        "model/population tier share negative",
        lambda: PopulationSpec(tier_shares=(1.2, -0.2, 0.0)),
        ValueError,
        r"'tier_shares\[0\]' must be a real number in \[0, 1\]; got 1\.2",
    ),
    (
        "model/population consent map unknown channel",
        lambda: _sim(population=PopulationSpec(n_customers=100, consent_rate={"fax": 0.5})),
        ValueError,
        r"'consent_rate' has channels \['fax'\] that are not simulated",
    ),
    (
        "model/population consent map non-str key",
        lambda: PopulationSpec(consent_rate={1: 0.5}),
        TypeError,
        r"'consent_rate' keys must be channel names \(str\); got 1",
    ),
    (
        "model/population consent map NaN",
        lambda: PopulationSpec(consent_rate={"email": math.nan}),
        ValueError,
        r"'consent_rate\[email\]' must be a real number in \[0, 1\]; got nan",
    ),
    (
        "model/population consent a list",
        lambda: PopulationSpec(consent_rate=[0.5]),
        TypeError,
        r"'consent_rate' must be a real number in \[0, 1\]; got \[0\.5\]",
    ),
    (
        "model/population attention below 1",
        lambda: PopulationSpec(attention_mean=0.5),
        ValueError,
        r"'attention_mean' must be a real number in \[1, 100\]; got 0\.5",
    ),
    (
        "model/generate_population negative n",
        lambda: generate_population(POP, ChannelSet(CAT), -1),
        ValueError,
        r"'n' must be an int in \[0, inf\); got -1",
    ),
    (
        "model/generate_population spec not a spec",
        lambda: generate_population("x", ChannelSet(CAT), 10),
        TypeError,
        r"'spec' must be a PopulationSpec; got 'x'",
    ),
    (
        "model/generate_population channels not a ChannelSet",
        lambda: generate_population(POP, CAT, 10),
        TypeError,
        r"'channels' must be a ChannelSet; got DataFrame",
    ),
    # ResponseSpec
    (
        "model/response NaN",
        lambda: ResponseSpec(persuasion_effect=math.nan),
        ValueError,
        r"'persuasion_effect' must be a real number in \[0, 1000\]; got nan",
    ),
    (
        "model/response string",
        lambda: ResponseSpec(persuasion_effect="1"),
        TypeError,
        r"'persuasion_effect' must be a real number in \[0, 1000\]; got '1'",
    ),
    (
        "model/response decay 1",
        lambda: ResponseSpec(persuasion_decay=1.0),
        ValueError,
        r"'persuasion_decay' must be a real number in \[0, 1\); got 1\.0",
    ),
    (
        "model/response negative churn",
        lambda: ResponseSpec(churn_base_per_week=-0.1),
        ValueError,
        r"'churn_base_per_week' must be a real number in \[0, 1000\]; got -0\.1",
    ),
    (
        "model/response conversion above 1",
        lambda: ResponseSpec(visit_conversion=1.5),
        ValueError,
        r"'visit_conversion' must be a real number in \[0, 1\]; got 1\.5",
    ),
    # strategies
    (
        "model/strategy pressure NaN",
        lambda: SiloedMultichannel(contact_pressure=math.nan),
        ValueError,
        r"'contact_pressure' must be a real number in \[0, 50\]; got nan",
    ),
    (
        "model/strategy pressure negative",
        lambda: SiloedMultichannel(contact_pressure=-1.0),
        ValueError,
        r"'contact_pressure' must be a real number in \[0, 50\]; got -1\.0",
    ),
    (
        "model/strategy unknown channel",
        lambda: _sim(strategy=SiloedMultichannel(channels=("fax",))),
        ValueError,
        r"strategy 'siloed' uses channels \['fax'\]; allowed outbound channels",
    ),
    (
        "model/strategy empty channel map",
        lambda: SiloedMultichannel(channels={}),
        TypeError,
        r"'channels' must be a non-empty tuple of channel names",
    ),
    (
        "model/strategy channel share NaN",
        lambda: SiloedMultichannel(channels={"email": math.nan}),
        ValueError,
        r"'channels\[email\]' must be a real number in \(0, 1e\+06\]; got nan",
    ),
    (
        "model/strategy channel share zero",
        lambda: SiloedMultichannel(channels={"email": 0.0}),
        ValueError,
        r"'channels\[email\]' must be a real number in \(0, 1e\+06\]; got 0\.0",
    ),
    (
        "model/strategy channels a string",
        lambda: SiloedMultichannel(channels="email"),
        TypeError,
        r"'channels' must be a non-empty tuple of channel names",
    ),
    (
        "model/strategy tier channel unknown",
        lambda: _sim(strategy=SiloedMultichannel(tier_channels={"small": ("fax",)})),
        ValueError,
        r"uses channels \['fax'\]",
    ),
    (
        "model/strategy tier unknown",
        lambda: SiloedMultichannel(tier_channels={"huge": ("email",)}),
        ValueError,
        r"'tier_channels key' must be one of \['key_account', 'medium', 'small'\]; got 'huge'",
    ),
    (
        "model/strategy tier pressure unknown tier",
        lambda: SiloedMultichannel(tier_pressure={"huge": 1.0}),
        ValueError,
        r"'tier_pressure' has tiers \['huge'\] that do not exist",
    ),
    (
        "model/strategy tier pressure NaN",
        lambda: SiloedMultichannel(tier_pressure={"small": math.nan}),
        ValueError,
        r"'tier_pressure\[small\]' must be a real number in \[0, 50\]; got nan",
    ),
    (
        "model/strategy frequency cap float",
        lambda: SiloedMultichannel(frequency_cap=2.0),
        ValueError,
        r"'frequency_cap' must be None \(no cap\), an int in \[1, 50\]",
    ),
    (
        "model/strategy frequency cap zero",
        lambda: SiloedMultichannel(frequency_cap=0),
        ValueError,
        r"'frequency_cap' must be None \(no cap\), an int in \[1, 50\].*got 0",
    ),
    (
        "model/strategy history share above 1",
        lambda: SiloedMultichannel(history_shared=1.5),
        ValueError,
        r"'history_shared' must be a real number in \[0, 1\]; got 1\.5",
    ),
    (
        "model/strategy negative investment",
        lambda: SiloedMultichannel(fixed_investment_eur=-1.0),
        ValueError,
        r"'fixed_investment_eur' must be a real number in \[0, 1e\+12\]; got -1\.0",
    ),
    (
        "model/strategy lag float",
        lambda: SiloedMultichannel(deployment_lag_weeks=2.5),
        TypeError,
        r"'deployment_lag_weeks' must be an int in \[0, 520\]; got 2\.5",
    ),
    (
        "model/strategy respect_consent a string",
        lambda: SiloedMultichannel(respect_consent="yes"),
        TypeError,
        r"'respect_consent' must be a bool; got 'yes'",
    ),
    (
        "model/strategy unknown preset",
        lambda: make_strategy("fax"),
        ValueError,
        r"'strategy' must be one of \['cross_channel', 'monochannel'",
    ),
    (
        "model/strategy unknown parameter",
        lambda: make_strategy("siloed", bogus=1),
        ValueError,
        r"unknown parameters \['bogus'\] for strategy 'siloed'",
    ),
    (
        "model/monochannel unknown channel",
        lambda: _sim(strategy=Monochannel(channel="fax")),
        ValueError,
        r"strategy 'monochannel' uses channels \['fax'\]",
    ),
    (
        "model/monochannel channel not a string",
        lambda: Monochannel(channel=3),
        TypeError,
        r"'channel' must be a channel name; got 3",
    ),
    # simulate
    (
        "model/simulate zero weeks",
        lambda: _sim(n_weeks=0),
        ValueError,
        r"'n_weeks' must be an int in \[1, 520\]; got 0",
    ),
    (
        "model/simulate weeks as float",
        lambda: _sim(n_weeks=2.0),
        TypeError,
        r"'n_weeks' must be an int in \[1, 520\]; got 2\.0",
    ),
    (
        "model/simulate arm share NaN",
        lambda: _sim(strategy=TWO, arm_shares={"a": math.nan, "b": 1.0}),
        ValueError,
        r"\"arm_shares\['a'\]\" must be a real number in \[0, 1\]; got nan",
    ),
    (
        "model/simulate arm shares not summing to 1",
        lambda: _sim(strategy=TWO, arm_shares={"a": 0.5, "b": 0.4}),
        ValueError,
        r"'arm_shares' must sum to 1",
    ),
    (
        "model/simulate arm shares a list",
        lambda: _sim(strategy=TWO, arm_shares=[0.5, 0.5]),
        ValueError,
        r"'arm_shares' must map each arm \['a', 'b'\] to a share",
    ),
    (
        "model/simulate arm shares unknown arm",
        lambda: _sim(strategy=TWO, arm_shares={"a": 0.5, "c": 0.5}),
        ValueError,
        r"'arm_shares' must map each arm \['a', 'b'\] to a share",
    ),
    (
        "model/simulate arm with zero share is reported empty",
        _zero_share_arm,
        None,
        None,
    ),
    (
        "model/simulate one customer, two arms",
        _one_customer,
        None,
        None,
    ),
    (
        "model/simulate no arms",
        lambda: _sim(strategy={}),
        TypeError,
        r"'strategy' must be a Strategy or a non-empty mapping",
    ),
    (
        "model/simulate arms a list",
        lambda: _sim(strategy=[SiloedMultichannel()]),
        TypeError,
        r"'strategy' must be a Strategy or a non-empty mapping",
    ),
    (
        "model/simulate arm not a strategy",
        lambda: _sim(strategy={"a": "siloed"}),
        TypeError,
        r"'strategy' must map arm names \(str\) to Strategy objects",
    ),
    (
        "model/simulate population a string",
        lambda: _sim(population="x"),
        TypeError,
        r"'population' must be a PopulationSpec; got 'x'",
    ),
    (
        "model/simulate response a dict",
        lambda: _sim(response={"persuasion_effect": 0.1}),
        TypeError,
        r"'response' must be a ResponseSpec",
    ),
    (
        "model/simulate channels a frame",
        lambda: _sim(channels=CAT),
        TypeError,
        r"'channels' must be a ChannelSet",
    ),
    (
        "model/simulate switched_off a string",
        lambda: _sim(switched_off="email"),
        TypeError,
        r"'switched_off' must be a list or tuple of channel names; got 'email'",
    ),
    (
        "model/simulate switched_off unknown",
        lambda: _sim(switched_off=["fax"]),
        ValueError,
        r"'switched_off' names channels \['fax'\]",
    ),
    (
        "model/simulate negative journeys",
        lambda: _sim(n_journeys=-1),
        ValueError,
        r"'n_journeys' must be an int in \[0, 200\]; got -1",
    ),
    (
        "model/simulate zero threads",
        lambda: _sim(n_threads=0),
        ValueError,
        r"'n_threads' must be an int in \[1, 1024\]; got 0",
    ),
    (
        "model/simulate no default-mix channel",
        lambda: _sim(channels=ChannelSet(CAT, names=("face_to_face", "chat"))),
        ValueError,
        r"no channel of the default mix .* is simulated; pass 'channels'",
    ),
    # designs
    (
        "model/factorial unknown factor",
        lambda: factorial_arms(SiloedMultichannel(), {"bogus": [0, 1]}),
        ValueError,
        r"bogus",
    ),
    (
        "model/factorial base not a strategy",
        lambda: factorial_arms("siloed", {"history_shared": [0.0, 1.0]}),
        TypeError,
        r"'base' must be a Strategy",
    ),
    (
        "model/integration path base not a strategy",
        lambda: integration_path(None, Omnichannel()),
        TypeError,
        r"'base'.* must be .*Strateg",
    ),
    (
        "model/shapley missing coalition",
        lambda: shapley_decomposition({(): 0.0, ("x",): 1.0}, factors=["x", "y"]),
        ValueError,
        r"missing",
    ),
    (
        "model/shapley NaN value",
        lambda: shapley_decomposition({(): 0.0, ("x",): math.nan}),
        ValueError,
        r"\"values\[\('x',\)\]\" must be a real number in \(-inf, inf\); got nan",
    ),
    (
        "model/shapley tie",
        _shapley_tie,
        None,
        None,
    ),
]


def _expect(value, expected):
    assert value == pytest.approx(expected), (value, expected)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
