"""The procedural reasoning of an order, in neutral formal prose: what the rule requires on the
motion's route, which requirement is unmet on these facts and why, whether the exceptions
apply, what the rule leaves to the court, what remains open to the parties, and who is exposed
to sanctions -- every sentence ending with its cite in the court's form for the version in force.

Generic: the sentences are read off the decision and its justification trees (engine/explain.py)
and worded by the pack's templates (``reasoning.toml``, engine/prose.py). A presumed fact is
worded by its presumption (never as a stated fact), an undetermined point as open ("whether
... turns on ..."); a presumption a conclusion rests on that no sentence words is stated at the
end. The engine names no pack's ids: every key is formed from the output vocabulary.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import clingo

from .api import AmendInput, CaseInput, as_case, as_of_for, load_and_solve
from .casefile import Case
from .decision import Decision, Option, RuleRef
from .decode import decode
from .explain import Explainer, headline
from .paths import resolve
from .program import Program
from .prose import (
    Missing,
    Templates,
    combine_cites,
    days,
    fill,
    join,
    load_templates,
    long_date,
    lower_first,
    sentence,
    who_words,
)

FORMAT_ID = "rulepath/reasoning-1"
Kind = Literal["holds", "open", "presumed"]
Node = dict[str, Any]
# The paragraphs, in the order an order's reasoning takes them, with the engine's headings
# (a pack words its own under [headings]).
PARAGRAPHS = {
    "rule": "What the rule requires",
    "application": "The requirements on this record",
    "exceptions": "The exceptions",
    "court": "What the rule leaves to the court",
    "parties": "What remains open to the parties",
    "exposure": "Sanctions",
    "open": "Presumptions and open points",
}
# Undetermined conclusions the reasoning states as open where they arise; the others it
# states at the end (next steps, cures and deadlines follow from a point already open).
_FOLLOWS = ("next_step(", "cure(", "deadline_applies(", "readiness(")


_KEEP = "\x00"  # a space inside a cite, while text is wrapped


def _end(text: str) -> str:
    return "" if text.endswith(("?", "!")) else "."


@dataclass(frozen=True)
class Sentence:
    """One sentence of the reasoning, without its cite, and the cite it ends with.

    ``id`` names what it states in the pack's vocabulary (``unmet(conference)``,
    ``exception_fails(total_failure_to_respond,some_response)``, ``option(drop_hearing)``,
    ``sanction(opposing_counsel,refused_conference)``, ``presumed(D)``, ``open(T)`` ...);
    ``kind`` is ``holds`` (a conclusion), ``open`` (undetermined: it turns on
    ``depends_on``) or ``presumed`` (a presumption); ``rests_on`` the case fields its grounds
    are, ``presumed`` the presumptions its conclusion rests on."""

    id: str
    text: str
    cite: str
    kind: Kind = "holds"
    rests_on: tuple[str, ...] = ()
    presumed: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.text}{_end(self.text)} {self.cite}."


@dataclass(frozen=True)
class Paragraph:
    id: str
    title: str
    sentences: tuple[Sentence, ...]

    def __str__(self) -> str:
        return " ".join(str(s) for s in self.sentences)


@dataclass(frozen=True)
class Reasoning:
    """The reasoning of one case: headed paragraphs of cited sentences. ``to_dict()`` is the
    ``rulepath/reasoning-1`` JSON form."""

    case: str | None
    rule: RuleRef
    as_of: str
    title: str
    paragraphs: tuple[Paragraph, ...] = ()

    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    def paragraph(self, pid: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.id == pid), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT_ID}
        out.update(asdict(self))
        return out

    def to_markdown(self) -> str:
        out = [f"# {self.case or 'Reasoning'}", "", f"{self.title}.", ""]
        for p in self.paragraphs:
            out += [f"## {p.title}", "", str(p), ""]
        return "\n".join(out)

    def to_text(self, width: int = 79) -> str:
        """Plain paragraphs wrapped at ``width``; a cite is never broken across lines."""
        out = [self.case or "Reasoning", *textwrap.wrap(f"{self.title}.", width), ""]
        for p in self.paragraphs:
            text = " ".join(f"{s.text}{_end(s.text)} {s.cite.replace(' ', _KEEP)}."
                            for s in p.sentences)
            lines = textwrap.wrap(text, width, break_on_hyphens=False)
            out += [*(line.replace(_KEEP, " ") for line in lines), ""]
        return "\n".join(out).rstrip() + "\n"


@dataclass(frozen=True)
class Ground:
    """A leaf a conclusion rests on: a stated fact, a deadline measured on the case's dates,
    or a presumption."""

    kind: Literal["fact", "deadline", "presumed"]
    key: str  # the input term, or the presumption's id
    path: str
    value: str


@dataclass
class _Builder:
    program: Program
    case: Case
    decision: Decision
    explainer: Explainer
    templates: Templates
    worded: set[str] = field(default_factory=set)  # presumptions some sentence words
    relied: dict[str, None] = field(default_factory=dict)  # presumptions relied on, in order
    stated_open: set[str] = field(default_factory=set)  # undetermined conclusions stated

    def __post_init__(self) -> None:
        t = self.templates
        # without the pack's list, the output vocabulary: each is stated by a sentence of its own
        self.prune = set(t.words("prune")) if "prune" in t.data else set(self.program.outputs)
        who_by = t.table("who").get("by")
        who_value = resolve(self.case, who_by) if isinstance(who_by, str) else None
        self.values: dict[str, Any] = dict(who_words(t, None if who_value is None
                                                        else str(who_value)))
        self.values["rule"] = t.text("document", "rule") or self.decision.rule.pack
        self.values["days"] = {d: days(x.days, x.unit) for d, x in self.program.deadlines.items()}
        self.values["due"] = {x.id: long_date(x.date) for x in self.decision.deadlines}
        schema = self.program.pack.case_schema()
        self.values["date"] = {
            f.path: long_date(resolve(self.case, f.path)) for f in schema.fields
            if f.type == "date"
        }
        self.descriptions = {f.path: (f.type, f.description) for f in schema.fields}
        self.requirement_order = self._requirement_order()
        self.route_linked = self._route_linked()

    # --- cites -----------------------------------------------------------------------------

    def court(self, cite: str) -> str:
        """A cite as reported (the version's numbering) in the court's form."""
        return combine_cites([self.templates.court_cite(c.strip())
                              for c in cite.split(";") if c.strip()])

    def cite_of(self, table: tuple[str, ...], variant: str, reported: str) -> str:
        """The cite of a sentence: the template's own (``<variant>_cite`` or ``cite``, written in
        the current numbering), else the cite the decision reports."""
        own = self.templates.text(*table, f"{variant}_cite") or self.templates.text(*table, "cite")
        if own:
            return self.court("; ".join(self.program.cite(c.strip()) for c in own.split(";")))
        return self.court(reported)

    # --- the trees ---------------------------------------------------------------------------

    def tree(self, term: str, *, holds: bool = True) -> Node:
        symbol = clingo.parse_term(term)
        return self.explainer.why(symbol) if holds else self.explainer.why_not(symbol)

    def grounds(self, node: Node, keep: frozenset[str] = frozenset()) -> list[Ground]:
        """The leaves a conclusion rests on, stated facts first, then dates, then
        presumptions; helpers the pack names (``prune``, unless the template's section says
        ``keep``) are not looked into."""
        found: list[Ground] = []
        prune = self.prune - keep
        root = str(node.get("term", ""))

        def walk(n: Node, top: bool) -> None:
            presumed = n.get("presumed")
            if presumed and presumed.get("in_every_completion"):
                found.append(Ground("presumed", str(presumed["id"]), str(n.get("fact", "")),
                                    str(n.get("value", ""))))
                return
            term = str(n.get("term", ""))
            if "fact" in n:
                if term.startswith("unknown(") or n.get("value") == "unknown" or presumed \
                        or n.get("stated") is False:
                    return
                kind: Literal["fact", "deadline"] = (
                    "deadline" if self.deadline_of(term) is not None else "fact")
                found.append(Ground(kind, term, str(n["fact"]), str(n["value"])))
                return
            if n.get("jointly") or n.get("truncated") or n.get("no_rule"):
                return
            if not top and term != root and term.partition("(")[0] in prune:
                return
            children = n.get("because", [])
            conclusion = str(n.get("conclusion", ""))
            if conclusion.startswith("rule ") and conclusion.endswith(" does not apply"):
                # one failing premise defeats a rule: name the ones that do not rest on a
                # presumption where there are any
                firm = [c for c in children if not self.rests(c)]
                children = firm or children
            for child in children:
                walk(child, False)

        walk(node, True)
        order = {"fact": 0, "deadline": 1, "presumed": 2}
        unique = list({(g.kind, g.key): g for g in found}.values())
        return sorted(unique, key=lambda g: order[g.kind])

    def deadline_of(self, term: str) -> str | None:
        """The deadline an input measures (the calendar's judgement of it), if it is one."""
        try:
            decl = self.program.input_by_term.get(clingo.parse_term(term))
        except (RuntimeError, ValueError):
            return None
        return str(decl.value) if decl is not None and decl.kind == "timely" else None

    def moot(self, node: Node) -> bool:
        """Whether every rule that could conclude a claim fails on a helper the pack names
        (``prune``: e.g. the rule does not govern the motion) -- then the claim is not in play."""
        rules = [k for k in node.get("because", []) if "rule" in k]
        return bool(rules) and all(
            any(str(c.get("term", "")).partition("(")[0] in self.prune
                and str(c.get("conclusion", "")).startswith("not ")
                for c in r.get("because", []))
            for r in rules)

    def rests(self, node: Node) -> list[str]:
        """The presumptions a conclusion rests on: a presumed leaf; a rule that does not apply
        only if every premise failing it does; anything else if any of its grounds does."""
        presumed = node.get("presumed")
        if presumed:
            return [str(presumed["id"])] if presumed.get("in_every_completion") else []
        kids = node.get("because") or []
        if not kids:
            return []
        parts = [self.rests(k) for k in kids]
        conclusion = str(node.get("conclusion", ""))
        if conclusion.startswith("rule ") and conclusion.endswith(" does not apply") \
                and not all(parts):
            return []
        return list(dict.fromkeys(x for part in parts for x in part))

    # --- words -----------------------------------------------------------------------------

    def ground_words(self, g: Ground) -> str | None:
        """A ground as a clause: the pack's reasoning words (written as clauses), else its
        texts (written as sentences: their first word lowered), else words made from ids."""
        t = self.templates
        if g.kind == "presumed":
            self.worded.add(g.key)
            words = t.text("presumed", g.key)
            default = self.program.texts.get(f"default({g.key})", f"{humanize(g.key)} is presumed")
            if words is not None:
                try:
                    return fill(words, self.values, clause=True) if words else None
                except Missing:
                    pass
            return lower_first(sentence(default))
        if g.kind == "deadline":
            deadline = self.deadline_of(g.key) or g.key
            status = "met" if g.value == "true" else "missed"
            words = t.text("deadline", deadline, status)
            event_path = g.path.partition(" (")[0]
            values = {**self.values, "due": self.values["due"].get(deadline),
                      "event": self.values["date"].get(event_path)}
            if words:
                try:
                    return fill(words, values, clause=True)
                except Missing:
                    pass
            clause = self.program.texts.get(f"deadline({deadline})", humanize(deadline))
            clause = clause.replace("{days}", self.values["days"].get(deadline, ""))
            return lower_first(clause) + (", and it was" if status == "met" else ", and it was not")
        words = t.text("facts", g.key, g.value)
        if words is not None:
            return fill(words, self.values, clause=True) if words else None
        return self.fact_fallback(g)

    def described(self, path: str) -> tuple[str, str]:
        """A field's type and its description as a clause (no parentheses, no full stop)."""
        kind, description = self.descriptions.get(path, ("", ""))
        clause = description
        while True:  # parentheses out, innermost first
            bare = re.sub(r"\s*\([^()]*\)", "", clause)
            if bare == clause:
                break
            clause = bare
        clause = re.split(r"(?<![A-Z])\.\s+(?=[A-Z])", clause)[0].rstrip(".")
        return kind, lower_first(clause.strip())

    def fact_fallback(self, g: Ground) -> str:
        kind, described = self.described(g.path)
        if kind == "bool" and described:
            return (f"the record shows that {described}" if g.value == "true"
                    else f"the record shows that it is not the case that {described}")
        value = resolve(self.case, g.path)
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
        return f"the record gives {g.path} as {shown}"

    def because(self, node: Node, keep: frozenset[str]) -> tuple[str, list[Ground]]:
        grounds = self.grounds(node, keep)
        words = [w for w in (self.ground_words(g) for g in grounds) if w]
        return join(words), grounds

    def open_words(self, paths: list[str]) -> str:
        out = []
        for path in dict.fromkeys(p.partition(" (")[0] for p in paths):
            words = self.templates.text("fields", path, "whether")
            if words is not None:
                words = fill(words, self.values, strict=False, clause=True)
            else:
                kind, described = self.described(path)
                described = described.split(":")[0]
                if not described:
                    words = f"what the record gives as {path}"
                else:
                    words = f"whether {described}" if kind == "bool" else described
            out.append(words)
        return join(out) or "facts the record does not give"

    def depends(self, conclusion: str) -> list[str]:
        for u in self.decision.undetermined:
            if u.conclusion == conclusion:
                self.stated_open.add(conclusion)
                return list(u.depends_on)
        return []

    def say(
        self,
        sid: str,
        table: tuple[str, ...],
        variants: list[str],
        reported_cite: str,
        fallback: str,
        *,
        node: Node | None = None,
        kind: Kind = "holds",
        depends_on: list[str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Sentence | None:
        """A sentence from the first of ``variants`` of the template at ``table`` that this
        case can fill (an empty template says nothing: None), else ``fallback`` (already in
        words; an empty one says nothing either)."""
        values = dict(self.values)
        grounds: list[Ground] = []
        if node is not None:
            keep = frozenset(str(x) for t in {table[:1], table}
                             for x in self.templates.table(*t).get("keep", []))
            values["because"], grounds = self.because(node, keep)
        if depends_on is not None:
            values["open"] = self.open_words(depends_on)
        values.update(extra or {})
        text: str | None = None
        variant = variants[-1] if variants else ""
        # each variant, then its "_plain" form (the same point without the values this case
        # lacks, e.g. {because} when nothing the conclusion rests on has words)
        for v in [x for name in variants for x in (name, f"{name}_plain")]:
            template = self.templates.text(*table, v)
            if template is None:
                continue
            if template == "":
                return None
            try:
                text, variant = fill(template, values), v
                break
            except Missing:
                continue
        if text is None:
            if not fallback:
                return None
            try:
                text = fill(fallback, values)
            except Missing:
                text = fill(fallback, {**values, "because": "the record as given",
                                       "open": "facts the record does not give"}, strict=False)
        rests = self.rests(node) if node is not None else []
        self.relied.update(dict.fromkeys(rests))
        return Sentence(
            id=sid,
            text=text,
            cite=self.cite_of(table, variant, reported_cite) or self.court(self.default_cite()),
            kind=kind,
            rests_on=tuple(dict.fromkeys(g.path.partition(" (")[0] for g in grounds
                                         if g.kind != "presumed" and g.path)),
            presumed=tuple(rests),
            depends_on=tuple(depends_on or ()),
        )

    def default_cite(self) -> str:
        return self.explainer.view.cite("governs") or self.decision.rule.pack

    # --- the requirements ------------------------------------------------------------------

    def _requirement_order(self) -> list[str]:
        declared = self.templates.order("requirement")
        rest = [r.id for r in self.decision.requirements if r.id not in declared]
        known = [q for q in declared if q in self.program.requirements]
        return known + rest + sorted(q for q in self.program.requirements
                                     if q not in known and q not in rest)

    def _route_linked(self) -> set[str]:
        """The requirements the rules impose on the decision's route: those the pack lists for
        it (``[route.R] requires``) and those that apply, else every one a rule ties to it."""
        route = self.decision.route
        if route is None:
            return set()
        listed = self.templates.table("route", route).get("requires")
        if isinstance(listed, list):
            applying = {r.id for r in self.decision.requirements}
            return {str(q) for q in listed} | (self._tied_to(route) & applying)
        return self._tied_to(route)

    def _tied_to(self, route: str) -> set[str]:
        on_route = clingo.Function("route", [clingo.Function(route)])
        out = set()
        for q in self.program.requirements:
            head = clingo.Function("req", [clingo.Function(q)])
            for rule in self.program.rules_by_head.get(head, ()):
                if on_route in rule.premises:
                    out.add(q)
        return out

    def requirement_words(self, q: str) -> str:
        return self.program.texts.get(f"requirement({q})", humanize(q))

    # --- the paragraphs ----------------------------------------------------------------------

    def rule(self) -> list[Sentence | None]:
        d, view = self.decision, self.explainer.view
        out: list[Sentence | None] = []
        for c in d.conflicts:  # a conflict in the rules is said first, never hidden
            drawn = [lower_first(self.program.texts.get(f"{c.conclusion}({v})", humanize(v))
                                 .rstrip(".")) for v in c.values]
            out.append(self.say(
                f"conflict({c.conclusion})", ("conflict",), ["text"],
                "; ".join(dict.fromkeys(r.cite for r in c.rules)),
                f"The rule's provisions conflict: they draw more than one {humanize(c.conclusion)} "
                f"({join(drawn)})"))
        if d.governs is None:
            out.append(self.say("open(governs)", ("governs",), ["open"], view.cite("governs"),
                                "Whether the rule governs the motion turns on {open}",
                                kind="open", depends_on=self.depends("governs")))
        else:
            variant = "true" if d.governs else "false"
            out.append(self.say("governs" if d.governs else "not governs", ("governs",),
                                [variant], view.cite("governs"),
                                "The rule governs the motion" if d.governs
                                else "The rule does not govern the motion",
                                node=self.tree("governs", holds=d.governs)))
        if d.route is not None:
            term = f"route({d.route})"
            words = self.program.texts.get(term, humanize(d.route))
            out.append(self.say(term, ("route", d.route), ["text"], view.cite(term),
                                f"The motion follows this route: {lower_first(words)}",
                                node=self.tree(term)))
        elif not d.conflicts and d.governs is not False:
            paths = sorted({p for u in d.undetermined if u.conclusion.startswith("route(")
                            for p in u.depends_on})
            self.stated_open |= {u.conclusion for u in d.undetermined
                                 if u.conclusion.startswith("route(")}
            out.append(self.say("open(route)", ("route",), ["open"], view.cite("governs"),
                                "Which route the motion follows turns on {open}",
                                kind="open", depends_on=paths))
        statuses = {r.id: r for r in d.requirements}
        for q in self.requirement_order:
            r = statuses.get(q)
            if q not in self.route_linked and (r is None or r.status not in ("unmet", "unknown")):
                continue
            cite = r.cite if r else self.program.cite(self.program.requirements[q][0])
            words = lower_first(self.requirement_words(q))
            variants = [f"requires_{d.route}", "requires"] if d.route else ["requires"]
            out.append(self.say(f"requires({q})", ("requirement", q), variants, cite,
                                f"The rule requires this: {words}"))
        return out

    def application(self) -> tuple[list[Sentence | None], list[Sentence | None]]:
        """The requirements' status on this record, and (for the last paragraph) those met off
        the route only by presumption."""
        d = self.decision
        here: list[Sentence | None] = []
        later: list[Sentence | None] = []
        by_id = {r.id: r for r in d.requirements}
        for q in self.requirement_order:
            r = by_id.get(q)
            if r is None:
                continue
            table = ("requirement", q)
            words = lower_first(self.requirement_words(q))
            if r.status == "unmet":
                defect = next((x.text for x in d.defects if self.program.requirements.get(
                    q, ("", ""))[1] == x.id), f"This requirement is not met: {words}")
                here.append(self.say(f"unmet({q})", table, ["unmet"], r.cite, defect,
                                     node=self.tree(f"met({q})", holds=False)))
            elif r.status == "unknown":
                here.append(self.say(
                    f"open(requirement({q}))", table, ["open"], r.cite,
                    f"Whether this requirement is met ({words}) turns on {{open}}", kind="open",
                    depends_on=self.depends(f"requirement {q}")))
            elif r.status == "excused":
                here.append(self.say(f"excused({q})", table, ["excused"], r.cite,
                                     f"This requirement is excused: {words}",
                                     node=self.tree(f"excused({q})")))
            else:
                node = self.tree(f"met({q})")
                rests = self.rests(node)
                if q not in self.route_linked and not rests:
                    continue
                s = self.say(f"met({q})", table, ["met"], r.cite,
                             f"This requirement is met: {words} ({{because}})", node=node)
                (here if q in self.route_linked else later).append(s)
        here.append(self.readiness())
        return here, later

    def readiness(self) -> Sentence | None:
        d, view = self.decision, self.explainer.view
        if d.readiness is not None:
            return self.say(f"readiness({d.readiness.basis})", ("readiness",),
                            [d.readiness.basis], d.readiness.cite, d.readiness.text,
                            node=self.tree(f"readiness({d.readiness.basis})"))
        if d.ready_for_hearing is None:
            return self.say("open(ready_for_hearing)", ("readiness",), ["open"],
                            view.cite("ready_for_hearing"),
                            "Whether the motion may be heard turns on {open}", kind="open",
                            depends_on=self.depends("ready_for_hearing"))
        variant = "true" if d.ready_for_hearing else "false"
        return self.say("ready_for_hearing" if d.ready_for_hearing else "not ready_for_hearing",
                        ("readiness",), [variant], view.cite("ready_for_hearing"),
                        "Nothing in the rule bars the hearing of the motion" if d.ready_for_hearing
                        else "The rule bars the hearing of the motion")

    def exceptions(self) -> list[Sentence | None]:
        d, view = self.decision, self.explainer.view
        if not d.exceptions:
            return []
        order = self.templates.order("exception")
        ranked = sorted(d.exceptions, key=lambda e: (order.index(e.id) if e.id in order
                                                     else len(order), e.id))
        out: list[Sentence | None] = []
        fails = view.values("exception_fails", 2)
        for e in ranked:
            table = ("exception", e.id)
            name = self.program.texts.get(f"exception({e.id})", humanize(e.id))
            if e.applies:
                out.append(self.say(f"exception({e.id})", table, ["applies"], e.cite,
                                    f"{name}: the exception applies",
                                    node=self.tree(f"exception({e.id})")))
            elif e.applies is None:
                out.append(self.say(f"open(exception({e.id}))", table, ["open"], e.cite,
                                    f"Whether this exception applies ({lower_first(name)}) "
                                    "turns on {open}", kind="open",
                                    depends_on=self.depends(f"exception({e.id})")))
            else:
                reasons = [w for x, w in fails if x == e.id]
                listed = [w for w in self.templates.table(*table, "fails") if w in reasons]
                chosen = (listed or reasons)[:1]
                if chosen:
                    w = chosen[0]
                    term = f"exception_fails({e.id},{w})"
                    out.append(self.say(term, (*table, "fails"), [w], e.cite,
                                        f"{name}: the exception does not apply ({{because}})",
                                        node=self.tree(term)))
                else:
                    node = self.tree(f"exception({e.id})", holds=False)
                    if not self.grounds(node) or self.moot(node):
                        continue  # not in play: it fails on what the rule paragraph states
                    out.append(self.say(f"not exception({e.id})", table, ["not"], e.cite,
                                        f"{name}: the exception does not apply ({{because}})",
                                        node=node))
        if not out:
            return []
        intro = self.templates.text("exception", "intro")
        if intro:
            out.insert(0, self.say("exceptions", ("exception",), ["intro"], ranked[0].cite, ""))
        return out

    def court_options(self) -> list[Sentence | None]:
        d, view = self.decision, self.explainer.view
        out: list[Sentence | None] = []
        recommended = d.disposition.recommended
        if recommended is not None:
            term = f"recommended({recommended})"
            words = self.program.texts.get(f"disposition({recommended})", humanize(recommended))
            out.append(self.say(term, ("disposition", recommended), ["recommended"],
                                view.cite(term),
                                f"The disposition the rule points to: {lower_first(words)}",
                                node=self.tree(term)))
        elif d.ready_for_hearing is not None and not d.conflicts:
            self.stated_open |= {u.conclusion for u in d.undetermined
                                 if u.conclusion.startswith("recommended(")}
        grouped: dict[str, list[Option]] = {}
        for o in d.discretion.options:
            grouped.setdefault(o.option, []).append(o)
        for option, same in grouped.items():
            if option == recommended:
                continue
            answers = list(dict.fromkeys(o.for_ for o in same))
            variants = ([answers[0]] if len(answers) == 1 else []) + ["text", "undated"]
            when = next((o.date for o in same if o.date), None)
            out.append(self.say(
                f"option({option})", ("option", option), variants,
                "; ".join(dict.fromkeys(o.cite for o in same)),
                f"The court may {lower_first(same[0].text)}",
                extra={"date": long_date(when)}))
        for disposition in d.disposition.consistent:
            if disposition == recommended or disposition in grouped:
                continue
            term = f"consistent({disposition})"
            words = self.program.texts.get(f"disposition({disposition})", humanize(disposition))
            out.append(self.say(term, ("disposition", disposition), ["consistent"],
                                view.cite(term),
                                f"The rule also leaves the court free to {lower_first(words)}"))
        stated = {*grouped, *d.disposition.consistent}
        return out + self.open_court(stated)

    def parties(self) -> list[Sentence | None]:
        d = self.decision
        out: list[Sentence | None] = []
        rank = self.program.step_order
        last = max(rank.values(), default=0) + 1
        steps = sorted(enumerate(d.next_steps), key=lambda p: (rank.get(p[1].id, last), p[0]))
        for _, s in steps:
            who = self.values.get(s.who, s.who.replace("_", " "))
            out.append(self.say(f"next_step({s.who},{s.id})", ("next_step", s.id), ["text"],
                                s.cite, f"The next step for {who}: {lower_first(s.action)}",
                                extra={"who": who}))
        after = {x.id for x in d.deadlines if x.direction == "after"}
        order = self.templates.order("cure")
        cures = sorted(d.discretion.cures, key=lambda c: order.index(c.action)
                       if c.action in order else len(order))
        for c in cures:
            decl = self.program.deadlines.get(c.deadline or "")
            anchor = None
            if decl is not None:
                anchor = self.templates.text("fields", decl.anchor, "name") or \
                    lower_first(self.descriptions.get(decl.anchor, ("", decl.anchor))[1]
                                .split(";")[0].rstrip("."))
            dated = c.by is not None
            when = "" if decl is None else (
                f"; the first proper date is {long_date(c.by)}" if dated and c.deadline in after
                else f", by {long_date(c.by)}" if dated else
                f"; when that is turns on {anchor}, which the record does not give")
            kind: Kind = "holds" if dated or decl is None else "open"
            out.append(self.say(
                f"cure({c.requirement},{c.action})", ("cure", c.action),
                ["dated"] if dated else ["undated", "text"], c.cite,
                sentence(c.text) + when, kind=kind,
                extra={"by": long_date(c.by), "anchor": anchor}))
        return out

    def exposure(self) -> list[Sentence | None]:
        d, view = self.decision, self.explainer.view
        order = self.templates.order("sanction")

        def rank(ground: str) -> int:
            return order.index(ground) if ground in order else len(order)

        out: list[Sentence | None] = []
        for s in sorted(d.sanctions, key=lambda s: rank(s.ground)):
            who = self.values.get(s.against, s.against.replace("_", " "))
            term = f"sanction({s.against},{s.ground})"
            out.append(self.say(term, ("sanction", s.ground), [s.against, "text"], s.cite,
                                s.text, node=self.tree(term), extra={"who": who}))
        open_ones = [u for u in d.undetermined if u.conclusion.startswith("sanction(")]
        for u in sorted(open_ones, key=lambda u: rank(_args(u.conclusion)[1:2][0]
                                                        if len(_args(u.conclusion)) > 1 else "")):
            args = _args(u.conclusion)
            if len(args) != 2:
                continue
            against, ground = args
            who = self.values.get(against, against.replace("_", " "))
            self.stated_open.add(u.conclusion)
            words = self.program.texts.get(ground, humanize(ground)).rstrip(".")
            out.append(self.say(f"open({u.conclusion})", ("sanction", ground), ["open"],
                                view.cite(u.conclusion),
                                f"Whether {who} is exposed on this ground ({lower_first(words)}) "
                                "turns on {open}", kind="open", depends_on=list(u.depends_on),
                                extra={"who": who}))
        return out

    def open_court(self, stated: set[str]) -> list[Sentence | None]:
        """The court's options and the dispositions open only in some completions of the
        unknown facts: each once, with every fact it turns on."""
        view = self.explainer.view
        grouped: dict[tuple[str, str], list[str]] = {}
        cites: dict[tuple[str, str], str] = {}
        for u in self.decision.undetermined:
            name, args = u.conclusion.partition("(")[0], _args(u.conclusion)
            if name not in ("option", "consistent", "recommended") or not args:
                continue
            self.stated_open.add(u.conclusion)
            kind = "option" if name == "option" else "disposition"
            if args[0] in stated:
                continue
            key = (kind, args[0])
            grouped.setdefault(key, []).extend(u.depends_on)
            cites.setdefault(key, view.cite(u.conclusion))
        out: list[Sentence | None] = []
        for (kind, ident), paths in grouped.items():
            text_key = ident if kind == "option" else f"disposition({ident})"
            text = lower_first(self.program.texts.get(text_key, humanize(ident)).rstrip("."))
            out.append(self.say(f"open({kind}({ident}))", (kind, ident), ["open"],
                                cites[(kind, ident)], f"Whether the court may {text} turns on "
                                "{open}", kind="open", depends_on=sorted(set(paths))))
        return out

    def open_points(self, later: list[Sentence | None]) -> list[Sentence | None]:
        d, view = self.decision, self.explainer.view
        out = list(later)
        grouped: dict[str, tuple[str, str, list[str]]] = {}
        for u in d.undetermined:
            c = u.conclusion
            if c in self.stated_open or c.startswith(_FOLLOWS) or c.startswith("requirement "):
                continue
            words = f"Whether {humanize(c)} holds"
            _, _, paths = grouped.setdefault(words, (c, view.cite(c), []))
            paths.extend(u.depends_on)
        for words, (c, cite, paths) in grouped.items():
            out.append(self.say(f"open({c})", ("open", c.partition("(")[0]), ["text"], cite,
                                sentence(words) + " turns on {open}", kind="open",
                                depends_on=sorted(set(paths))))
        assumed = {a.id: a for a in d.assumed if a.in_every_completion}
        for pid in self.relied:
            a = assumed.get(pid)
            if a is None or pid in self.worded:
                continue
            default = self.program.texts.get(f"default({pid})", f"{humanize(pid)} is presumed")
            try:
                words = fill(self.templates.text("presumed", pid) or default, self.values)
            except Missing:
                words = sentence(default)
            self.worded.add(pid)
            out.append(Sentence(id=f"presumed({pid})", text=words,
                                cite=self.court(a.cite), kind="presumed", presumed=(pid,),
                                rests_on=(a.fact.partition(" (")[0],)))
        return out

    def build(self) -> tuple[Paragraph, ...]:
        rule = self.rule()
        application, later = self.application()
        parts: dict[str, list[Sentence | None]] = {
            "rule": rule,
            "application": application,
            "exceptions": self.exceptions(),
            "court": self.court_options(),
            "parties": self.parties(),
            "exposure": self.exposure(),
        }
        parts["open"] = self.open_points(later)  # last: what no sentence above worded
        headings = self.templates.table("headings")
        out = []
        for pid, default in PARAGRAPHS.items():
            sentences = tuple(s for s in parts[pid] if s is not None)
            if sentences:
                out.append(Paragraph(pid, str(headings.get(pid, default)), sentences))
        return tuple(out)


def _args(term: str) -> list[str]:
    try:
        symbol = clingo.parse_term(term)
    except (RuntimeError, ValueError):
        return []
    return [a.string if a.type == clingo.SymbolType.String else str(a) for a in symbol.arguments]


def humanize(key: str) -> str:
    return key.replace("_", " ").replace("(", " ").replace(")", "").replace(",", ", ").strip()


def reasoning(
    case: CaseInput, *, defaults: bool = True, amend: AmendInput = None
) -> Reasoning:
    """The procedural reasoning of one case (a case file's path, a mapping holding the case, or
    a loaded :class:`Case`): paragraphs of sentences, each with its cite in the court's form
    for the version the case is decided under."""
    loaded = as_case(case)
    program, facts, cons = load_and_solve(loaded, defaults=defaults, amend=amend)
    decision = decode(program, loaded, as_of_for(loaded), facts, cons)
    explainer = Explainer(program, facts, cons)
    decision.explanation = headline(explainer)
    pack = program.pack
    templates = load_templates(pack.root / pack.reasoning_file, program.version.id)
    builder = _Builder(program, loaded, decision, explainer, templates)
    paragraphs = builder.build()
    title = templates.text("document", "title")
    lead = (fill(title, builder.values) if title else
            f"{pack.title}, version {decision.rule.version}")
    overlays = f", with {', '.join(decision.rule.overlays)}" if decision.rule.overlays else ""
    return Reasoning(
        case=decision.case,
        rule=decision.rule,
        as_of=decision.as_of,
        title=f"{lead}{overlays}; as of {long_date(decision.as_of)}",
        paragraphs=paragraphs,
    )


__all__ = ["FORMAT_ID", "Paragraph", "Reasoning", "Sentence", "reasoning"]
