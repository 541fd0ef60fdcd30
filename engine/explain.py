"""Justification trees read off the rule firings: why a conclusion holds, why another does not.

Generic: the explainer knows rules, premises and cites, never what a rule is about.

Every node states something true of the case: a node for ``T`` claims that ``T`` holds, a node
``not T`` that it does not, ``rule R does not apply`` that ``R`` does not fire -- in every
completion of the unknown facts, unless the node is marked ``undetermined`` (then it holds in
some completions only, and ``depends_on`` names the unknown facts it turns on). A why node
lists every rule that concludes ``T`` (every one that fires); a why-not node lists every rule
that could conclude ``T``, each with every premise that fails. Leaves are case facts (cite
``fact:<path>``), presumptions (``presumed``: a named default filled an unknown fact) and the
case's leaving a fact unknown (``unknown(T)``).
"""

from __future__ import annotations

from typing import Any

import clingo

from .facts import CaseFacts
from .program import Program, RuleDecl
from .reader import Reading
from .solve import Consequences

F = clingo.Function
Node = dict[str, Any]
VALUE = {True: "true", False: "false", None: "unknown"}
# How deep a tree may go before it is cut (a cut node says so: ``truncated``); the rule graphs
# of the packs are acyclic and some 15 deep.
MAX_DEPTH = 64


class ExplainTables:
    """What the explainer needs of a program (once per program)."""

    def __init__(self, program: Program) -> None:
        # the rules (not defaults) concluding each head, in the program's order
        self.rules_for: dict[clingo.Symbol, list[RuleDecl]] = {}
        # the defaults filling each input: (default, whether it presumes the input true)
        self.defaults_for: dict[clingo.Symbol, list[tuple[RuleDecl, bool]]] = {}
        for head, decls in program.rules_by_head.items():
            for d in decls:
                if not d.is_default:
                    self.rules_for.setdefault(head, []).append(d)
                    continue
                negative = head.name == "neg" and len(head.arguments) == 1
                target = head.arguments[0] if negative else head
                self.defaults_for.setdefault(target, []).append((d, not negative))
        # the enum values of each field (an enum takes exactly one)
        self.inputs_at: dict[str, list[clingo.Symbol]] = {}
        for i in program.inputs:
            if i.kind == "value":
                self.inputs_at.setdefault(i.path, []).append(i.term)


def explain_tables(program: Program) -> ExplainTables:
    return program.derived("explain.tables", ExplainTables)


