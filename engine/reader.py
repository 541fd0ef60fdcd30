"""The one reader of a program's consequences: three-valued truth of every term it concludes.

Generic over packs. The solver gives what holds in every completion of the unknown facts
(cautious consequences) and what holds in some (brave); :class:`Reading` turns the two into
``True`` / ``False`` / ``None`` (undetermined) for any term, finds the cite of a conclusion, the
unknown facts a conclusion depends on, and the conflicts among conclusions that the output
vocabulary (``logic/core/output.lp``) allows only once. The decoder, the explainer, the graph
and the batch all read through it.

It works on plain strings read once per program (:class:`Tables`) and per model
(:class:`Sets`), not on clingo symbols: every attribute of a clingo symbol is a call into C.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import clingo

from .program import Program, RuleDecl
from .solve import OFF, Consequences, projected

OUT, FIRED, IN, PRESUMED, READ = 0, 1, 2, 3, 4
_KINDS = {"fired": FIRED, "in": IN, "presumed": PRESUMED, "read": READ}

# A shown atom as (kind, key, name, arguments): the key of a fired/in/presumed atom is its
# argument's text, of an output atom its own text; name and arguments are an output atom's.
Entry = tuple[int, str, str, tuple[str, ...]]
# Shown atoms, converted on first sight. Clingo interns symbols, so one table serves every
# program of the process; it is bounded by the programs' shown atoms (finite domains).
_SYMBOLS: dict[clingo.Symbol, Entry] = {}
# What a read/1 atom reads (its argument's entry), by the argument's text.
_READS: dict[str, Entry] = {}


def entry_of(sym: clingo.Symbol) -> Entry:
    kind = _KINDS.get(sym.name)
    if kind is None:
        return (OUT, str(sym), sym.name, tuple(str(a) for a in sym.arguments))
    key = str(sym.arguments[0])
    if kind == READ and key not in _READS:
        _READS[key] = entry_of(sym.arguments[0])
    return (kind, key, "", ())


class Sets:
    """One side of a case's consequences (what holds in every completion, or in some)."""

    __slots__ = ("fired", "holds", "names", "out", "presumed", "read")

    def __init__(self) -> None:
        self.out: set[str] = set()  # output atoms (the declared vocabulary)
        self.names: dict[str, list[tuple[str, ...]]] = {}  # output atoms' arguments by name
        self.fired: set[str] = set()  # rule ids
        self.presumed: set[str] = set()  # default ids
        self.holds: set[str] = set()  # output atoms, heads of fired rules, inputs that hold
        self.read: list[str] = []  # what a decision reads that holds (read/1)

    def add(self, entry: Entry, rule_head: dict[str, str]) -> None:
        kind, key, name, args = entry
        if kind == OUT:
            self.out.add(key)
            self.holds.add(key)
            group = self.names.get(name)
            if group is None:
                self.names[name] = [args]
            else:
                group.append(args)
        elif kind == FIRED:
            self.fired.add(key)
            head = rule_head.get(key)
            if head is not None:
                self.holds.add(head)
        elif kind == IN:
            self.holds.add(key)
        elif kind == PRESUMED:
            self.presumed.add(key)
        else:
            self.read.append(key)


