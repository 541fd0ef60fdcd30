"""Read a decision off the solver's consequences. Generic over packs: it knows the output
vocabulary of show.lp, never the conditions of any rule."""

from __future__ import annotations

import clingo

from .casefile import Case
from .decision import (
    Assumed,
    Deadline,
    Decision,
    Defect,
    Disposition,
    ExceptionResult,
    NextStep,
    Requirement,
    RuleRef,
    Sanction,
    Status,
    Undetermined,
    iso,
)
from .facts import CaseFacts
from .program import Program, RuleDecl
from .solve import Consequences

F = clingo.Function


class View:
    """Three-valued truth of any ``holds`` term, from the shown consequences."""

    def __init__(self, program: Program, cons: Consequences) -> None:
        self.program = program
        self.cons = cons
        self.certain = self._holds(cons.certain)
        self.possible = self._holds(cons.possible)

    def _holds(self, atoms: frozenset[clingo.Symbol]) -> set[clingo.Symbol]:
        rules = self.program.rules
        out: set[clingo.Symbol] = set()
        for a in atoms:
            name = a.name
            if name == "fired":
                decl = rules.get(a.arguments[0])
                if decl is not None:
                    out.add(decl.head)
            elif name == "in":
                out.add(a.arguments[0])
            elif name != "presumed":
                out.add(a)
        return out

    def truth(self, term: clingo.Symbol) -> bool | None:
        if term in self.certain:
            return True
        if term not in self.possible:
            return False
        return None

    def fired(self, term: clingo.Symbol, *, certain: bool = True) -> list[RuleDecl]:
        atoms = self.cons.certain if certain else self.cons.possible
        return [
            r for r in self.program.rules_by_head.get(term, []) if F("fired", [r.id]) in atoms
        ]

    def open_inputs(self) -> set[clingo.Symbol]:
        return {
            a.arguments[0]
            for a in self.cons.possible - self.cons.certain
            if a.name == "in"
        }


def _name(sym: clingo.Symbol) -> str:
    return sym.string if sym.type == clingo.SymbolType.String else str(sym)


def rule_cite(program: Program, view: View, term: clingo.Symbol) -> str:
    """The cite of the rule that concluded ``term`` (one that fired, else any that could)."""
    fired = view.fired(term) or view.fired(term, certain=False)
    decls = fired or program.rules_by_head.get(term, [])
    return program.cite(decls[0].cite) if decls else ""


def input_path(program: Program, term: clingo.Symbol) -> str:
    decl = program.input_by_term.get(term)
    if decl is None:
        return str(term)
    if decl.kind == "timely":
        deadline = program.deadlines[str(decl.value)]
        return f"{deadline.event} ({deadline.id})"
    return decl.path


def depends_on(program: Program, view: View, term: clingo.Symbol) -> list[str]:
    """The unknown case facts an undetermined conclusion depends on: walk from the conclusion
    through the rules that fire in some completion (not in all), following only premises that
    are themselves undetermined, down to the open inputs."""
    paths: set[str] = set()
    seen: set[clingo.Symbol] = set()
    stack = [term]
    possible = view.cons.possible
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        if t in program.input_by_term:
            if view.truth(t) is None:
                paths.add(input_path(program, t))
            continue
        for rule in program.rules_by_head.get(t, []):
            if F("fired", [rule.id]) in view.cons.certain:
                continue
            could_fire = F("fired", [rule.id]) in possible
            for p in (*rule.premises, *rule.exceptions):
                if view.truth(p) is None and (could_fire or view.truth(t) is not False):
                    stack.append(p)
    return sorted(paths)