class Explainer:
    def __init__(self, program: Program, facts: CaseFacts, cons: Consequences) -> None:
        self.program = program
        self.facts = facts
        self.view = Reading.of(program, cons)
        self.tables = explain_tables(program)
        self.known = {d.term for d in facts.known}  # the inputs the case states
        self._memo: dict[tuple[bool, clingo.Symbol], Node] = {}
        self._open: set[clingo.Symbol] = set()  # the terms on the path being explained

    # -- truth ----------------------------------------------------------------
    def _unknown_of(self, term: clingo.Symbol) -> clingo.Symbol | None:
        """The input ``T`` of a premise ``unknown(T)`` (the case leaves ``T`` unknown)."""
        if term.name == "unknown" and len(term.arguments) == 1:
            inner = term.arguments[0]
            if inner in self.program.input_by_term:
                return inner
        return None

    def truth(self, term: clingo.Symbol) -> bool | None:
        """Three-valued truth of any term a rule reads, ``unknown(T)`` included (the case's
        facts decide it; the solver does not show it)."""
        inner = self._unknown_of(term)
        if inner is not None:
            return inner not in self.known
        return self.view.truth(term)

    def rules(self, term: clingo.Symbol) -> list[RuleDecl]:
        return self.tables.rules_for.get(term, [])

    def depends_on(self, term: clingo.Symbol) -> list[str]:
        return sorted(self.view.depends_on(str(term)))

    def _cite(self, rule: RuleDecl) -> str:
        return self.program.cite(rule.cite)

    # -- leaves ---------------------------------------------------------------
    def _presumption(self, term: clingo.Symbol, truth: bool | None) -> Node | None:
        """The default that fills an unknown input, if one does: in every completion (it then
        decides the input) or in some."""
        found = self.tables.defaults_for.get(term, ())
        for every in (True, None):  # relied on in every completion, then in some
            for decl, positive in found:
                if truth is not None and positive != truth:
                    continue
                if self.view.presumed(str(decl.id)) is every:
                    return {
                        "id": str(decl.id),
                        "cite": self._cite(decl),
                        "in_every_completion": every is True,
                    }
        if truth is None:
            return None
        # another value of the same field presumed (an enum takes one value): it decides this one
        path = self.program.input_by_term[term].path
        for other in self.tables.inputs_at.get(path, ()):
            if other == term or other in self.known:
                continue
            for decl, positive in self.tables.defaults_for.get(other, ()):
                if positive and self.view.presumed(str(decl.id)) is True:
                    return {
                        "id": str(decl.id),
                        "cite": self._cite(decl),
                        "in_every_completion": True,
                        "via": str(other),
                    }
        return None

    def _input_leaf(self, term: clingo.Symbol, positive: bool) -> Node:
        program = self.program
        path = program.input_path(program.input_by_term[term])
        truth = self.truth(term)
        value = VALUE[truth]
        conclusion = f"not {term}" if not positive and truth is False else f"{term} = {value}"
        node: Node = {
            "conclusion": conclusion,
            "cite": f"fact:{path}",
            "term": str(term),
            "fact": path,
            "value": value,
        }
        if truth is None:
            node["undetermined"] = True
            node["depends_on"] = [path]
        if term not in self.known:
            presumed = self._presumption(term, truth)
            if presumed is not None:
                node["presumed"] = presumed
            if presumed is not None and presumed["in_every_completion"]:
                node["cite"] = presumed["cite"]
                node["assumed"] = presumed["id"]  # the key of earlier releases
            elif truth is not None:
                # stated nowhere, yet no completion has it otherwise: the rules' constraints
                # (one value of an enum), or presumptions together, leave it no other value
                node["stated"] = False
        return node

    def _unknown_leaf(self, term: clingo.Symbol, inner: clingo.Symbol, positive: bool) -> Node:
        program = self.program
        path = program.input_path(program.input_by_term[inner])
        truth = self.truth(term)
        value = VALUE[truth]
        return {
            "conclusion": f"not {term}" if not positive and truth is False else f"{term} = {value}",
            "cite": f"fact:{path}",
            "term": str(term),
            "fact": path,
            "value": value,
        }

    # -- the walk -------------------------------------------------------------
    def _node(self, positive: bool, term: clingo.Symbol, depth: int) -> Node:
        key = (positive, term)
        node = self._memo.get(key)
        if node is not None:
            return node
        if term in self._open or depth > MAX_DEPTH:
            # a cycle in the rules, or a tree too deep: said, never a bare leaf
            cut = {
                "conclusion": str(term) if positive else f"not {term}",
                "cite": "",
                "term": str(term),
                "because": [],
                "truncated": True,
            }
            if self.truth(term) is None:
                cut["undetermined"] = True
            return cut
        self._open.add(term)
        try:
            node = self._why(term, depth) if positive else self._why_not(term, depth)
        finally:
            self._open.discard(term)
        self._memo[key] = node
        return node

    def why(self, term: clingo.Symbol, depth: int = 0) -> Node:
        """Why ``term`` holds (in every completion, or in some: ``undetermined``)."""
        return self._node(True, term, depth)

    def why_not(self, term: clingo.Symbol, depth: int = 0) -> Node:
        """Why ``term`` does not hold: every rule that could conclude it, and why each fails."""
        return self._node(False, term, depth)

    # -- why ------------------------------------------------------------------
    def _why(self, term: clingo.Symbol, depth: int) -> Node:
        if term in self.program.input_by_term:
            return self._input_leaf(term, True)
        inner = self._unknown_of(term)
        if inner is not None:
            return self._unknown_leaf(term, inner, True)
        truth = self.truth(term)
        if truth is False:  # never claim a conclusion that does not hold
            return self._why_not(term, depth)
        rules = self.rules(term)
        every = [r for r in rules if self.view.fired(str(r.id)) is True]
        some = [r for r in rules if self.view.fired(str(r.id)) is not False]
        if not some:  # nothing concludes it (not a conclusion of these rules)
            return {"conclusion": str(term), "cite": "", "term": str(term), "because": []}
        by_cases = truth is True and not every  # one rule or another in each completion
        chosen = every if every else some
        if len(chosen) == 1 and not by_cases:
            node = self._applies(term, chosen[0], depth, by=False)
        else:
            node = {
                "conclusion": str(term),
                "cite": self._cite(chosen[0]),
                "term": str(term),
                "because": [self._applies(term, r, depth, by=True) for r in chosen],
            }
            if by_cases:
                node["by_cases"] = True
        if truth is None:
            node["undetermined"] = True
            node["depends_on"] = self.depends_on(term)
        return node

    def _applies(self, term: clingo.Symbol, rule: RuleDecl, depth: int, *, by: bool) -> Node:
        """Why ``rule`` concludes ``term``: every premise, and every exception it escapes."""
        because = [self.why(p, depth + 1) for p in rule.premises]
        because += [self.why_not(n, depth + 1) for n in rule.exceptions]
        defeat = F("defeats", [rule.id])
        if self.rules(defeat) and self.truth(defeat) is not False:
            because.append(self.why_not(defeat, depth + 1))
        rid = str(rule.id)
        node: Node = {
            "conclusion": f"{term} by rule {rid}" if by else str(term),
            "cite": self._cite(rule),
            "rule": rid,
            "term": str(term),
            "because": because,
        }
        if self.view.fired(rid) is None:
            node["undetermined"] = True
        return node

    # -- why not --------------------------------------------------------------
    def _why_not(self, term: clingo.Symbol, depth: int) -> Node:
        if term in self.program.input_by_term:
            return self._input_leaf(term, False)
        inner = self._unknown_of(term)
        if inner is not None:
            return self._unknown_leaf(term, inner, False)
        truth = self.truth(term)
        if truth is True:  # never deny a conclusion that holds
            return self._why(term, depth)
        rules = self.rules(term)
        node: Node = {
            "conclusion": f"not {term}",
            "cite": self._cite(rules[0]) if rules else "",
            "term": str(term),
            "because": [self._unmet(r, depth + 1) for r in rules],
        }
        if not rules:
            node["no_rule"] = True  # no rule concludes it
        if truth is None:
            node["undetermined"] = True
            node["depends_on"] = self.depends_on(term)
        return node

    def _unmet(self, rule: RuleDecl, depth: int) -> Node:
        """Why one rule for a conclusion does not fire: every premise that fails. A rule that
        fires in no completion lists the premises that fail in every one (a premise that does
        not hold, an exception that does, a rule defeating it); if none does, the premises
        that never hold together (``jointly``). A rule that fires in some completions lists
        the premises that decide it (``undetermined``)."""
        checks = [(p, True) for p in rule.premises] + [(n, False) for n in rule.exceptions]
        defeat = F("defeats", [rule.id])
        if self.rules(defeat):
            checks.append((defeat, False))
        fired = self.view.fired(str(rule.id))
        failing = [(t, want) for t, want in checks if self.truth(t) is (not want)]
        jointly = fired is False and not failing
        if not failing:
            failing = [(t, want) for t, want in checks if self.truth(t) is None]
        because = [
            self.why_not(t, depth + 1) if want else self.why(t, depth + 1) for t, want in failing
        ]
        rid = str(rule.id)
        node: Node = {
            "conclusion": f"rule {rid} does not apply",
            "cite": self._cite(rule),
            "rule": rid,
            "because": because,
        }
        if fired is None:
            node["undetermined"] = True
        elif jointly:
            node["jointly"] = True  # its undetermined premises never hold together
        return node

    # -- questions --------------------------------------------------------------
    def explain(self, term: clingo.Symbol) -> Node:
        truth = self.truth(term)
        return self.why(term) if truth is not False else self.why_not(term)

    def query(self, term: clingo.Symbol, *, why: bool) -> Node:
        """The answer to ``--why`` (``why=True``) or ``--why-not``: the tree, or -- when the
        question's premise is false -- a node that says so and points to the other question.
        An undetermined term gets its tree with a note naming the facts it depends on."""
        truth = self.truth(term)
        if truth is not None and truth is not why:
            return self._no_tree(term, truth)
        node = dict(self.why(term) if why else self.why_not(term))
        if truth is None:
            depends = node.get("depends_on") or self.depends_on(term)
            node["undetermined"] = True
            node["depends_on"] = depends
            how = "holds" if why else "does not hold"
            node["note"] = (
                f"{term} is undetermined: it {how} in some completions of the unknown facts "
                f"only; it depends on {', '.join(depends) or 'the unknown facts'}"
            )
        return node

    def _no_tree(self, term: clingo.Symbol, truth: bool) -> Node:
        """A question whose premise is false: ``--why-not`` a term that holds, ``--why`` one
        that does not. No tree: a node that says what holds and where to ask."""
        if term in self.program.input_by_term:
            leaf = self._input_leaf(term, truth)
            cite = leaf["cite"]
        else:
            rules = self.rules(term)
            fired = [r for r in rules if self.view.fired(str(r.id)) is True]
            cite = self._cite(fired[0]) if fired else self._cite(rules[0]) if rules else ""
            leaf = {}
        if truth:
            see = f"--why {term}"
            node: Node = {
                "conclusion": f"{term} holds",
                "note": f"{term} holds in every completion of the case's facts, so there is "
                f"no why-not tree; see {see}",
            }
        else:
            see = f"--why-not {term}"
            node = {
                "conclusion": f"{term} does not hold",
                "note": f"{term} does not hold in any completion of the case's facts, so there "
                f"is no why tree; see {see}",
            }
        node.update(cite=cite, term=str(term), holds=truth, see=see, because=[])
        for key in ("fact", "value", "presumed", "stated"):
            if key in leaf:
                node[key] = leaf[key]
        return node


