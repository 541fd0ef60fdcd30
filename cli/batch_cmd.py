"""``rulepath batch``: decide many cases, JSON Lines in, JSON Lines out, in input order.

How a batch meets a fault (tests/test_batch_faults.py; the statuses in docs/exit-codes.md):

* the output cannot be opened or written (a missing folder, an unwritable file, a full disk):
  one line on stderr naming it, exit 2; a file given by ``-o`` is cut back to its complete
  lines;
* the output is IN itself (the same path, a link to it, ``>> IN``): refused before anything
  is opened for writing, exit 2;
* SIGINT or SIGTERM: the workers are ended, the output ends at a complete line, the summary
  goes to stderr, exit 130 or 143 (a second signal while stopping ends the process at once);
* JSON Lines from a pipe or a terminal: each line is decided as it arrives and its output
  line written at once (a slow producer sees every decision within a second);
* IN is a single case file (YAML or JSON): one message pointing to ``rulepath decide``, exit 2;
* a case whose solving takes longer than ``--time-limit``: an error record on its line, and
  the batch goes on.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

import click

from rulepath.cli.status import BAD_INPUT, reports_input_errors, set_status, silence_stdout
from rulepath.engine.errors import RulepathError, printable

if TYPE_CHECKING:

    from rulepath.engine.batch import ChunkResult, Item

CASE_SUFFIXES = (".yaml", ".yml", ".json")
# The exit status of a batch stopped by a signal: 128 + the signal's number, as a shell reports
# a command killed by it (docs/exit-codes.md).
STOP_STATUS: dict[int, int] = {signal.SIGINT.value: 130, signal.SIGTERM.value: 143}
DEFAULT_TIME_LIMIT = 10  # seconds
MEMO_SIZE = 65_536  # engine/batch.py's default (not imported: the engine loads late)
# How an error record's line begins (engine/batch.py error_record: "format" first, no spaces).
ERROR_LINE = b'{"format":"rulepath/error-1"'


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), not all the machine's."""
    count: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)
    if count is not None:  # Python 3.13
        return count() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not offered on this platform
        return os.cpu_count() or 1


# --- signals ------------------------------------------------------------------------------


class _Stop(BaseException):
    """SIGINT or SIGTERM came: the batch stops. Not an Exception, so that no ``except
    Exception`` (the engine's, turning a case's failure into its error record) takes it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """While a batch runs, SIGINT and SIGTERM stop it: the handler raises :class:`_Stop`
    where the main thread is, except while output is being written (:meth:`deferred`): the
    write is finished first, so that the output ends at a complete line. A second signal
    while stopping kills the workers and ends the process at once."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self.deferring = False
        self.stopping = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        for signum in STOP_STATUS:
            # not the main thread (an embedding host): its own handling stays
            with contextlib.suppress(ValueError):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, signal.SIG_DFL if previous is None else previous)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping:
            _exit_now(signum)
        if self.deferring and self.pending is None:
            self.pending = signum
            return
        self.stopping = True
        raise _Stop(signum)

    def check(self) -> None:
        """After a write: stop if a signal came while it was being written."""
        if self.pending is not None and not self.stopping:
            self.stopping = True
            raise _Stop(self.pending)


def _exit_now(signum: int) -> None:
    import multiprocessing

    with contextlib.suppress(Exception):  # ending anyway
        for child in multiprocessing.active_children():
            child.kill()
    os._exit(STOP_STATUS.get(signum, 128 + signum))


