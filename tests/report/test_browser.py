"""The report site in a real browser: Debian's Chromium at 390 px (a phone) and 1,400 px.

Playwright drives ``/usr/bin/chromium`` (``apt-get install chromium``; ``.ci/run`` installs it
in CI). Every request that would leave ``file:`` or ``data:`` is blocked and recorded. The
front page must not be wider than the screen, every claim card must show its verdict, and
every link to an anchor inside the site must land on an element. A screenshot of the front
page and of a study page at each width is kept in ``build/site-test/screenshots/``. Without
Chromium or playwright the test is skipped, unless ``CI`` is set: then it fails.

A page's first view (its HTML and every script, stylesheet, font and image the browser fetches
for it, with an empty cache) must stay under :data:`mcstudy.report.site.PAGE_LIMIT`, with no
failed request and no console error; search, the contents lists and the colour-mode switch
must work, and no study page may be wider than a 390-px screen.
"""

import importlib.util
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mcstudy.report.site import INDEX_NAME, PAGE_LIMIT, page_sizes

from .conftest import need

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium flags for a sandbox-less, offline, headless run.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = ((390, 844), (1400, 900))
STUDY_PAGE = "08_real_data_hillstrom.html"

#: Visible elements sticking out of the viewport, outside boxes that scroll or clip sideways.
_TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if ((r.right > width + 1 || r.left < -1) && !clipped(el)) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} [${r.left|0}, ${r.right|0}]`);
    }
  }
  return [document.documentElement.scrollWidth - width, out.slice(0, 10)];
}"""

#: Each claim card: its id, whether its verdict badge is visible, and the badge's text.
_CARDS = """() => [...document.querySelectorAll('article.mc-card')].map(c => {
  const b = c.querySelector('.mc-badge');
  const r = b ? b.getBoundingClientRect() : {width: 0, height: 0};
  return [c.id, !!b && r.width > 0 && r.height > 0, b ? b.textContent.trim() : ''];
})"""

#: Links of the page into the site: (page path, fragment), from the resolved href.
_LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)
  .filter(h => h.startsWith('file:'))"""

_HREFS = "links => links.map(a => a.href)"


def _launch(playwright):
    need(CHROMIUM.is_file(), f"no Chromium at {CHROMIUM}: apt-get install chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium, driven by playwright."""
    need(
        importlib.util.find_spec("playwright") is not None,
        "playwright is not installed: pip install 'mcstudy[site]'",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _launch(p)
        try:
            yield browser
        finally:
            browser.close()


def _first_view(browser, url: str, width: int = 390):
    """Load ``url`` with an empty cache: ``(bytes, [(bytes, kind, url)], failed, console)``.

    Bytes are those of every response the load triggers (the page, scripts, stylesheets,
    fonts, images), as the browser received them; ``failed`` lists failed requests and
    requests that would leave ``file:``/``data:`` (blocked); ``console`` the console errors
    and uncaught exceptions.
    """
    context = browser.new_context(viewport={"width": width, "height": 844})
    done, failed, console = [], [], []

    def guard(route):
        if urlsplit(route.request.url).scheme in ("file", "data"):
            route.continue_()
        else:
            failed.append(f"left the machine: {route.request.url}")
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("requestfinished", lambda r: done.append(r))
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: console.append(str(exc)))
    page.goto(url, wait_until="networkidle")
    responses = []
    for request in done:
        response = request.response()
        size = len(response.body()) if response is not None else 0
        responses.append((size, request.resource_type, unquote(urlsplit(request.url).path)))
    context.close()
    return sum(size for size, _, _ in responses), responses, failed, console


def test_first_view_of_front_and_heaviest_study_page_is_under_the_limit(built_site, chromium):
    built, _, _ = built_site
    sizes = page_sizes(built.site)
    heaviest = max(built.pages.values(), key=lambda p: sizes[p.name])
    for page in (built.site / INDEX_NAME, heaviest):
        total, responses, failed, console = _first_view(chromium, page.as_uri())
        kinds: dict[str, int] = {}
        for size, kind, _ in responses:
            kinds[kind] = kinds.get(kind, 0) + size
        print(f"first view of {page.name}: {total:,} bytes in {len(responses)} responses {kinds}")
        assert failed == [] and console == [], (page.name, failed, console)
        assert {"document", "stylesheet", "script", "font"} <= set(kinds), (page.name, kinds)
        assert total <= PAGE_LIMIT, (page.name, total, sorted(responses, reverse=True)[:5])


def test_search_contents_and_colour_mode_work_on_a_phone(built_site, chromium):
    built, _, _ = built_site
    site = built.site
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        # search: the query goes to search.html, which lists the pages that hold the word
        page.goto((site / INDEX_NAME).as_uri(), wait_until="load")
        page.locator("button[aria-label=Search]:visible").first.click()
        page.locator("#pst-search-dialog input[name=q]").fill("Hillstrom")
        page.locator("#pst-search-dialog input[name=q]").press("Enter")
        page.wait_for_url("**/search.html?q=Hillstrom*")
        found = page.locator("#search-results li a")
        found.first.wait_for(timeout=15_000)
        assert any(STUDY_PAGE in h for h in found.evaluate_all(_HREFS))
        # the contents of the site (left) and of the page (right) open from the header
        page.goto((site / STUDY_PAGE).as_uri(), wait_until="load")
        page.locator("button.primary-toggle:visible").first.click()
        studies = page.locator("#pst-primary-sidebar-modal a.reference.internal")
        studies.first.wait_for(state="visible")
        listed = {Path(unquote(urlsplit(h).path)).name for h in studies.evaluate_all(_HREFS)}
        assert {p.name for p in built.pages.values()} <= listed, listed
        page.keyboard.press("Escape")
        page.locator("button.secondary-toggle:visible").first.click()
        sections = page.locator("#pst-secondary-sidebar-modal nav a")
        sections.first.wait_for(state="visible")
        assert sections.count() >= 3
        page.keyboard.press("Escape")
        # the colour-mode switch turns the page dark and back to light
        for mode in ("dark", "light"):
            page.locator("button.theme-switch-button:visible").first.click()
            page.locator(f"button.theme-change-button[data-mode={mode}]:visible").first.click()
            assert page.evaluate("document.documentElement.dataset.theme") == mode
        # no study page is wider than the phone's screen
        for path in built.pages.values():
            page.goto(path.as_uri(), wait_until="load")
            overflow, wide = page.evaluate(_TOO_WIDE)
            assert overflow <= 1 and wide == [], (path.name, overflow, wide)
    finally:
        context.close()
    assert errors == []


def test_site_in_chromium_at_phone_and_desktop_widths(built_site, chromium):
    built, _, _ = built_site
    site = built.site
    shots = site.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    left, errors = [], []
    context = chromium.new_context()
    try:

        def guard(route):
            if urlsplit(route.request.url).scheme in ("file", "data"):
                route.continue_()
            else:
                left.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        targets: dict[Path, set[str]] = {}
        for width, height in WIDTHS:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": height})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto((site / INDEX_NAME).as_uri(), wait_until="load")
            overflow, wide = page.evaluate(_TOO_WIDE)
            assert overflow <= 1 and wide == [], (width, overflow, wide)
            cards = page.evaluate(_CARDS)
            assert len(cards) == len(built.anchors), (width, len(cards))
            hidden = [(cid, text) for cid, shown, text in cards if not shown or not text]
            assert hidden == [], (width, hidden[:5])
            page.screenshot(path=str(shots / f"front-{width}.png"))
            for href in page.evaluate(_LINKS):
                parts = urlsplit(href)
                targets.setdefault(Path(unquote(parts.path)), set()).add(unquote(parts.fragment))
            page.goto((site / STUDY_PAGE).as_uri(), wait_until="load")
            page.screenshot(path=str(shots / f"study-{width}.png"))
            first, fragment = next(iter(built.anchors.values())).split("#")
            page.goto(f"{(site / first).as_uri()}#{fragment}", wait_until="load")
            outline = page.evaluate(
                "() => getComputedStyle(document.querySelector(':target')).outlineStyle"
            )
            assert outline == "solid"  # the verdict a card links to is highlighted
            page.close()
        page = context.new_page()
        unresolved = []
        for path, fragments in sorted(targets.items()):
            assert path.is_file() and path.is_relative_to(site), path
            page.goto(path.as_uri(), wait_until="domcontentloaded")
            for fragment in sorted(f for f in fragments if f):
                if not page.evaluate("id => !!document.getElementById(id)", fragment):
                    unresolved.append(f"{path.name}#{fragment}")
            for href in page.evaluate(_LINKS):  # the study pages' links back, too
                parts = urlsplit(href)
                back = Path(unquote(parts.path))
                if back == site / INDEX_NAME and parts.fragment:
                    targets[back].add(unquote(parts.fragment))
        index = site / INDEX_NAME
        page.goto(index.as_uri(), wait_until="domcontentloaded")
        for fragment in sorted(f for f in targets.get(index, ()) if f):
            if not page.evaluate("id => !!document.getElementById(id)", fragment):
                unresolved.append(f"{INDEX_NAME}#{fragment}")
        assert unresolved == []
        assert any(f.startswith("claim-") for fs in targets.values() for f in fs)
    finally:
        context.close()
    assert left == [], left[:5]
    assert errors == []
    assert all(
        (shots / f"{kind}-{w}.png").is_file() for kind in ("front", "study") for w, _ in WIDTHS
    )
