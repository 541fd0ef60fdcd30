"""Decide many cases at solver speed: the hot path behind ``rulepath batch``.

The output of :meth:`BatchDecider.decide_json` is exactly ``decide(case, explain=False).
to_dict(explanation=False)`` as JSON (tests/test_batch.py checks this on random populations);
only the way to it is shorter. Batch is not a second engine: it solves the rules of the one
program of each (version, overlays), read through the one reader and decoder.

* **One solve a case, no Python while clasp enumerates** (:class:`solve.OneSolve`): the
  program's consequences variant (the same rules, projected on what a decision reads, with
  each atom's complement named) gives the cautious and the brave consequences in one brave
  enumeration, read once from its last model as raw symbol values; :class:`reader.Shown` maps
  those to the reader's sets with prepared tables, once per program.
* **A case likely to leave nothing undetermined is solved on the reads variant first**
  (projected on ``read/1``, what a decision reads when every completion agrees on it): one
  cheaper solve tells whether it is determined and then gives its decision. Which cases are
  likely is learnt as the batch goes (by how many facts a case leaves unknown).
* **The case's facts are read by a compiled plan** per program (:class:`facts.FactPlan`).
* **An exact memo** (:class:`Memo`): decisions by (program, assumption vector) -- everything
  the decision reads of a case besides its caption, its as-of date and its deadline dates,
  which are the case's own and put into a template of the rest. Bounded (``memo`` entries,
  kept from a pattern's second sighting on); with it or without, the bytes written are the
  same (a test).
* **A decision of the consequences variant is assembled from sections** kept per program,
  each by what it reads (the outputs and the firings whose cite it reports, certain and
  possible, read of the solve's raw values: :class:`decode.Decisive`), bounded: the body,
  the court's options and cures, the rest. A case decoded afresh only when one of its
  sections is new; only its presumptions and the facts its undetermined conclusions depend
  on are read per case (:class:`reader.RawReading`, a search over atom numbers). A decision
  of the reads variant comes from a template kept by what it reads, bounded.
* Batches go in chunks to worker processes, at most a few chunks in flight: memory stays
  constant (see :func:`decide_stream`).
"""

from __future__ import annotations

import gc
import itertools
import re
from array import array
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

from .api import as_of_for
from .casefile import Case, case_from_mapping
from .deadlines import Measured
from .decision import FORMAT_ID
from .decode import (
    DISCRETION,
    PARTS,
    REST,
    Decisive,
    DecodeTables,
    NotDetermined,
    Notes,
    date_discretion,
    deadline_entries,
    decode_dict,
    decode_tables,
    note_section,
    undetermined_json,
)
from .documents import MAX_DOCUMENT_BYTES
from .errors import CaseError, RulepathError
from .facts import FactPlan, plan_for
from .pack import Pack, Version, load_pack
from .program import Program, program_for
from .reader import ReadShown, Shown, read_shown_for, shown_for
from .solve import CONSEQUENCES, READS, OneSolve, inconsistent, one_solve

ERROR_FORMAT = "rulepath/error-1"
MEMO_SIZE = 65_536  # the memo's default bound, in decisions (per process)

_SERIALS = itertools.count()  # compiled programs, numbered (unlike id(), never reused)


class _Compiled:
    """What the batch keeps of a program's consequences variant: its decoder tables, fact plan,
    solver and reading tables."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.tables: DecodeTables = decode_tables(program)
        self.plan: FactPlan = plan_for(program)
        self.solver: OneSolve = one_solve(program)
        self.shown: Shown = shown_for(program)
        self.decisive = Decisive(self.shown, self.tables)


class _Reads:
    """What the batch keeps of a program's reads variant (:data:`solve.READS`)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.tables: DecodeTables = decode_tables(program)
        self.plan: FactPlan = plan_for(program)
        self.solver: OneSolve = one_solve(program)
        self.shown: ReadShown = read_shown_for(program)


