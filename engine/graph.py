"""Decision graphs read off a pack's reified rules: the rule's structure, and one case's path
through it. Drawing (dot, Mermaid, JSON, SVG) is in :mod:`rulepath.engine.draw`.

Generic over packs: a node's shape comes from the functor of the output vocabulary it belongs
to (``req``, ``route``, ``sanction`` ...), its box from its rule's cite; nothing here knows what
a rule is about, so a change to ``logic/`` changes the graph and nothing else has to.

Nodes (``kind``): ``term`` (an input fact or a derived conclusion), ``rule`` (a rule with more
than one premise, or one that a version or overlay defeats: a junction), ``presumption`` (a
default). Edges (``kind``): ``supports`` (premise to conclusion), ``defeats`` (an ``unless``
premise, or a ``defeats(R)`` head), ``presumes`` (a default to the fact it fills). Every rule
with a premise appears as an edge or a junction carrying its id and cite.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import clingo
import networkx as nx

from .casefile import Case, load_case
from .draw import most_common, render, subdivision, to_dot, to_json, to_mermaid
from .errors import CaseError, RulepathError
from .facts import CaseFacts
from .pack import Pack, load_pack
from .program import InputDecl, Program, RuleDecl, program_for
from .reader import Reading
from .solve import Consequences

__all__ = [
    "case_graph",
    "focus_on",
    "graph",
    "pack_svg",
    "path_only",
    "render",
    "rule_graph",
    "to_dot",
    "to_json",
    "to_mermaid",
]

F = clingo.Function

# Rows of a requirement's box, in this order, and how each is called there.
REQUIREMENT_ROWS = {"req": "applies", "met": "met", "unmet": "unmet", "excused": "excused"}
CASE_FILE = "case file"
# The decision's headline conclusions, marked in a case's graph when they hold.
BADGES = {"route": "governing route", "recommended": "recommended"}
READY = "ready_for_hearing"  # the third headline: whether the motion may be heard
CALENDAR = "calendar"


def words(term: clingo.Symbol) -> str:
    """``next_step(movant,arrange_conference)`` -> ``next step: movant, arrange conference``."""
    if term.type == clingo.SymbolType.String:
        return term.string
    if term.type != clingo.SymbolType.Function:
        return str(term)
    name = term.name.replace("_", " ")
    if not term.arguments:
        return name
    return f"{name}: " + ", ".join(words(a) for a in term.arguments)


# --- the rule graph -----------------------------------------------------------------------


@dataclass
class _Builder:
    program: Program
    graph: Any  # nx.DiGraph (networkx ships no types)

    def cite(self, decl: RuleDecl) -> str:
        return self.program.cite(decl.cite)

    def input_node(self, decl: InputDecl) -> None:
        p = self.program
        if decl.kind == "timely":
            dl = p.deadlines[str(decl.value)]
            unit = dl.unit.replace("_", " ")
            detail = f"{dl.event} {dl.days} {unit} {dl.direction} {dl.anchor}"
            row, group, path, label = f"{dl.id} on time", f"in:{CALENDAR}", "", f"{dl.id} on time"
        else:
            row = {
                "bool": decl.path,
                "value": f"= {decl.value}",
                "member": f"has {decl.value}",
                "other": "has another",
                "present": "given",
                "over": f"over {decl.value}",
            }[decl.kind]
            detail, group, path = "", f"in:{decl.path}", decl.path
            label = decl.path if decl.kind == "bool" else f"{decl.path} {row}"
        self.graph.add_node(
            str(decl.term), kind="term", category="fact", label=label, row=row, detail=detail,
            group=group, cluster=CASE_FILE, path=path, input=decl.kind, order=0, cites=[],
        )

    def term_node(self, term: clingo.Symbol) -> str:
        """The node of a term: an input, an open input (``unknown(T)``) or a conclusion."""
        node = str(term)
        g, p = self.graph, self.program
        if node in g:
            return node
        decl = p.input_by_term.get(term)
        if decl is not None:
            self.input_node(decl)
            return node
        inner = term.arguments[0] if term.name == "unknown" and len(term.arguments) == 1 else None
        if inner is not None and inner in p.input_by_term:
            target = self.term_node(inner)
            g.add_node(
                node, kind="term", category="fact", label=f"{g.nodes[target]['label']} unknown",
                row="left unknown", detail="", group=g.nodes[target]["group"], cluster=CASE_FILE,
                order=1, cites=[], input="unknown", sort=g.nodes[target]["row"],
            )
            return node
        rules = [r for r in p.rules_by_head.get(term, []) if not r.is_default]
        cites = sorted({self.cite(r) for r in rules})
        category = p.categories.get(term.name, "conclusion").replace("_", " ")
        attrs: dict[str, Any] = {
            "kind": "term", "category": category, "label": words(term), "detail": "",
            "cites": cites, "rules": sorted(str(r.id) for r in rules),
            "cluster": most_common(subdivision(c) for c in cites) if cites else "",
        }
        q = self._requirement_of(term)
        if q is not None:
            rows = list(REQUIREMENT_ROWS)
            attrs.update(
                group=f"requirement:{q}",
                row=REQUIREMENT_ROWS.get(term.name, words(term)),
                order=rows.index(term.name) if term.name in rows else len(rows), sort="",
            )
        g.add_node(node, **attrs)
        return node

    def _requirement_of(self, term: clingo.Symbol) -> str | None:
        if term.name in REQUIREMENT_ROWS and len(term.arguments) == 1:
            return str(term.arguments[0])
        if term.name == "defect" and len(term.arguments) == 1:
            for q, (_cite, defect) in self.program.requirements.items():
                if defect == str(term.arguments[0]):
                    return q
        return None

    def rule_node(self, decl: RuleDecl) -> str:
        node = f"rule:{decl.id}"
        if node in self.graph:
            return node
        cite = self.cite(decl)
        attrs: dict[str, Any] = {
            "kind": "rule", "category": "rule", "rule": str(decl.id), "cite": cite,
            "cites": [cite], "cluster": subdivision(cite), "detail": "",
            "premises": len(decl.premises) + len(decl.exceptions),
            "label": str(decl.id),
        }
        if decl.is_default:
            neg = decl.head.name == "neg" and len(decl.head.arguments) == 1
            target = self.term_node(decl.head.arguments[0] if neg else decl.head)
            t = self.graph.nodes[target]
            about = "" if t["row"] == t.get("path") else f"{t['row']}: "
            attrs.update(
                kind="presumption", category="presumption", presumes=not neg,
                group=t["group"], order=2, sort=t["row"],
                row=f"{about}presumed {'false' if neg else 'true'} ({cite})",
                label=f"presumed: {t['label']} {'false' if neg else 'true'} ({cite})",
            )
            self.graph.add_node(node, **attrs)
            self.edge(node, target, "presumes", decl)
        else:
            self.graph.add_node(node, **attrs)
        return node

    def edge(self, src: str, dst: str, kind: str, decl: RuleDecl) -> None:
        g = self.graph
        cite = self.cite(decl)
        if g.has_edge(src, dst):
            data = g.edges[src, dst]
            data["rules"] = sorted({*data["rules"], str(decl.id)})
            data["cites"] = sorted({*data["cites"], cite})
            data["cite"] = "; ".join(data["cites"])
        else:
            g.add_edge(src, dst, kind=kind, rules=[str(decl.id)], cites=[cite], cite=cite)

    def premises(self, decl: RuleDecl, dst: str) -> None:
        for premise in decl.premises:
            self.edge(self.term_node(premise), dst, "supports", decl)
        for exception in decl.exceptions:
            self.edge(self.term_node(exception), dst, "defeats", decl)

    def build(self) -> Any:
        p = self.program
        rules = sorted(p.rules.values(), key=lambda r: str(r.id))
        defeaters = [r for r in rules if _defeated_id(r) is not None]
        defeated = {_defeated_id(r) for r in defeaters}
        ordinary = [r for r in rules if _defeated_id(r) is None and not r.is_default]
        junction = {r.id for r in ordinary if r.id in defeated or _arity(r) > 1}
        junction |= _colliding(ordinary, junction)
        for decl in ordinary:
            head = self.term_node(decl.head)
            if decl.id in junction:
                node = self.rule_node(decl)
                self.premises(decl, node)
                self.edge(node, head, "supports", decl)
            elif _arity(decl) == 1:
                self.premises(decl, head)
        for decl in rules:
            if decl.is_default:
                self.premises(decl, self.rule_node(decl))
        for decl in defeaters:
            target = p.rules.get(_defeated_id(decl))  # type: ignore[arg-type]
            if target is None:
                continue
            dst = self.rule_node(target)
            if _arity(decl) == 1 and decl.premises:
                self.edge(self.term_node(decl.premises[0]), dst, "defeats", decl)
            else:
                node = self.rule_node(decl)
                self.premises(decl, node)
                self.edge(node, dst, "defeats", decl)
        return self.graph


def _defeated_id(decl: RuleDecl) -> clingo.Symbol | None:
    head = decl.head
    if head.name == "defeats" and len(head.arguments) == 1 and not decl.is_default:
        return head.arguments[0]
    return None


def _arity(decl: RuleDecl) -> int:
    return len(decl.premises) + len(decl.exceptions)


def _colliding(rules: list[RuleDecl], junction: set[clingo.Symbol]) -> set[clingo.Symbol]:
    """One-premise rules that would draw the same edge as another rule of the other kind (a
    supports and a defeats between the same two terms) keep a junction of their own."""
    kinds: dict[tuple[clingo.Symbol, clingo.Symbol], dict[str, list[clingo.Symbol]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for r in rules:
        if r.id in junction or _arity(r) != 1:
            continue
        premise, kind = (r.premises[0], "supports") if r.premises else (r.exceptions[0], "defeats")
        kinds[(premise, r.head)][kind].append(r.id)
    return {rid for by_kind in kinds.values() if len(by_kind) > 1 for ids in by_kind.values()
            for rid in ids}


def rule_graph(program: Program) -> Any:
    """The rule graph of a grounded program (one version, its overlays): a ``networkx.DiGraph``
    built from the reified rules and defaults alone."""
    p = program
    overlays = f", overlays {', '.join(p.overlays)}" if p.overlays else ""
    g = nx.DiGraph(
        title=f"{p.pack.title}: version {p.version.id}{overlays}",
        pack=p.pack.id, version=p.version.id, overlays=list(p.overlays), case=None,
    )
    _Builder(p, g).build()
    groups: dict[str, dict[str, Any]] = {}
    for _node, data in sorted(g.nodes(data=True)):
        gid = data.get("group")
        if gid and gid not in groups:
            kind, _, name = gid.partition(":")
            title = f"requirement: {name.replace('_', ' ')}" if kind == "requirement" else name
            groups[gid] = {"title": title, "category": data["category"], "status": None}
    g.graph["groups"] = groups
    return g


# --- one case on it ----------------------------------------------------------------------


def annotate(graph: Any, program: Program, facts: CaseFacts, cons: Consequences) -> Any:
    """Put one case's evaluation on a rule graph (in place): every node's ``state`` (True,
    False or None for undetermined; for rules, whether they fire), every edge's ``state``
    (``active``, ``clear``, ``missing``, ``blocking``, ``unknown`` or ``inactive``), each
    requirement's status, the governing route and the recommended disposition."""
    view = Reading.of(program, cons)
    known = {d.term: v for d, v in facts.known.items()}
    g = graph
    for node, data in g.nodes(data=True):
        if data["kind"] == "term":
            term = clingo.parse_term(node)
            if term.name == "unknown" and term.arguments and term.arguments[0] in known:
                data["state"] = False
            elif term.name == "unknown" and term.arguments:
                data["state"] = True
            else:
                data["state"] = view.truth(term)
            badge = BADGES.get(term.name) if data["state"] and term.arguments else None
            data["highlight"] = badge is not None
            if badge is not None:
                data["badge"] = f"{badge}: {', '.join(words(a) for a in term.arguments)}"
        else:
            rule = data["rule"]
            data["state"] = (
                view.presumed(rule) if data["kind"] == "presumption" else view.fired(rule)
            )
    for u, v, data in g.edges(data=True):
        data["state"] = _edge_state(g, u, v, data, view)
    _mark_path(g)
    for gid, group in g.graph["groups"].items():
        kind, _, name = gid.partition(":")
        if kind == "requirement":
            group["status"] = view.requirement_status(name) or "not applicable"
    return g


