"""The design of the cross-channel experiments of notebook 07: the arms and their referral matrix.

:func:`cross_channel_arms` gives the arms that
:func:`~mcstudy.studies.cross_channel.cross_channel_statistics` randomises one population to (a
siloed, a cross-channel and an omnichannel firm, and an e-mail campaign), and
:func:`referral_channels` the channels under the referral matrix they run with: source 000's
box-3 network or the simulator's default. :func:`with_shop_share` sets the share of the
profiles' purchase-channel weight that shops take (the sales mix), and :func:`robustness_space`
the parameter space of notebook 07's robustness design; :func:`cross_channel_space` is that
design as an :class:`~mcstudy.experiments.data_allowed.AllowedSpace`, to be judged over what
the data allow.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from mcstudy._validation import check_number, check_option
from mcstudy.io.referral import load_referral_network
from mcstudy.model.channels import ChannelSet, network_referral_matrix
from mcstudy.model.context import model_context
from mcstudy.model.strategies import (
    CrossChannel,
    Monochannel,
    Omnichannel,
    SiloedMultichannel,
    Strategy,
)

if TYPE_CHECKING:
    from mcstudy.experiments.data_allowed import AllowedSpace

__all__ = [
    "CROSS_CHANNEL_ARMS",
    "EMAIL_ARM",
    "REFERENCE_ARM",
    "REFERRAL_MATRICES",
    "ROBUSTNESS_FIXED",
    "ROBUSTNESS_PARAMETERS",
    "SHOP_SHARE_RANGE",
    "cross_channel_arms",
    "cross_channel_space",
    "referral_channels",
    "robustness_space",
    "with_shop_share",
]

#: The arms of :func:`cross_channel_statistics`, in order.
CROSS_CHANNEL_ARMS = ("siloed", "cross_channel", "omnichannel")
#: The arm the cross-channel claims are judged in: channels refer customers to each other.
REFERENCE_ARM = "cross_channel"
#: The e-mail campaign arm (the Celio coupon claim).
EMAIL_ARM = "email_only"
#: Referral matrices: ``box3`` from source 000's network (e-mail and SMS as Internet
#: channels), ``default`` the simulator's (e-mail row = Celio's ten to one).
REFERRAL_MATRICES = ("box3", "default")
_DESIGNS = ("full", "reference")
_SHOP = "face_to_face"
#: Plausible range of ``shop_share`` (:func:`with_shop_share`), an assumption: from a firm
#: that sells mostly online or by catalogue to a store-dominated one (Celio's ten shop
#: purchases for one online need about 10/11 of sales in shops when e-mail only raises
#: purchases in each customer's own channels).
SHOP_SHARE_RANGE = (0.1, 0.95)
#: The model parameters notebook 07's robustness design varies over their plausible ranges in
#: ``data/parameters.csv``: the referral strength, the persuasion effect of a contact and the
#: share of social customers; :func:`robustness_space` adds ``shop_share``.
ROBUSTNESS_PARAMETERS = (
    "strategy.referral_strength",
    "response.persuasion_effect",
    "population.social_share",
    # the two-sided mechanisms (docs/model.md section 7.15): a channel's effect raised or
    # lowered by another's contact, fatigue shared or per channel
    "response.channel_synergy",
    "response.fatigue_sharing",
)
#: The run settings of notebook 07's robustness design at every point: the cross-channel and
#: e-mail arms (``design="reference"``), 1,500 customers per arm, 52 weeks (the notebook's
#: ``ROBUSTNESS_PER_ARM`` and ``N_WEEKS``; the notebook should import them from here).
ROBUSTNESS_FIXED = {"n_customers": 1_500, "n_weeks": 52, "design": "reference"}
_NO_COSTS = {
    "fixed_investment_eur": 0.0,
    "integration_cost_per_channel_eur": 0.0,
    "coordination_cost_per_pair_eur_per_week": 0.0,
    "running_cost_per_week_eur": 0.0,
    "deployment_lag_weeks": 0,
}


def cross_channel_arms(referral_strength: float = 0.5, design: str = "full") -> dict:
    """The arms of :func:`cross_channel_statistics`, one contact a week each.

    ``siloed`` is :class:`~mcstudy.model.SiloedMultichannel` (no referral);
    ``cross_channel`` is :class:`~mcstudy.model.CrossChannel` with ``referral_strength``;
    ``omnichannel`` is :class:`~mcstudy.model.Omnichannel` (full referral); ``email_only``
    is an e-mail campaign (one e-mail a week, consent respected) with ``referral_strength``.
    Costs and deployment lags are left out: the arms are compared on what they cause, not on
    what they cost. ``design="reference"`` keeps ``cross_channel`` and ``email_only``
    (robustness designs).
    """
    check_number(referral_strength, "referral_strength", 0, 1)
    design = check_option(design, "design", _DESIGNS)
    arms: dict[str, Strategy] = {
        "siloed": SiloedMultichannel(),
        "cross_channel": replace(CrossChannel(), referral_strength=referral_strength, **_NO_COSTS),
        "omnichannel": replace(Omnichannel(), **_NO_COSTS),
        EMAIL_ARM: Monochannel(
            channel="email", contact_pressure=1.0, referral_strength=referral_strength
        ),
    }
    if design == "reference":
        arms = {k: arms[k] for k in (REFERENCE_ARM, EMAIL_ARM)}
    return arms


def referral_channels(matrix: str, channels: ChannelSet | None = None) -> ChannelSet:
    """``channels`` (the reference context's when None) with the referral matrix ``matrix``.

    ``"box3"``: :func:`~mcstudy.model.channels.network_referral_matrix` of
    :func:`~mcstudy.io.referral.load_referral_network`; ``"default"``: the simulator's
    default matrix.
    """
    check_option(matrix, "referral", REFERRAL_MATRICES)
    channels = channels if channels is not None else model_context().channels
    if not isinstance(channels, ChannelSet):
        raise TypeError(f"'channels' must be a ChannelSet or None; got {channels!r}.")
    if matrix == "default":
        return ChannelSet(channels.catalogue, names=channels.names)
    ref = network_referral_matrix(
        load_referral_network(), channels.names, channels.purchase_channels
    )
    return ChannelSet(channels.catalogue, names=channels.names, referral=ref)


def with_shop_share(channels: ChannelSet, shop_share: float) -> ChannelSet:
    """``channels`` with shops taking ``shop_share`` of each profile's purchase-channel weight.

    The shop (``face_to_face``) affinity of each profile (``affinity_social``,
    ``affinity_autonomous``) is set to ``shop_share / (1 - shop_share)`` times the sum of that
    profile's affinities for the other purchase channels, so that a customer with the
    profile's base weights and every purchase channel in the repertoire buys in shops with
    probability ``shop_share``. The other channels keep their values; the referral matrix is
    kept.

    Parameters
    ----------
    channels : ChannelSet
        Channels with ``face_to_face`` and at least one other purchase channel.
    shop_share : float
        In :data:`SHOP_SHARE_RANGE`.

    Returns
    -------
    ChannelSet

    Raises
    ------
    TypeError
        If ``channels`` is not a ChannelSet or ``shop_share`` not a real number.
    ValueError
        If ``shop_share`` is outside :data:`SHOP_SHARE_RANGE`, or ``channels`` lacks shops or
        another purchase channel.

    Notes
    -----
    Affinity also scales each contact's persuasion (``docs/model.md``), and a customer's
    affinities sum to 1 over the simulated channels: a larger shop weight makes the other
    channels' contacts persuade less. The measured shop share of purchases differs from
    ``shop_share`` through the repertoires and the spread of affinities around the profiles.

    Examples
    --------
    >>> from mcstudy.studies.cross_channel_design import referral_channels
    >>> ch = with_shop_share(referral_channels("box3"), 0.9)
    >>> round(float(ch.catalogue.set_index("channel").loc["face_to_face", "affinity_social"]), 2)
    45.0
    """
    if not isinstance(channels, ChannelSet):
        raise TypeError(f"'channels' must be a ChannelSet; got {channels!r}.")
    shop_share = check_number(shop_share, "shop_share", *SHOP_SHARE_RANGE)
    others = [p for p in channels.purchase_channels if p != _SHOP]
    if _SHOP not in channels.purchase_channels or not others:
        raise ValueError(
            f"'channels' must simulate {_SHOP!r} and another purchase channel; got purchase "
            f"channels {list(channels.purchase_channels)}."
        )
    catalogue = channels.catalogue.copy()
    shop = np.flatnonzero(catalogue["channel"].to_numpy() == _SHOP)[0]
    rest = catalogue["channel"].isin(others).to_numpy()
    for column in ("affinity_social", "affinity_autonomous"):
        weight = shop_share / (1.0 - shop_share) * float(catalogue.loc[rest, column].sum())
        catalogue.loc[catalogue.index[shop], column] = weight
    return ChannelSet(catalogue, names=channels.names, referral=channels.referral)


def robustness_space() -> dict[str, tuple[float, float, str]]:
    """The parameter space of notebook 07's robustness design, ``{name: (low, high, scale)}``.

    :data:`ROBUSTNESS_PARAMETERS` with their plausible ranges and scales
    (:func:`mcstudy.experiments.parameter_space`), then ``shop_share`` over
    :data:`SHOP_SHARE_RANGE` on a linear scale (:func:`with_shop_share`), the sales mix.
    """
    from mcstudy.experiments import parameter_space

    table = parameter_space(list(ROBUSTNESS_PARAMETERS))
    space = {
        row.parameter: (float(row.low), float(row.high), str(row.scale))
        for row in table.itertuples(index=False)
    }
    space["shop_share"] = (*SHOP_SHARE_RANGE, "linear")
    return space


def cross_channel_space() -> AllowedSpace:
    """Notebook 07's robustness design, to be judged over what the data allow.

    An :class:`~mcstudy.experiments.data_allowed.AllowedSpace` named ``"cross_channel"``
    (its sample: ``data/data_allowed_cross_channel.csv``).

    The study is :func:`~mcstudy.studies.cross_channel.cross_channel_statistics`, over
    :func:`robustness_space` (``shop_share`` is a setting of the study, not of the model: the
    targets are simulated at the model parameters alone), with :data:`ROBUSTNESS_FIXED`; the
    claims are those of :data:`~mcstudy.studies.cross_channel_claims.CLAIM_STATISTICS`, each
    with the statistic its rule judges.

    Returns
    -------
    mcstudy.experiments.data_allowed.AllowedSpace
    """
    from mcstudy.experiments.data_allowed import AllowedSpace
    from mcstudy.studies.cross_channel import cross_channel_statistics
    from mcstudy.studies.cross_channel_claims import CLAIM_STATISTICS

    return AllowedSpace(
        name="cross_channel",
        notebook="07",
        study=cross_channel_statistics,
        parameters=robustness_space(),
        claim_statistics=dict(CLAIM_STATISTICS),
        fixed=dict(ROBUSTNESS_FIXED),
    )