class _Entry:
    """One (pack, version, overlays): its two variants, each grounded when a case first needs
    it, and what the memo and the templates know it by."""

    def __init__(self, pack: Pack, version: Version, overlays: tuple[str, ...]) -> None:
        self.pack, self.version, self.overlays = pack, version, overlays
        self.serial = next(_SERIALS)  # unique in the process (unlike id(), never reused)
        self.rule_json = _DUMPS(
            {"pack": pack.id, "version": version.id, "overlays": list(overlays)}
        )
        self._full: _Compiled | None = None
        self._reads: _Reads | None = None
        # the variant whose plan reads the case's facts (the first one grounded)
        self.primary: _Compiled | _Reads | None = None
        self._same: bool | None = None

    def full(self) -> _Compiled:
        if self._full is None:
            program = program_for(self.pack, self.version, self.overlays, variant=CONSEQUENCES)
            self._full = program.derived("batch.compiled", _Compiled)
            self.primary = self.primary or self._full
        return self._full

    def reads(self) -> _Reads:
        if self._reads is None:
            program = program_for(self.pack, self.version, self.overlays, variant=READS)
            self._reads = program.derived("batch.reads", _Reads)
            self.primary = self.primary or self._reads
        return self._reads

    def assumptions(
        self, other: _Compiled | _Reads, case: Case, deadlines: dict[str, Measured],
        assumptions: list[int], defaults: bool,
    ) -> list[int]:
        """The primary plan's assumptions as the other variant's literals (the same, as the
        variants ground the same files alike; read afresh should they differ)."""
        assert self.primary is not None
        if other is self.primary:
            return assumptions
        if self._same is None:
            a, b = self.primary.program, other.program
            self._same = (a.value_literal, a.unknown_literal, a.defaults_on_literal) == (
                b.value_literal, b.unknown_literal, b.defaults_on_literal)
        return assumptions if self._same else other.plan.assumptions(case, deadlines, defaults)


def _reads_first(odds: list[int]) -> bool:
    """Whether to solve a case on the reads variant first, by the odds of its like (see
    :meth:`BatchDecider.decide_json`): while they are few, while two in five or more were
    decided so, and every 64th case."""
    return odds[0] < 8 or 5 * odds[1] >= 2 * odds[0] or odds[0] % 64 == 0


def _unknown_facts(model: BaseModel) -> int:
    """The facts a case leaves unknown (its fields that are null), as a cheap guess at whether
    its decision leaves anything undetermined."""
    n = 0
    for value in model.__dict__.values():
        if value is None:
            n += 1
        elif isinstance(value, BaseModel):
            n += _unknown_facts(value)
    return n


# --- the memo ----------------------------------------------------------------------------------