def _end_workers() -> None:
    """Whatever worker processes are left (a stop that came while the pool was closing)."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(5)
        if child.is_alive():
            child.kill()


# In a worker forked while a batch runs (:func:`_in_worker`).
_RUNNING = False
_HOOKED = False


def _in_worker() -> None:
    """After a fork during a batch, in the child (a worker): SIGINT (a terminal sends Ctrl-C to
    the whole process group) is left to the parent, which ends the workers; SIGTERM, by which
    the pool ends them, ends a worker at once, without a traceback."""
    if not _RUNNING:
        return
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except ValueError:
        pass


# --- the output ---------------------------------------------------------------------------

_write = os.write  # the one system call writing the output (a test makes it fail)


def _reason(error: OSError) -> str:
    """An OSError in words, without its errno number."""
    words = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EFBIG: "the file is too large (a file size limit)",
        errno.EROFS: "the file system is read-only",
        errno.EIO: "input/output error",
        errno.EISDIR: "it is a folder",
    }
    if error.errno in words:
        return words[error.errno]
    reason = error.strerror or str(error)
    return reason[:1].lower() + reason[1:]


def _cannot_open(path: str, error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return f"cannot write {path}: no such folder: {os.path.dirname(path) or '.'}"
    if error.errno == errno.ENOTDIR:
        return f"cannot write {path}: a part of its folder path is a file, not a folder"
    return f"cannot write {path}: {_reason(error)}"


class _OutputFailed(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class _Output:
    """Where the output lines go: written as each chunk (a pipe's input: each line) is
    decided, never buffered. A signal waits for the write in progress; into a pipe (whose
    reader may have stopped reading) only for the rest of the line being written, and two
    seconds at most."""

    def __init__(self, path: str | None, signals: _Signals, *, fd: int | None = None,
                 stream: IO[bytes] | None = None) -> None:
        self.path = path  # None: stdout
        self.signals = signals
        self.fd, self.stream = fd, stream
        self.written = 0  # bytes written
        self.complete = 0  # of them, up to the end of the last complete line
        self.lines = 0  # complete lines written
        self.cut = b""  # the complete lines written of a write cut short (by a stop)
        mode = os.fstat(fd).st_mode if fd is not None else 0
        self.regular = stat.S_ISREG(mode)
        self.waits = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)

    def write(self, data: bytes) -> None:
        signals = self.signals
        signals.deferring = True
        done = 0
        try:
            if self.fd is None:
                assert self.stream is not None
                self.stream.write(data)
                self.stream.flush()
                done = len(data)
            else:
                done = self._write_fd(data)
        except OSError as error:
            raise _OutputFailed(error) from None
        finally:
            signals.deferring = False
            last = data.rfind(b"\n", 0, done)
            if last >= 0:
                self.complete = self.written + last + 1
                self.lines += data.count(b"\n", 0, done)
            self.written += done
            self.cut = data[:last + 1] if done < len(data) else b""
        signals.check()

    def _write_fd(self, data: bytes) -> int:
        assert self.fd is not None
        view, done, end = memoryview(data), 0, len(data)
        piece = select.PIPE_BUF if self.waits else 1 << 20
        deadline: float | None = None
        while done < end:
            if self.waits:
                if self.signals.pending is not None and deadline is None:
                    if done == 0 or data[done - 1] == 0x0A:  # at a line's end: stop here
                        return done
                    end = data.index(b"\n", done) + 1  # finish this line only
                    deadline = time.monotonic() + 2.0
                if not select.select([], [self.fd], [], 0.25)[1]:  # the reader is not reading
                    if deadline is not None and time.monotonic() > deadline:
                        return done
                    continue
            done += _write(self.fd, view[done:min(end, done + piece)])
        return done

    def failed(self, error: OSError) -> str:
        """The message for a failed write; a file of ours is cut back to its complete lines."""
        if self.path is None:
            return f"stdout: cannot write: {_reason(error)}"
        message = f"-o: cannot write {self.path}: {_reason(error)}"
        if not self.regular or self.fd is None:
            return message
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, self.complete)
        return f"{message}; it holds the output of the first {self.lines} lines"

    def close(self) -> None:
        if self.path is not None and self.fd is not None:
            fd, self.fd = self.fd, None
            try:
                os.close(fd)
            except OSError as error:  # a late write error (a network file system)
                raise _OutputFailed(error) from None


def _same_file(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return (a is not None and b is not None and stat.S_ISREG(a.st_mode)
            and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino))


def _fd_of(stream: IO[Any] | None) -> int | None:
    try:
        return stream.fileno() if stream is not None else None
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's stream)
        return None


# --- the input ----------------------------------------------------------------------------


def _files(folder: Path, output: os.stat_result | None) -> list[Path]:
    """The folder's case files in name order, without the output if it is among them."""
    found = []
    for p in folder.iterdir():
        if p.suffix.lower() in CASE_SUFFIXES and p.is_file() and (
            output is None or not _same_file(output, p.stat())
        ):
            found.append(p)
    return sorted(found)


def _count_lines(fd: int, limit: int | None = None) -> int:
    """Lines in a regular file (read in blocks from its start, without moving its offset),
    counting up to ``limit``."""
    count, last, offset = 0, b"\n", 0
    while block := os.pread(fd, 1 << 20, offset):
        offset += len(block)
        count += block.count(b"\n")
        last = block[-1:]
        if limit is not None and count >= limit:
            return count
    return count + (last != b"\n")


def _complete_json(line: bytes) -> bool:
    import orjson

    try:
        orjson.loads(line)
    except ValueError:
        return False
    return True


def _is_case_document(data: bytes) -> bool:
    from rulepath.engine.documents import parse_document
    from rulepath.engine.errors import CaseError

    try:
        text = data.decode("utf-8")
        parsed = parse_document(text, "json" if text.lstrip().startswith("{") else "yaml")
    except (UnicodeDecodeError, CaseError):
        return False
    return isinstance(parsed, dict)


def _single_case(name: str) -> RulepathError:
    decide = name if name != "stdin" else "-"
    return RulepathError("IN", f"{name} is a single case file (YAML/JSON), not JSON Lines: "
                               f"use `rulepath decide {decide}`")


def _peek(stream: IO[bytes], name: str) -> bytes:
    """Read the first non-empty line (and what comes before it); when it is not a JSON value
    and does not begin like one, read on (1 MiB at most) to tell whether IN is one case file:
    its whole text one YAML or JSON mapping. Returns what was read."""
    from rulepath.engine.documents import MAX_DOCUMENT_BYTES

    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    first = head[-1].strip() if head else b""
    if not first or (first[:1] in b"{[" and first not in (b"{", b"[")) or _complete_json(first):
        return b"".join(head)  # JSON Lines (a bad line gets its error record)
    head.append(stream.read(MAX_DOCUMENT_BYTES + 1))
    read = b"".join(head)
    if len(read) <= MAX_DOCUMENT_BYTES and _is_case_document(read):
        raise _single_case(name)
    return read


def _lines(prefix: bytes, stream: IO[bytes], name: str) -> Iterator[Item]:
    """The input lines as items: those already read (``prefix``), then the stream's."""
    number = 0
    lines = prefix.split(b"\n")
    tail = lines.pop()  # a line begun in prefix, ended in the stream
    for line in lines:
        number += 1
        yield number, line.rstrip(b"\r\n"), False
    try:
        for line in stream:
            number += 1
            yield number, (tail + line if tail else line).rstrip(b"\r\n"), False
            tail = b""
    except OSError as error:
        raise RulepathError("IN", f"cannot read {name}: {_reason(error)}") from None
    if tail:
        yield number + 1, tail.rstrip(b"\r\n"), False


# --- the command ----------------------------------------------------------------------------


@click.command()
@click.argument("source", metavar="IN", type=click.Path(exists=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Where the JSON Lines of decisions go (never IN itself).")
@click.option("--workers", type=click.IntRange(min=1), default=available_cores, metavar="N",
              show_default=f"the cores available, {available_cores()} here",
              help="Processes deciding cases in parallel, each taking 256 cases at a time; fewer "
              "are started when IN has fewer such chunks, and 1 decides in this process. JSON "
              "Lines from a pipe or a terminal are always decided in this process, each line as "
              "it arrives (so that its decision is written at once).")
@click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT,
              show_default=True, metavar="SECONDS",
              help="The most each solve of a case may take (a case takes one solve, or two "
              "when the first leaves something undetermined); a case over it gets an error "
              "record and the batch goes on. 0: no limit.")
@click.option("--memo", type=click.IntRange(min=0), default=MEMO_SIZE, show_default=True,
              metavar="N", help="Decisions kept per worker by fact pattern (the program and "
              "the value, or unknown, of every input), reused for a later case with the same "
              "pattern; the output is the same with or without it. 0: no memo.")
@click.option("--explain", is_flag=True, help="Add each decision's justification tree (slow).")
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=256, show_default=True,
              hidden=True, help="Cases handed to a worker at a time.")
@reports_input_errors
def batch(source: str, output: str, workers: int, time_limit: float, memo: int, explain: bool,
          no_defaults: bool, chunk_size: int) -> None:
    """Decide every case in IN: a JSON Lines file (one rulepath/case-1 object a line; - reads
    stdin) or a folder of case files (*.yaml, *.yml, *.json, in name order). A single case
    file is refused: `rulepath decide` decides it.

    Writes one JSON line per input line, in input order: the decision (rulepath/decision-1,
    as `decide --format json` gives it, without the explanation unless --explain), or an
    error record {"format": "rulepath/error-1", "line": N, "field": ..., "error": ...} (with
    "source" for a file of a folder; "field" is null when the case's solving exceeded
    --time-limit); the batch goes on. A summary goes to stderr, and a progress bar when
    stderr is a terminal.

    Exit status: 0 when every case was decided, 1 when some lines gave error records, 2 when
    IN cannot be read or is a single case file, the output cannot be written or is IN, or an
    option is wrong; 130 on SIGINT (Ctrl-C) and 143 on SIGTERM, after ending the workers,
    with the output ending at a complete line and the summary printed. When the reader of
    the output goes away (a closed pipe), the batch stops: 1 if a line written so far was an
    error record, else 0.
    """
    global _RUNNING, _HOOKED
    if not _HOOKED and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_in_worker)
        _HOOKED = True
    with _Signals() as signals:
        _RUNNING = True
        try:
            _Batch(source, output, workers, signals).run(
                time_limit=time_limit, explain=explain, defaults=not no_defaults,
                chunk_size=chunk_size, memo=memo)
        finally:
            _RUNNING = False