DECISIVE = {"active", "clear", "missing", "blocking"}


def _mark_path(g: Any) -> None:
    """The case's path: from the decision's headline conclusions (the governing route, the
    recommended disposition, readiness for hearing) back along the edges that decide them,
    the premises that made a rule fire, or the ones that kept it from firing."""
    roots = [n for n, d in g.nodes(data=True) if d.get("highlight") or n == READY]
    seen: set[str] = set()
    while roots:
        node = roots.pop()
        if node in seen:
            continue
        seen.add(node)
        for u, _v, data in g.in_edges(node, data=True):
            if data["state"] in DECISIVE:
                data["path"] = True
                roots.append(u)
    for node, data in g.nodes(data=True):
        data["path"] = node in seen
    for _u, _v, data in g.edges(data=True):
        data.setdefault("path", False)


def _edge_state(g: Any, u: str, v: str, data: dict[str, Any], view: Reading) -> str:
    src: bool | None = g.nodes[u]["state"]
    if data["kind"] == "presumes":
        return {True: "active", False: "inactive", None: "unknown"}[src]
    target = g.nodes[v]
    if target["kind"] == "term":  # a one-premise rule drawn as this edge
        states = [view.fired(r) for r in data["rules"]]
        fired = True if any(states) else (False if all(s is False for s in states) else None)
        head_false = target["state"] is False
    else:
        fired = target["state"]
        heads = [g.nodes[h]["state"] for h in g.successors(v)]
        head_false = fired is False and all(h is not True for h in heads)
    if data["kind"] == "supports":
        if src and fired:
            return "active"
        if src is False and fired is False and head_false:
            return "missing"
    else:
        if src and fired is False and head_false:
            return "blocking"
        if src is False and fired:
            return "clear"
    return "unknown" if src is None or fired is None else "inactive"


