"""Exact projected model counts of a ground program, by its Clark completion and Ganak.

A rule pack's scenario program is a choice over input atoms followed by derived atoms and
constraints. Its answer sets projected on the inputs are the scenarios; counting them exactly
is #SAT, which clingo's enumeration cannot do at 10^25 scenarios. The completion of the
ground program (each atom true exactly when the body of one of its rules is) has the same
models as the answer sets when the program is *tight* (no loop through positive bodies), and
an exact projected model counter (Ganak, via ``pyganak``) counts those models without
enumerating them.

A positive loop is allowed where it cannot change a count: its atoms are used only by rules
of the same loop and positively in constraints (a transitive closure feeding a no-cycle check,
as ``logic/core/scenarios.lp`` has). A completion model may then make more loop atoms true
than the answer set does, which can only violate more constraints; the answer set of the same
inputs is itself a completion model, so the projection on the inputs is unchanged. Any other
loop, or an aggregate too large to expand, makes the program *not countable*
(:class:`NotCountable`, with the reason), and callers report "not counted".
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

# An aggregate (weight rule) over more literals than this is not expanded into clauses.
MAX_AGGREGATE = 12

Rule = tuple[bool, list[int], list[int]]
WeightRule = tuple[bool, list[int], int, list[tuple[int, int]]]


class NotCountable(Exception):
    """The program's completion would not count its answer sets exactly."""


class Completion:
    """The completion of a ground program as CNF over its atoms (variable = atom number),
    with one auxiliary variable per rule body."""

    def __init__(self, rules: Iterable[Rule], weight_rules: Iterable[WeightRule] = ()) -> None:
        self.clauses: list[list[int]] = []
        rules, weight_rules = list(rules), list(weight_rules)
        self.atoms: set[int] = set()
        for _, head, body in rules:
            self.atoms.update(head)
            self.atoms.update(abs(x) for x in body)
        for _, head, _, wbody in weight_rules:
            self.atoms.update(head)
            self.atoms.update(abs(x) for x, _ in wbody)
        self.variables = max(self.atoms, default=0)  # auxiliaries are numbered after atoms
        support: dict[int, list[int]] = {}  # atom -> body variables of its rules
        positive: dict[int, set[int]] = {}  # head atom -> atoms of its positive body
        used_by: dict[int, list[tuple[int | None, bool]]] = {}  # atom -> (head, positively)
        bodies = [(choice, head, body, self._and(body)) for choice, head, body in rules]
        bodies += [(choice, head, [x for x, _ in wbody], self._aggregate(lower, wbody))
                   for choice, head, lower, wbody in weight_rules]
        for choice, head, body, b in bodies:
            if len(head) > 1 and not choice:
                raise NotCountable("a disjunctive rule")
            heads: list[int | None] = list(head) if head else [None]
            for x in body:
                for h in heads:
                    used_by.setdefault(abs(x), []).append((h, x > 0))
            if not head:
                self.clauses.append([-b])
            for h in head:
                if not choice:
                    self.clauses.append([-b, h])
                support.setdefault(h, []).append(b)
                positive.setdefault(h, set()).update(x for x in body if x > 0)
        for a in self.atoms:
            self.clauses.append([-a, *support.get(a, [])])
        _check_loops(positive, used_by)

    def _aggregate(self, lower: int, wbody: list[tuple[int, int]]) -> int:
        """A variable equivalent to ``lower <= sum of the weights of the true literals``, as
        the disjunction of its minimal sufficient subsets."""
        if len(wbody) > MAX_AGGREGATE or any(w < 0 for _, w in wbody):
            raise NotCountable("an aggregate too large to expand")
        minimal: list[tuple[tuple[int, int], ...]] = []
        for k in range(len(wbody) + 1):
            for subset in combinations(wbody, k):
                if sum(w for _, w in subset) >= lower and not any(
                        set(m) <= set(subset) for m in minimal):
                    minimal.append(subset)
        alternatives = [self._and(x for x, _ in m) for m in minimal]
        v = self._fresh()
        for alt in alternatives:
            self.clauses.append([-alt, v])
        self.clauses.append([-v, *alternatives])
        return v

    def _fresh(self) -> int:
        self.variables += 1
        return self.variables

    def _and(self, lits: Iterable[int]) -> int:
        lits = list(lits)
        if len(lits) == 1:
            return lits[0]
        v = self._fresh()
        for x in lits:
            self.clauses.append([-v, x])
        self.clauses.append([v, *(-x for x in lits)])
        return v