class Tables:
    """What the reader and the decoder need of a program, as plain strings (once per program)."""

    def __init__(self, program: Program) -> None:
        cite = program.cite
        self.program = program
        self.rule_head: dict[str, str] = {}
        self.decl: dict[str, RuleDecl] = {}
        # head -> [(rule id, cite as reported)] in the program's order: the cite reported is
        # that of the first rule that fired in every completion, else in some, else the first
        self.rules_for: dict[str, list[tuple[str, str]]] = {}
        self.premises_for: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for head, decls in program.rules_by_head.items():
            h = str(head)
            self.rules_for[h] = [(str(d.id), cite(d.cite)) for d in decls]
            self.premises_for[h] = [
                (str(d.id), tuple(str(p) for p in (*d.premises, *d.exceptions))) for d in decls
            ]
            for d in decls:
                self.rule_head[str(d.id)] = h
                self.decl[str(d.id)] = d
        # heads whose rules all carry one cite: the cite reported does not depend on firing
        self.one_cite = {
            h: rules[0][1] for h, rules in self.rules_for.items() if len({c for _, c in rules}) == 1
        }
        self.input_path: dict[str, str] = {
            str(i.term): program.input_path(i) for i in program.inputs
        }
        # outputs that may hold at most once, with an argument: a second value is a conflict
        self.single = sorted(
            (o.name, o.arity)
            for o in program.outputs.values()
            if o.cardinality != "any" and o.arity > 0
        )
        self.texts = dict(program.texts)

    def text(self, key: str) -> str:
        text = self.texts.get(key)
        return key.replace("_", " ") if text is None else text


def tables_for(program: Program) -> Tables:
    """The reader's tables of a program, built once."""
    return program.derived("reader.tables", Tables)


def sets_of(t: Tables, symbols: Iterable[clingo.Symbol]) -> Sets:
    """The sets of shown symbols."""
    s = Sets()
    head = t.rule_head
    table = _SYMBOLS
    for sym in symbols:
        entry = table.get(sym)
        if entry is None:
            entry = table[sym] = entry_of(sym)
        s.add(entry, head)
    return s


class Shown:
    """The reading of one program's one-solve consequences (:class:`solve.OneSolve`), prepared
    once per program: every projected atom's shown term and its complement by the raw value
    of its symbol (clingo interns symbols, so a symbol's raw value stands for it for the life
    of the process), each with what the reader makes of it. A case's reading is then a few set
    operations over the model's raw values; no symbol is converted or hashed per case."""

    def __init__(self, program: Program) -> None:
        t = tables_for(program)
        self.tables = t
        self.out: dict[int, tuple[str, str, tuple[str, ...]]] = {}
        self.out_key: dict[int, str] = {}
        self.fired: dict[int, str] = {}
        self.head: dict[int, str] = {}  # a firing -> the head it makes hold
        self.inputs: dict[int, str] = {}
        self.presumed: dict[int, str] = {}
        for _, shown, _ in projected(program):
            kind, key, name, args = entry_of(shown)
            rep = shown._rep
            if kind == OUT:
                self.out[rep] = (key, name, args)
                self.out_key[rep] = key
            elif kind == FIRED:
                self.fired[rep] = key
                if (h := t.rule_head.get(key)) is not None:
                    self.head[rep] = h
            elif kind == IN:
                self.inputs[rep] = key
            elif kind == PRESUMED:
                self.presumed[rep] = key
        # a complement -> the atom's shown value
        self.off = {
            a.symbol._rep: a.symbol.arguments[0]._rep
            for a in program.control.symbolic_atoms.by_signature(OFF, 1)
        }
        self.off_values = frozenset(self.off)
        self.positive = frozenset((*self.out, *self.fired, *self.inputs, *self.presumed))
        self.out_values = frozenset(self.out)
        self.fired_values = frozenset(self.fired)
        self.head_values = frozenset(self.head)
        self.input_values = frozenset(self.inputs)
        self.presumed_values = frozenset(self.presumed)
    def sides(self, shown: list[int]) -> tuple[set[int], set[int]]:
        """(certain, possible) of one solve's shown raw values: an atom is possible when it is
        shown, certain when its complement is not."""
        values = set(shown)
        possible = values & self.positive
        return possible.difference(map(self.off.__getitem__, values & self.off_values)), possible

    def reading(self, certain: set[int], possible: set[int]) -> Reading:
        return Reading(self.tables, self._sets(certain), self._sets(possible))

    def _sets(self, values: set[int]) -> Sets:
        s = Sets()
        out = self.out
        names = s.names
        outs = values & self.out_values
        for v in outs:
            _, name, args = out[v]
            group = names.get(name)
            if group is None:
                names[name] = [args]
            else:
                group.append(args)
        s.out = set(map(self.out_key.__getitem__, outs))
        fired = values & self.fired_values
        s.fired = set(map(self.fired.__getitem__, fired))
        s.presumed = set(map(self.presumed.__getitem__, values & self.presumed_values))
        s.holds = s.out.union(
            map(self.head.__getitem__, fired & self.head_values),
            map(self.inputs.__getitem__, values & self.input_values),
        )
        return s


