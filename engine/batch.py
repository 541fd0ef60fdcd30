"""Decide many cases at solver speed: the hot path behind ``rulepath batch``.

The output of :meth:`BatchDecider.decide` is exactly ``decide(case, explain=False).to_dict(
explanation=False)`` (tests/test_batch.py checks this on random populations); only the way to
it is shorter:

* **One solve for a determined case.** Each (version, overlays) gets a second grounding of the
  pack, a *batch variant*: show.lp's ``#show`` statements are left out and the program shows
  and projects (``--project=project``) only ``batch_out/1``, the atoms the decoder reads. One
  solve under the case's assumptions then enumerates at most two models: one projected model
  means every conclusion the decision reports holds in every completion of the unknown facts
  (cautious = brave on what is read), so the second solve is not needed. Two models fall back
  to the cautious and brave solves on the shared program (:func:`program.program_for`).
* **Decoding is the engine's one decoder** (:func:`decode.decode_dict`), which works on plain
  strings read once per program and per model.
* **The case's facts are read by a compiled plan** per program: each field path is resolved
  once per case, each deadline measured once (due dates memoized by anchor date).
* **A determined decision is assembled from a template** kept per distinct model (bounded):
  only the caption, the date and the deadline dates are the case's own.
* Batches go in chunks (decided grouped by program, written in input order) to worker
  processes, at most a few chunks in flight: memory stays constant.

No legal condition is written here: decoding is :mod:`decode`'s, and the batch part below
only names show.lp's vocabulary.
"""

from __future__ import annotations

import gc
import itertools
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from multiprocessing.pool import AsyncResult
from typing import Any

import clingo
from clingo import ast

from .casefile import Case
from .deadlines import Measured
from .decision import FORMAT_ID, iso
from .decode import (
    FIRED,
    OUT,
    Entry,
    NotDetermined,
    Sets,
    Tables,
    deadline_entries,
    decode_dict,
    entry_of,
    sets_of,
)
from .errors import CaseError, RulepathError
from .facts import FactPlan, plan_for
from .pack import Pack, Version, load_pack
from .program import Program, program_for, program_on, solve_config
from .solve import inconsistent, solve

ERROR_FORMAT = "rulepath/error-1"

# What the decoder reads of a decision's conclusions (the output vocabulary of show.lp), as
# the atoms of one predicate that the batch variant shows and projects on. A requirement's
# met/1 is read only where the requirement applies; fired/1 only for the conclusions whose
# cite the decision reports, and only where the rules concluding one atom carry different
# cites (the cite reported then depends on which rule fired).
BATCH_PART = """
#show.
#show batch_out/1.
#project batch_out/1.
batch_out(governs) :- holds(governs).
batch_out(ready_for_hearing) :- holds(ready_for_hearing).
batch_out(route(R)) :- holds(route(R)).
batch_out(req(Q)) :- holds(req(Q)).
batch_out(excused(Q)) :- holds(excused(Q)).
batch_out(met(Q)) :- holds(met(Q)), holds(req(Q)).
batch_out(exception(E)) :- holds(exception(E)).
batch_out(exception_fails(E, W)) :- holds(exception_fails(E, W)).
batch_out(sanction(A, G)) :- holds(sanction(A, G)).
batch_out(deadline_applies(D)) :- holds(deadline_applies(D)).
batch_out(consistent(D)) :- holds(consistent(D)).
batch_out(recommended(D)) :- holds(recommended(D)).
batch_out(next_step(W, A)) :- holds(next_step(W, A)).
batch_out(presumed(D)) :- presumed(D).
batch_cited(req(Q)) :- rule(_, req(Q), _).
batch_cited(excused(Q)) :- rule(_, excused(Q), _).
batch_cited(exception(E)) :- rule(_, exception(E), _).
batch_cited(sanction(A, G)) :- rule(_, sanction(A, G), _).
batch_cited(next_step(W, A)) :- rule(_, next_step(W, A), _).
batch_out(fired(R)) :- fired(R), rule(R, H, C), batch_cited(H), rule(_, H, C2), C != C2.
"""

_SHOW = (ast.ASTType.ShowSignature, ast.ASTType.ShowTerm)


_SERIALS = itertools.count()  # compiled programs, numbered (unlike id(), never reused)


# --- one program, compiled ----------------------------------------------------------------


