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

from collections.abc import Callable, Iterable
from typing import Any

import clingo
import orjson

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
        # shown atoms without a complement (none, as the variant is built): certain when shown;
        # and whether no atom has two (then certain is what lacks a shown complement)
        self.uncomplemented = self.positive - frozenset(self.off.values())
        self.one_complement = len(set(self.off.values())) == len(self.off)
        # Then (every shown atom has one complement, as the variant is built) an atom holds
        # in every completion when its complement is not shown, in some when it is shown:
        # the raw values of a solve are read as they are (:class:`RawReading`), by the
        # (atom, complement) pairs of each rule's firing and of what makes each atom hold
        # (its output or input atom, the firings of the rules concluding it).
        self.raw = self.one_complement and not self.uncomplemented
        self.complement = {atom: off for off, atom in self.off.items()}
        pair = self.complement.get
        self.rule_pair: dict[str, tuple[int, int]] = {
            rid: (rep, pair(rep, 0)) for rep, rid in self.fired.items()
        }
        holds: dict[str, list[tuple[int, int]]] = {}
        for table in (self.out_key, self.head, self.inputs):
            for rep, key in table.items():
                holds.setdefault(key, []).append((rep, pair(rep, 0)))
        self.holds_pairs = {key: tuple(pairs) for key, pairs in holds.items()}

    def sides(self, shown: list[int]) -> tuple[set[int], set[int]]:
        """(certain, possible) of one solve's shown raw values: an atom is possible when it is
        shown, certain when its complement is not. (The enumeration shows each atom or its
        complement, so the atoms whose complement is missing are few: they are read from the
        complements not shown rather than by discarding the many shown.)"""
        return self.sides_of(set(shown))

    def sides_of(self, values: set[int]) -> tuple[set[int], set[int]]:
        """:meth:`sides` of the shown raw values as a set."""
        possible = values & self.positive
        off = self.off.__getitem__
        if not self.one_complement:
            return possible.difference(map(off, values & self.off_values)), possible
        certain = possible.intersection(map(off, self.off_values - values))
        if self.uncomplemented:
            certain |= possible & self.uncomplemented
        return certain, possible

    def reading(self, certain: set[int], possible: set[int]) -> Reading:
        return Reading(self.tables, self._sets(certain), self._sets(possible))

    def decoding(self, values: set[int]) -> RawSides:
        """The reading :func:`decode.decode_dict` reads of one solve's shown raw values (only
        when :attr:`raw`): its sides' outputs, firings and presumptions, the truth of a term
        and the facts a conclusion depends on read of the values as they are."""
        comp = self.complement.get
        out_p = values & self.out_values
        fired_p = values & self.fired_values
        presumed_p = values & self.presumed_values
        sides = []
        for out, fired, presumed in (
            ({v for v in out_p if comp(v, 0) not in values},
             {v for v in fired_p if comp(v, 0) not in values},
             {v for v in presumed_p if comp(v, 0) not in values}),
            (out_p, fired_p, presumed_p),
        ):
            s = Sets()
            _group_outputs(s.names, self.out, out)
            s.out = set(map(self.out_key.__getitem__, out))
            s.fired = set(map(self.fired.__getitem__, fired))
            s.presumed = set(map(self.presumed.__getitem__, presumed))
            sides.append(s)
        return RawSides(self.tables, sides[0], sides[1], RawReading(self, values))

    def raw_reading(self, values: set[int]) -> RawReading:
        """What :meth:`Reading.depends_on` walks, read of the shown raw values as they are
        (only when :attr:`raw`)."""
        return RawReading(self, values)

    def _sets(self, values: set[int]) -> Sets:
        s = Sets()
        outs = values & self.out_values
        _group_outputs(s.names, self.out, outs)
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
        c_holds, p_holds = self.certain.holds, self.possible.holds
        c_fired, p_fired = self.certain.fired, self.possible.fired

        def doubtful(x: str) -> bool:
            return x not in c_holds and x in p_holds

        def wavers(rule: str) -> bool:
            return rule not in c_fired and rule in p_fired

        return set(_reach(self.tables, term, {}, self._reached, doubtful, wavers)[0])

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


def _group_outputs(names: dict[str, list[tuple[str, ...]]], table: Any,
                   values: Iterable[int]) -> None:
    """Add the arguments of the output atoms among ``values`` to ``names``, by name."""
    for v in values:
        _, name, args = table[v]
        group = names.get(name)
        if group is None:
            names[name] = [args]
        else:
            group.append(args)


def _three(certain: bool, possible: bool) -> bool | None:
    return True if certain else (None if possible else False)


