"""One card per claim for the report site, and the pieces the study pages share with it.

A card (:func:`claim_card`) holds the claim's French quote with its English translation and
location, its source (title, kind, author, year), the verdict with its lean, the effect found
beside the claimed one and the smallest effect that matters on one scale with its unit
(:func:`measure_scale`, drawn by :func:`scale_svg`), n with what it counts, the evidence
class, and a link to the verdict's anchored block in its notebook page. Cards are HTML; the
front page (:mod:`mcstudy.report.front`) writes them into its MyST source as raw blocks.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from mcstudy._vocab import VERDICT_NOT_TESTABLE
from mcstudy.claims._display import robustness_text
from mcstudy.claims.scorecard import VERDICT_COLOURS

__all__ = [
    "Scale",
    "badge",
    "card_id",
    "claim_anchor",
    "claim_card",
    "first_sentence",
    "format_value",
    "measure_scale",
    "n_text",
    "scale_svg",
    "signed_claim",
    "verdict_label",
]


def claim_anchor(claim_id: str) -> str:
    """The id of the block stating ``claim_id``'s verdict in its notebook page."""
    if not isinstance(claim_id, str) or not claim_id.strip():
        raise TypeError(f"'claim_id' must be a claim id (a non-empty str); got {claim_id!r}.")
    return f"claim-{claim_id}"


def card_id(claim_id: str) -> str:
    """The id of ``claim_id``'s card on the front page."""
    if not isinstance(claim_id, str) or not claim_id.strip():
        raise TypeError(f"'claim_id' must be a claim id (a non-empty str); got {claim_id!r}.")
    return f"card-{claim_id}"


def _esc(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``)."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lum = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    y = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2]
    return "#000000" if (y + 0.05) / 0.05 > 1.05 / (y + 0.05) else "#ffffff"


def verdict_label(verdict: str, lean: object = "") -> str:
    """The verdict as a reader sees it: ``"conditional, leans supported"`` for a conditional one."""
    verdict = str(verdict)
    lean = "" if lean is None or (isinstance(lean, float) and math.isnan(lean)) else str(lean)
    if verdict == "conditional" and lean:
        return f"{verdict}, leans {lean}"
    return verdict


def badge(verdict: str, lean: object = "") -> str:
    """An HTML badge of the verdict, coloured by :data:`VERDICT_COLOURS` (Okabe-Ito)."""
    colour = VERDICT_COLOURS.get(str(verdict), "#999999")
    return (
        f'<span class="mc-badge" style="background:{colour};color:{_text_colour(colour)}">'
        f"{_esc(verdict_label(verdict, lean))}</span>"
    )


@dataclass(frozen=True)
class Scale:
    """How an effect of a measure is shown: multiplied by ``factor``, followed by ``unit``.

    ``signed`` effects are differences (shown with a sign); a level (a share, a ratio) is not.
    """

    factor: float
    unit: str
    signed: bool = True
    digits: int = 3


_DIFFERENCE = re.compile(r"\b(minus|difference|change|extra|gap|vs)\b")


def measure_scale(measure: str) -> Scale:
    """The scale of a measure, read from its description (``measure`` or ``estimand``).

    In order: log10 ratios; ``log(1 + units)``; relative differences and fractions (per cent);
    euros (with what they are per); shares and rates (percentage points for a difference, per
    cent for a level); counts per customer-year; else the measure's own unit.

    Examples
    --------
    >>> measure_scale("revenue per customer-year (EUR): matched minus uniform")
    Scale(factor=1.0, unit='EUR per customer-year', signed=True, digits=3)
    >>> measure_scale("share of customers retained, integrated minus siloed").unit
    'percentage points'
    """
    if not isinstance(measure, str):
        raise TypeError(f"'measure' must be a str; got {measure!r}.")
    text = measure.lower()
    if "log10" in text:
        return Scale(1.0, "on the log10 scale (1 = ten to one)")
    if "log(1 + units)" in text:
        return Scale(1.0, "in log(1 + units) (about 0.01 = 1 %)")
    if re.search(r"\brelative\b|minus 1\b|\(fraction", text):
        return Scale(100.0, "%")
    if "eur" in re.findall(r"[a-z]+", text):
        per = re.search(r"\(eur per ([a-z\-]+)", text) or re.search(
            r"per ([a-z\- ]+?)\s*\(eur", text
        )
        unit = "EUR" + (f" per {per.group(1)}" if per else "")
        return Scale(1.0, unit)
    if re.search(
        r"share|proportion|conversion|turnout|churn|retain|rate\b|0-1 scale|effect on purchase",
        text,
    ):
        if _DIFFERENCE.search(text):
            return Scale(100.0, "percentage points")
        return Scale(100.0, "%", signed=False)
    per_year = re.search(r"(\w+) per customer-year", text)
    if per_year:
        return Scale(1.0, f"{per_year.group(1)} per customer-year")
    per = re.search(r"(\w+) per (held-out )?customer\b", text)
    if per:
        return Scale(1.0, f"{per.group(1)} per customer")
    return Scale(1.0, "in the measure's unit")