def case_graph(case: Case | str | Path, *, defaults: bool = True) -> Any:
    """The rule graph of the case's version and overlays, with the case's evaluation on it."""
    from .api import load_and_solve

    if not isinstance(case, Case):
        case = load_case(case)
    program, facts, cons = load_and_solve(case, defaults=defaults)
    g = annotate(rule_graph(program), program, facts, cons)
    g.graph["case"] = case.caption or "case"
    badges = sorted(d["badge"] for _n, d in g.nodes(data=True) if d.get("highlight"))
    ready = g.nodes[READY]["state"] if READY in g else None
    ready_words = {True: "yes", False: "no", None: "undetermined"}[ready]
    g.graph["title"] += (
        f"\n{case.caption or 'case'}, as of {case.as_of or date.today()}: "
        + "; ".join([*badges, f"ready for hearing: {ready_words}"])
    )
    return g


# --- focus --------------------------------------------------------------------------------


def focus_on(graph: Any, name: str) -> Any:
    """Only what a conclusion depends on: the node and its ancestors. ``name`` is a node id
    (``ready_for_hearing``, ``route(joint_statement)``, ``rule:route_js``), a label, or a
    box (``requirement:<id>``, ``in:<section.field>``)."""
    g = graph
    wanted = name.replace(" ", "")
    targets = [n for n in g if n.replace(" ", "") == wanted]
    targets = targets or [n for n, d in g.nodes(data=True) if d.get("group") == name]
    targets = targets or [n for n, d in g.nodes(data=True) if d.get("label") == name]
    if not targets:
        close = difflib.get_close_matches(wanted, sorted(g), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise RulepathError("focus", f"no node {name!r} in the graph{hint}")
    keep = set(targets)
    for t in targets:
        keep |= nx.ancestors(g, t)
    sub = g.subgraph(sorted(keep)).copy()
    sub.graph["title"] = f"{g.graph['title']}\nfocus: {name} and what it depends on"
    sub.graph["groups"] = {
        k: v for k, v in g.graph["groups"].items() if any(d.get("group") == k for d in
                                                         sub.nodes.values())
    }
    return sub


def path_only(graph: Any) -> Any:
    """Only a case's path (see :func:`annotate`): the conclusions it decides and the edges
    that decide them."""
    g = graph
    if g.graph.get("case") is None:
        raise RulepathError("path", "needs a CASE: a rule graph has no case's path")
    sub = g.edge_subgraph([(u, v) for u, v, d in g.edges(data=True) if d.get("path")]).copy()
    sub.add_nodes_from((n, d) for n, d in g.nodes(data=True) if d.get("path"))
    sub.graph.update(g.graph, title=f"{g.graph['title']}\nthe case's path only")
    return sub


# --- entry points -------------------------------------------------------------------------


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CaseError("as_of", f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def graph(
    case: Case | str | Path | None = None,
    *,
    pack: str | None = None,
    as_of: date | str | None = None,
    overlays: tuple[str, ...] | list[str] = (),
    focus: str | None = None,
    rule_version: str | None = None,
    defaults: bool = True,
    path: bool = False,
) -> Any:
    """The decision graph as a ``networkx.DiGraph``: the rule graph of the version in force on
    ``as_of`` (today by default) with ``overlays``, or, given a case, that case's graph (``as_of``,
    ``overlays`` and ``rule_version`` then add to what the case file says); ``pack`` picks the
    pack of a rule graph (the default pack when None). ``focus`` keeps a
    node and what it depends on; ``path`` keeps only the case's path."""
    day = _as_date(as_of)
    if case is None:
        found = load_pack(pack)
        version = found.version_for(day or date.today(), rule_version)
        found.overlay_files(tuple(overlays))  # unknown ids fail here, one line
        g = rule_graph(program_for(found, version, tuple(overlays)))
    else:
        loaded = case if isinstance(case, Case) else load_case(case)
        update: dict[str, Any] = {}
        if day is not None:
            update["as_of"] = day
        if overlays:
            update["overlays"] = tuple(dict.fromkeys((*loaded.overlays, *overlays)))
        if rule_version is not None:
            update["rule_version"] = rule_version
        g = case_graph(loaded.model_copy(update=update) if update else loaded, defaults=defaults)
    g = path_only(g) if path else g
    return focus_on(g, focus) if focus else g


def pack_svg(pack: Pack) -> str | None:
    """The rule graph of the version in force today, as SVG (``Pack._repr_svg_``)."""
    try:
        version = pack.version_for(date.today())
        return render(rule_graph(program_for(pack, version, ())), "svg").decode("utf-8")
    except RulepathError:
        return None