class ReadShown:
    """The reading of one program's :data:`solve.READS` variant, prepared once per program:
    each ``read/1`` atom and its complement by raw value, and what it reads."""

    def __init__(self, program: Program) -> None:
        t = tables_for(program)
        self.tables = t
        self.reads: dict[int, Entry] = {}
        self.key: dict[int, int] = {}  # read(X) -> a small number (for the template's key)
        for i, a in enumerate(program.control.symbolic_atoms.by_signature("read", 1)):
            _, key, _, _ = entry_of(a.symbol)
            self.reads[a.symbol._rep] = _READS[key]
            self.key[a.symbol._rep] = i
        self.off = {
            a.symbol._rep: a.symbol.arguments[0]._rep
            for a in program.control.symbolic_atoms.by_signature(OFF, 1)
        }
        self.read_values = frozenset(self.reads)
        self.off_values = frozenset(self.off)

    def determined(self, shown: list[int]) -> set[int] | None:
        """The ``read/1`` atoms that hold in every completion, when every completion agrees
        on all of them; else None."""
        values = set(shown)
        possible = values & self.read_values
        if not possible.isdisjoint(map(self.off.__getitem__, values & self.off_values)):
            return None
        return possible

    def reading(self, reads: set[int]) -> Reading:
        """The determined reading of those atoms: its two sides one model."""
        s = Sets()
        head = self.tables.rule_head
        for v in reads:
            s.add(self.reads[v], head)
        return Reading(self.tables, s, s)


def read_shown_for(program: Program) -> ReadShown:
    return program.derived("reader.read_shown", ReadShown)


def shown_for(program: Program) -> Shown:
    """The one-solve reading tables of a program's consequences variant, built once."""
    return program.derived("reader.shown", Shown)