def format_value(
    value: float, scale: Scale, *, signed: bool | None = None, with_unit: bool = True
) -> str:
    """``value`` on ``scale``: ``"+24.2 %"``, ``"-3.34 EUR per customer-year"``; "" for NaN.

    ``signed`` overrides the scale's sign display; ``with_unit=False`` leaves the unit out.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    signed = scale.signed if signed is None else signed
    x = float(value) * scale.factor
    text = f"{x:+.{scale.digits}g}" if signed else f"{x:.{scale.digits}g}"
    if "e" in text:  # no scientific notation for a reader
        text = f"{x:+,.0f}" if signed else f"{x:,.0f}"
    text = text.replace("-", "\u2212")
    return f"{text} {scale.unit}" if with_unit else text


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def n_text(n, verdict: str, method: str, n_unit: str = "") -> str:
    """N with what it counts: replications (read from ``method``) or ``n_unit``."""
    n = _number(n)
    if math.isnan(n) or verdict == VERDICT_NOT_TESTABLE or n == 0:
        return ""
    n = int(n)
    match = re.search(rf"(?<![\d,.]){n}\s+((?:planning )?replications)", str(method))
    what = match.group(1) if match else n_unit
    return f"{n:,} {what}".strip()


def scale_svg(effect, ci_low, ci_high, claimed, smallest, scale: Scale, *, band: bool) -> str:
    """A one-line chart of the effect found (dot, 95 % interval) and the claimed value (diamond).

    The grey band spans minus to plus the smallest effect that matters (when ``band``); the
    thin line is zero. Returns "" without a finite effect.
    """
    values = [_number(v) * scale.factor for v in (effect, ci_low, ci_high, claimed)]
    small = abs(_number(smallest)) * scale.factor
    effect, lo, hi, claimed = values
    if math.isnan(effect):
        return ""
    points = [v for v in (effect, lo, hi, claimed, 0.0) if not math.isnan(v)]
    if band and not math.isnan(small):
        points += [small, -small]
    left, right = min(points), max(points)
    span = (right - left) or 1.0
    left, right = left - 0.06 * span, right + 0.06 * span

    def x(v: float) -> float:
        return round(8 + 284 * (v - left) / (right - left), 1)

    parts = [
        '<svg class="mc-scale" viewBox="0 0 300 34" preserveAspectRatio="none" role="img" '
        f'aria-label="{_esc(_scale_words(effect, lo, hi, claimed, small, scale))}">'
    ]
    if band and not math.isnan(small) and small > 0:
        parts.append(
            f'<rect x="{x(-small)}" y="4" width="{max(x(small) - x(-small), 0.5)}" height="20" '
            'fill="#e3e3e3"/>'
        )
    parts.append(f'<line x1="{x(0)}" x2="{x(0)}" y1="2" y2="26" stroke="#777" stroke-width="1"/>')
    if not (math.isnan(lo) or math.isnan(hi)):
        parts.append(
            f'<line x1="{x(lo)}" x2="{x(hi)}" y1="14" y2="14" stroke="#0072B2" stroke-width="3"/>'
        )
    parts.append(f'<circle cx="{x(effect)}" cy="14" r="5" fill="#0072B2"/>')
    if not math.isnan(claimed):
        c = x(claimed)
        parts.append(
            f'<path d="M{c} 6 L{c + 7} 14 L{c} 22 L{c - 7} 14 Z" fill="#E69F00" stroke="#000" '
            'stroke-width="0.8"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _scale_words(effect, lo, hi, claimed, small, scale: Scale) -> str:
    unit = Scale(1.0, scale.unit, scale.signed, scale.digits)
    words = f"found {format_value(effect, unit)}"
    if not (math.isnan(lo) or math.isnan(hi)):
        words += f", 95 % interval {format_value(lo, unit)} to {format_value(hi, unit)}"
    if not math.isnan(claimed):
        words += f"; claimed {format_value(claimed, unit)}"
    if not math.isnan(small):
        words += f"; smallest effect that matters {format_value(small, unit, signed=False)}"
    return words


def signed_claim(claimed, direction) -> float:
    """The claimed value with its sign: the registry holds a magnitude and a direction."""
    value, sign = _number(claimed), _number(direction)
    return value * sign if not math.isnan(sign) else value


def _plain(value) -> str:
    """A registry cell as text ("" for a missing one)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def first_sentence(text: str, limit: int = 320) -> str:
    """The first sentence of ``text`` (to its first full stop or semicolon), cut at ``limit``."""
    text = " ".join(str(text).split())
    match = re.match(r"(.+?[.;])(\s|$)", text)
    out = match.group(1) if match else text
    return out if len(out) <= limit else out[: limit - 1] + "\u2026"


