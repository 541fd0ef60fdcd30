"""Explanations that are always true.

A property test over the scenario space of every pack version: random case files built from
the pack's case schema (``case.toml``), some facts stated and some left unknown, with and
without presumptions and with random overlays. For each case every output conclusion the
rules can draw is explained both ways (``--why`` and ``--why-not``) and every node of every
tree is checked against the solver's consequences:

* a node claiming ``T`` holds has ``T`` in every completion (or is marked undetermined, and
  then ``T`` is undetermined); a node ``not T`` has ``T`` in none; ``rule R does not apply``
  has ``R`` fire in none (or undetermined, likewise);
* a why node lists every rule that concludes ``T``; a why-not node every rule that could; a
  failing rule every premise that fails;
* every leaf is a case fact (cite ``fact:<path>``, the value the case states), a presumption
  (a default relied on in every completion) or the case's leaving a fact unknown;
* a question whose premise is false (``--why-not`` a conclusion that holds, ``--why`` one
  that does not) gets no tree but a node that says so and points to the other question;
* the decision's own conclusions (route, requirements, defects, sanctions, dispositions,
  readiness) have why trees.

Deterministic (a fixed seed) and bounded (a few hundred cases a version, under a minute). The
rules change while the project grows: the checks are properties, not outcomes, except for a
few checks on the founding case (Martinez v. Smith).
"""

from __future__ import annotations

import copy
import json
import random
from datetime import date, timedelta
from typing import Any

import clingo
import pytest
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.api import as_of_for, decide, load_and_solve
from rulepath.engine.casefile import Case, case_from_mapping
from rulepath.engine.decode import decode
from rulepath.engine.errors import CaseError, RulepathError
from rulepath.engine.explain import VALUE, Explainer, explain_case, headline, parse_atom
from rulepath.engine.pack import Pack, Version, load_pack, pack_ids
from rulepath.engine.render import _tree_lines, to_markdown
from rulepath.engine.schema import FieldSpec
from tests.conftest import EXAMPLE

Node = dict[str, Any]
SEED = 251
CASES_PER_VERSION = 240
RULE_NUMBERS = ["frcp-16", "frcp-26", "frcp-30", "frcp-34", "frcp-37", "frcp-45"]


# --- random cases from a pack's case schema ----------------------------------------------


def _value(rng: random.Random, spec: FieldSpec, around: date) -> Any:
    if spec.type == "bool":
        return rng.random() < 0.5
    if spec.type == "enum":
        return rng.choice(spec.values)
    if spec.type == "set":
        pool = list(spec.values) if spec.values else RULE_NUMBERS
        return sorted(rng.sample(pool, rng.randint(0, min(3, len(pool)))))
    if spec.type == "date":
        return (around + timedelta(days=rng.randint(-90, 45))).isoformat()
    if spec.type == "count":
        return rng.choice([0, 1, 3, 7, 13, 14, 20, 21, 25, 26, 40])
    if spec.type == "int":
        return rng.choice([-3, 0, 2, 3, 7, 13, 14, 21])
    return "x"


def _as_of(rng: random.Random, pack: Pack, version: Version) -> date:
    later = [v.in_force_from for v in pack.versions if v.in_force_from > version.in_force_from]
    end = min(later) - timedelta(days=1) if later else version.in_force_from + timedelta(1500)
    span = (end - version.in_force_from).days
    return version.in_force_from + timedelta(days=rng.randint(0, span))


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, name = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[name] = value
    return out


