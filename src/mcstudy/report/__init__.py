"""What readers see: executed notebooks, the HTML site, figures.

- :mod:`~mcstudy.report.notebooks`: executing the study notebooks in order
  (``mcstudy reproduce``) and rendering them (``mcstudy report``);
- :mod:`~mcstudy.report.site`: the HTML pages, the index that opens on the scorecard, links;
- :mod:`~mcstudy.report.figures`: figures the notebooks and the site share, and saving them.
"""

from mcstudy.report.figures import plot_effects, plot_qini, save_figure
from mcstudy.report.notebooks import render_reports, reproduce

__all__ = ["plot_effects", "plot_qini", "render_reports", "reproduce", "save_figure"]