def claim_card(row, source, *, verdict_href: str | None) -> str:
    """One claim's card, as one HTML block without blank lines (a MyST raw block).

    Parameters
    ----------
    row : namedtuple
        The claim's row of :func:`mcstudy.report.front.site_table`.
    source : mapping
        Its source document's ``title``, ``kind``, ``author`` and ``year``.
    verdict_href : str or None
        Link to the verdict's block in its notebook page; None when no page has it.
    """
    verdict = str(row.verdict)
    testable = verdict != VERDICT_NOT_TESTABLE
    scale = measure_scale(_plain(row.measure) or _plain(row.estimand))
    is_level = str(row.rule) == "consistency"
    if is_level:
        scale = Scale(scale.factor, scale.unit, signed=False, digits=scale.digits)
    found = ""
    if testable and not math.isnan(_number(row.effect)):
        found = format_value(_number(row.effect), scale)
        if not math.isnan(_number(row.ci_low)):
            low, high = (
                format_value(_number(v), scale, with_unit=False) for v in (row.ci_low, row.ci_high)
            )
            found += f" (95 % CI {low} to {high})"
    claim_value = signed_claim(row.claimed, row.direction)
    claimed = format_value(claim_value, scale) if testable else ""
    smallest = format_value(_number(row.smallest_effect), scale, signed=False) if testable else ""
    n = n_text(row.n, verdict, row.method, row.n_unit)
    share = _number(row.robustness_share)
    robust = "" if math.isnan(share) else robustness_text(share, verdict, _number(row.noise_share))
    numbers = []
    if testable:
        numbers += [
            ("Found", found or "no number (see the verdict)"),
            ("Claimed", claimed or _plain(row.figure) or "no number claimed"),
            ("Smallest effect that matters", smallest or "none registered"),
        ]
        if n:
            numbers.append(("n", n))
        if robust:
            numbers.append(("Holds in", f"{robust} of the plausible parameter space"))
    dl = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in numbers)
    svg = (
        scale_svg(
            row.effect,
            row.ci_low,
            row.ci_high,
            row.claimed,
            row.smallest_effect,
            scale,
            band=not is_level,
        )
        if testable
        else ""
    )
    legend = (
        '<p class="mc-legend"><span class="mc-dot"></span>found, 95 % CI '
        '<span class="mc-diamond"></span>claimed <span class="mc-band"></span>too small to '
        "matter</p>"
        if svg
        else ""
    )
    why = first_sentence(row.condition) if not testable else ""
    link = (
        f'<a class="mc-go" href="{_esc(verdict_href)}">Verdict in notebook '
        f"{_esc(str(row.verdict_notebook)[:2])} &#8594;</a>"
        if verdict_href
        else ""
    )
    details = "".join(
        f"<p><b>{label}:</b> {_esc(text)}</p>"
        for label, text in (
            ("What is measured", _plain(row.measure) or _plain(row.estimand)),
            ("Condition", row.condition if testable else ""),
        )
        if isinstance(text, str) and text.strip()
    )
    quote_en = _esc(row.quote_en)
    return (
        f'<article class="mc-card" id="{card_id(row.claim_id)}">'
        f'<header><span class="mc-id">{_esc(row.claim_id)}</span> {badge(verdict, row.lean)} '
        f'<span class="mc-class">{_esc(row.evidence_class or "no evidence class")}</span></header>'
        f'<p class="mc-statement">{_esc(row.statement_en)}</p>'
        f'<blockquote class="mc-quote" lang="fr">\u00ab\u00a0{_esc(row.quote_fr)}\u00a0\u00bb'
        "</blockquote>"
        f'<p class="mc-translation"><span class="mc-label">English:</span> \u201c{quote_en}\u201d'
        "</p>"
        f'<p class="mc-source"><span class="mc-label">Source:</span> <cite lang="fr">'
        f"{_esc(source['title'])}</cite>, {_esc(source['kind'])}; author: "
        f"{_esc(source['author'])}; year: {_esc(source['year'])}. "
        f'<span class="mc-label">Where:</span> {_esc(row.location)}</p>'
        + (f'<p class="mc-why">{_esc(why)}</p>' if why else "")
        + (f'<dl class="mc-numbers">{dl}</dl>' if dl else "")
        + svg
        + legend
        + (
            f"<details><summary>What is measured, and the condition</summary>{details}</details>"
            if details
            else ""
        )
        + (f"<footer>{link}</footer>" if link else "")
        + "</article>"
    )
