"""The design of the cross-channel experiments of notebook 07: the arms and their referral matrix.

:func:`cross_channel_arms` gives the arms that
:func:`~mcstudy.studies.cross_channel.cross_channel_statistics` randomises one population to (a
siloed, a cross-channel and an omnichannel firm, and an e-mail campaign), and
:func:`referral_channels` the channels under the referral matrix they run with: source 000's
box-3 network or the simulator's default.
"""

from __future__ import annotations

from dataclasses import replace

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

__all__ = [
    "CROSS_CHANNEL_ARMS",
    "EMAIL_ARM",
    "REFERENCE_ARM",
    "REFERRAL_MATRICES",
    "cross_channel_arms",
    "referral_channels",
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