def decode(program: Program, case: Case, facts: CaseFacts, cons: Consequences) -> Decision:
    view = View(program, cons)
    cite = program.cite
    text = program.text
    certain = cons.certain
    shown = [a for a in certain if a.name not in ("fired", "in", "presumed")]

    def args(name: str, arity: int) -> list[tuple[clingo.Symbol, ...]]:
        return sorted(
            (tuple(a.arguments) for a in shown if a.name == name and len(a.arguments) == arity),
            key=str,
        )

    undetermined: list[Undetermined] = []

    def note(term: clingo.Symbol, label: str | None = None, *also: clingo.Symbol) -> None:
        paths = set(depends_on(program, view, term))
        for other in also:
            paths.update(depends_on(program, view, other))
        undetermined.append(Undetermined(label or str(term), sorted(paths)))

    governs = view.truth(F("governs", []))
    if governs is None:
        note(F("governs", []))
    routes = [a[0].name for a in args("route", 1)]
    route = routes[0] if len(routes) == 1 else None
    if route is None:
        possible = sorted(
            str(a.arguments[0]) for a in cons.possible if a.name == "route"
        )
        for r in possible:
            note(F("route", [F(r, [])]))
    ready = view.truth(F("ready_for_hearing", []))
    if ready is None:
        note(F("ready_for_hearing", []))

    requirements: list[Requirement] = []
    defects: list[Defect] = []
    for qid, (qcite, defect_id) in sorted(program.requirements.items()):
        q = F(qid, [])
        applies, excused = view.truth(F("req", [q])), view.truth(F("excused", [q]))
        if excused:
            excused_cite = rule_cite(program, view, F("excused", [q]))
            requirements.append(Requirement(qid, excused_cite, "excused"))
            continue
        if applies is False and not excused:
            continue
        met = view.truth(F("met", [q])) if applies else None
        status: Status = "met" if met else "unmet" if met is False else "unknown"
        # the cite of the rule that imposed it here (251(e) for an exception's notice)
        req_cite = rule_cite(program, view, F("req", [q])) or cite(qcite)
        requirements.append(Requirement(qid, req_cite, status))
        if status == "unmet":
            defects.append(Defect(defect_id, req_cite, text(defect_id)))
        elif status == "unknown":
            note(F("met", [q]), f"requirement {qid}", F("req", [q]))

    exceptions: list[ExceptionResult] = []
    for head in sorted(program.rules_by_head, key=str):
        if head.name != "exception" or len(head.arguments) != 1:
            continue
        eid = head.arguments[0].name
        applies = view.truth(head)
        reasons = [text(w.name) for e, w in args("exception_fails", 2) if e.name == eid]
        because = text(eid) if applies else " ".join(reasons) or None
        exceptions.append(ExceptionResult(eid, rule_cite(program, view, head), applies, because))
        if applies is None:
            note(head)

    sanctions = [
        Sanction(
            a.name, g.name, rule_cite(program, view, F("sanction", [a, g])), True, text(g.name)
        )
        for a, g in args("sanction", 2)
    ]
    for a in sorted(cons.possible - certain, key=str):
        if a.name == "sanction":  # exposure that turns on unknown facts
            note(a)
    assumed = []
    # every default a conclusion may rest on: those presumed in every completion of the
    # unknown facts, and (flagged) those presumed in some
    for d in sorted((a.arguments[0] for a in cons.possible if a.name == "presumed"), key=str):
        decl = program.rules.get(d)
        if decl is None:
            continue
        target = decl.head.arguments[0] if decl.head.name == "neg" else decl.head
        everywhere = F("presumed", [d]) in certain
        assumed.append(Assumed(str(d), cite(decl.cite), input_path(program, target), everywhere))
    deadlines = []
    for (d,) in args("deadline_applies", 1):
        m = facts.deadlines[d.name]
        dl = m.decl
        deadlines.append(
            Deadline(
                dl.id, iso(m.date), cite(dl.param_cite), dl.anchor, dl.event, dl.days, dl.unit,
                dl.direction, m.status,
            )
        )
    recommended = [r[0].name for r in args("recommended", 1)]
    disposition = Disposition(
        recommended[0] if len(recommended) == 1 else None,
        [c[0].name for c in args("consistent", 1)],
    )
    steps = [
        NextStep(w.name, text(a.name), rule_cite(program, view, F("next_step", [w, a])), a.name)
        for w, a in args("next_step", 2)
    ]
    return Decision(
        case=case.caption,
        rule=RuleRef(program.pack.id, program.version.id, list(program.overlays)),
        as_of=iso(case.as_of) or "",
        governs=governs,
        route=route,
        ready_for_hearing=ready,
        defects=defects,
        requirements=requirements,
        exceptions=exceptions,
        sanctions=sanctions,
        assumed=assumed,
        deadlines=deadlines,
        disposition=disposition,
        next_steps=steps,
        undetermined=undetermined,
    )