class Reading:
    """Three-valued truth of any term, and what follows from it, for one case: ``certain``
    holds in every completion of the unknown facts, ``possible`` in some (the same object
    when the case is determined)."""

    __slots__ = ("_reached", "certain", "possible", "tables")

    def __init__(self, tables: Tables, certain: Sets, possible: Sets) -> None:
        self.tables = tables
        self.certain = certain
        self.possible = possible
        self._reached: dict[str, frozenset[str]] | None = None

    @classmethod
    def of(cls, program: Program, cons: Consequences) -> Reading:
        t = tables_for(program)
        return cls(t, sets_of(t, cons.certain), sets_of(t, cons.possible))

    @property
    def determined(self) -> bool:
        return self.certain is self.possible

    def truth(self, term: str | clingo.Symbol) -> bool | None:
        key = term if isinstance(term, str) else str(term)
        if key in self.certain.holds:
            return True
        if key not in self.possible.holds:
            return False
        return None

    def fired(self, rule: str) -> bool | None:
        """Whether a rule fires: in every completion, in none, or in some (None)."""
        return _three(rule in self.certain.fired, rule in self.possible.fired)

    def presumed(self, default: str) -> bool | None:
        """Whether a presumption is relied on: in every completion, in none, or in some."""
        return _three(default in self.certain.presumed, default in self.possible.presumed)

    def requirement_status(self, q: str) -> str | None:
        """``excused``, ``met``, ``unmet`` or ``unknown``; None where the requirement does not
        apply in any completion."""
        if self.truth(f"excused({q})"):
            return "excused"
        applies = self.truth(f"req({q})")
        if applies is False:
            return None
        met = self.truth(f"met({q})") if applies else None
        return "met" if met else "unmet" if met is False else "unknown"

    def values(self, name: str, arity: int) -> list[tuple[str, ...]]:
        """The arguments of the output atoms ``name/arity`` that hold in every completion."""
        return sorted(a for a in self.certain.names.get(name, ()) if len(a) == arity)

    def possible_values(self, name: str, arity: int) -> list[tuple[str, ...]]:
        return sorted(a for a in self.possible.names.get(name, ()) if len(a) == arity)

    def rules_concluding(self, term: str, *, certain: bool = True) -> list[RuleDecl]:
        """The rules concluding ``term`` that fire (in every completion, or in some)."""
        fired = (self.certain if certain else self.possible).fired
        t = self.tables
        return [t.decl[rid] for rid, _ in t.rules_for.get(term, ()) if rid in fired]

    def cite(self, term: str) -> str:
        """The cite of a conclusion: of the rule that concluded it."""
        t = self.tables
        one = t.one_cite.get(term)
        if one is not None:
            return one
        rules = t.rules_for.get(term, ())
        for fired in (self.certain.fired, self.possible.fired):
            for rid, rcite in rules:
                if rid in fired:
                    return rcite
        return rules[0][1] if rules else ""

    def depends_on(self, term: str) -> set[str]:
        """The unknown input facts (their case-file paths) that a conclusion turns on: every
        undetermined input reached from it through the undetermined premises (and exceptions)
        of the rules concluding each atom that fire in some completion but not in every one.
        Only a rule that fires in some completion can make the conclusion turn on a fact: one
        that fires in none (a premise certainly false, e.g. a notice period that cannot apply
        on this route) names none of its unknown premises. What an atom reaches is kept for
        the reading's other conclusions (unless it lies on a loop still being walked)."""
        if self._reached is None:
            self._reached = {}
        return set(self._reach(term, {}, self._reached)[0])

    def _reach(
        self, x: str, walking: dict[str, int], done: dict[str, frozenset[str]]
    ) -> tuple[frozenset[str], int]:
        """(the paths x reaches, the shallowest depth of an atom still being walked that x
        reached: when that atom is above x, x's paths are not final and are not kept)."""
        found = done.get(x)
        if found is not None:
            return found, len(walking) + 1
        t = self.tables
        path = t.input_path.get(x)
        if path is not None:
            paths = frozenset((path,)) if self.truth(x) is None else frozenset()
            done[x] = paths
            return paths, len(walking) + 1
        depth = len(walking)
        walking[x] = depth
        low = depth + 1
        acc: set[str] = set()
        c_fired, p_fired, truth = self.certain.fired, self.possible.fired, self.truth
        for rid, premises in t.premises_for.get(x, ()):
            if rid in c_fired or rid not in p_fired:
                continue
            for q in premises:
                if q in walking:
                    low = min(low, walking[q])
                    continue
                if truth(q) is None:
                    paths, reached = self._reach(q, walking, done)
                    acc.update(paths)
                    low = min(low, reached)
        del walking[x]
        result = frozenset(acc)
        if low >= depth:  # no loop through an atom walked above x
            done[x] = result
        return result, low

    def conflicts(self) -> list[dict[str, Any]]:
        """Conclusions the vocabulary allows at most once that hold twice or more in every
        completion, with the rules that drew each and their cites."""
        out: list[dict[str, Any]] = []
        for name, arity in self.tables.single:
            values = self.values(name, arity)
            if len(values) < 2:
                continue
            rules = []
            for args in values:
                term = f"{name}({','.join(args)})"
                rules += [
                    {
                        "value": ",".join(args),
                        "rule": str(r.id),
                        "cite": self.tables.program.cite(r.cite),
                    }
                    for r in self.rules_concluding(term)
                ]
            out.append(
                {"conclusion": name, "values": [",".join(a) for a in values], "rules": rules}
            )
        return out


def _three(certain: bool, possible: bool) -> bool | None:
    return True if certain else (None if possible else False)