def random_case(rng: random.Random, pack: Pack, version: Version) -> tuple[Case, bool] | None:
    """A valid random case of ``pack`` under ``version`` (forced), and whether presumptions
    are on; None if the draw cannot be made valid."""
    schema = pack.case_schema()
    as_of = _as_of(rng, pack, version)
    stated = rng.choice([0.2, 0.45, 0.7, 0.9])  # how many facts the case states
    flat = {f.path: _value(rng, f, as_of) for f in schema.fields if rng.random() < stated}
    for f in schema.fields:  # a date at implied_by implies true
        if f.implied_by in flat and flat.get(f.path) is False:
            flat[f.path] = True
    for c in schema.checks:
        if c.kind == "not_before" and c.earlier in flat and c.field in flat:
            if flat[c.field] < flat[c.earlier]:
                flat[c.field], flat[c.earlier] = flat[c.earlier], flat[c.field]
        elif c.kind == "interval" and c.field in flat and c.start in flat and c.to in flat:
            days = (date.fromisoformat(flat[c.to]) - date.fromisoformat(flat[c.start])).days
            flat[c.field] = days
    overlays = [o for o in sorted(pack.overlays) if rng.random() < 0.2]
    doc = {
        "format": "rulepath/case-1",
        "rule": pack.id,
        "rule_version": version.id,
        "as_of": as_of.isoformat(),
        "overlays": overlays,
        **_nest(flat),
    }
    for _ in range(8):
        try:
            return case_from_mapping(doc), rng.random() < 0.85
        except CaseError as error:  # drop the field at fault and try again
            *parents, name = error.field.split(".")
            node: Any = doc
            for part in parents:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            if not isinstance(node, dict) or name not in node:
                return None
            del node[name]
    return None


# --- the checker -------------------------------------------------------------------------


