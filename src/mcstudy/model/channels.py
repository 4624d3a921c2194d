"""Channels as the simulator sees them: arrays built from the channel catalogue.

The catalogue (``data/channels.csv``, loaded by :func:`mcstudy.io.catalogue.load_channels`) holds
one row per channel with its cost, intrusiveness, persuasion, consent withdrawal, profile
affinities and flags, each number with its provenance. :class:`ChannelSet` selects the channels
of a simulation and turns those columns into numpy arrays, plus the cross-channel referral
matrix.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from mcstudy._validation import check_array, check_frame

__all__ = [
    "DEFAULT_CHANNELS",
    "NETWORK_PROXIES",
    "PURCHASE_CHANNELS",
    "ChannelSet",
    "default_referral_matrix",
    "network_referral_matrix",
]

#: Numeric catalogue columns the simulator reads (a ``channel.<column>`` parameter names one).
VALUE_COLUMNS = (
    "cost_per_contact_eur",
    "service_cost_eur",
    "intrusiveness",
    "persuasion",
    "consent_withdrawal",
    "affinity_social",
    "affinity_autonomous",
)

#: The simulator's default channels, in this order.
DEFAULT_CHANNELS = ("face_to_face", "telephone", "postal_mail", "email", "sms", "website")
#: Channels through which a purchase can be made (shop or agency, telephone order, catalogue
#: order by post, website). E-mail and SMS carry contacts only. Assumption.
PURCHASE_CHANNELS = ("face_to_face", "telephone", "postal_mail", "website")

# Referral matrix: row = channel of an attended contact, column = purchase channel, share of
# the purchases a contact of that channel sends to each purchase channel when the strategy
# refers customers across channels. The e-mail row is source 000 (Celio e-mail coupon: ten
# shop purchases for one on celio.com); every other row is an assumption.
_REFERRAL = {
    "face_to_face": {"face_to_face": 1.0},
    "telephone": {"telephone": 0.6, "face_to_face": 0.4},
    "postal_mail": {"postal_mail": 0.5, "face_to_face": 0.3, "website": 0.2},
    "email": {"face_to_face": 10 / 11, "website": 1 / 11},
    "sms": {"face_to_face": 0.7, "website": 0.3},
    "website": {"website": 0.8, "face_to_face": 0.2},
    "call_centre": {"telephone": 0.7, "face_to_face": 0.3},
    "social_media": {"website": 0.6, "face_to_face": 0.4},
    "chat": {"website": 1.0},
}


def default_referral_matrix(channels, purchase_channels) -> np.ndarray:
    """Return the default referral matrix (contact channel × purchase channel), rows summing to 1.

    Rows for channels whose targets are not among ``purchase_channels`` are renormalised over
    the targets that are; a row with no target left refers to every purchase channel equally.
    """
    out = np.zeros((len(channels), len(purchase_channels)))
    for i, c in enumerate(channels):
        for j, p in enumerate(purchase_channels):
            out[i, j] = _REFERRAL.get(c, {}).get(p, 0.0)
        total = out[i].sum()
        out[i] = out[i] / total if total > 0 else 1.0 / len(purchase_channels)
    return out


#: Contact channels that are not action channels of a referral network but refer like one of
#: them in :func:`network_referral_matrix`: e-mail and SMS as Internet channels. Assumption.
NETWORK_PROXIES = {"email": "website", "sms": "website"}


def network_referral_matrix(
    network: pd.DataFrame, channels, purchase_channels, *, proxies=None
) -> np.ndarray:
    """Referral matrix (contact channel × purchase channel) from a referral network.

    A network (:func:`mcstudy.io.referral.load_referral_network`, source 000 box 3) gives, for
    an action channel, the share of its customers who buy through each other channel; the
    rest buy through the action channel itself. The row of a contact channel that is an
    action channel of the network (``from_simulated``) is that split; a contact channel
    listed in ``proxies`` takes the row of its proxy; every other row is
    :func:`default_referral_matrix`'s. Targets that are not among ``purchase_channels`` are
    dropped and the row renormalised, as in :func:`default_referral_matrix`.

    Parameters
    ----------
    network : pandas.DataFrame
        Columns ``from_simulated``, ``to_simulated`` and ``share``.
    channels, purchase_channels : sequence of str
        The simulated channels (rows) and purchase channels (columns).
    proxies : mapping of str to str, default=None
        Contact channel -> action channel whose row it takes; :data:`NETWORK_PROXIES` when
        None (pass ``{}`` for none).

    Returns
    -------
    numpy.ndarray
        Shape (len(channels), len(purchase_channels)), rows summing to 1.

    Raises
    ------
    ValueError
        If ``network`` lacks a column, or a proxy is not an action channel of the network.
    """
    missing = [c for c in ("from_simulated", "to_simulated", "share") if c not in network]
    if missing:
        raise ValueError(f"'network' must have columns {missing}; it has {list(network.columns)}.")
    proxies = dict(NETWORK_PROXIES if proxies is None else proxies)
    sources = set(network["from_simulated"])
    bad = {c: p for c, p in proxies.items() if p not in sources}
    if bad:
        raise ValueError(
            f"'proxies' must map contact channels to action channels of the network "
            f"{sorted(sources)}; got {bad}."
        )
    channels, purchase_channels = list(channels), list(purchase_channels)
    out = default_referral_matrix(channels, purchase_channels)
    for i, c in enumerate(channels):
        source = c if c in sources else proxies.get(c)
        if source is None:
            continue
        flows = network[network["from_simulated"] == source]
        row = dict.fromkeys(purchase_channels, 0.0)
        stay = 1.0 - float(flows["share"].sum())
        for target, share in zip(flows["to_simulated"], flows["share"], strict=True):
            if target in row:
                row[target] += float(share)
        if source in row:
            row[source] += stay
        values = np.array([row[p] for p in purchase_channels])
        total = values.sum()
        out[i] = values / total if total > 0 else 1.0 / len(purchase_channels)
    return out


@functools.lru_cache(maxsize=1)
def value_bounds() -> dict[str, tuple[float, float, bool, str]]:
    """The range each numeric catalogue column of :data:`VALUE_COLUMNS` may take in a model.

    The channel catalogue's own bounds (:func:`mcstudy.io.catalogue.load_channels`), the upper
    one stretched by the largest factor the parameter table (``data/parameters.csv``) lets a
    robustness design apply to the column (``channel.<column>``, a relative range), so that
    every point of the plausible space is a valid model. Returns ``{column: (low, high,
    low_open, allowed)}``, ``allowed`` saying where the range comes from.
    """
    from mcstudy.io.catalogue import _CHANNEL_NUMBERS, load_parameters

    table = load_parameters().set_index("name")
    out = {}
    for column in VALUE_COLUMNS:
        low, high, low_open, _, _, meaning = _CHANNEL_NUMBERS[column]
        factor = 1.0
        name = f"channel.{column}"
        if name in table.index and table.loc[name, "range_kind"] == "relative":
            factor = max(1.0, float(table.loc[name, "high"]))
        rng = f"{'(' if low_open else '['}{low:g}, {high * factor:g}]"
        where = f"{meaning}: the channel catalogue's bounds"
        if factor > 1:
            where += f", the upper one times the largest factor of {name} in data/parameters.csv"
        out[column] = (low, high * factor, low_open, f"finite numbers in {rng} ({where})")
    return out


def check_catalogue(catalogue: object, name: str = "catalogue") -> None:
    """Raise unless ``catalogue`` is a channel catalogue the simulator can use.

    A DataFrame with a ``channel`` column of distinct names, the numeric columns
    :data:`VALUE_COLUMNS`, each a finite number in its range (:func:`value_bounds`), and the
    ``outbound`` and ``inbound`` flags as bools.
    """
    check_frame(catalogue, ["channel", *VALUE_COLUMNS, "outbound", "inbound"], name)
    channels = catalogue["channel"]
    repeated = sorted({str(c) for c in channels[channels.duplicated()]})
    if repeated:
        raise ValueError(
            f"{name!r} must have one row per channel; channels {repeated} appear more than once."
        )
    bounds = value_bounds()
    for column in VALUE_COLUMNS:
        series = catalogue[column]
        low, high, low_open, allowed = bounds[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise TypeError(
                f"{name!r} column {column!r} must hold {allowed}; got dtype {series.dtype}."
            )
        values = series.to_numpy(dtype=float, na_value=np.nan)
        below = values <= low if low_open else values < low
        bad = ~np.isfinite(values) | below | (values > high)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name!r} column {column!r} must hold {allowed}; channel "
                f"{channels.iloc[i]!r} has {float(values[i])!r}."
            )
    for column in ("outbound", "inbound"):
        if not pd.api.types.is_bool_dtype(catalogue[column]):
            raise TypeError(
                f"{name!r} column {column!r} must hold bools (True/False); got dtype "
                f"{catalogue[column].dtype}."
            )


@dataclass(frozen=True)
class ChannelSet:
    """The channels of one simulation, as arrays aligned with :attr:`names`.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        The channel catalogue (:func:`mcstudy.io.catalogue.load_channels`).
    names : tuple of str, default=DEFAULT_CHANNELS
        Channels to simulate, in order; each must be in the catalogue.
    referral : array_like, default=None
        Referral matrix, shape (len(names), number of purchase channels), rows summing to 1;
        :func:`default_referral_matrix` when None.
    purchase : tuple of str, default=None
        The channels a purchase can go through, a subset of ``names`` among
        :data:`PURCHASE_CHANNELS`; every selected channel of :data:`PURCHASE_CHANNELS` when None.
        A retailer without shops or mail-order desk (Hillstrom's: orders by telephone and on the
        website) keeps its other channels for contacts only.

    Raises
    ------
    ValueError
        If a name is not in the catalogue (the message names the missing channels and the file
        the catalogue was read from, ``catalogue.attrs["source"]``), names repeat, no purchase
        channel is selected, ``purchase`` names a channel that is not a selected purchase
        channel, or the referral matrix has the wrong shape or rows that do not
        sum to 1; if the catalogue repeats a channel, lacks a column or has a number that is
        not finite or out of its range (:func:`check_catalogue`).
    TypeError
        If ``catalogue`` is not a DataFrame, a numeric column is not numeric, or ``names`` is
        not a sequence of str.
    """

    catalogue: pd.DataFrame = field(repr=False)
    names: tuple[str, ...] = DEFAULT_CHANNELS
    referral: np.ndarray | None = field(default=None, repr=False)
    purchase: tuple[str, ...] | None = None

    def __post_init__(self):
        check_catalogue(self.catalogue)
        if isinstance(self.names, str) or not isinstance(self.names, Iterable):
            raise TypeError(f"'names' must be a tuple of channel names (str); got {self.names!r}.")
        names = tuple(self.names)
        if not all(isinstance(n, str) for n in names):
            raise TypeError(f"'names' must be a tuple of channel names (str); got {names!r}.")
        known = list(self.catalogue["channel"])
        unknown = [n for n in names if n not in known]
        if unknown:
            source = self.catalogue.attrs.get("source")
            where = f"read from {source}" if source else "given as 'catalogue'"
            raise ValueError(
                f"'names' needs channel(s) {unknown}, missing from the channel catalogue {where}"
                f" (its channels: {known}). Restore or rename the channel in the catalogue, or "
                "pass ChannelSet(catalogue, names=...) with channels it has."
            )
        if len(set(names)) != len(names) or not names:
            raise ValueError(
                f"'names' must be distinct channels of the catalogue, at least one; "
                f"got {list(names)}."
            )
        object.__setattr__(self, "names", names)
        if self.purchase is not None:
            if isinstance(self.purchase, str) or not isinstance(self.purchase, Iterable):
                raise TypeError(
                    f"'purchase' must be a tuple of channel names (str); got {self.purchase!r}."
                )
            purchase = tuple(self.purchase)
            allowed = [n for n in names if n in PURCHASE_CHANNELS]
            if not purchase or len(set(purchase)) != len(purchase) or set(purchase) - set(allowed):
                raise ValueError(
                    f"'purchase' must be distinct purchase channels among 'names', at least one "
                    f"(allowed: {allowed}); got {list(purchase)}."
                )
            object.__setattr__(self, "purchase", purchase)
        if not self.purchase_channels:
            raise ValueError(
                f"'names' must include a purchase channel, one of {list(PURCHASE_CHANNELS)}; "
                f"got {list(names)}."
            )
        shape = (len(names), len(self.purchase_channels))
        if self.referral is None:
            ref = default_referral_matrix(names, self.purchase_channels)
        else:
            ref = check_array(self.referral, "referral", shape, 0.0, 1.0)
            if not np.allclose(ref.sum(axis=1), 1.0):
                raise ValueError(f"'referral' rows must sum to 1; got sums {ref.sum(axis=1)}.")
        object.__setattr__(self, "referral", ref)

    @cached_property
    def _table(self) -> pd.DataFrame:
        return self.catalogue.set_index("channel").loc[list(self.names)]

    def _column(self, name: str) -> np.ndarray:
        return self._table[name].to_numpy(dtype=float)

    @property
    def n_channels(self) -> int:
        """Number of channels."""
        return len(self.names)

    @cached_property
    def purchase_channels(self) -> tuple[str, ...]:
        """The selected channels a purchase can go through, in :attr:`names` order."""
        allowed = PURCHASE_CHANNELS if self.purchase is None else self.purchase
        return tuple(n for n in self.names if n in allowed)

    @cached_property
    def purchase_index(self) -> np.ndarray:
        """Position in :attr:`names` of each purchase channel."""
        return np.array([self.names.index(p) for p in self.purchase_channels], dtype=np.int64)

    @cached_property
    def cost_per_contact_eur(self) -> np.ndarray:
        """Cost of one contact on each channel, euros."""
        return self._column("cost_per_contact_eur")

    @cached_property
    def service_cost_eur(self) -> np.ndarray:
        """Cost of handling one customer-initiated service contact on each channel, euros."""
        return self._column("service_cost_eur")

    @cached_property
    def intrusiveness(self) -> np.ndarray:
        """Intrusiveness of an unsolicited contact, in [0, 1]."""
        return self._column("intrusiveness")

    @cached_property
    def persuasion(self) -> np.ndarray:
        """Persuasive weight of an attended contact, relative to an e-mail (e-mail = 1).

        The catalogue's ``persuasion`` column divided by its e-mail row: only the ratios are
        identified, because the weights enter the model only multiplied by
        :attr:`~mcstudy.model.response.ResponseSpec.persuasion_effect` (or
        ``visits_per_attended_contact``).
        """
        table = self.catalogue.set_index("channel")
        if "email" not in table.index:
            source = self.catalogue.attrs.get("source") or "the catalogue"
            raise ValueError(
                f"the channel catalogue ({source}) needs an 'email' row: persuasion weights "
                "are relative to e-mail."
            )
        email = float(table.loc["email", "persuasion"])
        if not email > 0:
            raise ValueError(
                f"the e-mail row of the channel catalogue must have a persuasion > 0 (the unit "
                f"of every persuasion weight); got {email!r}."
            )
        return self._column("persuasion") / email

    @cached_property
    def consent_withdrawal(self) -> np.ndarray:
        """Hazard scale of withdrawing marketing consent per contact received, in [0, 1].

        For a customer of sensitivity 1 and no irritation, on each channel.
        """
        return self._column("consent_withdrawal")

    @cached_property
    def affinity(self) -> np.ndarray:
        """Dirichlet base weights, shape (2, n_channels): row 0 social, row 1 autonomous."""
        return np.vstack([self._column("affinity_social"), self._column("affinity_autonomous")])

    @cached_property
    def inbound(self) -> np.ndarray:
        """True where a customer can start a service contact on the channel."""
        return self._column("inbound").astype(bool)

    @cached_property
    def outbound(self) -> np.ndarray:
        """True where the firm can start a contact on the channel."""
        return self._column("outbound").astype(bool)
