"""Justification trees read off the rule firings: why a conclusion holds, why another does not.

Generic: the explainer knows rules, premises and cites, never what a rule is about.
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
MAX_DEPTH = 12


class Explainer:
    def __init__(self, program: Program, facts: CaseFacts, cons: Consequences) -> None:
        self.program = program
        self.facts = facts
        self.view = Reading.of(program, cons)
        self.presumed = [self.view.tables.decl[d] for d in sorted(self.view.certain.presumed)]

    # -- leaves ---------------------------------------------------------------
    def _fact(self, term: clingo.Symbol, holds: bool | None) -> Node:
        program = self.program
        value = {True: "true", False: "false", None: "unknown"}[holds]
        node: Node = {
            "conclusion": f"{term} = {value}",
            "cite": f"fact:{program.input_path(program.input_by_term[term])}",
        }
        for decl in self.presumed:
            target = decl.head.arguments[0] if decl.head.name == "neg" else decl.head
            if target == term:
                node["cite"] = program.cite(decl.cite)
                node["assumed"] = str(decl.id)
        return node

    # -- why ------------------------------------------------------------------
    def why(self, term: clingo.Symbol, depth: int = 0) -> Node:
        program = self.program
        truth = self.view.truth(term)
        if term in program.input_by_term:
            return self._fact(term, truth)
        key = str(term)
        rules = self.view.rules_concluding(key) or self.view.rules_concluding(key, certain=False)
        if not rules or depth > MAX_DEPTH:
            return (
                self.why_not(term, depth)
                if truth is False
                else {"conclusion": str(term), "cite": "", "because": []}
            )
        return self._rule_node(term, rules[0], depth)

    def _rule_node(self, term: clingo.Symbol, rule: RuleDecl, depth: int) -> Node:
        because = [self.why(p, depth + 1) for p in rule.premises]
        because += [self.why_not(n, depth + 1) for n in rule.exceptions]
        node: Node = {
            "conclusion": str(term),
            "cite": self.program.cite(rule.cite),
            "rule": str(rule.id),
            "because": because,
        }
        if self.view.truth(term) is None:
            node["undetermined"] = True
        return node

    # -- why not --------------------------------------------------------------
    def why_not(self, term: clingo.Symbol, depth: int = 0) -> Node:
        program = self.program
        if term in program.input_by_term:
            leaf = self._fact(term, self.view.truth(term))
            if self.view.truth(term) is False:
                leaf["conclusion"] = f"not {term}"
            return leaf
        rules = program.rules_by_head.get(term, [])
        node: Node = {
            "conclusion": f"not {term}",
            "cite": program.cite(rules[0].cite) if rules else "",
            "because": [],
        }
        if self.view.truth(term) is not False:
            node["undetermined" if self.view.truth(term) is None else "holds"] = True
        if depth > MAX_DEPTH:
            return node
        for rule in rules:
            node["because"].append(self._unmet(rule, depth + 1))
        return node

    def _unmet(self, rule: RuleDecl, depth: int) -> Node:
        """Why one rule for a conclusion does not fire: its premises that fail."""
        failed: list[Node] = []
        for p in rule.premises:
            if self.view.truth(p) is not True:
                failed.append(self.why_not(p, depth + 1))
        for n in rule.exceptions:
            if self.view.truth(n) is not False:
                failed.append(self.why(n, depth + 1))
        defeat = F("defeats", [rule.id])
        if self.view.truth(defeat) is not False:
            failed.append(self.why(defeat, depth + 1))
        return {
            "conclusion": f"rule {rule.id} does not apply",
            "cite": self.program.cite(rule.cite),
            "rule": str(rule.id),
            "because": failed,
        }

    def explain(self, term: clingo.Symbol) -> Node:
        truth = self.view.truth(term)
        return self.why(term) if truth is not False else self.why_not(term)


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


def explain_decision(program: Program, facts: CaseFacts, cons: Consequences) -> Node:
    """The tree for the decision's headline: ready_for_hearing(true|false|unknown)."""
    explainer = Explainer(program, facts, cons)
    term = F("ready_for_hearing", [])
    truth = explainer.view.truth(term)
    label = {True: "true", False: "false", None: "unknown"}[truth]
    tree = explainer.explain(term)
    return {
        "conclusion": f"ready_for_hearing({label})",
        "cite": tree.get("cite", ""),
        "because": tree.get("because", []),
    }


def explain_case(
    case: object, *, why: str | None = None, why_not: str | None = None, defaults: bool = True
) -> Node:
    """The justification tree of one case: for ``why`` (it holds), ``why_not`` (it does not:
    the unmet premises of every rule that could conclude it), or by default the headline."""
    from .api import load_and_solve
    from .errors import RulepathError

    program, facts, cons = load_and_solve(case, defaults=defaults)
    explainer = Explainer(program, facts, cons)
    if why is None and why_not is None:
        return explain_decision(program, facts, cons)
    text = why if why is not None else why_not
    assert text is not None
    option = "why" if why is not None else "why_not"
    try:
        atom = parse_atom(text)
    except ValueError as error:
        raise RulepathError(option, str(error)) from None
    known = atom in program.rules_by_head or atom in program.input_by_term
    if not known:
        heads = sorted({str(h) for h in program.rules_by_head if h.name == atom.name})
        hint = f" (did you mean one of: {', '.join(heads[:8])})" if heads else ""
        raise RulepathError(option, f"no rule concludes {text!r}{hint}")
    return explainer.why(atom) if why is not None else explainer.why_not(atom)
