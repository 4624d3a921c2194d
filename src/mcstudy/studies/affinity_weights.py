"""The two profiles' channel weights at an affinity gap.

Source 000 gives the direction of the social and autonomous profiles' channel preferences, not
their size. The *affinity gap* ``g`` scales the log-ratio of the two profiles' base weights
around their geometric mean (:func:`gap_affinities`): ``g = 0`` gives both profiles the same
weights, ``g = 1`` the catalogue's, ``g = 2`` squares every social/autonomous ratio.
:func:`with_affinity_gap` applies it to a channel set; :mod:`~mcstudy.studies.affinity_gap`
runs the policies at a grid of gaps.
"""

from __future__ import annotations

import numpy as np

from mcstudy._validation import check_array, check_number
from mcstudy.model import _libm
from mcstudy.model.channels import ChannelSet

__all__ = ["MAX_AFFINITY_GAP", "gap_affinities", "with_affinity_gap"]

#: Largest affinity gap :func:`gap_affinities` accepts: every channel's social/autonomous ratio
#: of base weights raised to the fourth power (the telephone's 3 becomes 81).
MAX_AFFINITY_GAP = 4.0


def gap_affinities(affinity, gap: float) -> np.ndarray:
    r"""The two profiles' base weights with their difference scaled by ``gap``.

    Each channel's weights are moved along the log scale around their geometric mean
    :math:`m_c = \sqrt{s_c a_c}`: :math:`s'_c = m_c (s_c / m_c)^g` and
    :math:`a'_c = m_c (a_c / m_c)^g`, so the social/autonomous ratio of every channel becomes
    :math:`(s_c / a_c)^g`. Only ratios within a profile matter to the model (the Dirichlet
    base is normalised), which is why the gap acts on log-ratios; the weights stay positive
    at every gap, where a linear interpolation would turn the autonomous face-to-face weight
    negative before ``g = 2``.

    Parameters
    ----------
    affinity : array_like, shape (2, n_channels)
        Base weights, row 0 social, row 1 autonomous (:attr:`ChannelSet.affinity`), > 0.
    gap : float
        In [0, :data:`MAX_AFFINITY_GAP`]: 0 gives both profiles the same weights (the
        geometric mean), 1 the weights given, 2 squares every ratio.

    Returns
    -------
    numpy.ndarray, shape (2, n_channels)

    Raises
    ------
    ValueError
        If ``affinity`` has another shape or a weight that is not > 0, or ``gap`` is out of
        range.

    Examples
    --------
    >>> gap_affinities([[3.0, 1.0], [1.0, 1.0]], 2.0).round(3)
    array([[5.196, 1.   ],
           [0.577, 1.   ]])
    """
    raw = np.asarray(affinity, dtype=float)
    a = check_array(raw, "affinity", (2, raw.shape[-1] if raw.ndim else 0), 0.0, low_open=True)
    gap = check_number(gap, "gap", 0.0, MAX_AFFINITY_GAP)
    centre = np.sqrt(a[0] * a[1])
    return centre * _libm.power(a / centre, gap)  # the C library's pow: the same on every CPU


def with_affinity_gap(channels: ChannelSet, gap: float) -> ChannelSet:
    """The same channels with the profiles' base weights at affinity gap ``gap``.

    The catalogue rows of the simulated channels get :func:`gap_affinities`; every other
    column, and the referral matrix, stay as they are.
    """
    if not isinstance(channels, ChannelSet):
        raise TypeError(f"'channels' must be a ChannelSet; got {channels!r}.")
    weights = gap_affinities(channels.affinity, gap)
    catalogue = channels.catalogue.copy()
    position = catalogue["channel"].map({c: k for k, c in enumerate(channels.names)})
    rows = position.notna().to_numpy()
    cols = position[rows].astype(int).to_numpy()
    for k, column in enumerate(("affinity_social", "affinity_autonomous")):
        catalogue.loc[rows, column] = weights[k, cols]
    return ChannelSet(catalogue, names=channels.names, referral=channels.referral)
