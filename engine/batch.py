"""Decide many cases at solver speed: the hot path behind ``rulepath batch``.

The output of :meth:`BatchDecider.decide` is exactly ``decide(case, explain=False).to_dict(
explanation=False)`` (tests/test_batch.py checks this on random populations); only the way to
it is shorter. Batch is not a second engine: it solves on the one program of each (version,
overlays) that :func:`program.program_for` grounds for every command, and reads it through
the one reader and decoder.

* **One solve for a determined case** (:func:`solve.solve_determined`): a first model, and
  whether any completion of the unknown facts differs from it on what a decision reads
  (``read/1`` of the output vocabulary). None does: every conclusion the decision reports
  holds in every completion, so the cautious and brave solves are not needed.
* **The case's facts are read by a compiled plan** per program: each field path is resolved
  once per case, each deadline measured once (due dates memoized by anchor date).
* **A determined decision is assembled from a template** kept per distinct model (bounded):
  only the caption, the date and the deadline dates are the case's own.
* Batches go in chunks (decided grouped by program, written in input order) to worker
  processes, at most a few chunks in flight: memory stays constant.
"""

from __future__ import annotations

import gc
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from multiprocessing.pool import AsyncResult
from typing import Any

import clingo

from .api import as_of_for
from .casefile import Case
from .deadlines import Measured
from .decision import FORMAT_ID
from .decode import (
    DecodeTables,
    NotDetermined,
    date_discretion,
    deadline_entries,
    decode_dict,
    decode_tables,
)
from .errors import CaseError, RulepathError
from .facts import FactPlan, plan_for
from .pack import load_pack
from .program import Program, program_for
from .reader import Reading, Sets, sets_of
from .solve import solve, solve_determined

ERROR_FORMAT = "rulepath/error-1"

_SERIALS = itertools.count()  # compiled programs, numbered (unlike id(), never reused)