def _quiet(code: clingo.MessageCode, message: str) -> None:
    """clingo's parser reports to stderr by default; the error raised says it in one line."""


def parse_atom(text: str) -> clingo.Symbol:
    """An atom named on the command line (``ready_for_hearing``, ``route(affidavit)``).

    Raises ``ValueError`` for anything else: text clingo cannot parse, or a term that is not
    an atom (a number such as ``7``, a string, ``#inf``, a tuple such as ``(a,b)``).
    """
    try:
        symbol = clingo.parse_term(text, logger=_quiet)
    except (RuntimeError, ValueError):
        # RuntimeError: a syntax error. ValueError: clingo cannot even report the error for
        # non-ASCII text (its message is cut inside a UTF-8 character: UnicodeDecodeError),
        # nor take text with a lone surrogate (an undecodable byte on the command line).
        raise ValueError(f"not an atom: {text!r}") from None
    if symbol.type != clingo.SymbolType.Function or not symbol.name:
        raise ValueError(f"not an atom: {text!r} (expected a name such as ready_for_hearing)")
    return symbol


def headline(explainer: Explainer) -> Node:
    """The tree for the decision's headline: ready_for_hearing(true|false|unknown)."""
    term = F("ready_for_hearing", [])
    truth = explainer.truth(term)
    tree = explainer.explain(term)
    node: Node = {
        "conclusion": f"ready_for_hearing({VALUE[truth]})",
        "cite": tree.get("cite", ""),
        "term": str(term),
        "because": tree.get("because", []),
    }
    for key in ("rule", "by_cases", "undetermined", "depends_on"):
        if key in tree:
            node[key] = tree[key]
    return node


