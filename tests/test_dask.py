"""The Dask recipe of docs/batch.md (bench/dask_batch.py) on a local cluster of two worker
processes: ~200 lines in four files, each file a partition decided by ``rulepath.batch`` in a
worker, give the same output lines as ``rulepath.batch`` run here. Skips without the
optional extra (``pip install -e '.[dask]'``) or before ``rulepath.batch`` exists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rulepath
from bench.generate import generate

pytest.importorskip("dask", reason="dask is not installed (the optional extra: pip install "
                    "-e '.[dask]')")
pytest.importorskip("distributed", reason="dask.distributed is not installed (the optional "
                    "extra: pip install -e '.[dask]')")

pytestmark = pytest.mark.skipif(
    getattr(rulepath, "batch", None) is None,
    reason="rulepath.batch does not exist yet (engine/batch.py is being rewritten to add it)",
)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes, one thread each (a process's programs and memo are its own); a
    single worker thread in this process where processes do not start."""
    from distributed import Client, LocalCluster

    try:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    except Exception:  # no worker processes here: one thread (never two on one engine)
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                               dashboard_address=None)
    with cluster, Client(cluster) as connected:
        yield connected


def _files(folder: Path) -> list[Path]:
    """~200 lines in four files: generated cases over the three versions, a fifth of their
    facts unknown, and two lines that are not cases (each gets its error record)."""
    lines = [json.dumps(case) for case in generate(200, seed=5, unknown=0.2, overlays=0.0)]
    lines[17] = '{"format": "rulepath/case-1", "motion": {"kind": "nonsense"}}'
    lines[120] = "{not json"
    files = []
    for k in range(4):
        path = folder / f"part-{k}.jsonl"
        path.write_text("".join(line + "\n" for line in lines[k * 50:(k + 1) * 50]),
                        encoding="utf-8")
        files.append(path)
    return files


def test_dask_recipe_matches_local_batch(tmp_path: Path, client: Any) -> None:
    from bench.dask_batch import decide_files

    inputs = _files(tmp_path)
    outputs = decide_files(inputs, tmp_path / "decisions")
    errors = 0
    for source, out in zip(inputs, outputs, strict=True):
        local = list(rulepath.batch(source.read_text(encoding="utf-8").splitlines()))
        remote = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert remote == local, source.name
        assert out.read_bytes().endswith(b"\n")
        errors += sum(r["format"] == "rulepath/error-1" for r in remote)
    assert errors == 2
    # the error records name the line of their file
    lines = (tmp_path / "decisions" / "part-0.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[17])["line"] == 18


def test_empty_file(tmp_path: Path, client: Any) -> None:
    from bench.dask_batch import decide_files

    (tmp_path / "empty.jsonl").write_bytes(b"")
    [out] = decide_files([tmp_path / "empty.jsonl"], tmp_path / "decisions")
    assert out.read_bytes() == b""
