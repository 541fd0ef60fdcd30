"""`rulepath batch` beyond one machine: the Dask recipe of docs/batch.md, as code that
tests/test_dask.py runs on a local cluster.

A bag of JSON lines, one partition per input file; each partition decided by
:func:`rulepath.batch` in a worker process; the output lines written as JSON Lines, one
output file per input file, each line as ``rulepath batch`` writes it (an error record's
``line`` is then the line of its file).

    from dask.distributed import Client, LocalCluster
    from bench.dask_batch import decide_files

    with LocalCluster(n_workers=8, threads_per_worker=1) as cluster, Client(cluster):
        decide_files(sorted(Path("cases").glob("*.jsonl")), Path("decisions"))

Needs the optional extra ``dask`` (``pip install -e '.[dask]'``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any


def decide_partition(lines: Iterable[str], **options: Any) -> Iterator[str]:
    """One partition's JSON lines in (as ``dask.bag.read_text`` gives them, each with its line
    end), its output lines out, in order: each the decision or the error record, as JSON text
    exactly as ``rulepath batch`` writes it. ``options``: those of ``rulepath.batch``
    (``defaults``, ``explain``, ``memo``). A generator: the partition streams through."""
    import orjson

    import rulepath

    for record in rulepath.batch((line.rstrip("\r\n") for line in lines), **options):
        yield orjson.dumps(record).decode("utf-8")


def decide_files(inputs: Sequence[str | Path], out: Path, **options: Any) -> list[Path]:
    """Decide JSON Lines files on the current Dask client (or scheduler): each file one
    partition, its decisions written to ``out/<its name>``. Names must differ. Returns the
    output files, in the order of ``inputs``."""
    import dask.bag as db

    paths = [Path(p) for p in inputs]
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise ValueError("input files must have different names (each names its output)")
    out.mkdir(parents=True, exist_ok=True)
    outputs = [out / name for name in names]
    busy = [i for i, p in enumerate(paths) if p.stat().st_size > 0]
    for i in set(range(len(paths))) - set(busy):  # an empty file: an empty output
        outputs[i].write_bytes(b"")
    if busy:
        lines = db.read_text([str(paths[i]) for i in busy], blocksize=None, encoding="utf-8")
        decided = lines.map_partitions(decide_partition, **options)
        decided.to_textfiles(str(out / "*"), name_function=lambda k: names[busy[k]],
                             last_endline=True)
    return outputs