def _reach(
    t: Tables,
    x: str,
    walking: dict[str, int],
    done: dict[str, frozenset[str]],
    doubtful: Callable[[str], bool],
    wavers: Callable[[str], bool],
) -> tuple[frozenset[str], int]:
    """The walk of :meth:`Reading.depends_on` (``doubtful``: whether an atom is undetermined;
    ``wavers``: whether a rule fires in some completion but not in every one): (the paths x
    reaches, the shallowest depth of an atom still being walked that x reached: when that
    atom is above x, x's paths are not final and are not kept)."""
    found = done.get(x)
    if found is not None:
        return found, len(walking) + 1
    path = t.input_path.get(x)
    if path is not None:
        paths = frozenset((path,)) if doubtful(x) else frozenset()
        done[x] = paths
        return paths, len(walking) + 1
    depth = len(walking)
    walking[x] = depth
    low = depth + 1
    acc: set[str] = set()
    for rid, premises in t.premises_for.get(x, ()):
        if not wavers(rid):
            continue
        for q in premises:
            if q in walking:
                low = min(low, walking[q])
                continue
            if doubtful(q):
                paths, reached = _reach(t, q, walking, done, doubtful, wavers)
                acc.update(paths)
                low = min(low, reached)
    del walking[x]
    result = frozenset(acc)
    if low >= depth:  # no loop through an atom walked above x
        done[x] = result
    return result, low


class Walk:
    """:meth:`Reading.depends_on` as reachability over small integers, prepared once per
    program (for :class:`RawReading`). The walk's result is what it reaches: every
    undetermined input reached from the conclusion through the undetermined premises of the
    rules concluding each atom that fire in some completion but not in every one (the memo
    and the loop rule of :func:`_reach` only spare work: they give the same set).

    Atoms (heads, premises, inputs) are numbered; for each: the bit of its case-file path (an
    input; 0 for any other atom), the (shown value, complement) pairs that make it hold
    (:attr:`Shown.holds_pairs`), the rules concluding it that may fire, each as (its firing,
    its complement, its premises' numbers), and whether it lies on a loop of the rules
    (premise to head, whatever the case). A set of paths is an int of their bits, bit ``i``
    the ``i``-th path in sorted order, so that the bits taken low to high are the paths
    sorted."""

    def __init__(self, shown: Shown) -> None:
        t = shown.tables
        self.ids: dict[str, int] = {}
        self.input: list[bool] = []
        self.pairs: list[tuple[tuple[int, int], ...]] = []
        self.rules: list[tuple[tuple[int, int, tuple[int, ...]], ...]] = []
        self.pairs_of = shown.holds_pairs  # by the term's text
        inputs: list[str | None] = []
        for head in t.premises_for:
            self._id(head, t, shown, inputs)
        for head, rules in t.premises_for.items():
            x = self.ids[head]
            if self.input[x]:
                continue  # an input is a leaf of the walk
            found = []
            for rid, premises in rules:
                pair = shown.rule_pair.get(rid)
                if pair is not None:
                    found.append((*pair, tuple(self._id(q, t, shown, inputs) for q in premises)))
            self.rules[x] = tuple(found)
        self.paths = sorted({p for p in inputs if p is not None})
        bit = {p: 1 << i for i, p in enumerate(self.paths)}
        self.bit = [0 if p is None else bit[p] for p in inputs]
        self.looped = _looped(self.rules)
        # a set of paths (bits) -> its JSON list; bounded (cleared when full)
        self._json: dict[int, bytes] = {}

    def _id(self, x: str, t: Tables, shown: Shown, inputs: list[str | None]) -> int:
        n = self.ids.get(x)
        if n is None:
            n = self.ids[x] = len(inputs)
            path = t.input_path.get(x)
            inputs.append(path)
            self.input.append(path is not None)
            self.pairs.append(shown.holds_pairs.get(x, ()))
            self.rules.append(())
        return n

    def paths_of(self, bits: int) -> list[str]:
        """The paths of a set of bits, sorted."""
        paths = self.paths
        out = []
        while bits:
            low = bits & -bits
            out.append(paths[low.bit_length() - 1])
            bits ^= low
        return out

    def json_of(self, bits: int) -> bytes:
        """:meth:`paths_of` as JSON (kept)."""
        found = self._json.get(bits)
        if found is None:
            if len(self._json) >= 4096:
                self._json.clear()
            found = self._json[bits] = orjson.dumps(self.paths_of(bits))
        return found


def _looped(rules: list[tuple[tuple[int, int, tuple[int, ...]], ...]]) -> list[bool]:
    """Whether each atom lies on a loop of premise edges (head to premise, any rule): its
    strongly connected component has more than one atom, or it is its own premise."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(rules)))
    graph.add_edges_from((x, q) for x, rs in enumerate(rules) for _, _, premises in rs
                         for q in premises)
    looped = [False] * len(rules)
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1 or any(graph.has_edge(x, x) for x in component):
            for x in component:
                looped[x] = True
    return looped


def walk_for(shown: Shown) -> Walk:
    """The integer walk of a program's one-solve reading, built once."""
    return shown.tables.program.derived("reader.walk", lambda _: Walk(shown))


