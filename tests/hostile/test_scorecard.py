"""Hostile inputs to the scorecard (its loader of ``results/verdicts.csv`` and its tables) and
to the writers of the report site (:mod:`mcstudy.report.site`, :mod:`mcstudy.report.notebooks`)."""

import codecs
import json
import math
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from mcstudy import config
from mcstudy.claims.scorecard import (
    build_scorecard,
    check_verdicts,
    claims_without_verdict,
    document_tables,
    executed_notebooks,
    fixed_by_construction,
    format_effect,
    load_scorecard,
    verdict_counts,
)
from mcstudy.claims.verdicts import load_verdicts
from mcstudy.io import load_claims

TMP = Path(tempfile.mkdtemp(prefix="mcstudy-hostile-scorecard-"))
CLAIMS = load_claims()
VERDICTS_TEXT = Path(config.VERDICTS_CSV).read_text(encoding="utf-8")
VERDICTS = load_verdicts()
CARD = load_scorecard()
_counter = iter(range(10**6))


def _file(data, suffix=".csv") -> Path:
    path = TMP / f"f_{next(_counter)}{suffix}"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _verdicts_file(mutate) -> Path:
    table = pd.read_csv(config.VERDICTS_CSV, dtype=str, keep_default_na=False)
    return _file(mutate(table).to_csv(index=False))


def _cell(column, row, value):
    def mutate(table):
        table = table.copy()
        table.loc[row, column] = value
        return table

    return mutate


def _load(mutate):
    path = _verdicts_file(mutate)
    return lambda: load_scorecard(verdicts_path=path)


def _folder(name) -> Path:
    path = TMP / f"{name}_{next(_counter)}"
    path.mkdir()
    return path


def _read_only_folder() -> Path:
    path = _folder("ro")
    path.chmod(0o555)
    return path


def _no_verdicts_file_means_none_yet():
    card = load_scorecard(verdicts_path=TMP / "not_written_yet.csv")
    assert (card["verdict"].astype(str) == "no verdict yet").all()


def _header_only_means_none_yet():
    path = _file(VERDICTS_TEXT.splitlines()[0] + "\n")
    card = load_scorecard(verdicts_path=path)
    assert (card["verdict"].astype(str) == "no verdict yet").all()


def _expect(got, wanted):
    assert got == wanted, f"got {got!r}, expected {wanted!r}"


def _project(*, files=(), notebooks=True) -> Path:
    """A project folder with one (trivial) study notebook; ``files`` are plain files."""
    root = _folder("project")
    if notebooks:
        (root / "notebooks").mkdir()
        nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (root / "notebooks" / config.STUDY_NOTEBOOKS[0]).write_text(json.dumps(nb))
    for name in files:
        (root / name).write_text("not a folder")
    return root


def _reports(function, **kw):
    def thunk():
        from mcstudy.report import notebooks as reports

        getattr(reports, function)(**kw)

    return thunk


def _site(function, *args, **kw):
    def thunk():
        from mcstudy.report import site

        getattr(site, function)(*args, **kw)

    return thunk


_MINIMAL_NB = _file(
    json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "source": "record_verdict(v)  # C000-02",
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                }
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    ),
    ".ipynb",
)


def _pages(function, *args, **kw):
    def thunk():
        from mcstudy.report import pages

        getattr(pages, function)(*args, **kw)

    return thunk


def _claim_cells_of_one_string():
    from mcstudy.report.pages import claim_cells

    claim_cells(json.loads(_MINIMAL_NB.read_text()), "C000-02")


