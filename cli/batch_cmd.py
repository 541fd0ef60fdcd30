"""``rulepath batch``: decide many cases, JSON Lines in, JSON Lines out, in input order."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from rulepath.cli.status import reports_input_errors, set_status, silence_stdout

if TYPE_CHECKING:
    from rulepath.engine.batch import Item

CASE_SUFFIXES = (".yaml", ".yml", ".json")


def _lines(stream: IO[bytes]) -> Iterator[Item]:
    for number, line in enumerate(stream, start=1):
        yield number, line.rstrip(b"\r\n"), False


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CASE_SUFFIXES)


def _count_lines(path: Path) -> int:
    """Lines in a file, read in blocks (for the progress bar's total)."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


@click.command()
@click.argument("source", metavar="IN", type=click.Path(exists=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Where the JSON Lines of decisions go.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes deciding cases (use one per core).")
@click.option("--explain", is_flag=True, help="Add each decision's justification tree (slow).")
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=256, show_default=True,
              hidden=True, help="Cases handed to a worker at a time.")
@reports_input_errors
def batch(source: str, output: str, workers: int, explain: bool, no_defaults: bool,
          chunk_size: int) -> None:
    """Decide every case in IN: a JSON Lines file (one rulepath/case-1 object a line; - reads
    stdin) or a folder of case files (*.yaml, *.yml, *.json, in name order).

    Writes one JSON line per input line, in input order: the decision (rulepath/decision-1,
    as `decide --format json` gives it, without the explanation unless --explain), or an
    error record {"format": "rulepath/error-1", "line": N, "field": ..., "error": ...} (with
    "source" for a file of a folder); the batch goes on. A summary goes to stderr, and a
    progress bar when stderr is a terminal.

    Exit status: 0 when every case was decided, 1 when some lines gave error records, 2 when
    IN cannot be read or an option is wrong. When the reader of the output goes away (a
    closed pipe), the batch stops: 1 if a line written so far was an error record, else 0.
    """
    from rulepath.engine.batch import decide_stream, quiet_gc
    from rulepath.engine.casefile import unreadable
    from rulepath.engine.errors import RulepathError

    path = Path(source)
    total: int | None = None
    if source == "-":
        items: Iterator[Item] = _lines(sys.stdin.buffer)
    elif path.is_dir():
        files = _files(path)
        total = len(files)
        items = ((i, str(f), True) for i, f in enumerate(files, start=1))
    else:
        try:
            handle = path.open("rb")
        except OSError as error:
            raise RulepathError("IN", unreadable(path, error)) from None
        items = _lines(handle)
        if sys.stderr.isatty():
            total = _count_lines(path)

    out = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
    started = time.perf_counter()
    cases = errors = one = two = 0
    stream = decide_stream(items, workers=workers, chunk_size=chunk_size,
                           defaults=not no_defaults, explain=explain)
    progress = None
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        progress = Progress(TextColumn("deciding"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    with quiet_gc():  # this process only runs the batch
        try:
            first = next(stream, None)  # workers are started before the progress bar's thread
            task = progress.add_task("cases", total=total) if progress else None
            if progress:
                progress.start()
            result = first
            while result is not None:
                cases += result.cases
                errors += result.errors  # counted first: a closed pipe exits by them
                out.write(result.lines)
                one += result.one_solve
                two += result.two_solves
                if progress is not None and task is not None:
                    progress.update(task, completed=cases)
                result = next(stream, None)
            out.flush()
        except BrokenPipeError:  # the reader went away: stop quietly
            if out is sys.stdout.buffer:
                silence_stdout()
            set_status(1 if errors else 0)
            sys.exit(1 if errors else 0)
        finally:
            if progress is not None:
                progress.stop()
            if out is not sys.stdout.buffer:
                out.close()
    seconds = time.perf_counter() - started
    rate = cases / seconds if seconds > 0 else 0.0
    decided = cases - errors
    solved = f"; {one} by one solve, {two} by two" if one + two and not explain else ""
    click.echo(
        f"rulepath batch: {cases} cases, {decided} decided, {errors} errors in {seconds:.2f} s "
        f"({rate:,.0f} cases/s, {workers} worker{'s' if workers > 1 else ''}){solved}",
        err=True,
    )
    if errors:
        sys.exit(1)