def _check_loops(positive: dict[int, set[int]],
                 used_by: dict[int, list[tuple[int | None, bool]]]) -> None:
    """Refuse a positive loop unless its atoms only feed the loop itself and constraints,
    positively (see the module's words)."""
    for scc in _sccs(positive):
        members = set(scc)
        if len(scc) == 1 and scc[0] not in positive.get(scc[0], set()):
            continue
        for a in scc:
            for head, pos in used_by.get(a, []):
                if not pos or (head is not None and head not in members):
                    raise NotCountable("a positive loop whose atoms other rules read")


def _sccs(edges: dict[int, set[int]]) -> list[list[int]]:
    """Strongly connected components (Tarjan, iterative) of head -> positive body atoms."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in list(edges):
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(edges.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == node:
                        break
                out.append(comp)
    return out


def count(completion: Completion, projection: Iterable[int], assume: Iterable[int] = ()
          ) -> int:
    """The models of the completion, with each literal of ``assume`` true, projected on
    ``projection`` (exact)."""
    from pyganak import Counter

    counter = Counter()
    counter.new_vars(completion.variables)
    counter.add_clauses(completion.clauses)
    for x in assume:
        counter.add_clause([x])
    counter.set_sampling_set(sorted(set(projection)))
    return int(counter.count())


def _hidden_constraints(rules: list[Rule], weight_rules: list[WeightRule]) -> list[int]:
    """The atoms of every loop through negation (``p :- not p, x.`` rules out ``x`` as a
    constraint does): kept by :func:`cone` whatever reads them."""
    edges: dict[int, set[int]] = {}
    negative: set[tuple[int, int]] = set()
    for _, head, body in rules:
        for h in head:
            edges.setdefault(h, set()).update(abs(x) for x in body)
            negative.update((h, -x) for x in body if x < 0)
    for _, head, _, wbody in weight_rules:
        for h in head:
            edges.setdefault(h, set()).update(abs(x) for x, _ in wbody)
            negative.update((h, -x) for x, _ in wbody if x < 0)
    out: list[int] = []
    for scc in _sccs(edges):
        members = set(scc)
        if any((h, x) in negative for h in members for x in edges.get(h, ()) if x in members):
            out.extend(scc)
    return out


def cone(rules: list[Rule], weight_rules: list[WeightRule], roots: Iterable[int]
         ) -> tuple[list[Rule], list[WeightRule]]:
    """The rules ``roots`` and every constraint (transitively) rest on: all a count of the
    roots needs (the other atoms are defined by their rules whatever the inputs, so leaving
    them out changes no projected count)."""
    by_head: dict[int, list[int]] = {}
    wby_head: dict[int, list[int]] = {}
    wanted: list[int] = [*roots, *_hidden_constraints(rules, weight_rules)]
    for i, (_, head, body) in enumerate(rules):
        if not head:
            wanted.extend(abs(x) for x in body)
        for h in head:
            by_head.setdefault(h, []).append(i)
    for i, (_, head, _, wbody) in enumerate(weight_rules):
        if not head:
            wanted.extend(abs(x) for x, _ in wbody)
        for h in head:
            wby_head.setdefault(h, []).append(i)
    seen: set[int] = set()
    keep: set[int] = set()
    wkeep: set[int] = set()
    while wanted:
        a = wanted.pop()
        if a in seen:
            continue
        seen.add(a)
        for i in by_head.get(a, ()):
            keep.add(i)
            wanted.extend(abs(x) for x in rules[i][2])
        for i in wby_head.get(a, ()):
            wkeep.add(i)
            wanted.extend(abs(x) for x, _ in weight_rules[i][3])
    return ([r for i, r in enumerate(rules) if i in keep or not r[1]],
            [w for i, w in enumerate(weight_rules) if i in wkeep or not w[1]])