class Memo:
    """Decisions by (program, assumption vector), exact and bounded.

    The key is everything a decision reads of a case apart from its caption, as-of date and
    deadline dates (which are put into the kept template afresh for each case): the program
    (pack, version by the as-of date, overlays) and the solver's assumptions (every input
    known true, known false or unknown; each deadline's timeliness; presumptions on or off).
    A key is kept from its second sighting on (the first is only noted, by its hash), so a
    population whose fact patterns never repeat holds no templates; at most ``size``
    templates are kept, the least recently used going first."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self.entries: dict[tuple[int, bytes], Template] = {}
        self.seen: set[int] = set()
        self.hits = 0
        self.lookups = 0

    def get(self, key: tuple[int, bytes]) -> Template | None:
        self.lookups += 1
        template = self.entries.pop(key, None)
        if template is not None:
            self.entries[key] = template  # the most recently used
            self.hits += 1
        return template

    def put(self, key: tuple[int, bytes], template: Template) -> None:
        if self.size <= 0:
            return
        noted = hash(key)
        if noted not in self.seen:
            if len(self.seen) >= self.size:
                self.seen.clear()
            self.seen.add(noted)
            return
        if len(self.entries) >= self.size:
            del self.entries[next(iter(self.entries))]  # the least recently used
        self.entries[key] = template


# --- deciding ----------------------------------------------------------------------------------


class BatchDecider:
    """Decides cases one after another on programs grounded once per (version, overlays).

    ``memo``: the memo's bound in decisions (0: no memo); ``time_limit``: the most one case's
    solving may take, in seconds (0: no limit), over which :class:`solve.SolverTimeLimit` is
    raised. Counters: ``one_solve`` and ``two_solves`` (cases decided by one solve, or by
    two), ``memo_hits`` and ``memo_lookups``; ``solved``, their sum."""

    def __init__(
        self,
        *,
        defaults: bool = True,
        explain: bool = False,
        memo: int = MEMO_SIZE,
        time_limit: float = 0.0,
    ) -> None:
        self.defaults = defaults
        self.explain = explain
        self.time_limit = time_limit
        self.memo = Memo(memo) if memo > 0 else None
        self._entries: dict[tuple[str | None, date, str | None, tuple[str, ...]], _Entry] = {}
        self._shared: dict[tuple[str, str, tuple[str, ...]], _Entry] = {}
        self.one_solve = 0  # cases decided by one solve
        self.two_solves = 0  # cases that took two (the reads variant, then the consequences)
        # by quarters of the inputs a case leaves unknown (FactPlan.unknowns): [cases solved
        # on the reads variant first, of them decided so]
        self._odds = [[0, 0] for _ in range(32)]

    @property
    def solved(self) -> int:
        """Cases solved (not taken from the memo)."""
        return self.one_solve + self.two_solves

    @property
    def memo_hits(self) -> int:
        return self.memo.hits if self.memo is not None else 0

    @property
    def memo_lookups(self) -> int:
        return self.memo.lookups if self.memo is not None else 0

    def entry(self, case: Case) -> _Entry:
        """The programs for a case's rule version and overlays."""
        as_of = as_of_for(case)
        key = (case.pack, as_of, case.rule_version, case.overlays)
        entry = self._entries.get(key)
        if entry is None:
            pack = load_pack(case.pack)
            version = pack.version_for(as_of, case.rule_version)
            entry = self._shared.get((pack.id, version.id, case.overlays))
            if entry is None:
                entry = self._shared[(pack.id, version.id, case.overlays)] = _Entry(
                    pack, version, case.overlays)
            if len(self._entries) >= 4096:
                self._entries.clear()
            self._entries[key] = entry
        return entry

    def decide(self, case: Case) -> dict[str, Any]:
        """The decision as ``decide(case, explain=...).to_dict(explanation=...)`` gives it."""
        if self.explain:
            from .api import decide

            return decide(case, defaults=self.defaults, explain=True).to_dict(explanation=True)
        return _LOADS(self.decide_json(case))  # type: ignore[no-any-return]

    def decide_json(self, case: Case) -> bytes:
        """:meth:`decide` as one line of JSON: a template of the decision (from the memo, or
        solved and decoded) with the case's caption, as-of date and deadline dates put in.

        A case likely to leave nothing undetermined (judged by how many inputs it leaves
        unknown, from the cases met so far) is solved first on the reads variant: one cheap
        solve tells whether every completion agrees on what a decision reads, and then is
        the decision. Any other case, or one that turns out to leave something undetermined,
        is solved on the consequences variant (everything a decision reads)."""
        if self.explain:
            return _DUMPS(self.decide(case))
        entry = self.entry(case)
        first = entry.primary
        if first is None:  # the program's first case: the odds by its fields left null
            odds = self._odds[min(_unknown_facts(case) // 4, len(self._odds) - 1)]
            first = entry.reads() if _reads_first(odds) else entry.full()
        deadlines = first.plan.measure(case)
        assumptions = first.plan.assumptions(case, deadlines, self.defaults)
        odds = self._odds[min(first.plan.unknowns(assumptions) // 4, len(self._odds) - 1)]
        reads = _reads_first(odds)
        memo = self.memo
        if memo is None:
            solved = self._solve(entry, case, deadlines, assumptions, odds if reads else None)
            return _fill(solved, entry, first.tables, case, deadlines)
        key = (entry.serial, array("i", assumptions).tobytes())
        template = memo.get(key)
        if template is None:
            template = self._solve(entry, case, deadlines, assumptions, odds if reads else None)
            memo.put(key, template)
        return _fill(template, entry, first.tables, case, deadlines)

    def _solve(
        self,
        entry: _Entry,
        case: Case,
        deadlines: dict[str, Measured],
        assumptions: list[int],
        odds: list[int] | None,
    ) -> Template:
        """The template of a case's decision (with ``odds``: the reads variant first)."""
        if odds is not None:
            odds[0] += 1
            template = self._determined(entry, case, deadlines, assumptions)
            if template is not None:
                odds[1] += 1
                self.one_solve += 1
                return template
            self.two_solves += 1
        else:
            self.one_solve += 1
        full = entry.full()
        lits = entry.assumptions(full, case, deadlines, assumptions, self.defaults)
        listed = full.solver.shown(lits, time_limit=self.time_limit)
        if listed is None:
            raise inconsistent()
        shown, decisive = full.shown, full.decisive
        values = set(listed)
        if not shown.raw:
            return _template(decode_dict(full.tables, case, as_of_for(case), deadlines,
                                         shown.reading(*shown.sides_of(values))))
        serial = entry.serial
        keys = decisive.keys(values)
        parts = [_PARTS.get((serial, i, keys[i])) for i in range(PARTS)]
        discretion = _DISCRETIONS.get((serial, keys[DISCRETION]))
        rest = _RESTS.get((serial, keys[REST]))
        if discretion is None or rest is None or any(part is None for part in parts):
            notes: Notes = []
            reading = shown.decoding(values)
            decision = decode_dict(full.tables, case, as_of_for(case), deadlines, reading, notes,
                                   reading.raw)
            sections = _sections(decision, notes)
            if sections is not None:
                body_parts, discretion, rest = sections
                for i, kept in enumerate(body_parts):
                    _keep_section(_PARTS, (serial, i, keys[i]), kept)
                _keep_section(_DISCRETIONS, (serial, keys[DISCRETION]), discretion)
                _keep_section(_RESTS, (serial, keys[REST]), rest)
            return _template(decision)
        options, discretion_notes = discretion
        applied, body2, conflicts = rest
        body: list[bytes] = []
        notes = []
        for part in parts:
            assert part is not None
            body.append(part[0])
            notes += part[1]
        notes += discretion_notes
        body.append(b'"assumed":' + decisive.assumed(values))
        found = undetermined_json(shown.raw_reading(values), notes) if notes else b"[]"
        return (
            b",".join(body),
            applied,
            body2,
            options,
            b"".join((b'"undetermined":', found, b',"conflicts":', conflicts)),
        )

    def _determined(
        self,
        entry: _Entry,
        case: Case,
        deadlines: dict[str, Measured],
        assumptions: list[int],
    ) -> Template | None:
        """The template of a case's decision from the reads variant, or None when some
        completion differs on what a decision reads (or the decision reports a conflict,
        whose rules the reads do not all give)."""
        reads = entry.reads()
        lits = entry.assumptions(reads, case, deadlines, assumptions, self.defaults)
        values = reads.solver.shown(lits, time_limit=self.time_limit)
        if values is None:
            raise inconsistent()
        held = reads.shown.determined(values)
        if held is None:
            return None
        number = reads.shown.key.__getitem__
        key = (entry.serial, b"r" + array("H", sorted(map(number, held))).tobytes())
        template = _TEMPLATES.get(key)
        if template is not None:
            return template
        try:
            decision = decode_dict(reads.tables, case, as_of_for(case), deadlines,
                                   reads.shown.reading(held))
        except NotDetermined:
            return None
        template = _template(decision)
        _keep(key, template)
        return template


def _keep(key: tuple[int, bytes], template: Template) -> None:
    if len(_TEMPLATES) >= _TEMPLATES_MAX:
        del _TEMPLATES[next(iter(_TEMPLATES))]  # the oldest
    _TEMPLATES[key] = template


def _keep_section(kept: dict[_K, _S], key: _K, section: _S) -> None:
    if len(kept) >= _SECTIONS_MAX:
        del kept[next(iter(kept))]  # the oldest
    kept[key] = section


_DUMPS: Callable[[Any], bytes] = orjson.dumps
_LOADS: Callable[[bytes], Any] = orjson.loads
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
# A decision as JSON but for the case's caption, as-of date and deadline dates: the body up to
# the deadlines, the deadlines that apply, the body up to the court's discretion, its options
# and cures (undated), the rest.
Template = tuple[bytes, list[str], bytes, dict[str, list[dict[str, Any]]], bytes]
# Decisions of the reads variant (which report no conclusion undetermined) by (program, what
# they read): bounded, the oldest goes first.
_TEMPLATES: dict[tuple[int, bytes], Template] = {}
_TEMPLATES_MAX = 4096
# The body up to the presumptions (``assumed``), in the parts decode.Decisive keeps apart.
_BODY_PARTS = (
    ("governs", "route", "ready_for_hearing"),
    ("defects", "requirements"),
    ("exceptions",),
    ("sanctions",),
)
# A decision of the consequences variant is kept in sections (see decode.Decisive), each by
# (program, what it reads: decode.Decisive.keys); with them but for the case's own (as a
# template), its presumptions and the facts its undetermined conclusions depend on:
# each part of the body up to the presumptions as JSON and what it notes undetermined;
Body = tuple[bytes, Notes]
# the court's options and cures (undated) and what they note undetermined;
Discretion = tuple[dict[str, list[dict[str, Any]]], Notes]
# the deadlines that apply, the body from the deadlines to the court's discretion as JSON,
# the conflicts as JSON.
Rest = tuple[list[str], bytes, bytes]
_S = TypeVar("_S", Body, Discretion, Rest)
_K = TypeVar("_K", tuple[int, Hashable], tuple[int, int, Hashable])
# Each bounded, the oldest goes first.
_PARTS: dict[tuple[int, int, Hashable], Body] = {}
_DISCRETIONS: dict[tuple[int, Hashable], Discretion] = {}
_RESTS: dict[tuple[int, Hashable], Rest] = {}
_SECTIONS_MAX = 4096


def forget_decoded() -> None:
    """Drop every kept template and section (the tests' way to decode afresh)."""
    for kept in (_TEMPLATES, _PARTS, _DISCRETIONS, _RESTS):
        kept.clear()


def _template(decision: dict[str, Any]) -> Template:
    return (
        _DUMPS({k: decision[k] for k in _BODY1})[1:-1],
        [d["id"] for d in decision["deadlines"]],
        _DUMPS({k: decision[k] for k in _BODY2})[1:-1],
        decision["discretion"],
        _DUMPS({k: decision[k] for k in _BODY3})[1:-1],
    )


def _sections(
    decision: dict[str, Any], notes: Notes
) -> tuple[list[Body], Discretion, Rest] | None:
    """A decoded decision in sections (decode's :data:`decode._SECTIONS`), each with what it
    notes undetermined (decode_dict notes them section by section, in order); None when a
    note belongs to no section."""
    noted: list[Notes] = [[] for _ in range(DISCRETION + 1)]
    for note in notes:
        section = note_section(note[0])
        if section is None:
            return None
        noted[section].append(note)
    return (
        [
            (_DUMPS({k: decision[k] for k in keys})[1:-1], noted[i])
            for i, keys in enumerate(_BODY_PARTS)
        ],
        (decision["discretion"], noted[DISCRETION]),
        (
            [d["id"] for d in decision["deadlines"]],
            _DUMPS({k: decision[k] for k in _BODY2})[1:-1],
            _DUMPS(decision["conflicts"]),
        ),
    )


def _fill(
    template: Template,
    entry: _Entry,
    tables: DecodeTables,
    case: Case,
    deadlines: dict[str, Measured],
) -> bytes:
    """One case's decision from a template: the keys in the order decode_dict gives them."""
    body1, applied, body2, discretion, body3 = template
    return b"".join(
        (
            _PREFIX,
            _DUMPS(case.caption),
            b',"rule":',
            entry.rule_json,
            b',"as_of":',
            _DUMPS(as_of_for(case).isoformat()),
            b",",
            body1,
            b',"deadlines":',
            _DUMPS(deadline_entries(tables, applied, deadlines)),
            b",",
            body2,
            b',"discretion":',
            _DUMPS(date_discretion(discretion, deadlines)),
            b",",
            body3,
            b"}",
        )
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


# An input item: (line number, JSON text, a case-file path or a record, whether it is a path).
Item = tuple[int, "bytes | str | Mapping[str, Any]", bool]


# --- reading a line ----------------------------------------------------------------------------

# A key's closing quote with blanks before its colon (see _fast_case).
_SPACED_COLON = re.compile(rb'"[ \t\r\n]+:')


def load_line(data: bytes | str) -> Case:
    """One JSON line as a case, with exactly the checks and errors of the case-file loader
    (:func:`casefile.parse_case`: size, depth, duplicate keys, numbers, UTF-8, the pack's
    model). Most lines take a fast path (orjson, then the model) that accepts only what the
    loader accepts, with the same data; a line it does not accept goes through the loader,
    which gives its error (or, for the rare valid line the fast path is too strict for, the
    case)."""
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the loader names it
            raw = None
    else:
        raw = data
    if raw is not None:
        case = _fast_case(raw)
        if case is not None:
            return case
    return _slow_case(data)


def _fast_case(raw: bytes) -> Case | None:
    """The case of a line when the loader would accept it with the same data, else None.

    orjson parses only standard JSON from strict UTF-8 (no NaN, no lone surrogates; an
    integer beyond 64 bits becomes a float, which no case field accepts), and a line within
    the size limit that the pack's model accepts is nested as the model is, far within the
    depth limit. What orjson does not check is duplicate keys (it keeps the last): a key is
    a string token whose closing quote is followed by its colon, so when no quote is
    followed by blanks and a colon, the ``":`` in the text number at least the key tokens,
    and they equal the keys parsed only when no key was given twice."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict or _keys(data) != raw.count(b'":') or _SPACED_COLON.search(raw):
        return None
    try:
        return case_from_mapping(data)
    except Exception:  # the loader says why (or accepts it after all)
        return None


def _keys(value: dict[str, Any] | list[Any]) -> int:
    """The keys of every mapping in parsed JSON."""
    if type(value) is dict:
        n = len(value)
        items: Iterable[Any] = value.values()
    else:
        n = 0
        items = value
    for v in items:
        if type(v) is dict or type(v) is list:
            n += _keys(v)
    return n


def _slow_case(data: bytes | str) -> Case:
    from .casefile import parse_case

    if isinstance(data, bytes):
        # an undecodable byte is carried as a surrogate, which parsing names by its column, as
        # it does in a case file
        data = data.decode("utf-8", errors="surrogateescape")
    if not data.strip():
        raise CaseError("<document>", "empty line (expected a JSON object)")
    # the case-file loader's checks, line by line: size, depth, duplicate keys, numbers
    return parse_case(data, fmt="json")


@dataclass
class ChunkResult:
    """The output lines of one chunk of items, in input order, and what happened to them."""

    lines: bytes  # one line (newline-terminated) per item
    positions: list[int] = field(default_factory=list)  # a worker's task: where its lines go
    cases: int = 0
    errors: int = 0
    one_solve: int = 0  # cases decided by one solve
    two_solves: int = 0  # cases that took two
    memo_hits: int = 0
    memo_lookups: int = 0


class LineDecider:
    """Items in, one output line each: the decision, or an error record naming the line and
    the field. Within a chunk, cases are decided grouped by program (the solver's memory stays
    warm) and written back in input order."""

    def __init__(
        self,
        *,
        defaults: bool = True,
        explain: bool = False,
        memo: int = MEMO_SIZE,
        time_limit: float = 0.0,
    ) -> None:
        self.decider = BatchDecider(
            defaults=defaults, explain=explain, memo=memo, time_limit=time_limit
        )

    def _load(self, item: Item) -> Case:
        _, data, is_path = item
        if is_path:
            from .casefile import load_case

            return load_case(str(data))
        if isinstance(data, bytes | str):
            return load_line(data)
        return case_from_mapping(dict(data))  # a record, as decide takes a mapping

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
                todo.append((decider.entry(case).serial, i, case))
            except Exception as error:  # every item gets its output line
                out[i] = self._error(item, error)
                result.errors += 1
        todo.sort(key=lambda x: x[0])
        one, two = decider.one_solve, decider.two_solves
        hits, lookups = decider.memo_hits, decider.memo_lookups
        for _, i, case in todo:
            try:
                out[i] = decider.decide_json(case)
            except Exception as error:  # every item gets its output line
                out[i] = self._error(items[i], error)
                result.errors += 1
        result.one_solve = decider.one_solve - one
        result.two_solves = decider.two_solves - two
        result.memo_hits = decider.memo_hits - hits
        result.memo_lookups = decider.memo_lookups - lookups
        out.append(b"")
        result.lines = b"\n".join(out)
        return result


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


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class Options:
    """How a batch decides: what every worker is started with."""

    defaults: bool = True
    explain: bool = False
    memo: int = MEMO_SIZE
    time_limit: float = 0.0

    def decider(self) -> LineDecider:
        return LineDecider(defaults=self.defaults, explain=self.explain, memo=self.memo,
                           time_limit=self.time_limit)


def decide_stream(
    items: Iterable[Item],
    *,
    workers: int = 1,
    chunk_size: int = 256,
    defaults: bool = True,
    explain: bool = False,
    memo: int = MEMO_SIZE,
    time_limit: float = 0.0,
    in_flight: int = 3,
) -> Iterator[ChunkResult]:
    """Decide a stream of items in chunks of ``chunk_size``, yielding each chunk's output in
    input order.

    ``workers > 1`` decides in that many forked processes (:class:`_Workers`): each chunk's
    cases go to the workers by the program they are decided on, so that a program is
    grounded by as few workers as keeps them evenly loaded (a grounding costs as much as
    deciding a few hundred cases). Memory stays constant: items are read as chunks are handed
    out, and at most ``in_flight`` chunks are out at a time."""
    options = Options(defaults, explain, memo, time_limit)
    chunks = chunked(items, chunk_size)
    if workers <= 1:
        decider = options.decider()
        for chunk in chunks:
            yield decider.decide_chunk(chunk)
        return
    pool = _Workers(workers, options)
    try:
        pending: deque[list[int]] = deque()  # the task numbers of each chunk handed out
        results: dict[int, ChunkResult] = {}
        for chunk in chunks:
            pending.append(pool.submit(chunk))
            while len(pending) >= in_flight:
                yield _gather(pool, pending.popleft(), results)
        while pending:
            yield _gather(pool, pending.popleft(), results)
        pool.close()
    finally:
        pool.end()


def _gather(pool: _Workers, tasks: list[int], results: dict[int, ChunkResult]) -> ChunkResult:
    """One chunk's output from the tasks its cases went out in, in input order."""
    for task in tasks:
        while task not in results:
            number, result = pool.result()
            results[number] = result
    parts = [results.pop(task) for task in tasks]
    if len(parts) == 1:
        return parts[0]
    size = sum(len(part.positions) for part in parts)
    out: list[bytes] = [b""] * size
    for part in parts:
        for position, line in zip(part.positions, part.lines.split(b"\n"), strict=False):
            out[position] = line
    out.append(b"")
    return ChunkResult(
        b"\n".join(out),
        cases=sum(p.cases for p in parts),
        errors=sum(p.errors for p in parts),
        one_solve=sum(p.one_solve for p in parts),
        two_solves=sum(p.two_solves for p in parts),
        memo_hits=sum(p.memo_hits for p in parts),
        memo_lookups=sum(p.memo_lookups for p in parts),
    )


# The cost of grounding a program, in cases decided (a grounding and its tables take about as
# long as deciding this many cases).
_GROUNDING = 300
_PIECE = 32  # the fewest cases of one program handed to a worker apart


class _Workers:
    """Worker processes, each with its own queue of tasks and one queue of results.

    A chunk is split by the program its cases are decided on (read cheaply from each line:
    the pack, the version by the as-of date, the overlays), and each program's cases go, in
    pieces, to the worker least loaded counting a grounding for a worker that has not got
    the program yet: a program is grounded once while that keeps the workers even, and by
    more workers when its cases are many."""

    def __init__(self, workers: int, options: Options) -> None:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        # fork: workers start with the engine imported; spawn where fork is not offered
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.results: Any = context.Queue()
        self.tasks: list[Any] = [context.Queue() for _ in range(workers)]
        self.load = [0] * workers  # cases handed out (and groundings) to each worker
        self.has: list[set[Any]] = [set() for _ in range(workers)]
        self.number = 0
        self.routes: dict[Any, Any] = {}
        self.processes = [
            context.Process(target=_serve, args=(tasks, self.results, options), daemon=True)
            for tasks in self.tasks
        ]
        for process in self.processes:
            process.start()

    def submit(self, chunk: list[Item]) -> list[int]:
        """Hand a chunk's cases out; the task numbers, in the order to gather them."""
        groups: dict[Any, list[int]] = {}
        for position, item in enumerate(chunk):
            groups.setdefault(self._route(item), []).append(position)
        by_worker: list[list[int]] = [[] for _ in self.tasks]
        for key, positions in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            for start in range(0, len(positions), _PIECE):
                piece = positions[start : start + _PIECE]
                w = min(
                    range(len(self.tasks)),
                    key=lambda w: self.load[w] + (0 if key is None or key in self.has[w]
                                                  else _GROUNDING),
                )
                if key is not None and key not in self.has[w]:
                    self.has[w].add(key)
                    self.load[w] += _GROUNDING
                self.load[w] += len(piece)
                by_worker[w].extend(piece)
        numbers = []
        for w, positions in enumerate(by_worker):
            if positions:
                positions.sort()
                self.number += 1
                self.tasks[w].put((self.number, positions, [chunk[i] for i in positions]))
                numbers.append(self.number)
        return numbers

    def _route(self, item: Item) -> Any:
        """The program an item is decided on, as far as a cheap reading of it tells (None:
        any worker will do)."""
        _, data, is_path = item
        if is_path:
            return None
        try:
            if isinstance(data, bytes | str):
                data = orjson.loads(data)
            if not isinstance(data, Mapping):
                return None
            overlays = data.get("overlays")
            raw = (data.get("rule"), data.get("court"), data.get("as_of"),
                   data.get("rule_version"), tuple(overlays) if overlays else ())
            key = self.routes.get(raw)
            if key is None:
                key = self.routes[raw] = _route_key(*raw)
                if len(self.routes) > 65_536:
                    self.routes.clear()
            return key
        except Exception:  # the worker reports what is wrong with it
            return None

    def result(self) -> tuple[int, ChunkResult]:
        import queue

        while True:
            try:
                number, result = self.results.get(timeout=0.5)
                break
            except queue.Empty:  # a worker ended from outside (killed) sends nothing more
                for process in self.processes:
                    if process.exitcode is not None:
                        code = process.exitcode
                        how = f"signal {-code}" if code < 0 else f"status {code}"
                        raise RulepathError(
                            "workers", f"worker process {process.pid} ended unexpectedly "
                            f"({how}); the cases it held were not decided") from None
        if isinstance(result, BaseException):
            raise result
        return number, result

    def close(self) -> None:
        for tasks in self.tasks:
            tasks.put(None)
        for process in self.processes:
            process.join()

    def end(self) -> None:
        for tasks in self.tasks:  # what a stopped worker will not read is dropped at exit
            tasks.cancel_join_thread()
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()


def _route_key(rule: Any, court: Any, as_of: Any, rule_version: Any,
               overlays: tuple[Any, ...]) -> Any:
    from .casefile import _pack_of

    pack = load_pack(_pack_of({"rule": rule, "court": court}, None))
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else date.today()
    return (pack.id, pack.version_for(day, rule_version).id, overlays)


def _serve(tasks: Any, results: Any, options: Options) -> None:
    """A worker: decides the tasks of its queue until told to stop (None)."""
    gc.freeze()  # a worker process only decides cases (see quiet_gc)
    gc.set_threshold(20_000, 20, 20)
    decider = options.decider()
    while (task := tasks.get()) is not None:
        number, positions, items = task
        try:
            result = decider.decide_chunk(items)
            result.positions = positions
        except BaseException as error:
            results.put((number, error))
            raise
        results.put((number, result))


# --- the Python function -------------------------------------------------------------------------

_DECIDERS: dict[Options, LineDecider] = {}


def batch(
    lines: Iterable[bytes | str | Mapping[str, Any]],
    *,
    defaults: bool = True,
    explain: bool = False,
    memo: int = MEMO_SIZE,
    time_limit: float = 0.0,
) -> Iterator[dict[str, Any]]:
    """Decide an iterable of cases, yielding in order, for each, the decision (a
    ``rulepath/decision-1`` dict) or the error record (``rulepath/error-1``, its ``line``
    counted from 1) exactly as ``rulepath batch`` writes them: the same code path, line for
    line. A case is a JSON line (``bytes`` or ``str``, one ``rulepath/case-1`` object) or a
    record (a mapping holding the case, validated as :func:`rulepath.decide` validates one).

    Made for any engine's map over partitions (``bag.map_partitions(lambda p:
    list(rulepath.batch(p)))``): it runs in the calling process, reading 256 cases ahead.

    Per worker process: each grounded program (one per pack version and overlays met, a few
    MB each, about 0.2 s to build) is kept in the process's program cache (the 64 most
    recently used) and serves every later call; so does the memo (``memo`` decisions at
    most, a few KB each, kept from a fact pattern's second sighting on; 0: none), one per set
    of options. Memory is bounded by those two and does not grow with the number of cases.
    ``time_limit`` (seconds, 0: none) bounds one case's solving: over it the case gets an
    error record (field null) and the rest go on."""
    options = Options(defaults, explain, memo, time_limit)
    decider = _DECIDERS.get(options)
    if decider is None:
        decider = _DECIDERS[options] = options.decider()
    items = ((number, line, False) for number, line in enumerate(lines, start=1))
    for chunk in chunked(items, 256):
        for line in decider.decide_chunk(chunk).lines.split(b"\n")[:-1]:
            yield _LOADS(line)
