"""What readers see: executed notebooks, the report site, figures.

- :mod:`~mcstudy.report.notebooks`: executing the study notebooks in order
  (``mcstudy reproduce``) and building the site from them (``mcstudy report``);
- :mod:`~mcstudy.report.site`: the site (Sphinx, MyST-NB, sphinx-book-theme over the committed
  notebooks, executing nothing), its links and page sizes;
- :mod:`~mcstudy.report.assets`: the theme's shared files, trimmed to what the pages use;
- :mod:`~mcstudy.report.front`: the front page, findings first and one card per claim;
- :mod:`~mcstudy.report.cards`: a claim's card, effects on the scale of their measure;
- :mod:`~mcstudy.report.pages`: the study pages, prepared copies of the notebooks (code
  folded, conclusion first, figure captions, anchored verdicts);
- :mod:`~mcstudy.report.figures`: figures the notebooks and the site share (effects, Qini
  curves, robustness shares; Okabe-Ito colours), and saving them.
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