class RawReading:
    """:meth:`Reading.depends_on` of one solve's shown raw values as they are (see
    :attr:`Shown.raw`): an atom or firing of ``(rep, complement)`` holds in every completion
    when ``rep`` is shown and its complement is not, in some when ``rep`` is shown. No set is
    built but the values. Per case it keeps whether each atom met is undetermined
    (``_doubt``) and what each reaches, as bits (``_reach``): an atom on no loop reaches
    what its children reach, one on a loop is searched from afresh (:meth:`_search`)."""

    __slots__ = ("_doubt", "_reach", "values", "walk")

    def __init__(self, shown: Shown, values: set[int]) -> None:
        self.walk = walk_for(shown)
        self.values = values
        self._doubt: dict[int, bool] = {}
        self._reach: dict[int, int] = {}

    def depends_on(self, term: str) -> set[str]:
        return self.depends_on_all((term,))

    def depends_on_all(self, terms: tuple[str, ...]) -> set[str]:
        """The union of :meth:`depends_on` of each term."""
        return set(self.walk.paths_of(self.bits(terms)))

    def bits(self, terms: tuple[str, ...]) -> int:
        """The union of :meth:`depends_on` of each term, as bits (:class:`Walk`)."""
        ids = self.walk.ids
        out = 0
        for x in terms:
            n = ids.get(x)
            if n is not None:
                out |= self._reached(n)
        return out

    def _reached(self, root: int) -> int:
        memo = self._reach
        found = memo.get(root)
        if found is not None:
            return found
        walk, values, doubt = self.walk, self.values, self._doubt
        bit, rules, looped = walk.bit, walk.rules, walk.looped
        stack = [root]
        while stack:
            x = stack[-1]
            if x in memo:
                stack.pop()
                continue
            if bit[x]:
                memo[x] = bit[x] if self._doubtful(x) else 0
                stack.pop()
                continue
            if looped[x]:
                memo[x] = self._search(x)
                stack.pop()
                continue
            acc = 0
            pending = False
            for rep, off, premises in rules[x]:
                if rep in values and off in values:  # fires in some completion, not in all
                    for q in premises:
                        d = doubt.get(q)
                        if d is None:
                            d = self._doubtful(q)
                        if d:
                            r = memo.get(q)
                            if r is None:
                                stack.append(q)
                                pending = True
                            else:
                                acc |= r
            if not pending:
                memo[x] = acc
                stack.pop()
        return memo[root]

    def _search(self, root: int) -> int:
        """What an atom on a loop reaches: a plain search (each atom visited once)."""
        walk, values, doubt = self.walk, self.values, self._doubt
        bit, rules = walk.bit, walk.rules
        stack = [root]
        seen = {root}
        out = 0
        while stack:
            x = stack.pop()
            if bit[x]:
                if self._doubtful(x):
                    out |= bit[x]
                continue
            for rep, off, premises in rules[x]:
                if rep in values and off in values:
                    for q in premises:
                        if q not in seen:
                            seen.add(q)
                            d = doubt.get(q)
                            if d is None:
                                d = self._doubtful(q)
                            if d:
                                stack.append(q)
        return out

    def truth(self, key: str) -> bool | None:
        """Whether a term holds in every completion, in none, or in some (None)."""
        values = self.values
        seen = False
        for rep, off in self.walk.pairs_of.get(key, ()):
            if rep in values:
                if off not in values:
                    return True
                seen = True
        return None if seen else False

    def _doubtful(self, x: int) -> bool:
        """Whether atom ``x`` holds in some completion but not in every one (kept)."""
        values = self.values
        seen = False
        for rep, off in self.walk.pairs[x]:
            if rep in values:
                if off not in values:  # it holds in every completion
                    seen = False
                    break
                seen = True
        self._doubt[x] = seen
        return seen


class RawSides(Reading):
    """A :class:`Reading` of one solve's shown raw values (:meth:`Shown.decoding`): its sides
    hold the outputs, firings and presumptions (not ``holds``); :meth:`truth` and
    :meth:`depends_on` read the values as they are (:class:`RawReading`), as the sides'
    ``holds`` would give them."""

    __slots__ = ("raw",)

    def __init__(self, tables: Tables, certain: Sets, possible: Sets, raw: RawReading) -> None:
        super().__init__(tables, certain, possible)
        self.raw = raw

    def truth(self, term: str | clingo.Symbol) -> bool | None:
        key = term if isinstance(term, str) else str(term)
        return self.raw.truth(key)

    def depends_on(self, term: str) -> set[str]:
        return self.raw.depends_on(term)