def _batch_control(pack: Pack, version: Version, overlays: tuple[str, ...]) -> clingo.Control:
    """The batch variant: the pack's files without their #show statements, plus BATCH_PART."""
    files = [str(f) for f in pack.program_files(version, overlays)]
    control = clingo.Control(["--warn=none", "--project=project"])
    with ast.ProgramBuilder(control) as builder:

        def add(statement: ast.AST) -> None:
            if statement.ast_type not in _SHOW:
                builder.add(statement)

        ast.parse_files(files, add)
    control.add("batch", [], BATCH_PART)
    control.ground([("base", []), ("batch", [])])
    solve_config(control).models = "2"  # one model: determined; two: not
    return control


class _Compiled:
    """Everything the batch needs for one (pack, version, overlays)."""

    def __init__(self, pack: Pack, version: Version, overlays: tuple[str, ...]) -> None:
        self.program = program_on(pack, version, overlays, _batch_control(pack, version, overlays))
        self.control = self.program.control
        self.tables = Tables(self.program)
        self.plan = FactPlan(self.program)
        # The shown atoms of the batch variant are exactly its batch_out/1 atoms: when their
        # hashes differ, a shown symbol is found by its hash alone (one call into clingo).
        entries: dict[clingo.Symbol, Entry] = {}
        for atom in self.control.symbolic_atoms.by_signature("batch_out", 1):
            entries[atom.symbol] = entry_of(atom.symbol.arguments[0])
        by_hash = {hash(sym): entry for sym, entry in entries.items()}
        self.by_hash: dict[int, Entry] | None = by_hash if len(by_hash) == len(entries) else None
        self.by_symbol = entries
        self.rule_json = _DUMPS(
            {"pack": pack.id, "version": version.id, "overlays": list(overlays)}
        )
        self.serial = next(_SERIALS)  # unique in the process (unlike id(), never reused)
        self._key = (pack, version, overlays)
        self._shared: tuple[Program, FactPlan] | None = None

    def key(self, symbols: Sequence[clingo.Symbol]) -> tuple[int, tuple[int, ...]] | None:
        """A model's identity (symbols are told apart by their hashes, see above)."""
        if self.by_hash is None:
            return None
        return (self.serial, tuple(map(hash, symbols)))

    def sets(self, symbols: Sequence[clingo.Symbol]) -> Sets:
        """The one model's shown atoms (determined: the same in every completion)."""
        s = Sets()
        entries = (
            [self.by_hash[hash(sym)] for sym in symbols]
            if self.by_hash is not None
            else [self.by_symbol[sym] for sym in symbols]
        )
        out, names, fired, presumed = s.out, s.names, s.fired, s.presumed
        for kind, key, name, args in entries:
            if kind == OUT:
                out.add(key)
                group = names.get(name)
                if group is None:
                    names[name] = [args]
                else:
                    group.append(args)
            elif kind == FIRED:
                fired.add(key)
            else:
                presumed.add(key)
        # fired/1 is shown only for rules whose head is an output atom, shown as well
        s.holds = out
        return s

    def shared(self) -> tuple[Program, FactPlan]:
        """The shared program (the one :func:`decide` uses), for cases not determined."""
        if self._shared is None:
            program = program_for(*self._key)
            self._shared = (program, plan_for(program))
        return self._shared


# --- solving ---------------------------------------------------------------------------------


