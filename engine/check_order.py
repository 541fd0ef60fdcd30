"""A draft order checked against the rule (``rulepath check-order``).

A case file's ``order`` block is a draft order as a clerk has it (docs/formats.md): its
disposition, whether it reaches the merits, the clauses it relies on, what it finds, what it
directs and the sanctions it imposes. Each element gets a verdict from the case's decision
and the pack's ``order.toml`` (:mod:`order_spec`), never from anything written here about a
pack:

- ``consistent``: the rule allows it on the case's facts; ``basis`` says whether the rule
  decides it (``rule``), leaves it to the court (``discretion``: the court's options and the
  dispositions the rule leaves open, with the clause that gives the choice) or says nothing
  of it (``outside``: an authority the pack does not encode, reported and not checked);
- ``inconsistent``: the rule forbids it on the case's facts, with the clause and the reason;
- ``depends``: it is consistent in some completions of the unknown facts only; ``depends_on``
  names those facts (the case-file paths, as the decision's ``undetermined`` does).

What is checked: the disposition against the dispositions and options consistent with the
rule (the merits reached despite a bar, a procedural refusal although nothing bars the
hearing or an exception applies); each cite's numbering in the version in force (the pack's
``cite_rewrite``), that a cite of the rule names a clause it has, and that some conclusion of
the decision rests on it; each finding against the case's own facts and dates, and its cite
against the clauses of what it is about; each sanction against the decision's exposure; each
dated directive against the deadlines the pack declares on the date it sets. Agreement with
the merits follows the notions of :mod:`evaluate` (:func:`evaluate.is_flagged`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from .api import CaseInput, as_case, as_of_for, load_and_solve
from .cites import (
    Cite,
    CiteError,
    covers,
    in_current,
    in_version,
    parse_cite,
    renumbered,
    within,
)
from .deadlines import due_date, judge
from .decision import Decision, RuleRef
from .decode import decode
from .errors import CaseError, printable
from .evaluate import is_flagged
from .order_spec import OrderSpec, finding_ids, order_spec
from .paths import resolve
from .reader import Reading
from .wording import humanize, wording_of

if TYPE_CHECKING:
    from .casefile import Case, Directive, Finding, Order, OrderSanction
    from .facts import CaseFacts
    from .program import Program

FORMAT_ID = "rulepath/check-order-1"
Verdict = Literal["consistent", "inconsistent", "depends"]
Basis = Literal["rule", "discretion", "outside"]
VERDICTS: tuple[Verdict, ...] = ("inconsistent", "depends", "consistent")  # worst first


@dataclass(frozen=True)
class Check:
    """One verdict on one element of the order: ``element`` is its path in the case file
    (``order.grounds[1]``), ``value`` the element as written, ``check`` what was checked."""

    element: str
    value: str
    check: str
    verdict: Verdict
    basis: Basis
    reason: str
    cite: str = ""
    depends_on: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["depends_on"] = list(self.depends_on)
        return out


@dataclass
class OrderCheck:
    """The verdicts on a draft order. ``to_dict()`` is ``rulepath/check-order-1``."""

    case: str | None
    rule: RuleRef
    as_of: str
    decision: Decision
    checks: list[Check] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        """``inconsistent`` when any check is, else ``depends`` when any check is, else
        ``consistent``."""
        found = {c.verdict for c in self.checks}
        return next((v for v in VERDICTS if v in found), "consistent")

    @property
    def ok(self) -> bool:
        """Nothing in the order is inconsistent with the rule."""
        return self.verdict != "inconsistent"

    def elements(self) -> list[tuple[str, str, Verdict]]:
        """Each element of the order once, with its worst verdict, in the order's order."""
        worst: dict[str, tuple[str, Verdict]] = {}
        for c in self.checks:
            seen = worst.get(c.element)
            if seen is None or VERDICTS.index(c.verdict) < VERDICTS.index(seen[1]):
                worst[c.element] = (c.value, c.verdict)
        return [(e, v, verdict) for e, (v, verdict) in worst.items()]

    def count(self, verdict: Verdict) -> int:
        return sum(1 for _e, _v, x in self.elements() if x == verdict)

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {
            "format": FORMAT_ID,
            "case": self.case,
            "rule": asdict(self.rule),
            "as_of": self.as_of,
            "verdict": self.verdict,
            "ok": self.ok,
            "counts": {v: self.count(v) for v in ("consistent", "inconsistent", "depends")},
            "elements": [{"element": e, "value": v, "verdict": x} for e, v, x in self.elements()],
            "checks": [c.to_dict() for c in self.checks],
            "decision": {
                "route": d.route,
                "ready_for_hearing": d.ready_for_hearing,
                "recommended": d.disposition.recommended,
                "consistent": list(d.disposition.consistent),
                "options": sorted({o.option for o in d.discretion.options}),
                "undetermined": [u.conclusion for u in d.undetermined],
            },
        }