class _Compiled:
    """What the batch keeps of one program: its decoder tables and fact plan."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.tables: DecodeTables = decode_tables(program)
        self.plan: FactPlan = plan_for(program)
        self.rule_json = _DUMPS(
            {
                "pack": program.pack.id,
                "version": program.version.id,
                "overlays": list(program.overlays),
            }
        )
        self.serial = next(_SERIALS)  # unique in the process (unlike id(), never reused)


# --- solving ---------------------------------------------------------------------------------


class BatchDecider:
    """Decides cases one after another on programs grounded once per (version, overlays)."""

    def __init__(self, *, defaults: bool = True, explain: bool = False) -> None:
        self.defaults = defaults
        self.explain = explain
        self._compiled: dict[tuple[str | None, date, str | None, tuple[str, ...]], _Compiled] = {}
        self.one_solve = 0  # cases decided by one solve
        self.two_solves = 0  # cases that needed the cautious and brave solves

    def compiled(self, case: Case) -> _Compiled:
        """The compiled program for a case's rule version and overlays."""
        as_of = as_of_for(case)
        key = (case.pack, as_of, case.rule_version, case.overlays)
        compiled = self._compiled.get(key)
        if compiled is None:
            pack = load_pack(case.pack)
            version = pack.version_for(as_of, case.rule_version)
            program = program_for(pack, version, case.overlays)
            compiled = program.derived("batch.compiled", _Compiled)
            if len(self._compiled) >= 4096:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled

    def _solve(self, case: Case) -> tuple[_Compiled, dict[str, Measured], list[int], Sets | None]:
        """One solve: the case's model (its shown atoms) when it decides the case, else None."""
        compiled = self.compiled(case)
        plan = compiled.plan
        deadlines = plan.measure(case)
        assumptions = plan.assumptions(case, deadlines, self.defaults)
        model: list[Sets] = []
        reader, read_literal = compiled.tables.reader, compiled.program.read_literal

        def read(symbols: Sequence[clingo.Symbol]) -> list[int]:
            model.append(sets := sets_of(reader, symbols, reads_only=True))
            return [read_literal[k] for k in sets.read]

        determined = solve_determined(compiled.program, assumptions, read)
        return compiled, deadlines, assumptions, model[0] if determined else None

    def _two_solves(
        self,
        compiled: _Compiled,
        case: Case,
        deadlines: dict[str, Measured],
        assumptions: list[int],
    ) -> dict[str, Any]:
        """Cautious and brave consequences, as :func:`api.decide` reads them."""
        self.two_solves += 1
        reading = Reading.of(compiled.program, solve(compiled.program, assumptions))
        return decode_dict(compiled.tables, case, as_of_for(case), deadlines, reading)

    def _determined(
        self,
        compiled: _Compiled,
        case: Case,
        deadlines: dict[str, Measured],
        model: Sets,
    ) -> dict[str, Any]:
        """The decision of a case whose model is the same in every completion on what a
        decision reads (raises NotDetermined if a conclusion it reports is not after all)."""
        reading = Reading(compiled.tables.reader, model, model)
        return decode_dict(compiled.tables, case, as_of_for(case), deadlines, reading)

    def decide(self, case: Case) -> dict[str, Any]:
        """The decision as ``decide(case, explain=...).to_dict(explanation=...)`` gives it."""
        if self.explain:
            from .api import decide

            return decide(case, defaults=self.defaults, explain=True).to_dict(explanation=True)
        compiled, deadlines, assumptions, model = self._solve(case)
        if model is not None:
            try:
                decision = self._determined(compiled, case, deadlines, model)
            except NotDetermined:
                pass
            else:
                self.one_solve += 1
                return decision
        return self._two_solves(compiled, case, deadlines, assumptions)

    def decide_json(self, case: Case) -> bytes:
        """:meth:`decide` as one line of JSON. A determined decision is assembled from a
        template kept per distinct model (the case's caption, date and deadline dates go in)."""
        if self.explain:
            return _DUMPS(self.decide(case))
        compiled, deadlines, assumptions, model = self._solve(case)
        if model is not None:
            key = (compiled.serial, frozenset(model.read))
            template = _TEMPLATES.get(key)
            if template is None:
                try:
                    decision = self._determined(compiled, case, deadlines, model)
                except NotDetermined:
                    return _DUMPS(self._two_solves(compiled, case, deadlines, assumptions))
                template = _template(decision)
                if len(_TEMPLATES) >= _TEMPLATES_MAX:
                    del _TEMPLATES[next(iter(_TEMPLATES))]  # the oldest
                _TEMPLATES[key] = template
            self.one_solve += 1
            body1, applied, body2, discretion, body3 = template
            return b"".join(
                (
                    _PREFIX,
                    _DUMPS(case.caption),
                    b',"rule":',
                    compiled.rule_json,
                    b',"as_of":',
                    _DUMPS(as_of_for(case).isoformat()),
                    b",",
                    body1,
                    b',"deadlines":',
                    _DUMPS(deadline_entries(compiled.tables, applied, deadlines)),
                    b",",
                    body2,
                    b',"discretion":',
                    _DUMPS(date_discretion(discretion, deadlines)),
                    b",",
                    body3,
                    b"}",
                )
            )
        return _DUMPS(self._two_solves(compiled, case, deadlines, assumptions))


def _dumps() -> Callable[[Any], bytes]:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        import json

        def dumps(obj: Any) -> bytes:
            return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()

        return dumps
    return orjson.dumps


_DUMPS = _dumps()
_PREFIX = _DUMPS({"format": FORMAT_ID})[:-1] + b',"case":'
_BODY1 = (
    "governs",
    "route",
    "ready_for_hearing",
    "defects",
    "requirements",
    "exceptions",
    "sanctions",
    "assumed",
)
_BODY2 = ("disposition", "next_steps", "readiness")
_BODY3 = ("undetermined", "conflicts")
# Determined decisions by (program, model): what does not depend on the case's caption, date
# and deadline dates, as JSON. Bounded: the oldest goes first.
Template = tuple[bytes, list[str], bytes, dict[str, list[dict[str, Any]]], bytes]
_TEMPLATES: dict[tuple[int, frozenset[str]], Template] = {}
_TEMPLATES_MAX = 2048


def _template(decision: dict[str, Any]) -> Template:
    return (
        _DUMPS({k: decision[k] for k in _BODY1})[1:-1],
        [d["id"] for d in decision["deadlines"]],
        _DUMPS({k: decision[k] for k in _BODY2})[1:-1],
        decision["discretion"],
        _DUMPS({k: decision[k] for k in _BODY3})[1:-1],
    )


# --- lines in, lines out ------------------------------------------------------------------