CASES = [
    # ---------------------------------------------------------------- load_scorecard
    (
        "scorecard/load_scorecard: verdicts without the verdict column",
        _load(lambda t: t.drop(columns="verdict")),
        ValueError,
        r"f_\d+\.csv: missing columns \['verdict'\]",
    ),
    (
        "scorecard/load_scorecard: verdicts without the interval columns",
        _load(lambda t: t.drop(columns=["ci_low", "ci_high"])),
        ValueError,
        r"f_\d+\.csv: missing columns \['ci_low', 'ci_high'\]",
    ),
    (
        "scorecard/load_scorecard: unknown verdict string",
        _load(_cell("verdict", 3, "mostly supported")),
        ValueError,
        r"f_\d+\.csv, column 'verdict', value 'mostly supported': row 3 .*must be one of",
    ),
    (
        "scorecard/load_scorecard: verdict in capitals",
        _load(_cell("verdict", 0, "Not Testable")),
        ValueError,
        r"column 'verdict', value 'Not Testable'",
    ),
    (
        "scorecard/load_scorecard: duplicated claim id",
        _load(lambda t: pd.concat([t, t.iloc[[5]]], ignore_index=True)),
        ValueError,
        r"f_\d+\.csv, column 'claim_id', value 'C000-06': row \d+ .*two verdicts",
    ),
    (
        "scorecard/load_scorecard: claim id absent from the registry",
        _load(_cell("claim_id", 10, "C999-01")),
        ValueError,
        r"f_\d+\.csv names claims the registry data/claims.csv does not have: \['C999-01'\]",
    ),
    (
        "scorecard/load_scorecard: claim id with a trailing space",
        _load(_cell("claim_id", 10, "C000-14 ")),
        ValueError,
        r"names claims the registry .* does not have: \['C000-14 '\]",
    ),
    (
        "scorecard/load_scorecard: blank claim id",
        _load(_cell("claim_id", 10, "")),
        ValueError,
        r"column 'claim_id', value '': row 10 .*must name its claim",
    ),
    (
        "scorecard/load_scorecard: text in the effect column",
        _load(_cell("effect", 10, "large")),
        ValueError,
        r"column 'effect', value 'large': row 10 .*must be a number",
    ),
    (
        "scorecard/load_scorecard: n negative",
        _load(_cell("n", 10, "-1")),
        ValueError,
        r"column 'n', value -1: row 10 .*whole number >= 0",
    ),
    (
        "scorecard/load_scorecard: verdicts file in UTF-16",
        lambda: load_scorecard(verdicts_path=_file(VERDICTS_TEXT.encode("utf-16"))),
        ValueError,
        r"f_\d+\.csv: file f_\d+\.csv is UTF-16; save it as UTF-8",
    ),
    (
        "scorecard/load_scorecard: verdicts file in UTF-16 without BOM",
        lambda: load_scorecard(verdicts_path=_file(VERDICTS_TEXT.encode("utf-16-le"))),
        ValueError,
        r"f_\d+\.csv: file f_\d+\.csv is UTF-16; save it as UTF-8",
    ),
    (
        "scorecard/load_scorecard: verdicts file with a UTF-8 BOM",
        lambda: _expect(
            len(load_scorecard(verdicts_path=_file(codecs.BOM_UTF8 + VERDICTS_TEXT.encode()))),
            len(CLAIMS),
        ),
        None,
        None,
    ),
    (
        "scorecard/load_scorecard: empty verdicts file",
        lambda: load_scorecard(verdicts_path=_file(b"")),
        ValueError,
        r"f_\d+\.csv: the file is empty \(0 bytes\)",
    ),
    (
        "scorecard/load_scorecard: verdicts path is a directory",
        lambda: load_scorecard(verdicts_path=TMP),
        ValueError,
        r"'path' must be the verdicts CSV file; .* is a directory",
    ),
    (
        "scorecard/load_scorecard: verdicts path of a wrong type",
        lambda: load_scorecard(verdicts_path=12),
        TypeError,
        r"'verdicts_path' must be a path \(str or os.PathLike\) or None; got 12",
    ),
    (
        "scorecard/load_scorecard: no verdicts file yet",
        _no_verdicts_file_means_none_yet,
        None,
        None,
    ),
    (
        "scorecard/load_scorecard: verdicts header only",
        _header_only_means_none_yet,
        None,
        None,
    ),
    # ---------------------------------------------------------------- build_scorecard
    (
        "scorecard/build_scorecard: verdicts as a list",
        lambda: build_scorecard(CLAIMS, [1, 2]),
        TypeError,
        r"'verdicts' must be a pandas DataFrame; got list",
    ),
    (
        "scorecard/build_scorecard: verdicts without n",
        lambda: build_scorecard(CLAIMS, VERDICTS.drop(columns="n")),
        ValueError,
        r"'verdicts' is missing columns \['n'\]",
    ),
    (
        "scorecard/build_scorecard: unknown verdict",
        lambda: build_scorecard(CLAIMS, VERDICTS.assign(verdict="maybe")),
        ValueError,
        r"'verdicts.verdict' must be one of .*; got 'maybe'",
    ),
    (
        "scorecard/build_scorecard: NaN claim id",
        lambda: build_scorecard(
            CLAIMS, VERDICTS.assign(claim_id=VERDICTS["claim_id"].where(VERDICTS.index > 0))
        ),
        ValueError,
        r"'verdicts' column 'claim_id' must name a claim in every row; row 0 .* has nan",
    ),
    (
        "scorecard/build_scorecard: text in the effect column",
        lambda: build_scorecard(
            CLAIMS,
            VERDICTS.assign(
                effect=VERDICTS["effect"].astype(object).where(VERDICTS.index > 0, "big")
            ),
        ),
        ValueError,
        r"'verdicts' column 'effect' must hold numbers \(NaN for none\); row 0 .* has 'big'",
    ),
    (
        "scorecard/build_scorecard: fractional n",
        lambda: build_scorecard(CLAIMS, VERDICTS.assign(n=2.5)),
        ValueError,
        r"'verdicts' column 'n' must hold whole numbers >= 0; row 0 .* has 2.5",
    ),
    (
        "scorecard/build_scorecard: duplicated claims",
        lambda: build_scorecard(pd.concat([CLAIMS, CLAIMS.iloc[[0]]]), VERDICTS),
        ValueError,
        r"'claims' must have one row per claim; ids repeated: \['C000-01'\]",
    ),
    (
        "scorecard/build_scorecard: no verdicts (empty frame)",
        lambda: _expect(
            set(build_scorecard(CLAIMS, VERDICTS.iloc[:0])["verdict"].astype(str)),
            {"no verdict yet"},
        ),
        None,
        None,
    ),
    # ---------------------------------------------------------------- tables
    (
        "scorecard/format_effect: text effect",
        lambda: format_effect("0.2", 0.1, 0.3),
        TypeError,
        r"'effect' must be a real number \(NaN for none\); got '0.2'",
    ),
    (
        "scorecard/format_effect: digits 0",
        lambda: format_effect(0.2, 0.1, 0.3, digits=0),
        ValueError,
        r"'digits' must be an int in \[1, 17\]; got 0",
    ),
    (
        "scorecard/format_effect: digits negative",
        lambda: format_effect(0.2, 0.1, 0.3, digits=-2),
        ValueError,
        r"'digits' must be an int in \[1, 17\]; got -2",
    ),
    (
        "scorecard/format_effect: only NaN",
        lambda: _expect(format_effect(math.nan, math.nan, math.nan), ""),
        None,
        None,
    ),
    (
        "scorecard/document_tables: scorecard without a column",
        lambda: document_tables(CARD.drop(columns="document")),
        ValueError,
        r"'scorecard' is missing columns \['document'\]",
    ),
    (
        "scorecard/verdict_counts: by 'doc'",
        lambda: verdict_counts(CARD, by="doc"),
        ValueError,
        r"'by' must be one of \['document', 'notebook', 'topic'\]; got 'doc'",
    ),
    (
        "scorecard/verdict_counts: one claim only",
        lambda: _expect(int(verdict_counts(CARD.iloc[:1]).loc["total", "total"]), 1),
        None,
        None,
    ),
    (
        "scorecard/claims_without_verdict: notebooks folder is a file",
        lambda: claims_without_verdict(CARD, _file("x")),
        ValueError,
        r"'notebooks_dir' must be an existing folder of notebooks; .* is a file",
    ),
    (
        "scorecard/executed_notebooks: missing folder",
        lambda: executed_notebooks(TMP / "no_notebooks_here"),
        ValueError,
        r"'notebooks_dir' must be an existing folder of notebooks; .* does not exist",
    ),
    (
        "scorecard/executed_notebooks: a notebook that is not JSON",
        lambda: executed_notebooks(
            (lambda d: ((d / config.STUDY_NOTEBOOKS[0]).write_text("{not json"), d)[1])(
                _folder("nbs")
            )
        ),
        ValueError,
        r"notebook .*\.ipynb' is not a readable notebook",
    ),
    (
        "scorecard/executed_notebooks: executed_only as text",
        lambda: executed_notebooks(_folder("nbs"), executed_only="yes"),
        TypeError,
        r"'executed_only' must be a bool; got 'yes'",
    ),
    (
        "scorecard/check_verdicts: notebooks folder of a wrong type",
        lambda: check_verdicts(CARD, 3),
        TypeError,
        r"'notebooks_dir' must be a path \(str or os.PathLike\) or None; got 3",
    ),
    (
        "scorecard/fixed_by_construction: NaN condition",
        lambda: fixed_by_construction(CARD.assign(condition=math.nan)),
        TypeError,
        r"'scorecard' column 'condition' must hold text .*row 0 .* has nan",
    ),
    # ---------------------------------------------------------------- site writers
    (
        "site/build_site: output directory is a file",
        _site("build_site", project=_project(), out_dir=_file("x")),
        ValueError,
        r"'out_dir' must be a directory; .* is an existing file",
    ),
    (
        "site/build_site: output directory inside a file",
        _site("build_site", project=_project(), out_dir=_file("x") / "site"),
        ValueError,
        r"'out_dir' cannot be created: .* is a file, not a directory",
    ),
    (
        "site/build_site: output directory holding other files",
        _site("build_site", project=_project(), out_dir=_file("mine").parent),
        ValueError,
        r"'out_dir' .* is a folder with files that are not a site built by mcstudy report",
    ),
    (
        "site/build_site: build directory is a file",
        _site("build_site", project=_project(), build_dir=_file("x")),
        ValueError,
        r"'build_dir' must be a directory; .* is an existing file",
    ),
    (
        "pages/prepare_notebook: verdicts without their columns",
        _pages("prepare_notebook", {"cells": []}, "x.ipynb", CARD[["claim_id"]], None),
        ValueError,
        r"'verdicts' .*missing.*lean",
    ),
    (
        "pages/load_captions: a caption left blank",
        _pages(
            "load_captions",
            _file("notebook,order,figure,caption,alt\n08_x.ipynb,1,08_x.png,,alt text\n"),
        ),
        ValueError,
        r"line 2: column 'caption' is blank; every figure needs a caption and an alt text",
    ),
    (
        "pages/check_captions: a figure without a caption",
        _pages(
            "check_captions",
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "source": 'save_figure(fig, "08_y.png")',
                        "outputs": [{"data": {"image/png": "iVBO"}}],
                    }
                ]
            },
            "08_x.ipynb",
            __import__("mcstudy.report.pages", fromlist=["x"]).load_captions(),
        ),
        ValueError,
        r"captions of 08_x.ipynb: \['figure 1 \(08_y.png\)'\] without a caption",
    ),
    (
        "cards/measure_scale: a number",
        lambda: __import__("mcstudy.report.cards", fromlist=["x"]).measure_scale(3.0),
        TypeError,
        r"'measure' must be a str; got 3.0",
    ),
    (
        "scorecard/claim_cells: claim ids as one string",
        _claim_cells_of_one_string,
        TypeError,
        r"'claim_ids' must be an iterable of claim ids \(str\), not str",
    ),
    (
        "scorecard/claim_cells: a list instead of a notebook",
        _pages("claim_cells", [], ["C000-02"]),
        TypeError,
        r"'nb' must be a notebook .*got list",
    ),
    (
        "scorecard/claim_anchor: a number",
        _site("claim_anchor", 12),
        TypeError,
        r"'claim_id' must be a claim id \(a non-empty str\); got 12",
    ),
    (
        "scorecard/check_links: missing site folder",
        _site("check_links", TMP / "no_site"),
        FileNotFoundError,
        r"'site_dir' must be the folder of the site; .*no_site' does not exist",
    ),
    (
        "scorecard/check_links: site folder is a file",
        _site("check_links", _file("x")),
        FileNotFoundError,
        r"'site_dir' must be the folder of the site; .* is a file",
    ),
    (
        "scorecard/check_links: empty site",
        lambda: _expect(
            __import__("mcstudy.report.site", fromlist=["x"]).check_links(_folder("s")), []
        ),
        None,
        None,
    ),
    # ---------------------------------------------------------------- reports
    (
        "scorecard/render_reports: out_dir is a file",
        _reports("render_reports", project=_project(), out_dir=_file("x")),
        ValueError,
        r"'out_dir' must be a directory; .* is an existing file",
    ),
    (
        "scorecard/render_reports: project reports/ is a file",
        _reports("render_reports", project=_project(files=["reports"])),
        ValueError,
        r"'project reports folder' must be a directory; .*reports' is an existing file",
    ),
    (
        "scorecard/render_reports: on_event not callable",
        _reports("render_reports", project=_project(notebooks=False), on_event="print"),
        TypeError,
        r"'on_event' must be a function on_event\(name, i, n, run\) or None; got 'print'",
    ),
    (
        "scorecard/reproduce: project results/ is a file",
        _reports("reproduce", project=_project(files=["results"])),
        ValueError,
        r"'project results folder' must be a directory; .*results' is an existing file",
    ),
    (
        "scorecard/reproduce: project figures/ is a file",
        _reports("reproduce", project=_project(files=["figures"])),
        ValueError,
        r"'project figures folder' must be a directory",
    ),
    (
        "scorecard/reproduce: project reports/ is a file",
        _reports("reproduce", project=_project(files=["reports"])),
        ValueError,
        r"'project reports folder' must be a directory",
    ),
    (
        "scorecard/reproduce: timeout as text",
        _reports("reproduce", project=_project(notebooks=False), timeout="600"),
        TypeError,
        r"'timeout' must be an int in \[1, 604800\]; got '600'",
    ),
    (
        "scorecard/reproduce: timeout 0",
        _reports("reproduce", project=_project(notebooks=False), timeout=0),
        ValueError,
        r"'timeout' must be an int in \[1, 604800\]; got 0",
    ),
    (
        "scorecard/reproduce: keep_going as text",
        _reports("reproduce", project=_project(notebooks=False), keep_going="no"),
        TypeError,
        r"'keep_going' must be a bool; got 'no'",
    ),
    (
        "scorecard/reproduce: project is a file",
        _reports("reproduce", project=_file("x")),
        FileNotFoundError,
        r"'project' must be an existing folder",
    ),
    (
        "scorecard/notebooks_to_run: names as one string",
        _reports("notebooks_to_run", names="01", project=_project()),
        TypeError,
        r"'notebooks' must be an iterable of notebook names .*got '01'",
    ),
    (
        "scorecard/notebooks_to_run: unknown name",
        _reports("notebooks_to_run", names=["42"], project=_project()),
        ValueError,
        r"'notebooks' must be among .*got unknown \['42'\]",
    ),
]

if hasattr(os, "geteuid") and os.geteuid() != 0:  # root writes anywhere
    CASES.append(
        (
            "site/build_site: output directory read-only",
            _site("build_site", project=_project(), out_dir=_read_only_folder() / "site"),
            ValueError,
            r"'out_dir' cannot be written: .* is read-only",
        )
    )


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