class BatchDecider:
    """Decides cases one after another on programs grounded once per (version, overlays)."""

    def __init__(self, *, defaults: bool = True, explain: bool = False) -> None:
        self.defaults = defaults
        self.explain = explain
        self._compiled: dict[tuple[str | None, date, str | None, tuple[str, ...]], _Compiled] = {}
        self._by_version: dict[tuple[str, str, tuple[str, ...]], _Compiled] = {}
        self.one_solve = 0  # cases decided by one solve
        self.two_solves = 0  # cases that needed the cautious and brave solves

    def compiled(self, case: Case) -> _Compiled:
        """The compiled program for a case's rule version and overlays."""
        as_of = case.as_of or date.today()
        key = (case.rule, as_of, case.rule_version, case.overlays)
        compiled = self._compiled.get(key)
        if compiled is None:
            pack = load_pack(case.rule)
            version = pack.version_for(as_of, case.rule_version)
            vkey = (pack.id, version.id, case.overlays)
            compiled = self._by_version.get(vkey)
            if compiled is None:
                compiled = self._by_version[vkey] = _Compiled(pack, version, case.overlays)
            if len(self._compiled) >= 4096:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled

    def _solve(self, case: Case) -> tuple[_Compiled, dict[str, Measured], list[Any]]:
        """Solve on the batch variant: at most two projected models."""
        compiled = self.compiled(case)
        plan = compiled.plan
        deadlines = plan.measure(case)
        models: list[Sequence[clingo.Symbol]] = []

        def on_model(model: clingo.Model) -> bool:
            models.append(model.symbols(shown=True))
            return len(models) < 2

        compiled.control.solve(
            assumptions=plan.assumptions(case, deadlines, self.defaults), on_model=on_model
        )
        if not models:
            raise inconsistent()
        return compiled, deadlines, models

    def _two_solves(
        self, compiled: _Compiled, case: Case, deadlines: dict[str, Measured]
    ) -> dict[str, Any]:
        """Cautious and brave consequences on the shared program, as :func:`solve.solve`."""
        self.two_solves += 1
        t = compiled.tables
        program, shared_plan = compiled.shared()
        assumptions = shared_plan.assumptions(case, deadlines, self.defaults)
        cons = solve(program, assumptions)
        certain, possible = sets_of(t, list(cons.certain)), sets_of(t, list(cons.possible))
        return decode_dict(t, case, deadlines, certain, possible, determined=False)

    def decide(self, case: Case) -> dict[str, Any]:
        """The decision as ``decide(case, explain=...).to_dict(explanation=...)`` gives it."""
        if self.explain:
            from .api import decide

            return decide(case, defaults=self.defaults, explain=True).to_dict(explanation=True)
        compiled, deadlines, models = self._solve(case)
        if len(models) == 1:
            sets = compiled.sets(models[0])
            try:
                decision = decode_dict(
                    compiled.tables, case, deadlines, sets, sets, determined=True
                )
            except NotDetermined:
                pass
            else:
                self.one_solve += 1
                return decision
        return self._two_solves(compiled, case, deadlines)

    def decide_json(self, case: Case) -> bytes:
        """:meth:`decide` as one line of JSON. A determined decision is assembled from a
        template kept per distinct model (the case's caption, date and deadline dates go in)."""
        if self.explain:
            return _DUMPS(self.decide(case))
        compiled, deadlines, models = self._solve(case)
        if len(models) == 1:
            key = compiled.key(models[0])
            template = _TEMPLATES.get(key) if key is not None else None
            if template is None:
                sets = compiled.sets(models[0])
                try:
                    decision = decode_dict(
                        compiled.tables, case, deadlines, sets, sets, determined=True
                    )
                except NotDetermined:
                    return _DUMPS(self._two_solves(compiled, case, deadlines))
                template = _template(decision)
                if key is not None:
                    if len(_TEMPLATES) >= _TEMPLATES_MAX:
                        del _TEMPLATES[next(iter(_TEMPLATES))]  # the oldest
                    _TEMPLATES[key] = template
            self.one_solve += 1
            body1, applied, body2 = template
            return b"".join(
                (
                    _PREFIX,
                    _DUMPS(case.caption),
                    b',"rule":',
                    compiled.rule_json,
                    b',"as_of":',
                    _DUMPS(iso(case.as_of) or ""),
                    b",",
                    body1,
                    b',"deadlines":',
                    _DUMPS(deadline_entries(compiled.tables, applied, deadlines)),
                    b",",
                    body2,
                    b"}",
                )
            )
        return _DUMPS(self._two_solves(compiled, case, deadlines))


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
_BODY2 = ("disposition", "next_steps", "undetermined")
# Determined decisions by (program, model): what does not depend on the case's caption, date
# and deadline dates, as JSON. Bounded: the oldest goes first.
_TEMPLATES: dict[tuple[int, tuple[int, ...]], tuple[bytes, list[str], bytes]] = {}
_TEMPLATES_MAX = 2048


def _template(decision: dict[str, Any]) -> tuple[bytes, list[str], bytes]:
    return (
        _DUMPS({k: decision[k] for k in _BODY1})[1:-1],
        [d["id"] for d in decision["deadlines"]],
        _DUMPS({k: decision[k] for k in _BODY2})[1:-1],
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
        record["field"] = "<case>"
        record["error"] = str(error).removeprefix("<case>: ")
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
        from .casefile import case_from_mapping, load_case, parse_case

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
        try:
            parsed = json.loads(data, object_pairs_hook=_strict_object)
        except Exception:  # malformed, or a key twice: the case-file loader says which
            return parse_case(data, fmt="json")
        return case_from_mapping(parsed)

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


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


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