class Checker:
    """Checks every node of the trees of one case against the solver's consequences."""

    def __init__(self, explainer: Explainer, where: str) -> None:
        self.e = explainer
        self.program = explainer.program
        self.where = where
        self.done: set[int] = set()
        self.leaves = 0

    def fail(self, node: Node, why: str) -> None:
        raise AssertionError(f"{self.where}: {why}: {json.dumps(node)[:600]}")

    def term(self, node: Node) -> clingo.Symbol:
        return parse_atom(node["term"])

    def truth_ok(self, node: Node, truth: bool | None, want: bool) -> None:
        """A node claiming ``want`` of a term whose truth is ``truth``."""
        if truth is None:
            if not node.get("undetermined"):
                self.fail(node, "an undetermined conclusion not marked undetermined")
        elif truth is not want:
            self.fail(node, "a false claim")
        elif node.get("undetermined"):
            self.fail(node, "a determined conclusion marked undetermined")

    def check(self, node: Node) -> None:
        if id(node) in self.done:
            return
        self.done.add(id(node))
        for key in ("truncated", "no_rule"):
            if node.get(key):
                self.fail(node, key)
        if "fact" in node:
            self.leaf(node)
        elif "rule" in node and "term" not in node:
            self.failing_rule(node)
        elif "rule" in node:
            self.applying_rule(node)
        elif node["conclusion"] == node["term"]:
            self.holds(node)
        elif node["conclusion"] == f"not {node['term']}":
            self.does_not_hold(node)
        else:
            self.fail(node, "a node of no known kind")
        for child in node.get("because", []):
            self.check(child)

    # leaves
    def leaf(self, node: Node) -> None:
        self.leaves += 1
        term = self.term(node)
        e, program = self.e, self.program
        if node.get("because"):
            self.fail(node, "a fact with reasons")
        inner = term.arguments[0] if term.name == "unknown" and term.arguments else None
        decl = program.input_by_term.get(inner if inner is not None else term)
        if decl is None:
            self.fail(node, "a leaf that is no declared input")
            return
        path = program.input_path(decl)
        if node["fact"] != path:
            self.fail(node, f"the leaf's path is not {path}")
        stated = decl in e.facts.known
        if inner is not None:  # the case leaves a fact unknown, or states it
            truth: bool | None = not stated
        else:
            truth = e.view.truth(term)
            if stated and truth is not e.facts.known[decl]:
                self.fail(node, "a stated fact read with another value")
        if node["value"] != VALUE[truth]:
            self.fail(node, f"value {node['value']} but the fact is {VALUE[truth]}")
        negated = node["conclusion"] == f"not {term}"
        if node["conclusion"] != f"{term} = {node['value']}" and not (negated and truth is False):
            self.fail(node, "a leaf whose conclusion is not its value")
        if truth is None and not node.get("undetermined"):
            self.fail(node, "an unknown fact not marked undetermined")
        presumed = node.get("presumed")
        if stated or inner is not None:
            if presumed or node["cite"] != f"fact:{path}":
                self.fail(node, "a stated fact shown as presumed, or cited to something else")
            return
        if truth is not None and not presumed and node.get("stated") is not False:
            self.fail(node, "an unstated fact shown as a stated one")
        if presumed:
            d = program.rules.get(parse_atom(presumed["id"]))
            if d is None or not d.is_default:
                self.fail(node, "a presumption that is no default")
                return
            every = e.view.presumed(presumed["id"])
            if presumed["in_every_completion"] is not (every is True) or every is False:
                self.fail(node, "a presumption not relied on as the node says")
            if presumed["cite"] != program.cite(d.cite):
                self.fail(node, "a presumption with the wrong cite")
            target = d.head.arguments[0] if d.head.name == "neg" else d.head
            via = parse_atom(presumed["via"]) if presumed.get("via") else term
            if target != via or program.input_by_term[via].path != decl.path:
                self.fail(node, "a presumption about another fact")
            if presumed["in_every_completion"]:
                if node["cite"] != presumed["cite"]:
                    self.fail(node, "a presumed fact cited as a case fact")
                if via == term and (d.head.name == "neg") is (truth is True):
                    self.fail(node, "a presumption for the other value")
            elif truth is not None and node.get("stated") is not False:
                self.fail(node, "a fact determined by presumptions together not marked so")

    # atoms
    def holds(self, node: Node) -> None:
        term = self.term(node)
        truth = self.e.truth(term)
        self.truth_ok(node, truth, True)
        rules = self.e.rules(term)
        fired = {str(r.id): self.e.view.fired(str(r.id)) for r in rules}
        every = {r for r, f in fired.items() if f is True}
        some = {r for r, f in fired.items() if f is not False}
        children = node.get("because", [])
        got = {c.get("rule") for c in children}
        if any(c.get("term") != str(term) or "rule" not in c for c in children):
            self.fail(node, "a why node whose children are not its rules")
        if got != (every or some):
            self.fail(node, f"a why node listing rules {sorted(got)} of {sorted(every or some)}")
        if truth is True and not every and not node.get("by_cases"):
            self.fail(node, "a conclusion held by cases not marked so")

    def applying_rule(self, node: Node) -> None:
        term = self.term(node)
        rid = node["rule"]
        rule = self.program.rules[parse_atom(rid)]
        if rule.head != term or rule.is_default:
            self.fail(node, "a rule that does not conclude the node's term")
        if node["cite"] != self.program.cite(rule.cite):
            self.fail(node, "a rule node with another cite")
        if node["conclusion"] not in (str(term), f"{term} by rule {rid}"):
            self.fail(node, "a rule node whose conclusion is not its term")
        if node["conclusion"] == str(term):  # the one rule for the term
            self.truth_ok(node, self.e.truth(term), True)
            others = [
                str(r.id) for r in self.e.rules(term)
                if self.e.view.fired(str(r.id)) is not False and str(r.id) != rid
            ]
            if others and (self.e.truth(term) is not True or self.e.view.fired(rid) is not True):
                self.fail(node, f"a why node naming one rule of several ({others})")
        self.truth_ok(node, self.e.view.fired(rid), True)
        want = [(str(p), True) for p in rule.premises] + [(str(n), False) for n in rule.exceptions]
        defeat = (f"defeats({rid})", False)
        children = node.get("because", [])
        if not self.claims(children, want) and not self.claims(children, [*want, defeat]):
            self.fail(node, f"a rule node whose children are not its premises {want}")

    def does_not_hold(self, node: Node) -> None:
        term = self.term(node)
        self.truth_ok(node, self.e.truth(term), False)
        rules = [str(r.id) for r in self.e.rules(term)]
        got = [c.get("rule") for c in node.get("because", [])]
        if got != rules:
            self.fail(node, f"a why-not node listing rules {got} of {rules}")

    def failing_rule(self, node: Node) -> None:
        rid = node["rule"]
        rule = self.program.rules[parse_atom(rid)]
        if node["conclusion"] != f"rule {rid} does not apply":
            self.fail(node, "a failing rule's conclusion")
        fired = self.e.view.fired(rid)
        self.truth_ok(node, fired, False)
        checks = [(str(p), True) for p in rule.premises]
        checks += [(str(n), False) for n in rule.exceptions]
        if self.e.rules(clingo.Function("defeats", [rule.id])):
            checks.append((f"defeats({rid})", False))
        truth = {t: self.e.truth(parse_atom(t)) for t, _ in checks}
        failing = [(t, w) for t, w in checks if truth[t] is (not w)]
        if not failing or fired is None:
            failing = [(t, w) for t, w in checks if truth[t] is None]
        claimed = [(t, not w) for t, w in failing]  # a premise fails: its node denies it
        if not failing or not self.claims(node.get("because", []), claimed):
            self.fail(node, f"a failing rule not listing every failing premise {failing}")
        if bool(node.get("jointly")) is not (fired is False and truth_all_possible(truth, checks)):
            self.fail(node, "jointly")

    def claims(self, children: list[Node], want: list[tuple[str, bool]]) -> bool:
        """Whether ``children`` claim, in order, that each term of ``want`` holds (True) or
        does not (an unknown fact's leaf claims neither: its value says it is unknown)."""
        if [c.get("term") for c in children] != [t for t, _ in want]:
            return False
        return all(self.polarity(c) in (w, None) for c, (_, w) in zip(children, want, strict=True))

    def polarity(self, node: Node) -> bool | None:
        """What a node claims of its term: that it holds (True), that it does not (False)."""
        if "fact" in node:
            return {"true": True, "false": False}.get(node["value"])
        return not node["conclusion"].startswith("not ")


