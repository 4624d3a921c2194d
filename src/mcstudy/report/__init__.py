"""What readers see: executed notebooks, the HTML site, figures.

- :mod:`~mcstudy.report.notebooks`: executing the study notebooks in order
  (``mcstudy reproduce``) and rendering them (``mcstudy report``);
- :mod:`~mcstudy.report.site`: the HTML pages, the index that opens on the scorecard, links;
- :mod:`~mcstudy.report.figures`: figures the notebooks and the site share (effects, Qini
  curves, robustness shares), and saving them.
"""

from mcstudy.report.figures import plot_effects, plot_qini, plot_robustness_shares, save_figure
from mcstudy.report.notebooks import render_reports, reproduce

__all__ = [
    "plot_effects",
    "plot_qini",
    "plot_robustness_shares",
    "render_reports",
    "reproduce",
    "save_figure",
]