def error_record(error: BaseException, *, line: int, source: str | None = None) -> dict[str, Any]:
    """The output line for an input that yields no decision: it names the line and field."""
    record: dict[str, Any] = {"format": ERROR_FORMAT, "line": line}
    if source is not None:
        record["source"] = source
    if isinstance(error, CaseError):
        record["field"] = error.field
        record["error"] = error.problem
    elif isinstance(error, RulepathError):
        record["field"] = error.field
        record["error"] = error.reason
    else:  # a bug: reported on its line, and the batch goes on
        record["field"] = "<internal>"
        record["error"] = f"{type(error).__name__}: {error}"
    return record


# An input item: (line number, JSON text or case-file path, whether it is a path).
Item = tuple[int, "bytes | str", bool]


@dataclass
class ChunkResult:
    """The output lines of one chunk of items, in input order, and what happened to them."""

    lines: bytes  # one line (newline-terminated) per item
    cases: int = 0
    errors: int = 0
    one_solve: int = 0
    two_solves: int = 0


class LineDecider:
    """Items in, one output line each: the decision, or an error record naming the line and
    the field. Within a chunk, cases are decided grouped by program (the solver's memory stays
    warm) and written back in input order."""

    def __init__(self, *, defaults: bool = True, explain: bool = False) -> None:
        self.decider = BatchDecider(defaults=defaults, explain=explain)

    def _load(self, item: Item) -> Case:
        from .casefile import load_case, parse_case

        _, data, is_path = item
        if is_path:
            return load_case(str(data))
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise CaseError("<document>", f"not UTF-8: {error.reason}") from None
        if not data.strip():
            raise CaseError("<document>", "empty line (expected a JSON object)")
        # the case-file loader's checks, line by line: size, depth, duplicate keys, numbers
        return parse_case(data, fmt="json")

    def _error(self, item: Item, error: BaseException) -> bytes:
        line, data, is_path = item
        return _DUMPS(error_record(error, line=line, source=str(data) if is_path else None))

    def decide_chunk(self, items: Sequence[Item]) -> ChunkResult:
        out: list[bytes] = [b""] * len(items)
        todo: list[tuple[int, int, Case]] = []  # (program, position, case)
        result = ChunkResult(b"", cases=len(items))
        decider = self.decider
        for i, item in enumerate(items):
            try:
                case = self._load(item)
                todo.append((decider.compiled(case).serial, i, case))
            except Exception as error:  # every item gets its output line
                out[i] = self._error(item, error)
                result.errors += 1
        todo.sort(key=lambda x: x[0])
        one, two = decider.one_solve, decider.two_solves
        for _, i, case in todo:
            try:
                out[i] = decider.decide_json(case)
            except Exception as error:  # every item gets its output line
                out[i] = self._error(items[i], error)
                result.errors += 1
        result.one_solve = decider.one_solve - one
        result.two_solves = decider.two_solves - two
        out.append(b"")
        result.lines = b"\n".join(out)
        return result


_WORKER: LineDecider | None = None


@contextmanager
def quiet_gc() -> Iterator[None]:
    """While deciding a batch: what is loaded so far is kept out of the cyclic garbage
    collector's scans, which run less often (a case's objects hold no cycles). About a tenth
    of a batch's time otherwise goes to collections that free nothing."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _init_worker(defaults: bool, explain: bool) -> None:
    global _WORKER
    _WORKER = LineDecider(defaults=defaults, explain=explain)
    gc.freeze()  # a worker process only decides cases (see quiet_gc)
    gc.set_threshold(20_000, 20, 20)


def _work(items: Sequence[Item]) -> ChunkResult:
    assert _WORKER is not None
    return _WORKER.decide_chunk(items)


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def decide_stream(
    items: Iterable[Item],
    *,
    workers: int = 1,
    chunk_size: int = 256,
    defaults: bool = True,
    explain: bool = False,
    in_flight: int = 4,
) -> Iterator[ChunkResult]:
    """Decide a stream of items in chunks, yielding each chunk's output in input order.

    Memory stays constant: items are read as chunks are handed out, and at most
    ``in_flight * workers`` chunks are out at a time. ``workers > 1`` decides in that many
    processes (each grounds the programs it needs once)."""
    chunks = chunked(items, chunk_size)
    if workers <= 1:
        decider = LineDecider(defaults=defaults, explain=explain)
        for chunk in chunks:
            yield decider.decide_chunk(chunk)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork: workers start with the engine imported; spawn where fork is not offered
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(workers, initializer=_init_worker, initargs=(defaults, explain)) as pool:
        pending: deque[AsyncResult[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= in_flight * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