def truth_all_possible(truth: dict[str, bool | None], checks: list[tuple[str, bool]]) -> bool:
    return not any(truth[t] is (not w) for t, w in checks)


def output_atoms(explainer: Explainer) -> list[clingo.Symbol]:
    outputs = explainer.program.outputs
    return sorted(
        (
            h for h in explainer.tables.rules_for
            if h.name in outputs and len(h.arguments) == outputs[h.name].arity
        ),
        key=str,
    )


def check_question(checker: Checker, atom: clingo.Symbol, *, why: bool) -> Node:
    e = checker.e
    truth = e.truth(atom)
    tree = e.query(atom, why=why)
    if truth is not None and truth is not why:  # the question's premise is false: no tree
        see = f"--why {atom}" if truth else f"--why-not {atom}"
        if tree.get("holds") is not truth or tree["because"] or tree.get("see") != see:
            checker.fail(tree, "a question with a false premise answered with a tree")
        if see not in tree["note"]:
            checker.fail(tree, "no pointer to the other question")
        return tree
    if "holds" in tree:
        checker.fail(tree, "no tree for a question whose premise holds")
    if truth is None:
        if not tree.get("undetermined") or "depends on" not in tree.get("note", ""):
            checker.fail(tree, "an undetermined question answered without saying so")
        if tree["depends_on"] != sorted(e.view.depends_on(str(atom))):
            checker.fail(tree, "the facts an undetermined conclusion depends on")
    if tree["term"] != str(atom) or checker.polarity(tree) not in (why, None):
        checker.fail(tree, "a tree for another question")
    checker.check(tree)
    return tree


def decision_conclusions(decision: Any) -> list[str]:
    """The conclusions the decision reports as holding, as atoms of the output vocabulary."""
    out: list[str] = []
    if decision.governs:
        out.append("governs")
    if decision.route:
        out.append(f"route({decision.route})")
    if decision.ready_for_hearing:
        out.append("ready_for_hearing")
    for r in decision.requirements:
        if r.status in ("met", "unmet"):
            out.append(f"req({r.id})")
        if r.status == "met":
            out.append(f"met({r.id})")
        if r.status == "excused":
            out.append(f"excused({r.id})")
    out += [f"defect({x.id})" for x in decision.defects]
    out += [f"sanction({s.against},{s.ground})" for s in decision.sanctions]
    out += [f"consistent({d})" for d in decision.disposition.consistent]
    if decision.disposition.recommended:
        out.append(f"recommended({decision.disposition.recommended})")
    return out


