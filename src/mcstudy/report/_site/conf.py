"""Sphinx configuration of the mcstudy report site (copied into the build folder).

mcstudy.report.site writes ``mcstudy_site.json`` beside this file (version, commit, build date,
citation) and the pages; nothing here runs a notebook.
"""

import json
from pathlib import Path

_SITE = json.loads((Path(__file__).parent / "mcstudy_site.json").read_text(encoding="utf-8"))

project = "mcstudy"
author = "mcstudy contributors"
copyright = f"mcstudy contributors, MIT licence; built {_SITE['date']}"
version = release = _SITE["version"]
language = "en"
root_doc = "index"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "_extra", "**.ipynb_checkpoints", "mcstudy_site.json"]
# render the committed outputs as they are: never execute a notebook
nb_execution_mode = "off"
nb_merge_streams = True
# nothing from the network: no widget or require.js scripts, no MathJax (no page has math)
nb_ipywidgets_js = {}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
numfig = True
numfig_format = {"figure": "Figure %s", "table": "Table %s"}
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

html_theme = "sphinx_book_theme"
html_title = "mcstudy: which claims hold?"
html_static_path = ["_static"]
html_css_files = ["mcstudy.css"]
html_extra_path = ["_extra"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_scaled_image_link = True
# the search page cannot fetch other pages from file: (the browser blocks it), so it lists the
# pages found without the text around the word, and makes no request that fails
html_show_search_summary = False
# light or dark as the reader's system says, until the reader picks one
html_context = {"default_mode": "auto"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
    # the search box sends its query to search.html, the one page that loads the search
    # index (mcstudy.report.assets removes it from the others)
    "search_as_you_type": False,
    "extra_footer": _SITE["footer"],
}

#: pydata-sphinx-theme opens the contents lists only from the first toggle button of each kind
#: (in its header, hidden by sphinx-book-theme); the buttons a reader sees forward their click.
_FORWARD_TOGGLES = """document.addEventListener("DOMContentLoaded", () => {
  for (const kind of ["primary-toggle", "secondary-toggle"]) {
    const [hooked, ...shown] = document.querySelectorAll("button." + kind);
    for (const button of shown) {
      button.addEventListener("click", (event) => { event.preventDefault(); hooked.click(); });
    }
  }
});"""


def setup(app):
    """Add the script that makes the contents buttons work."""
    app.add_js_file(None, body=_FORWARD_TOGGLES)
