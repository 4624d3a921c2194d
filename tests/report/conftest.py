"""The report site, built once per test session from the committed, executed notebooks.

The build goes to ``build/site-test/`` of the checkout (ignored by git): its sources in
``source/``, the site in ``html/``, and the browser test's screenshots in ``screenshots/``, kept
after the run for a reader to look at. Without the site tools (``pip install 'mcstudy[site]'``)
the tests that need the site are skipped, unless the environment variable ``CI`` is set: then
they fail.
"""

import hashlib
import importlib.util
import os
import shutil

import pytest

from mcstudy import config

SITE_TOOLS = ("sphinx", "myst_nb", "sphinx_book_theme")


def need(condition: bool, message: str) -> None:
    """Skip with ``message`` unless ``condition``; in CI (``CI`` set) fail instead."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


def _digests() -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
    }


@pytest.fixture(scope="session")
def built_site():
    """``(SiteBuild, notebook digests before, after)`` of one build of the whole site."""
    missing = [m for m in SITE_TOOLS if importlib.util.find_spec(m) is None]
    need(not missing, f"the site tools {missing} are not installed: pip install 'mcstudy[site]'")
    from mcstudy.report.site import build_site

    build = config.ROOT / "build" / "site-test"
    shutil.rmtree(build / "jupyter_execute", ignore_errors=True)  # left by an older build
    before = _digests()
    built = build_site(project=config.ROOT, out_dir=build / "html", build_dir=build)
    return built, before, _digests()