def check_case(case: Case, defaults: bool, where: str) -> tuple[int, int]:
    program, facts, cons = load_and_solve(case, defaults=defaults)
    e = Explainer(program, facts, cons)
    checker = Checker(e, where)
    decision = decode(program, case, as_of_for(case), facts, cons)
    reported = decision_conclusions(decision)
    for text in reported:  # every conclusion the decision reports has a true why tree
        atom = parse_atom(text)
        if e.truth(atom) is not True:
            checker.fail({"term": text}, "the decision reports a conclusion that does not hold")
        tree = check_question(checker, atom, why=True)
        if "holds" in tree:
            checker.fail(tree, "no why tree for a conclusion the decision reports")
    atoms = output_atoms(e)
    for atom in atoms:
        check_question(checker, atom, why=True)
        check_question(checker, atom, why=False)
    top = headline(e)
    label = VALUE[decision.ready_for_hearing]
    if top["conclusion"] != f"ready_for_hearing({label})":
        checker.fail(top, "a headline for another readiness")
    for child in top["because"]:
        checker.check(child)
    check_rendering(checker, top)
    return len(atoms), checker.leaves


def check_rendering(checker: Checker, tree: Node) -> None:
    """No presumed fact printed as a case fact: every presumed leaf has its marker."""
    lines = "\n".join(_tree_lines(tree, limit=64))
    stack = [tree]
    while stack:
        node = stack.pop()
        stack.extend(node.get("because", []))
        presumed = node.get("presumed")
        if presumed and presumed["in_every_completion"]:
            via = f" on {presumed['via']}" if presumed.get("via") else ""
            marker = f"{node['conclusion']}  (presumed: {presumed['id']}{via}, {presumed['cite']})"
            if marker not in lines:
                checker.fail(node, "a presumed fact printed without its marker")


def _versions() -> list[tuple[str, str]]:
    return [(p, v.id) for p in sorted(pack_ids()) for v in load_pack(p).versions]


@pytest.mark.parametrize(("pack_id", "version_id"), _versions())
def test_every_explanation_is_true(pack_id: str, version_id: str) -> None:
    pack = load_pack(pack_id)
    version = next(v for v in pack.versions if v.id == version_id)
    rng = random.Random(f"{SEED}:{pack_id}:{version_id}")
    checked = atoms = leaves = 0
    kinds: set[bool | None] = set()
    for i in range(CASES_PER_VERSION):
        drawn = random_case(rng, pack, version)
        if drawn is None:
            continue
        case, defaults = drawn
        try:
            n, m = check_case(case, defaults, f"{pack_id} {version_id} case {i}")
        except RulepathError:  # stated facts that contradict each other under the rule
            continue
        checked += 1
        atoms += n
        leaves += m
        program, facts, cons = load_and_solve(case, defaults=defaults)
        kinds.add(Explainer(program, facts, cons).truth(parse_atom("ready_for_hearing")))
    assert checked >= CASES_PER_VERSION * 3 // 4, checked  # the draw reaches most cases
    assert atoms and leaves
    assert len(kinds) >= 2, kinds  # the draw reaches more than one readiness


# --- the founding case --------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


@pytest.mark.parametrize("atom", ["governs", "route(joint_statement)"])
def test_why_not_a_conclusion_that_holds(atom: str) -> None:
    code, out = run("explain", str(EXAMPLE), "--why-not", atom)
    assert code == 0
    assert out.startswith(f"- {atom} holds") and f"see --why {atom}" in out
    assert "does not apply" not in out and len(out.splitlines()) == 2
    code, out = run("explain", str(EXAMPLE), "--why-not", atom, "--format", "json")
    node = json.loads(out)
    assert code == 0 and node["holds"] is True and node["because"] == []
    assert node["see"] == f"--why {atom}"
    code, out = run("explain", str(EXAMPLE), "--why", atom)
    assert code == 0 and out.startswith(f"- {atom}  [") and "fact:motion.kind" in out


def test_why_a_conclusion_that_does_not_hold() -> None:
    code, out = run("explain", str(EXAMPLE), "--why", "ready_for_hearing", "--format", "json")
    node = json.loads(out)
    assert code == 0 and node["holds"] is False and node["see"] == "--why-not ready_for_hearing"
    code, out = run("explain", str(EXAMPLE), "--why", "ready_for_hearing")
    assert code == 0 and "does not hold" in out and "see --why-not ready_for_hearing" in out


def _terms(node: Node) -> set[str]:
    found, stack = set(), [node]
    while stack:
        n = stack.pop()
        found.add(n.get("term", ""))
        stack.extend(n.get("because", []))
    return found


