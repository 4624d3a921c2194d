"""Multi-touch attribution of conversions to channels, on paths in ChannelAttribution's form.

- :mod:`~mcstudy.attribution.paths`: the path table (``path``, ``conversions``, ``nulls``,
  ``value``), its checks and its parsing into arrays;
- :mod:`~mcstudy.attribution.journeys`: path tables built from customer journeys or from a
  simulation;
- :mod:`~mcstudy.attribution.heuristics`: first touch, last touch, linear, time decay and
  position based;
- :mod:`~mcstudy.attribution.shapley`: the Shapley value (Zhao, Mahboobi and Bagheri 2018),
  unordered and ordered;
- :mod:`~mcstudy.attribution.markov`: Markov chains of any order, removal effects computed
  exactly from the absorbing chain.

Every method takes a path table and returns one row per channel with the ``conversions`` and
``value`` attributed to it, which sum to the observed totals. See ``docs/attribution.md``.
"""

from mcstudy.attribution.heuristics import (
    first_touch,
    last_touch,
    linear,
    position_based,
    time_decay,
)
from mcstudy.attribution.journeys import paths_from_journeys, paths_from_simulation
from mcstudy.attribution.markov import markov, transition_matrix
from mcstudy.attribution.paths import PATH_COLUMNS, ParsedPaths, check_paths, parse_paths
from mcstudy.attribution.shapley import MAX_COALITION_CHANNELS, shapley

__all__ = [
    "MAX_COALITION_CHANNELS",
    "PATH_COLUMNS",
    "ParsedPaths",
    "check_paths",
    "first_touch",
    "last_touch",
    "linear",
    "markov",
    "parse_paths",
    "paths_from_journeys",
    "paths_from_simulation",
    "position_based",
    "shapley",
    "time_decay",
    "transition_matrix",
]