def check_order(case: CaseInput, *, defaults: bool = True) -> OrderCheck:
    """Check the draft order in a case file's ``order`` block against the rule, on the case's
    facts: a path, a mapping or a :class:`Case`, as for :func:`rulepath.decide`. A case with
    no order block is a :class:`CaseError` on ``order``."""
    loaded = as_case(case)
    if loaded.order is None:
        raise CaseError("order", "the case has no order block to check (write the draft "
                                 "order under order:, docs/formats.md)")
    program, facts, consequences = load_and_solve(loaded, defaults=defaults)
    as_of = as_of_for(loaded)
    decision = decode(program, loaded, as_of, facts, consequences)
    reading = Reading.of(program, consequences)
    checker = _Checker(loaded, loaded.order, program, facts, reading, decision, as_of)
    return OrderCheck(decision.case, decision.rule, decision.as_of, decision, checker.run())


# --- the checker -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Engaged:
    """A cite some conclusion of the decision rests on, in the current numbering."""

    cite: Cite
    label: str
    certain: bool
    depends_on: frozenset[str] = frozenset()


def _join(items: Iterable[str], limit: int = 4) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


class _Checker:
    def __init__(self, case: Case, order: Order, program: Program, facts: CaseFacts,
                 reading: Reading, decision: Decision, as_of: date) -> None:
        self.case, self.order, self.program, self.facts = case, order, program, facts
        self.r, self.d, self.as_of = reading, decision, as_of
        self.spec: OrderSpec = order_spec(program.pack)
        self.version = program.version
        self.words = wording_of(program)
        self.checks: list[Check] = []
        self.certain = set(decision.disposition.consistent) | {
            o.option for o in decision.discretion.options}
        self.possible = self.certain | {v for (v,) in reading.possible_values("consistent", 1)}
        self.possible |= {o for (o, _f, _dl) in reading.possible_values("option", 3)}
        self._engaged: list[_Engaged] | None = None
        self._pack_cites: list[Cite] | None = None

    # --- helpers ---

    def add(self, element: str, value: str, check: str, verdict: Verdict, basis: Basis,
            reason: str, cite: str = "", depends_on: Iterable[str] = ()) -> None:
        self.checks.append(Check(element, printable(value), check, verdict, basis,
                                 printable(reason), cite, tuple(sorted(set(depends_on)))))

    def text(self, key: str, *also: str) -> str:
        return self.words.words(key, *also)

    def disposition_words(self, x: str) -> str:
        option = next((o for o in self.d.discretion.options if o.option == x), None)
        found = self.words.get(f"disposition({x})") or (option.text if option else None)
        return (found or humanize(x)).rstrip(".")

    def written(self, cite: str) -> str:
        """A cite of the current numbering as the version in force writes it."""
        return in_version(cite, self.version)

    def cite_of(self, term: str) -> str:
        return self.r.cite(term)

    def depends(self, terms: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for term in terms:
            out |= self.r.depends_on(term)
        return out

    def is_merits(self, x: str) -> bool:
        return x in self.spec.merits

    def reaches_merits(self) -> bool | None:
        """Whether the order rules on the substance: its merits_reached, else what its
        disposition is (None: either, or no disposition)."""
        if self.order.merits_reached is not None:
            return self.order.merits_reached
        if self.order.disposition is None:
            return None
        return self.spec.disposition(self.order.disposition).merits

    # --- the run ---

    def run(self) -> list[Check]:
        o = self.order
        self.check_disposition()
        for i, text in enumerate(o.grounds or ()):
            self.check_ground(f"order.grounds[{i}]", text)
        for i, finding in enumerate(o.findings or ()):
            self.check_finding(f"order.findings[{i}]", finding)
        for i, directive in enumerate(o.directs or ()):
            self.check_directive(f"order.directs[{i}]", directive)
        for i, sanction in enumerate(o.sanctions or ()):
            self.check_sanction(f"order.sanctions[{i}]", sanction)
        return self.checks

    # --- the disposition and the merits ---

    def check_disposition(self) -> None:
        o = self.order
        word, merits = o.disposition, o.merits_reached
        if word is None and merits is None:
            return
        element = "order.disposition" if word is not None else "order.merits_reached"
        value = word if word is not None else f"merits_reached: {str(merits).lower()}"
        ds = self.spec.disposition(word) if word is not None else None
        if ds is not None and merits is not None and ds.merits is not None and ds.merits != merits:
            self.add("order.merits_reached", f"merits_reached: {str(merits).lower()}", "merits",
                     "inconsistent", "rule",
                     f"The order says it {'reaches' if merits else 'does not reach'} the merits, "
                     f"but {word} {'rules' if ds.merits else 'does not rule'} on the substance.")
        if ds is not None and not ds.realises:
            if merits is not True:
                self.add(element, value, "disposition", "consistent", "outside",
                         f"{word}: the rule names no disposition to check it against; not "
                         "checked.")
                return
            candidates: list[str] = list(self.spec.merits)
        elif ds is None:  # only merits_reached
            if not merits:
                return  # not ruling on the substance yet says nothing the rule can check
            candidates = list(self.spec.merits)
        else:
            candidates = list(ds.realises)
            if ds.merits is None and merits is not None:
                candidates = [x for x in candidates if self.is_merits(x) == merits]
        self._judge_disposition(element, value, candidates)

    def _judge_disposition(self, element: str, value: str, candidates: Sequence[str]) -> None:
        d = self.d
        certain = [x for x in candidates if x in self.certain]
        if certain:
            # the rule's default if the order takes it, else the court's option that gives the
            # choice (its clause), else the disposition
            options = [x for x in certain if x in {op.option for op in d.discretion.options}]
            x = (d.disposition.recommended if d.disposition.recommended in certain
                 else (options or certain)[0])
            option = next((op for op in d.discretion.options if op.option == x), None)
            cite = option.cite if option and x not in d.disposition.consistent else (
                self.cite_of(f"consistent({x})"))
            # the court's choice: not the rule's default, one of the court's options, or the
            # default of a rule that leaves others open (the merits among them: evaluate)
            force = self.program.force(f"disposition({x})")
            open_ = set(d.disposition.consistent) | {op.option for op in d.discretion.options}
            choice = (x != d.disposition.recommended or x not in d.disposition.consistent
                      or (len(open_) > 1 and force is not None and force[0] == "discretion")
                      or (self.is_merits(x) and is_flagged(d.disposition.consistent)))
            words = self.disposition_words(x)
            if x == d.disposition.recommended and not choice:
                reason = f"{words}: the rule's own disposition on these facts."
            elif x == d.disposition.recommended:
                reason = (f"{words}: the rule's default on these facts, a choice it leaves to the "
                          "court.")
            else:
                reason = f"The court's discretion: the rule also allows this: {words}."
            if option is not None and option.for_ and x not in d.disposition.consistent:
                reason += f" (answering: {self.text(option.for_)})"
            self.add(element, value, "disposition", "consistent",
                     "discretion" if choice else "rule", reason, cite)
            return
        possible = [x for x in candidates if x in self.possible]
        if possible:
            terms = [f"consistent({x})" for x in possible] + [
                f"option({','.join(v)})" for v in self.r.possible_values("option", 3)
                if v[0] in possible]
            cite = next((c for t in terms if (c := self.cite_of(t))), "")
            self.add(element, value, "disposition", "depends", "rule",
                     f"Consistent with the rule only if unknown facts go one way: "
                     f"{_join(self.disposition_words(x) for x in possible)}.",
                     cite, self.depends(terms))
            return
        self.add(element, value, "disposition", "inconsistent", "rule",
                 *self._why_disposition_fails(candidates))

    def _why_disposition_fails(self, candidates: Sequence[str]) -> tuple[str, str]:
        d = self.d
        allowed = _join(self.disposition_words(x) for x in d.disposition.consistent) or "none"
        reaches = all(self.is_merits(x) for x in candidates)
        if reaches and d.ready_for_hearing is False:
            bars = [x for x in d.defects if x.force in ("bar", "order")]
            unmet = "; ".join(f"{x.text.rstrip('.')} ({x.cite})" for x in bars) or "a bar"
            applies = [x for x in d.exceptions if x.applies]
            if applies:
                escape = ""
            else:
                fails = "; ".join(f"{self.text(f'exception({x.id})')}: "
                                  f"{(x.because or 'does not apply').rstrip('.')} ({x.cite})"
                                  for x in d.exceptions if x.applies is False)
                escape = " No exception or waiver applies" + (f" ({fails})." if fails else ".")
            cite = bars[0].cite if bars else (d.readiness.cite if d.readiness else "")
            return (f"The order reaches the merits, but the motion may not be heard: {unmet}."
                    f"{escape} The rule allows: {allowed}.", cite)
        if not any(self.is_merits(x) for x in candidates) and d.ready_for_hearing:
            applies = [x for x in d.exceptions if x.applies]
            excused = [r for r in d.requirements if r.status == "excused"]
            if applies:
                e = applies[0]
                lifted = _join(f"{self.text(f'requirement({r.id})')} ({r.cite})"
                               for r in excused)
                return (f"The order disposes of the motion on procedure, but the exception "
                        f"applies: {self.text(f'exception({e.id})')} ({e.cite})"
                        + (f"; excused: {lifted}" if lifted else "")
                        + f". Nothing bars the hearing; the rule allows: {allowed}.", e.cite)
            why = d.readiness.text.rstrip(".") if d.readiness else ""
            cite = d.readiness.cite if d.readiness else ""
            return ("The order disposes of the motion on procedure, but nothing bars the "
                    "hearing" + (f" ({why}, {cite})" if why else "") + ", so a procedural "
                    f"disposition has no ground in the rule. The rule allows: {allowed}.", cite)
        return (f"None of what this disposition carries out ("
                f"{_join(self.disposition_words(x) for x in candidates)}) is consistent with "
                f"the rule on these facts. The rule allows: {allowed}.",
                d.readiness.cite if d.readiness else "")

    # --- cites ---

    def _parse(self, text: str) -> Cite | None:
        try:
            return parse_cite(text)
        except CiteError:
            return None

    def engaged(self) -> list[_Engaged]:
        """Every cite a conclusion of the decision rests on (certainly), and those of the
        conclusions that hold in some completions only."""
        if self._engaged is not None:
            return self._engaged
        d, out = self.d, []

        def add(cite: str, label: str, certain: bool = True,
                depends: Iterable[str] = ()) -> None:
            parsed = self._parse(cite) if cite else None
            if parsed is not None:
                out.append(_Engaged(in_current(parsed, self.version), label, certain,
                                    frozenset(depends)))

        for q in d.requirements:
            add(q.cite, f"requirement {q.id} ({q.status})", q.status != "unknown",
                self.r.depends_on(f"met({q.id})") if q.status == "unknown" else ())
            force = self.program.force(f"requirement({q.id})")
            if force is not None:
                add(force[1], f"requirement {q.id} ({q.status})", q.status != "unknown")
        for x in d.exceptions:
            state = {True: "applies", False: "does not apply", None: "undetermined"}[x.applies]
            add(x.cite, f"exception {x.id} ({state})", x.applies is not None,
                self.r.depends_on(f"exception({x.id})") if x.applies is None else ())
        for s in d.sanctions:
            add(s.cite, f"exposure of the {humanize(s.against)}: {humanize(s.ground)}")
        for dl in d.deadlines:
            add(dl.cite, f"deadline {dl.id}")
        for op in d.discretion.options:
            add(op.cite, f"option {op.option}")
        for cure in d.discretion.cures:
            add(cure.cite, f"cure {cure.action}")
        for step in d.next_steps:
            add(step.cite, f"next step {step.id}")
        if d.readiness is not None:
            add(d.readiness.cite, f"readiness ({d.readiness.basis})")
        if d.route is not None:
            add(self.cite_of(f"route({d.route})"), f"route {d.route}")
        for word in d.disposition.consistent:
            add(self.cite_of(f"consistent({word})"), f"disposition {word}")
        certain_out = self.r.certain.out
        for atom in sorted(self.r.possible.out - certain_out):
            head, _, rest = atom.partition("(")
            if head in ("met", "excused") and self.r.truth(f"req{_}{rest}") is False:
                continue  # the state of a requirement that does not apply rests on nothing
            add(self.cite_of(atom), atom, False, self.r.depends_on(atom))
        self._engaged = out
        return out

    def pack_cites(self) -> list[Cite]:
        """Every cite the program's declarations carry (current numbering)."""
        if self._pack_cites is None:
            p = self.program
            texts = {decl.cite for decl in p.rules.values()}
            texts |= {c for c, _d in p.requirements.values()}
            texts |= {c for _f, c in p.forces.values()}
            for dl in p.deadlines.values():
                texts |= {dl.cite, dl.param_cite}
            self._pack_cites = [c for t in sorted(texts) if (c := self._parse(t)) is not None]
        return self._pack_cites

    def of_rule(self, cite: Cite) -> bool:
        root = self.spec.rule_root
        return bool(root) and cite.local and (cite.number == root
                                              or cite.number.startswith(root + "-"))

    def numbering(self, element: str, text: str, cite: Cite) -> Cite:
        """The numbering check of one cite; the cite as the version in force writes it."""
        right = renumbered(cite, self.version, self.program.pack.versions)
        if right is None:
            return cite
        self.add(element, text, "numbering", "inconsistent", "rule",
                 f"{text} is not the numbering of the version in force ({self.version.id}, "
                 f"from {self.version.in_force_from}): it is cited as {right}.", right)
        return parse_cite(right)

    def check_ground(self, element: str, text: str) -> None:
        cite = self._parse(text)
        if cite is None:  # the case model checks the form; a safety net
            self.add(element, text, "cite", "inconsistent", "rule", f"{text!r} is not a cite.")
            return
        cite = self.numbering(element, text, cite)
        current = in_current(cite, self.version)
        self._exception_by_ground(element, text, current)
        self.support(element, text, current)

    def support(self, element: str, text: str, current: Cite) -> None:
        """Some conclusion of the decision rests on the cite (a clause of the rule the rule
        has; another authority the pack cites); an authority the pack does not cite is
        outside it."""
        spec = self.spec
        if self.of_rule(current):
            known = self._clauses()
            if not any(k.canonical() == current.canonical() for k in known):
                listed = ", ".join(self.written(c) for c in spec.clauses)
                self.add(element, text, "clause", "inconsistent", "rule",
                         f"The rule has no clause {text}: its clauses are {listed}.",
                         self.written(spec.clauses[0]) if spec.clauses else "")
                return
            for clause, why in spec.unencoded.items():
                u = self._parse(clause)
                if u is not None and within(current, u):
                    self.add(element, text, "support", "consistent", "outside",
                             f"Not checked: the pack does not encode {self.written(clause)}"
                             f" ({why}).", self.written(clause))
                    return
        elif not any(within(current, p) for p in self.pack_cites()):
            self.add(element, text, "support", "consistent", "outside",
                     f"Outside the rule: the pack draws no conclusion under {text}; not "
                     "checked.")
            return
        engaged = [e for e in self.engaged() if covers(current, e.cite)]
        certain = [e for e in engaged if e.certain]
        shown = self.written(current.canonical().removeprefix("L.R. ")) if (
            self.of_rule(current)) else text
        if certain:
            self.add(element, text, "support", "consistent", "rule",
                     f"The decision rests on {shown}: {_join(e.label for e in certain)}.", shown)
        elif engaged:
            self.add(element, text, "support", "depends", "rule",
                     f"Conclusions resting on {shown} hold only if unknown facts go one way: "
                     f"{_join(e.label for e in engaged)}.", shown,
                     set().union(*(e.depends_on for e in engaged)))
        else:
            cited = _join(sorted({self.written(e.cite.canonical().removeprefix("L.R. "))
                                  if self.of_rule(e.cite) else e.cite.text
                                  for e in self.engaged() if e.certain}), limit=12)
            self.add(element, text, "support", "inconsistent", "rule",
                     f"No conclusion of the rule on this case's facts rests on {shown}; the "
                     f"decision rests on {cited}.", shown)

    def _clauses(self) -> list[Cite]:
        return [c for t in self.spec.clauses if (c := self._parse(t)) is not None]

    def _exception_by_ground(self, element: str, text: str, current: Cite) -> None:
        """A ground that is an exception's own clause, in an order reaching the merits,
        relies on the exception."""
        if self.reaches_merits() is not True:
            return
        for x in self.d.exceptions:
            own = self._parse(x.cite)
            if own is None or in_current(own, self.version).canonical() != current.canonical():
                continue
            self._judge_exception(element, text, x.id, True, "The order rests on")

    # --- findings ---

    def check_finding(self, element: str, f: Finding) -> None:
        value = f"{f.about}: {'true' if f.holds else 'false'}"
        kind = finding_ids(self.program.pack.id).get(f.about)
        mine = self._kind_here(f.about)
        if mine is None:
            self.add(element, value, "finding", "inconsistent", "rule",
                     f"{f.about} is a {kind or 'id'} of the pack, but not of the rule applied "
                     f"here (version {self.version.id}"
                     + (f", overlays {', '.join(self.program.overlays)}" if self.program.overlays
                        else ", no overlays") + ").", self._foreign_cite(f.about))
            return
        if mine == "requirement":
            self._judge_requirement(element, value, f.about, f.holds)
        elif mine == "exception":
            self._judge_exception(element, value, f.about, f.holds, "The order finds")
        else:
            self._judge_deadline(element, value, f.about, f.holds)
        if f.cite is not None:
            self._finding_cite(element, value, f.about, mine, f.cite)

    def _foreign_cite(self, about: str) -> str:
        """The clause of an id the pack declares only with overlays the case does not apply
        (e.g. an overlay's own cite)."""
        from .program import program_for

        pack = self.program.pack
        every = program_for(pack, self.version, tuple(sorted(pack.overlays)))
        found = every.requirements.get(about)
        if found is not None:
            return self.written(found[0])
        deadline = every.deadlines.get(about)
        return self.written(deadline.cite) if deadline is not None else ""

    def _kind_here(self, about: str) -> str | None:
        p = self.program
        if about in p.requirements:
            return "requirement"
        if about in p.deadlines:
            return "deadline"
        if any(h.name == "exception" and len(h.arguments) == 1 and h.arguments[0].name == about
               for h in p.rules_by_head):
            return "exception"
        return None

    def _timely_detail(self, term: str) -> str:
        """The dates behind a conclusion that a measured deadline decides."""
        parts = []
        for _rid, premises in self.r.tables.premises_for.get(term, ()):
            for p in premises:
                if not p.startswith("timely(") or not p.endswith(")"):
                    continue
                m = self.facts.deadlines.get(p[len("timely("):-1])
                if m is None:
                    continue
                event = resolve(self.case, m.decl.event)
                when = f"{m.decl.event} {event}" if event is not None else (
                    f"{m.decl.event} unknown")
                due = f"due {'on or after' if m.decl.direction == 'after' else 'by'} {m.date}" \
                    if m.date is not None else "no due date (its anchor is unknown)"
                parts.append(f"{when}, {due}: {m.status}")
        return "; ".join(dict.fromkeys(parts))

    def _judge_requirement(self, element: str, value: str, q: str, holds: bool) -> None:
        term = f"met({q})"
        truth = self.r.truth(term)
        words = self.text(f"requirement({q})").rstrip(".")
        cite = self.cite_of(term) or self.written(self.program.requirements[q][0])
        detail = self._timely_detail(term)
        detail = f" ({detail})" if detail else ""
        if truth is None:
            self.add(element, value, "finding", "depends", "rule",
                     f"Whether “{words}” holds turns on unknown facts{detail}.", cite,
                     self.r.depends_on(term))
        elif truth == holds:
            self.add(element, value, "finding", "consistent", "rule",
                     f"The case's facts agree: “{words}”: {_yes(truth)}{detail}.", cite)
        else:
            self.add(element, value, "finding", "inconsistent", "rule",
                     f"Contradicted by the case's own facts: the order finds “{words}”: "
                     f"{_yes(holds)}, but the facts show {_yes(truth)}{detail}.", cite)

    def _judge_exception(self, element: str, value: str, e: str, holds: bool,
                         lead: str) -> None:
        found = next((x for x in self.d.exceptions if x.id == e), None)
        term = f"exception({e})"
        applies = found.applies if found is not None else self.r.truth(term)
        cite = found.cite if found is not None else self.cite_of(term)
        name = self.text(term)
        if applies is None:
            self.add(element, value, "exception", "depends", "rule",
                     f"Whether the exception “{name}” applies turns on unknown facts.", cite,
                     self.r.depends_on(term))
        elif applies == holds:
            self.add(element, value, "exception", "consistent", "rule",
                     f"The case's facts agree: the exception “{name}” "
                     f"{'applies' if applies else 'does not apply'}"
                     + (f": {found.because.rstrip('.')}" if found and found.because else "")
                     + ".", cite)
        elif holds:
            because = (found.because or "").rstrip(".") if found else ""
            self.add(element, value, "exception", "inconsistent", "rule",
                     f"{lead} the exception “{name}”, but it does not apply"
                     + (f": {because}" if because else "") + ".", cite)
        else:
            self.add(element, value, "exception", "inconsistent", "rule",
                     f"{lead} the exception “{name}” does not apply, but on the case's facts "
                     f"it does: {self.text(e).rstrip('.')}.", cite)

    def _judge_deadline(self, element: str, value: str, dl: str, holds: bool) -> None:
        m = self.facts.deadlines.get(dl)
        decl = self.program.deadlines[dl]
        words = self.text(f"deadline({dl})").replace("{days}", f"{decl.days} "
                                                    f"{humanize(decl.unit)}").rstrip(".")
        cite = self.written(decl.cite)
        status = m.status if m is not None else "unknown"
        event = resolve(self.case, decl.event)
        detail = (f" ({decl.event} {event if event is not None else 'unknown'}, due "
                  f"{'on or after' if decl.direction == 'after' else 'by'} {m.date})"
                  if m is not None and m.date is not None else "")
        if status == "unknown":
            paths = [p for p in (decl.event, decl.anchor, decl.interval)
                     if p is not None and resolve(self.case, p) is None]
            self.add(element, value, "finding", "depends", "rule",
                     f"Whether “{words}” was kept turns on unknown dates{detail}.", cite, paths)
        elif (status == "met") == holds:
            self.add(element, value, "finding", "consistent", "rule",
                     f"The case's dates agree: “{words}”: {status}{detail}.", cite)
        else:
            self.add(element, value, "finding", "inconsistent", "rule",
                     f"Contradicted by the case's own dates: the order finds “{words}” "
                     f"{'kept' if holds else 'missed'}, but it was {status}{detail}.", cite)

    def _finding_cite(self, element: str, value: str, about: str, kind: str,
                      text: str) -> None:
        cite = self._parse(text)
        if cite is None:
            return
        cite = self.numbering(element, text, cite)
        current = in_current(cite, self.version)
        p = self.program
        heads: tuple[str, ...]
        if kind == "requirement":
            own = {p.requirements[about][0]}
            force = p.forces.get(f"requirement({about})")
            if force is not None:
                own.add(force[1])
            heads = (f"req({about})", f"met({about})", f"excused({about})")
        elif kind == "exception":
            own, heads = set(), (f"exception({about})",)
            own |= {d.cite for h, decls in p.rules_by_head.items()
                    if h.name == "exception_fails" and h.arguments[0].name == about
                    for d in decls}
        else:
            dl = p.deadlines[about]
            own, heads = {dl.cite, dl.param_cite}, ()
        for h in heads:
            own |= {d.cite for head, decls in p.rules_by_head.items() if str(head) == h
                    for d in decls}
        clauses = [c for t in sorted(own) if (c := self._parse(t)) is not None]
        if any(covers(current, c) for c in clauses):
            self.add(element, value, "cite", "consistent", "rule",
                     f"{text} is a clause of the {kind} {about}.", text)
            return
        theirs = _join(sorted({self.written(c) for c in own}))
        self.add(element, value, "cite", "inconsistent", "rule",
                 f"{text} does not ground the {kind} {about}: the rule sets it in {theirs}.",
                 theirs)

    # --- sanctions ---

    def check_sanction(self, element: str, s: OrderSanction) -> None:
        value = f"{s.kind} against {s.against}"
        spec = self.spec.sanctions.get(s.kind)
        if s.cite is not None:
            parsed = self._parse(s.cite)
            if parsed is not None:
                parsed = self.numbering(element, s.cite, parsed)
                own = self._parse(spec.cite) if spec is not None and spec.cite else None
                if own is not None and not covers(in_current(parsed, self.version), own):
                    self.add(element, value, "cite", "inconsistent", "rule",
                             f"{s.cite} is not the clause of {s.kind}: it is imposed under "
                             f"{self.written(own.text)}.", self.written(own.text))
        if spec is None or not spec.grounds:
            what = spec.text if spec is not None and spec.text else "a sanction the rule does "\
                "not name"
            self.add(element, value, "sanction", "consistent", "outside",
                     f"{what[:1].upper()}{what[1:].rstrip('.')}: not checked.",
                     s.cite or "")
            return
        cite = self.written(spec.cite) if spec.cite else ""
        reaching = [(a, g) for a, g in self._exposable(spec.grounds)
                    if s.against in self.spec.reaches(a)]
        word = self.order.disposition
        following = [(a, g) for a, g in reaching
                     if word is None or g not in spec.when or word in spec.when[g]]
        if reaching and not following:
            ties = "; ".join(f"{humanize(g)}: {', '.join(spec.when[g])}" for _a, g in reaching)
            self.add(element, value, "sanction", "inconsistent", "rule",
                     f"It does not follow a motion that is {word}: the rule ties it to the "
                     f"disposition ({ties}).", cite)
            return
        terms = [f"sanction({a},{g})" for a, g in following]
        certain = [t for t in terms if self.r.truth(t) is True]
        possible = [t for t in terms if self.r.truth(t) is None]
        if certain:
            t = certain[0]
            ground = t[t.index(",") + 1:-1]
            found = next((x for x in self.d.sanctions if f"sanction({x.against},{x.ground})" == t),
                         None)
            force = found.force if found is not None else None
            self.add(element, value, "sanction", "consistent",
                     "discretion" if force == "discretion" else "rule",
                     f"The decision exposes the {humanize(t[len('sanction('):t.index(',')])} to "
                     f"it: {(found.text if found else humanize(ground)).rstrip('.')}.",
                     found.cite if found else self.cite_of(t))
            return
        if possible:
            self.add(element, value, "sanction", "depends", "rule",
                     f"The {humanize(s.against)}'s exposure to it turns on unknown facts.",
                     self.cite_of(possible[0]), self.depends(possible))
            return
        self.add(element, value, "sanction", "inconsistent", "rule",
                 self._why_no_exposure(s, spec.grounds, terms), cite)

    def _exposable(self, grounds: Sequence[str]) -> list[tuple[str, str]]:
        """Every (party, ground) some rule of the program may expose, for these grounds."""
        out = []
        for head in self.program.rules_by_head:
            if head.name == "sanction" and len(head.arguments) == 2:
                a, g = (str(x) for x in head.arguments)
                if g in grounds:
                    out.append((a, g))
        return sorted(set(out))

    def _why_no_exposure(self, s: OrderSanction, grounds: Sequence[str],
                         terms: Sequence[str]) -> str:
        who = humanize(s.against)
        if not terms:
            parties = _join(sorted({humanize(a) for a, _g in self._exposable(grounds)}))
            return (f"The rule exposes no {who} to it: it reaches only the {parties}"
                    + ", and only on its grounds." if parties else ".")
        reasons = []
        for t in terms:
            for rid, _premises in self.r.tables.premises_for.get(t, ()):
                decl = self.r.tables.decl[rid]
                blocked = [str(x) for x in decl.exceptions if self.r.truth(str(x)) is True]
                failing = [str(x) for x in decl.premises if self.r.truth(str(x)) is False]
                for b in blocked:
                    where = self.cite_of(b) or self.written(decl.cite)
                    reasons.append(f"{self._term_words(b)} ({where})")
                for f in failing:
                    path = self.r.tables.input_path.get(f)
                    reasons.append(f"{self._term_words(f)} does not hold"
                                   + (f" ({path})" if path else f" ({self.cite_of(f)})"))
        ground = humanize(terms[0][terms[0].index(",") + 1:-1])
        return (f"No {who} is exposed to it on these facts: {ground} does not arise"
                + (f" ({_join(reasons, limit=5)})" if reasons else "") + ".")

    def _term_words(self, term: str) -> str:
        """A conclusion or input in words: the pack's text for it, else its name."""
        head, _, rest = term.partition("(")
        inner = rest[:-1] if rest.endswith(")") else ""
        found = self.words.get(term, inner, f"requirement({inner})") if inner else (
            self.words.get(term))
        if found and head in ("met", "excused", "exception"):
            return f"{found.rstrip('.')} ({head})"
        return found.rstrip(".") if found else humanize(term)

    # --- directives ---

    def check_directive(self, element: str, directive: Directive) -> None:
        day = directive.on or directive.by
        value = directive.kind + (f" {'on' if directive.on else 'by'} {day}" if day else "")
        spec = self.spec.directs.get(directive.kind)
        cures = self._cures(spec.cures if spec is not None else ())
        if spec is None or spec.sets is None or day is None:
            what = spec.text if spec is not None and spec.text else humanize(directive.kind)
            self.add(element, value, "directive", "consistent", "discretion",
                     f"{what}: the court may direct it" + (f"; it answers {cures}" if cures else "")
                     + ("" if day is None or spec is None or spec.sets else
                        "; the rule sets no deadline for it") + ".")
            return
        dated = self._dated()
        applied = {x.id for x in self.d.deadlines}
        maybe = {v for (v,) in self.r.possible_values("deadline_applies", 1)} - applied
        judged = False
        for dl_id, decl in sorted(self.program.deadlines.items()):
            if decl.event != spec.sets or (dl_id not in applied and dl_id not in maybe):
                continue
            judged = True
            anchor = dated.get(decl.anchor, resolve(self.case, decl.anchor))
            words = self.text(f"deadline({dl_id})").replace(
                "{days}", f"{decl.days} {humanize(decl.unit)}").rstrip(".")
            cite = self.written(decl.param_cite or decl.cite)
            if not isinstance(anchor, date) and dl_id in self.spec.modifiable:
                continue  # the court may move it whatever its date: nothing to judge
            if not isinstance(anchor, date):
                self.add(element, value, "deadline", "depends", "rule",
                         f"“{words}”: its date cannot be counted, {decl.anchor} is unknown.",
                         cite, [decl.anchor])
                continue
            due = due_date(decl, anchor)
            status = judge(decl, anchor, due, day, None)
            bound = "the first proper date" if decl.direction == "after" else "the last day"
            where = f"{day} against {bound} {due} (counted from {decl.anchor} {anchor})"
            option = next((o.date for o in self.d.discretion.options
                           if o.deadline == dl_id and o.date), None)
            if option is not None and decl.direction == "after":
                where += f"; the decision's first proper date: {option}"
            if status == "met":  # kept, whether or not it applies
                self.add(element, value, "deadline", "consistent", "rule",
                         f"“{words}”: kept, {where}.", cite)
            elif dl_id in self.spec.modifiable:
                self.add(element, value, "deadline", "consistent", "discretion",
                         f"“{words}”: {where}; the court that set it may move it by its own "
                         f"order ({self.spec.modifiable[dl_id]}).", self.spec.modifiable[dl_id])
            elif dl_id in maybe:
                self.add(element, value, "deadline", "depends", "rule",
                         f"“{words}” would be missed, {where}, where it applies.", cite,
                         self.r.depends_on(f"deadline_applies({dl_id})"))
            else:
                self.add(element, value, "deadline", "inconsistent", "rule",
                         f"The date the order sets misses “{words}”: {where}.", cite)
        if not judged:
            self.add(element, value, "directive", "consistent", "discretion",
                     f"{spec.text}: the court may direct it; no deadline of the rule applies to "
                     f"its date" + (f"; it answers {cures}" if cures else "") + ".")

    def _dated(self) -> dict[str, date]:
        """The case-file dates the order's directives set."""
        out: dict[str, date] = {}
        for directive in self.order.directs or ():
            spec = self.spec.directs.get(directive.kind)
            day = directive.on or directive.by
            if spec is not None and spec.sets and day is not None:
                out.setdefault(spec.sets, day)
        return out

    def _cures(self, requirements: Sequence[str]) -> str:
        open_ = [q for q in self.d.requirements if q.id in requirements
                 and q.status in ("unmet", "unknown")]
        return _join(f"“{self.text(f'requirement({q.id})')}” ({q.status}, {q.cite})"
                     for q in open_)


# --- words -------------------------------------------------------------------------------

_WORD = {"consistent": "consistent", "inconsistent": "INCONSISTENT", "depends": "depends"}
_MARK = {"consistent": "\u2714", "inconsistent": "\u2718", "depends": "?"}
_ASCII = {"consistent": "[ok]", "inconsistent": "[no]", "depends": "[?]"}
_BASIS = {"rule": "", "discretion": " (the court's discretion)",
          "outside": " (outside the rule, not checked)"}


def _headline(result: OrderCheck) -> str:
    if result.verdict == "inconsistent":
        n = result.count("inconsistent")
        return f"The draft order is NOT consistent with the rule: {n} element" \
               f"{'s' if n != 1 else ''} inconsistent."
    if result.verdict == "depends":
        return "The draft order is consistent with the rule if unknown facts go one way."
    return "The draft order is consistent with the rule."


def _engine_line(result: OrderCheck) -> str:
    d = result.decision
    ready = {True: "yes", False: "no", None: "undetermined"}[d.ready_for_hearing]
    return (f"The rule on these facts: route {humanize(d.route) if d.route else 'undetermined'}; "
            f"ready for hearing: {ready}; recommended: "
            f"{humanize(d.disposition.recommended) if d.disposition.recommended else 'none'}; "
            f"consistent: {', '.join(humanize(x) for x in d.disposition.consistent) or 'none'}.")


def render_text(result: OrderCheck, *, ascii: bool = False) -> str:
    """The check in plain words, one line per verdict and its reason beneath."""
    from .wording import wording_for

    marks = _ASCII if ascii else _MARK
    title = wording_for(result.decision).title or result.rule.pack
    overlays = f" with overlays {', '.join(result.rule.overlays)}" if result.rule.overlays else ""
    dash = "-" if ascii else "\u2014"
    lines = [printable(result.case or "Case"),
             f"{title} {dash} version {result.rule.version}{overlays}; as of {result.as_of}",
             "", "VERDICT", f"  {_headline(result)}", f"  {_engine_line(result)}", "",
             "THE ORDER, ELEMENT BY ELEMENT"]
    if not result.checks:
        lines.append("  The order block is empty: nothing to check.")
    for c in result.checks:
        head = f"  {marks[c.verdict]} {_WORD[c.verdict]:<12} {c.element}: {c.value}"
        lines.append(head + _BASIS[c.basis])
        reason = c.reason + (f" ({c.cite})" if c.cite and c.cite not in c.reason else "")
        lines.append(f"      {reason}")
        if c.depends_on:
            lines.append(f"      Depends on: {', '.join(c.depends_on)}")
    text = "\n".join(lines)
    if ascii:
        text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2014", "-")
    return text


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: OrderCheck) -> str:
    """A short report: the verdict, then a table of the elements."""
    lines = [f"# Draft order check: {_md(printable(result.case or 'Case'))}", "",
             f"{result.rule.pack}, version {result.rule.version}"
             + (f", overlays {', '.join(result.rule.overlays)}" if result.rule.overlays else "")
             + f"; as of {result.as_of}.", "", f"**{_headline(result)}**", "",
             _engine_line(result), "",
             "| element | as written | verdict | reason | cite |", "|---|---|---|---|---|"]
    for c in result.checks:
        verdict = _WORD[c.verdict] + _BASIS[c.basis]
        reason = c.reason + (f" Depends on: {', '.join(c.depends_on)}." if c.depends_on else "")
        lines.append(f"| `{c.element}` | {_md(c.value)} | {verdict} | {_md(reason)} | "
                     f"{_md(c.cite)} |")
    return "\n".join(lines) + "\n"


__all__ = ["FORMAT_ID", "Check", "OrderCheck", "check_order", "render_markdown", "render_text"]