def test_not_ready_lists_every_unmet_requirement() -> None:
    tree = explain_case(EXAMPLE)
    assert tree["conclusion"] == "ready_for_hearing(false)"
    assert {"unmet(conference)", "unmet(joint_statement)"} <= _terms(tree)
    why_not = explain_case(EXAMPLE, why_not="ready_for_hearing")
    assert {"unmet(conference)", "unmet(joint_statement)"} <= _terms(why_not)
    code, out = run("explain", str(EXAMPLE))
    assert code == 0 and "unmet(conference)" in out and "unmet(joint_statement)" in out
    markdown = to_markdown(decide(EXAMPLE))
    assert "unmet(conference)" in markdown and "unmet(joint_statement)" in markdown


def test_presumed_leaves_are_marked_everywhere() -> None:
    decision = decide(EXAMPLE)
    assert decision.explanation is not None
    presumed: list[Node] = []
    stack = [decision.explanation]
    while stack:
        node = stack.pop()
        stack.extend(node.get("because", []))
        if node.get("presumed"):
            presumed.append(node)
    if not presumed:
        pytest.skip("the founding case's headline rests on no presumption under these rules")
    assumed = {a.id for a in decision.assumed}
    markdown = to_markdown(decision)
    for node in presumed:
        assert node["presumed"]["id"] in assumed
        assert not node["cite"].startswith("fact:")
        marker = f"(presumed: {node['presumed']['id']}"
        assert marker in markdown
        assert f"{node['conclusion']}  [" not in markdown  # never as a plain fact
    code, out = run("explain", str(EXAMPLE))
    assert code == 0 and "(presumed: " in out


def test_the_undetermined_question_names_its_facts() -> None:
    program, facts, cons = load_and_solve(EXAMPLE)
    e = Explainer(program, facts, cons)
    open_atoms = [a for a in output_atoms(e) if e.truth(a) is None]
    if not open_atoms:
        pytest.skip("the founding case leaves no conclusion undetermined under these rules")
    for atom in open_atoms:
        for why in (True, False):
            tree = e.query(atom, why=why)
            assert tree["undetermined"] and "depends on" in tree["note"]
            assert tree["depends_on"] == sorted(e.view.depends_on(str(atom)))
            lines = "\n".join(_tree_lines(tree, limit=64))
            assert "undetermined" in lines and tree["note"] in lines


def _first(node: Node, test: Any) -> Node | None:
    stack = [node]
    while stack:
        n = stack.pop(0)
        if test(n):
            return n
        stack.extend(n.get("because", []))
    return None


def test_the_checker_catches_falsehoods() -> None:
    """The property test is only as good as its checker: each falsehood of the kinds the
    issue names (a tree for a claim that is false, a ground left out, a presumed fact shown
    as a stated one, a wrong fact) is refused."""
    program, facts, cons = load_and_solve(EXAMPLE)
    e = Explainer(program, facts, cons)

    def refused(tree: Node) -> bool:
        try:
            Checker(e, "mutant").check(tree)
        except AssertionError:
            return True
        return False

    tree = copy.deepcopy(headline(e)["because"][0])
    assert not refused(tree)
    several = _first(tree, lambda n: len(n.get("because", [])) >= 2)
    assert several is not None
    several["because"].pop()  # a ground left out
    assert refused(tree)

    tree = copy.deepcopy(headline(e)["because"][0])
    fact = _first(tree, lambda n: "fact" in n and n["value"] != "unknown")
    assert fact is not None
    fact["value"] = "true" if fact["value"] == "false" else "false"  # a wrong fact
    assert refused(tree)

    tree = copy.deepcopy(headline(e)["because"][0])
    presumed = _first(tree, lambda n: n.get("presumed", {}).get("in_every_completion"))
    if presumed is not None:
        del presumed["presumed"]  # a presumed fact shown as a stated one
        assert refused(tree)

    governs = parse_atom("governs")
    assert e.truth(governs) is True
    fake = {  # the why-not tree the engine printed for a conclusion that holds
        "conclusion": "not governs",
        "cite": "",
        "term": "governs",
        "because": [
            {"conclusion": f"rule {r.id} does not apply", "cite": "", "rule": str(r.id),
             "because": []}
            for r in e.rules(governs)
        ],
    }
    assert refused(fake)
