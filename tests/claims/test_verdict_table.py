"""The verdicts table on disk: processes recording at once lose no row; re-recording is a no-op."""

import math
import multiprocessing
import random
import shutil
import time

import pandas as pd

from mcstudy import config
from mcstudy.claims.verdict_table import _lock_path
from mcstudy.claims.verdicts import Verdict, load_verdicts, record_verdict
from mcstudy.io import load_claims

N_CLAIMS = 12  # per process
REGISTRY = pd.DataFrame(
    {
        "claim_id": [f"X-{i:02d}" for i in range(2 * N_CLAIMS)],
        "direction": 1,
        "claimed": math.nan,
        "smallest_effect": 0.05,
        "rule": "effect",
        "kind": "simulation",
    }
)


def _verdict(claim_id):
    notebook = "03_multichannel_purchase_uplift.ipynb"
    fields = ("supported", 0.2, 0.1, 0.3, "difference", "welch", 100, "causal", "", notebook)
    return Verdict(claim_id, *fields, rule="effect")


def _record_claims(path, claim_ids, start):
    """Worker: wait for the other one, then record ``claim_ids`` into ``path`` one by one."""
    start.wait()
    for claim_id in claim_ids:
        record_verdict(_verdict(claim_id), path, claims=REGISTRY)


def test_two_processes_recording_different_claims_at_once_lose_no_row(tmp_path):
    path = tmp_path / "verdicts.csv"
    ids = REGISTRY["claim_id"].tolist()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    workers = [
        ctx.Process(target=_record_claims, args=(path, part, start))
        for part in (ids[:N_CLAIMS], ids[N_CLAIMS:])
    ]
    for worker in workers:
        worker.start()
    # a reader takes no lock: every table it sees is whole, and none has fewer rows than the
    # one before (a table replaced by one written from a stale read would)
    seen = [0]
    while any(w.is_alive() for w in workers):
        if path.exists():
            seen.append(len(load_verdicts(path)))
        time.sleep(0.01)
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert load_verdicts(path)["claim_id"].tolist() == ids  # every row, sorted by claim
    assert seen == sorted(seen)
    assert _lock_path(path).name == ".verdicts.csv.lock"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".verdicts.csv.lock", "verdicts.csv"]


def test_recording_the_committed_rows_again_in_any_order_leaves_the_file_as_it_is(tmp_path):
    # Notebooks run side by side, each recording its claims' rows as committed: the table they
    # leave is the committed one byte for byte, whichever order the rows are recorded in.
    committed = config.VERDICTS_CSV.read_bytes()
    path = tmp_path / "verdicts.csv"
    shutil.copyfile(config.VERDICTS_CSV, path)
    rows = load_verdicts(path).to_dict("records")
    random.Random(0).shuffle(rows)
    fields, registry = Verdict.__dataclass_fields__, load_claims()
    for row in rows:
        values = {k: v for k, v in row.items() if k in fields}
        record_verdict(Verdict(**{**values, "n": int(row["n"])}), path, claims=registry)
    assert path.read_bytes() == committed