def explain_decision(program: Program, facts: CaseFacts, cons: Consequences) -> Node:
    """The tree for the decision's headline: ready_for_hearing(true|false|unknown)."""
    return headline(Explainer(program, facts, cons))


def explain_case(
    case: object, *, why: str | None = None, why_not: str | None = None, defaults: bool = True
) -> Node:
    """The justification tree of one case: for ``why`` (it holds), ``why_not`` (it does not:
    the unmet premises of every rule that could conclude it), or by default the headline. A
    question whose premise is false (``why_not`` a conclusion that holds, ``why`` one that
    does not) gets no tree but a node saying so (``holds``, ``note``, ``see``)."""
    from .api import load_and_solve
    from .errors import RulepathError

    program, facts, cons = load_and_solve(case, defaults=defaults)
    explainer = Explainer(program, facts, cons)
    if why is None and why_not is None:
        return headline(explainer)
    text = why if why is not None else why_not
    assert text is not None
    option = "why" if why is not None else "why_not"
    try:
        atom = parse_atom(text)
    except ValueError as error:
        raise RulepathError(option, str(error)) from None
    known = atom in explainer.tables.rules_for or atom in program.input_by_term
    if not known:
        heads = sorted({str(h) for h in explainer.tables.rules_for if h.name == atom.name})
        hint = f" (did you mean one of: {', '.join(heads[:8])})" if heads else ""
        raise RulepathError(option, f"no rule concludes {text!r}{hint}")
    return explainer.query(atom, why=why is not None)