class _Batch:
    def __init__(self, source: str, output: str, workers: int, signals: _Signals) -> None:
        self.source, self.output, self.workers, self.signals = source, output, workers, signals
        self.cases = self.errors = self.one = self.two = self.hits = self.lookups = 0
        self.errors_seen = 0  # counted before a chunk is written: a closed pipe exits by them
        self.started = time.perf_counter()
        self.out: _Output | None = None

    def run(self, *, time_limit: float, explain: bool, defaults: bool, chunk_size: int,
            memo: int) -> None:
        try:
            items, total, chunk_size = self._open(chunk_size)
            self._decide(items, total, chunk_size, explain=explain, defaults=defaults,
                         memo=memo, time_limit=time_limit)
            self._close()
        except _Stop as stop:
            self._stopped(stop.signum)
        except _OutputFailed as failed:
            self._failed(failed.error)
        if self.errors:
            sys.exit(1)

    # the input and the output, checked before anything is decided or written

    def _open(self, chunk_size: int) -> tuple[Iterator[Item], int | None, int]:
        from rulepath.engine.casefile import unreadable

        source, path = self.source, Path(self.source)
        out_stat = self._output_stat()
        total: int | None = None
        if source != "-" and path.is_dir():
            files = _files(path, out_stat)
            total = len(files)
            self.workers = min(self.workers, max(1, -(-total // chunk_size)))
            items: Iterator[Item] = ((i, str(f), True) for i, f in enumerate(files, start=1))
            self._open_output(None, None)
            return items, total, chunk_size
        if source == "-":
            stream: IO[bytes] = sys.stdin.buffer
            name = "stdin"
        else:
            if path.suffix.lower() in (".yaml", ".yml"):
                raise _single_case(source)
            try:
                stream = path.open("rb")
            except OSError as error:
                raise RulepathError("IN", unreadable(path, error)) from None
            name = source
        fd = _fd_of(stream)
        in_stat = os.fstat(fd) if fd is not None else None
        try:
            prefix = _peek(stream, name)  # a single case file is refused before -o is opened
        except OSError as error:
            raise RulepathError("IN", f"cannot read {name}: {_reason(error)}") from None
        self._open_output(in_stat, out_stat)  # refused here when it is IN, before opening it
        if fd is not None and in_stat is not None and stat.S_ISREG(in_stat.st_mode):
            if self.workers > 1:  # one chunk a worker: no more workers than chunks
                lines = _count_lines(fd, (self.workers - 1) * chunk_size + 1)
                self.workers = min(self.workers, max(1, -(-lines // chunk_size)))
            if sys.stderr.isatty():
                total = _count_lines(fd)
        else:  # a pipe, a terminal: each line decided and written as it arrives
            self.workers, chunk_size = 1, 1
        return _lines(prefix, stream, name), total, chunk_size

    def _output_stat(self) -> os.stat_result | None:
        try:
            if self.output == "-":
                fd = _fd_of(sys.stdout)
                return os.fstat(fd) if fd is not None else None
            return os.stat(self.output)
        except OSError:  # not there yet: it cannot be IN
            return None

    def _open_output(self, in_stat: os.stat_result | None,
                     out_stat: os.stat_result | None) -> None:
        where = "stdout" if self.output == "-" else "output"
        if _same_file(in_stat, out_stat):
            what = "is" if self.output == "-" else f"{self.output} is"
            same = f"the same file as IN ({'stdin' if self.source == '-' else self.source})"
            raise RulepathError(where, f"{what} {'IN' if self.output == self.source else same}: "
                                "writing it would destroy the input; write the decisions elsewhere")
        if self.output == "-":
            fd = _fd_of(sys.stdout)
            if fd is None:  # no file descriptor (a test's stream)
                self.out = _Output(None, self.signals, stream=sys.stdout.buffer)
            else:
                sys.stdout.flush()
                self.out = _Output(None, self.signals, fd=fd)
            return
        try:
            fd = os.open(self.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        except OSError as error:
            raise RulepathError("output", _cannot_open(self.output, error)) from None
        self.out = _Output(self.output, self.signals, fd=fd)

    # deciding

    def _decide(self, items: Iterator[Item], total: int | None, chunk_size: int, *,
                explain: bool, defaults: bool, memo: int, time_limit: float) -> None:
        from rulepath.engine.batch import decide_stream, quiet_gc

        assert self.out is not None
        out = self.out
        stream = decide_stream(items, workers=self.workers, chunk_size=chunk_size,
                               defaults=defaults, explain=explain, memo=memo,
                               time_limit=time_limit)
        progress = task = None
        with quiet_gc():  # this process only runs the batch
            try:
                result: ChunkResult | None = next(stream, None)  # workers start before the bar
                if sys.stderr.isatty():
                    progress = _progress()
                    task = progress.add_task("cases", total=total)
                    progress.start()
                while result is not None:
                    self.errors_seen += result.errors
                    out.write(result.lines)
                    self.cases += result.cases
                    self.errors += result.errors
                    self.one += result.one_solve
                    self.two += result.two_solves
                    self.hits += result.memo_hits
                    self.lookups += result.memo_lookups
                    if progress is not None and task is not None:
                        progress.update(task, completed=self.cases)
                    result = next(stream, None)
            finally:
                self.signals.deferring = False
                close = getattr(stream, "close", None)  # a generator: ends the workers
                if close is not None:
                    close()
                if progress is not None:
                    progress.stop()
        self._summary()

    def _close(self) -> None:
        if self.out is not None:
            self.out.close()

    # how it ends

    def _summary(self, stopped: str = "") -> None:
        seconds = time.perf_counter() - self.started
        rate = self.cases / seconds if seconds > 0 else 0.0
        solved = f"; {self.one} by one solve, {self.two} by two" if self.one + self.two else ""
        if self.lookups:
            solved += (f"; memo {self.hits} of {self.lookups} "
                       f"({100 * self.hits / self.lookups:.1f}%)")
        with contextlib.suppress(OSError):  # stderr is gone too
            click.echo(
                f"rulepath batch: {stopped}{self.cases} cases, {self.cases - self.errors} "
                f"decided, {self.errors} errors in {seconds:.2f} s ({rate:,.0f} cases/s, "
                f"{self.workers} worker{'s' if self.workers > 1 else ''}){solved}",
                err=True,
            )

    def _stopped(self, signum: int) -> None:
        if self.workers > 1:
            _end_workers()
        if self.out is not None and self.out.cut:  # the lines of a chunk written before a stop
            cut = self.out.cut
            self.cases += cut.count(b"\n")
            self.errors += cut.startswith(ERROR_LINE) + cut.count(b"\n" + ERROR_LINE)
        with contextlib.suppress(_OutputFailed):
            self._close()
        name = signal.Signals(signum).name
        self._summary(f"stopped by {name}: ")
        set_status(STOP_STATUS[signum])
        sys.exit(STOP_STATUS[signum])

    def _failed(self, error: OSError) -> None:
        assert self.out is not None
        out = self.out
        if error.errno == errno.EPIPE:  # the reader went away: stop quietly
            if out.path is None:
                silence_stdout()
            status = 1 if self.errors_seen else 0
            set_status(status)
            sys.exit(status)
        message = out.failed(error)
        with contextlib.suppress(_OutputFailed):
            out.close()
        if out.path is None:
            silence_stdout()  # what is left in stdout's buffers is dropped, not failed again
        click.echo(f"rulepath: {printable(message)}", err=True)
        set_status(BAD_INPUT)
        sys.exit(BAD_INPUT)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("deciding"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)
