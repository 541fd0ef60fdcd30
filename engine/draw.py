"""Drawing decision graphs (:mod:`rulepath.engine.graph`): deterministic dot source, a Mermaid
flowchart, node-link JSON, and SVG/PNG/PDF through Graphviz's ``dot`` (or graphviz-pure's).

A drawn box is a graph node, or a table of several: a case-file field with its values and the
presumptions that fill it, or a requirement with its rows applies / met / unmet / excused.
"""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import RulepathError

FONT = "Helvetica"
# category -> (shape, fill) in the rule graph; shapes carry the category in greyscale
SHAPES = {
    "fact": ("box", "#ffffff"),
    "requirement": ("box", "#dde7f5"),
    "route": ("hexagon", "#fde9c8"),
    "exception": ("octagon", "#efe0f7"),
    "deadline": ("tab", "#dff1ef"),
    "sanction": ("trapezium", "#fbe3e3"),
    "disposition": ("ellipse", "#e6f4d7"),
    "next step": ("cds", "#fff8c4"),
    "presumption": ("note", "#f2f2f2"),
    "conclusion": ("box", "#ffffff"),
    "rule": ("circle", "#ffffff"),
}
# categories whose nodes a case greys out when they do not hold (paths not taken)
GREYABLE = {"route", "disposition", "next step", "sanction", "deadline", "presumption", "rule"}
KIND_STYLE = {  # edge kind -> (style, arrowhead)
    "supports": ("solid", "normal"),
    "defeats": ("dashed", "tee"),
    "presumes": ("dotted", "odot"),
}
TRUE, FALSE, OPEN, GREY = "#c8e6c9", "#ffcdd2", "#fff3bf", "#9e9e9e"
QUIET = "#f1f1f1"  # what does not hold, off the case's path
STATE_EDGE = {  # edge state -> (colour, pen width on the case's path)
    "active": ("#2e7d32", 2.6),
    "clear": ("#2e7d32", 2.0),
    "missing": ("#c62828", 2.6),
    "blocking": ("#c62828", 2.6),
    "unknown": ("#e0a100", 1.4),
    "inactive": ("#d4d4d4", 0.7),
}
PRIORITY = ["active", "blocking", "missing", "clear", "unknown", "inactive"]
YES_NO = {True: "yes", False: "no", None: "undetermined"}
WRAP = 24


def subdivision(cite: str) -> str:
    """The box a cite belongs to: up to its first parenthesised part (``251(e)(1)`` ->
    ``251(e)``, ``FRCP 37(a)(5)(A)`` -> ``FRCP 37(a)``), else the whole cite."""
    close = cite.find(")")
    return cite[: close + 1] if close > 0 and "(" in cite[:close] else cite


def wrap(text: str, width: int = WRAP) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;"
    )


# --- layout: which graph nodes are drawn together, and where edges attach ------------------


@dataclass
class Box:
    id: str
    rows: list[list[str]]  # graph nodes drawn in this box, one list per row, in order
    title: str | None  # a table's title
    title_row: list[str]  # graph nodes drawn as the title itself (a field's own fact)
    cluster: str
    table: bool
    status: str | None = None
    fact: bool = False  # a case-file field: drawn in the first column

    @property
    def first(self) -> str:
        return (self.title_row or self.rows[0])[0]


@dataclass
class Line:
    tail: str
    tail_port: str | None
    head: str
    head_port: str | None
    kind: str
    constraint: bool = True
    cites: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    path: bool = False  # on the case's path

    @property
    def state(self) -> str | None:
        return min(self.states, key=PRIORITY.index) if self.states else None


@dataclass
class Layout:
    graph: Any
    boxes: dict[str, Box]
    where: dict[str, tuple[str, str | None]]  # graph node -> (its box, its row's port)
    lines: list[Line]

    @property
    def case(self) -> bool:
        return self.graph.graph.get("case") is not None

    def clusters(self) -> dict[str, list[Box]]:
        out: dict[str, list[Box]] = {}
        for box in sorted(self.boxes.values(), key=lambda b: (not b.fact, b.id)):
            out.setdefault(box.cluster, []).append(box)
        return dict(sorted(out.items()))

    def greyed(self, box: Box) -> bool:
        if not self.case:
            return False
        if box.table:
            return box.status == "not applicable"
        g = self.graph
        data = g.nodes[box.first]
        if data.get("state") is not False or data["category"] not in GREYABLE:
            return False
        if data["kind"] == "rule":  # a rule that does not fire: grey if what it concludes is
            heads = [self.boxes[self.where[h][0]] for h in g.successors(box.first)]
            return all(self.greyed(h) for h in heads if h.id != box.id)
        return True


def _table_box(g: Any, gid: str, members: list[str]) -> Box:
    info = g.graph.get("groups", {}).get(gid, {})
    title = info.get("title", gid)
    def key(n: str) -> tuple[str, int, str, str]:  # a fact, then what is said about it
        data = g.nodes[n]
        return data.get("sort", data["row"]), data.get("order", 9), data["row"], n

    ordered = sorted(members, key=key)
    title_row = [n for n in ordered if g.nodes[n]["row"] == title]
    rows: dict[str, list[str]] = {}
    for n in ordered:
        if n not in title_row:
            rows.setdefault(g.nodes[n]["row"], []).append(n)
    fact = g.nodes[ordered[0]]["category"] == "fact"
    # a field's own cluster is the case file; prefer those of its presumptions
    clusters = [
        g.nodes[n]["cluster"] for n in members if not fact or g.nodes[n]["kind"] == "presumption"
    ]
    cluster = most_common(clusters) if clusters else g.nodes[ordered[0]]["cluster"]
    return Box(gid, list(rows.values()), title, title_row, cluster, True, info.get("status"),
               fact)


def most_common(values: Iterable[str]) -> str:
    """The most frequent value, the first in order among equals (so the output is stable)."""
    counts = Counter(values)
    return min(counts, key=lambda c: (-counts[c], c))


def layout(g: Any) -> Layout:
    groups: dict[str, list[str]] = {}
    for node, data in g.nodes(data=True):
        if data.get("group"):
            groups.setdefault(data["group"], []).append(node)
    owner = {n: d["group"] for n, d in g.nodes(data=True) if d.get("group")}
    for node, data in g.nodes(data=True):
        if data["kind"] == "rule" and node not in owner:
            around = {owner.get(m, m) for m in (*g.predecessors(node), *g.successors(node))}
            if len(around) == 1 and (only := next(iter(around))) in groups:
                owner[node] = only  # a rule inside one table (unmet: applies and not met)
    boxes: dict[str, Box] = {}
    where: dict[str, tuple[str, str | None]] = {}
    for gid, members in sorted(groups.items()):
        box = boxes[gid] = _table_box(g, gid, members)
        for n in box.title_row:
            where[n] = (gid, "t")
        for i, row in enumerate(box.rows):
            for n in row:
                where[n] = (gid, f"r{i}")
    for node, data in g.nodes(data=True):
        if node in owner and node not in where:
            where[node] = (owner[node], None)
        elif node not in where:
            boxes[node] = Box(node, [[node]], None, [], data["cluster"], False)
            where[node] = (node, None)
    merged: dict[tuple[str, str | None, str, str | None, str], Line] = {}
    for u, v, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        (tb, tp), (hb, hp) = where[u], where[v]
        if tb == hb:
            continue
        if not boxes[hb].table:
            hp = None
        if not boxes[tb].table:
            tp = None
        key = (tb, tp, hb, hp, data["kind"])
        # a presumption's premises do not rank the fields: they all stay in the first column
        free = g.nodes[v]["kind"] == "presumption"
        line = merged.setdefault(key, Line(tb, tp, hb, hp, data["kind"], not free))
        line.cites.update(data["cites"])
        line.rules.update(data["rules"])
        if "state" in data:
            line.states.add(data["state"])
            line.path = line.path or data["path"]
    lines = sorted(merged.values(), key=lambda x: (x.tail, x.tail_port or "", x.head,
                                                    x.head_port or "", x.kind))
    # a case-file field is drawn in the cluster of the conclusions it supports most
    uses: dict[str, list[str]] = {}
    for line in lines:
        if boxes[line.tail].fact and line.constraint and not boxes[line.head].fact:
            uses.setdefault(line.tail, []).append(boxes[line.head].cluster)
    for bid, clusters in uses.items():
        boxes[bid].cluster = most_common(clusters)
    return Layout(g, boxes, where, lines)


# --- dot ------------------------------------------------------------------------------------


def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            parts.append(f"{key}={value}")
        elif isinstance(value, float):
            parts.append(f"{key}={value:g}")
        else:
            parts.append(f"{key}={quote(str(value))}")
    return "[" + ", ".join(parts) + "]"


def _row_state(g: Any, nodes: list[str]) -> bool | None:
    states = [g.nodes[n].get("state") for n in nodes]
    return True if any(states) else (False if all(s is False for s in states) else None)


def _state_words(data: dict[str, Any]) -> str:
    return YES_NO[data.get("state")]


def _node_attrs(lay: Layout, box: Box) -> dict[str, Any]:
    data = lay.graph.nodes[box.first]
    if data["kind"] == "rule":
        return _rule_attrs(lay, box, data)
    shape, fill = SHAPES.get(data["category"], SHAPES["conclusion"])
    label = "\n".join(wrap(data["label"]))
    cites = f" [{'; '.join(data['cites'])}]" if data.get("cites") else ""
    attrs: dict[str, Any] = {"shape": shape, "label": label, "tooltip": box.id + cites}
    if shape == "cds":
        attrs["margin"] = "0.2,0.08"  # the arrow's point takes room from the label
    style = ["filled"] + (["rounded"] if shape == "box" else [])
    attrs["fillcolor"] = fill
    if lay.case:
        state = data.get("state")
        if lay.greyed(box):
            attrs.update(fillcolor="#ffffff", color="#c4c4c4", fontcolor=GREY)
        else:
            attrs["label"] = label + "\n= " + _state_words(data)
            fill, extra = {True: (TRUE, "bold"), False: (FALSE, "dashed"),
                           None: (OPEN, "dotted")}[state]
            if state is False and not data.get("path"):
                fill = QUIET
            attrs["fillcolor"] = fill
            style.append(extra)
        if data.get("highlight"):
            attrs.update(peripheries=2, penwidth=3.0, fillcolor="#81c784")
            attrs["label"] = "► " + "\n".join(wrap(data["badge"].upper()))
    attrs["style"] = ",".join(style)
    return attrs


def _rule_attrs(lay: Layout, box: Box, data: dict[str, Any]) -> dict[str, Any]:
    tooltip = f"rule {data['rule']} [{data['cite']}]"
    if data["premises"] == 0:  # a version's or overlay's unconditional amendment
        attrs: dict[str, Any] = {
            "shape": "box", "style": "filled", "fillcolor": "#ffe0b2",
            "label": f"{data['cite']}\namends", "tooltip": tooltip,
        }
    else:
        attrs = {
            "shape": "circle", "label": "&" if data["premises"] > 1 else "", "width": 0.22,
            "fixedsize": "true", "fontsize": 9, "tooltip": tooltip,
        }
    if lay.case:
        state = data.get("state")
        if state is True:
            attrs.update(style="filled,bold", fillcolor=TRUE, penwidth=2.0)
        elif state is None:
            attrs.update(style="filled,dotted", fillcolor=OPEN)
        elif lay.greyed(box):
            attrs.update(color="#c4c4c4", fontcolor=GREY)
        else:
            attrs.update(style="filled,dashed", fillcolor=FALSE if data.get("path") else QUIET)
    return attrs


def _cell(lay: Layout, nodes: list[str], text: str, bold: bool) -> tuple[str, str]:
    """A table cell's text and attributes: the row's label, with its state in a case, and its
    detail (a deadline's measure) in small print below."""
    g = lay.graph
    data = g.nodes[nodes[0]]
    detail = data.get("detail")
    small = f'<br/><font point-size="8">{html(detail)}</font>' if detail else ""
    text, attrs, weight = html(text), "", bold
    if lay.case:
        state = _row_state(g, nodes)
        if data["kind"] == "presumption":
            text, attrs = (f"<i>{text}: applied</i>", f' bgcolor="{TRUE}"') if state else (
                f'<font color="{GREY}">{text}</font>', "")
        elif data["category"] == "requirement" or data.get("input") == "unknown":
            # a requirement's rows (the table's colour gives its status), or "left unknown"
            text = f"{text} = {YES_NO[state]}"
            text, weight = (text, True) if state else (f'<font color="#555555">{text}</font>',
                                                       False)
        elif data.get("input") in ("value", "member", "other") and state is not True:
            # the values a field does not have: quiet, unless they are undetermined
            text, attrs = (f'<font color="{GREY}">{text}</font>', "") if state is False else (
                f"{text} ?", f' bgcolor="{OPEN}"')
        else:
            fill = {True: TRUE, False: FALSE, None: OPEN}[state]
            if state is False and not any(g.nodes[n].get("path") for n in nodes):
                fill = QUIET
            text, attrs, weight = f"{text} = {YES_NO[state]}", f' bgcolor="{fill}"', bold or bool(
                state)
    return (f"<b>{text}</b>" if weight else text) + small, attrs


REQUIREMENT_TABLE = {
    "met": {"bgcolor": TRUE, "border": "2"},
    "unmet": {"bgcolor": FALSE, "border": "3", "style": "rounded,dashed"},
    "unknown": {"bgcolor": OPEN, "style": "rounded,dotted"},
    "excused": {"bgcolor": "#ffffff", "border": "2"},
    "not applicable": {"bgcolor": "#ffffff", "color": "#c4c4c4"},
}


def _table(lay: Layout, box: Box) -> dict[str, Any]:
    g = lay.graph
    requirement = g.nodes[box.first]["category"] == "requirement"
    table = {"border": "1", "cellborder": "0", "cellspacing": "0", "cellpadding": "3"}
    title = box.title or ""
    if requirement:
        table.update(style="rounded", bgcolor=SHAPES["requirement"][1])
        if lay.case:
            status = box.status or "unknown"
            title = f"{title}: {status.upper()}"
            table.update(REQUIREMENT_TABLE[status])
    grey = lay.greyed(box)
    out = [f"<table {' '.join(f'{k}={quote(v)}' for k, v in table.items())}>"]
    if grey:
        rows = [(None, title), *((f"r{i}", g.nodes[r[0]]["row"]) for i, r in
                                 enumerate(box.rows))]
        for port, text in rows:
            at = f' port="{port}" align="left"' if port else ""
            out.append(f'<tr><td{at}><font color="{GREY}">{html(text)}</font></td></tr>')
    else:
        if box.title_row:
            text, extra = _cell(lay, box.title_row, title, True)
            out.append(f'<tr><td port="t"{extra}>{text}</td></tr>')
        else:
            out.append(f"<tr><td><b>{html(title)}</b></td></tr>")
        for i, row in enumerate(box.rows):
            text, extra = _cell(lay, row, g.nodes[row[0]]["row"], False)
            out.append(f'<tr><td port="r{i}" align="left" balign="left"{extra}>{text}</td></tr>')
    out.append("</table>")
    return {"shape": "plain", "label": "<" + "".join(out) + ">", "tooltip": box.id}


def _edge_attrs(lay: Layout, line: Line) -> dict[str, Any]:
    style, arrow = KIND_STYLE[line.kind]
    cites = sorted(line.cites)
    head = lay.boxes[line.head]
    attrs: dict[str, Any] = {
        "style": style, "arrowhead": arrow,
        "tooltip": f"{line.kind} [{'; '.join(cites)}]: {', '.join(sorted(line.rules))}",
        "color": {"supports": "#555555", "defeats": "#b3261e", "presumes": "#777777"}[line.kind],
    }
    if not line.constraint:
        attrs["constraint"] = "false"  # its cite is on the presumption's row
    elif any(subdivision(c) != head.cluster for c in cites) and (line.path or not lay.case):
        attrs["label"] = "; ".join(cites)
    if lay.case and line.state is not None:
        state = line.state
        if state != "active" and (lay.greyed(head) or not line.constraint):
            state = "inactive"  # only what a presumption did, not what it did not
        colour, width = STATE_EDGE[state]
        if state != "inactive" and not line.path:
            width = 0.9  # decides something off the case's path
        attrs.update(color=colour, penwidth=width)
        if line.path and line.constraint:
            attrs["weight"] = 4
        if state == "inactive":
            attrs["fontcolor"] = GREY
    return attrs


LEGEND_ROWS = 4


def _legend(lay: Layout) -> list[str]:
    present = sorted({d["category"] for _n, d in lay.graph.nodes(data=True)})
    out = ['  subgraph "cluster_legend" {', '    label="legend"; style="rounded"; color="#9e9e9e";']
    for i, cat in enumerate(present):
        shape, fill = SHAPES[cat]
        attrs: dict[str, Any] = {"shape": shape, "style": "filled", "fillcolor": fill,
                                 "label": {"fact": "case-file fact"}.get(cat, cat)}
        if cat == "rule":
            attrs.update(label="&", width=0.22, fixedsize="true", xlabel="rule: all premises")
        out.append(f"    {quote('legend:' + cat)} {_attrs(attrs)}")
        if i >= LEGEND_ROWS:  # a grid: each column LEGEND_ROWS deep
            above = quote("legend:" + present[i - LEGEND_ROWS])
            out.append(f"    {above} -> {quote('legend:' + cat)} [style=invis]")
    for kind, text in (("supports", "supports"), ("defeats", "defeats (unless)"),
                       ("presumes", "presumes (default)")):
        style, arrow = KIND_STYLE[kind]
        a, b = quote(f"legend:{kind}:a"), quote(f"legend:{kind}:b")
        out.append(f"    {a} [shape=point, width=0.05]")
        out.append(f"    {b} {_attrs({'shape': 'plaintext', 'label': text})}")
        out.append(f"    {a} -> {b} {_attrs({'style': style, 'arrowhead': arrow})}")
    if lay.case:
        rows = [
            (TRUE, "holds: yes, bold border"), (FALSE, "does not hold: no, dashed border"),
            (OPEN, "undetermined: dotted border"), ("#ffffff", "not taken: grey text"),
            (STATE_EDGE["active"][0], "green line: premise holds, rule fires"),
            (STATE_EDGE["missing"][0], "red line: why a conclusion fails"),
            (STATE_EDGE["unknown"][0], "amber line: undetermined"),
        ]
        cells = "".join(
            f'<tr><td bgcolor="{c}" width="14" border="1"></td><td align="left">{html(t)}</td>'
            "</tr>" for c, t in rows
        )
        out.append(f'    "legend:case" [shape=plain, label=<<table border="0" '
                   f'cellspacing="2">{cells}</table>>]')
    out.append("  }")
    return out


def _cluster_lines(lay: Layout, cluster: str, boxes: list[Box]) -> list[str]:
    out = []
    if cluster:
        out.append(f"  subgraph {quote('cluster_' + cluster)} {{")
        out.append(f'    label={quote(cluster)}; style="rounded,filled"; fillcolor="#fafafa"; '
                   'color="#9e9e9e"; fontsize=12;')
    for box in boxes:
        attrs = _table(lay, box) if box.table else _node_attrs(lay, box)
        out.append(f"{'    ' if cluster else '  '}{quote(box.id)} {_attrs(attrs)}")
    if cluster:
        out.append("  }")
    return out


def to_dot(g: Any) -> str:
    """The graph as Graphviz dot source; the same graph always gives the same text."""
    lay = layout(g)
    title = g.graph.get("title", "")
    out = [
        "digraph rulepath {",
        "  graph " + _attrs({
            "rankdir": "LR", "newrank": "true", "ranksep": 0.4, "nodesep": 0.12,
            "fontname": FONT, "fontsize": 16, "label": title, "labelloc": "t", "labeljust": "l",
            "tooltip": title.split("\n")[0],
        }) + ";",
        "  node " + _attrs({"fontname": FONT, "fontsize": 10, "margin": "0.06,0.03"}) + ";",
        "  edge " + _attrs({"fontname": FONT, "fontsize": 8, "arrowsize": 0.6}) + ";",
    ]
    for cluster, boxes in lay.clusters().items():
        out.extend(_cluster_lines(lay, cluster, boxes))
    facts = [b.id for b in lay.boxes.values() if b.fact]
    if facts:  # the case file's fields in the first column of every cluster
        out.append("  {rank=min; " + "; ".join(quote(f) for f in sorted(facts)) + "}")
    for line in lay.lines:
        tail = quote(line.tail) + (f":{line.tail_port}:e" if line.tail_port else "")
        head = quote(line.head) + (f":{line.head_port}:w" if line.head_port else "")
        out.append(f"  {tail} -> {head} {_attrs(_edge_attrs(lay, line))}")
    out.extend(_legend(lay))
    out.append("}")
    return "\n".join(out) + "\n"


# --- Mermaid --------------------------------------------------------------------------------

MERMAID_SHAPES = {
    "box": ('["', '"]'), "hexagon": ('{{"', '"}}'), "octagon": ('[["', '"]]'),
    "tab": ('[("', '")]'), "trapezium": ('[/"', '"\\]'), "ellipse": ('(["', '"])'),
    "cds": ('>"', '"]'), "note": ('["', '"]'), "circle": ('(("', '"))'),
}


def _mm(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _mermaid_node(lay: Layout, box: Box) -> tuple[str, str]:
    """A box's Mermaid label and class."""
    g = lay.graph
    data = g.nodes[box.first]
    if box.table:
        rows = [(box.title or "", box.title_row)] if box.title_row else []
        rows += [(g.nodes[r[0]]["row"], r) for r in box.rows]
        texts = [
            _mm(text + (f" = {YES_NO[_row_state(g, nodes)]}" if lay.case else ""))
            for text, nodes in rows
        ]
        title = (box.title or "") + (f": {box.status.upper()}" if lay.case and box.status else "")
        head = [] if box.title_row else [f"<b>{_mm(title)}</b>"]
        label = "<br/>".join(head + texts)
    elif data["kind"] == "rule":
        label = "&" if data["premises"] > 1 else _mm(data["cite"])
    elif data.get("highlight"):
        label = "► " + _mm(data["badge"].upper())
    else:
        label = _mm(data["label"]) + (f"<br/>= {_mm(_state_words(data))}" if lay.case else "")
    cls = data["category"].replace(" ", "_")
    if lay.case:
        status: Any = box.status if box.table else data.get("state")
        cls = {True: "yes", False: "no", "met": "yes", "unmet": "no", "excused": "yes",
               "not applicable": "grey"}.get(status, "open")
        cls = "grey" if lay.greyed(box) else ("chosen" if data.get("highlight") else cls)
    return label, cls


def to_mermaid(g: Any) -> str:
    """The graph as a Mermaid flowchart (for Markdown); a table becomes one node listing its
    rows."""
    lay = layout(g)
    ids = {box: f"n{i}" for i, box in enumerate(sorted(lay.boxes))}
    out = ["flowchart LR"]
    classes: dict[str, list[str]] = {}
    for i, (cluster, boxes) in enumerate(lay.clusters().items()):
        if cluster:
            out.append(f'  subgraph c{i} ["{_mm(cluster)}"]')
        for box in boxes:
            label, cls = _mermaid_node(lay, box)
            data = g.nodes[box.first]
            shape = "box" if box.table else SHAPES.get(data["category"], SHAPES["conclusion"])[0]
            left, right = MERMAID_SHAPES[shape]
            out.append(f"    {ids[box.id]}{left}{label}{right}")
            classes.setdefault(cls, []).append(ids[box.id])
        if cluster:
            out.append("  end")
    styles: list[str] = []
    for i, line in enumerate(lay.lines):
        arrow = {"supports": "-->", "defeats": "--x", "presumes": "-.->"}[line.kind]
        label = "; ".join(sorted(line.cites))
        out.append(f'  {ids[line.tail]} {arrow}|"{_mm(label)}"| {ids[line.head]}')
        if lay.case and line.state is not None:
            colour, width = STATE_EDGE[line.state]
            styles.append(f"  linkStyle {i} stroke:{colour},stroke-width:{width:g}px")
    out.extend(styles)
    fills = {**{c.replace(" ", "_"): f for c, (_s, f) in SHAPES.items()},
             "yes": TRUE, "no": FALSE, "open": OPEN, "grey": "#ffffff", "chosen": "#81c784"}
    for cls in sorted(classes):
        colour = ",color:#9e9e9e" if cls == "grey" else ""
        out.append(f"  classDef {cls} fill:{fills[cls]},stroke:#555{colour}")
        out.append(f"  class {','.join(classes[cls])} {cls}")
    return "\n".join(out) + "\n"


# --- JSON -----------------------------------------------------------------------------------


def to_json(g: Any) -> str:
    """The graph as networkx node-link JSON (``networkx.node_link_graph`` reads it back)."""
    data = nx.node_link_data(g, edges="edges")
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# --- rendering ------------------------------------------------------------------------------


def find_dot() -> Path | None:
    """The layout program: $RULEPATH_DOT, Graphviz's ``dot`` on PATH, else graphviz-pure's
    (on PATH or beside this Python, as a venv installs it)."""
    chosen = os.environ.get("RULEPATH_DOT")
    if chosen:
        return Path(chosen) if shutil.which(chosen) else None
    for name in ("dot", "graphviz-pure"):
        found = shutil.which(name)
        if found:
            return Path(found)
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("graphviz-pure", path=scripts) if scripts else None
    return Path(found) if found else None


NO_RENDERER = (
    "no Graphviz renderer found: install the project's 'render' extra (pip install -e "
    "'.[render]' brings graphviz-pure) or Graphviz's dot; the formats dot, mermaid and json "
    "need none"
)


def render(graph_or_dot: Any, fmt: str) -> bytes:
    """The graph (or dot source) drawn as ``svg``, ``png`` or ``pdf``."""
    import graphviz
    from graphviz.backend import dot_command

    source = graph_or_dot if isinstance(graph_or_dot, str) else to_dot(graph_or_dot)
    dot, chosen = find_dot(), os.environ.get("RULEPATH_DOT")
    if dot is None and chosen:
        raise RulepathError("RULEPATH_DOT", f"names no program that can be run: {chosen}")
    if dot is None:
        raise RulepathError("renderer", NO_RENDERER)
    if fmt == "pdf" and dot.name.startswith("graphviz-pure"):
        raise RulepathError(
            "format",
            "pdf needs Graphviz's own dot (graphviz-pure writes svg and png only): "
            "install Graphviz, or choose svg or png",
        )
    saved = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = dot
    try:
        out: bytes = graphviz.Source(source).pipe(format=fmt, engine="dot", quiet=True)
    except graphviz.ExecutableNotFound:
        raise RulepathError("renderer", NO_RENDERER) from None
    except graphviz.CalledProcessError as error:
        detail = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        failed = detail[-1] if detail else str(error)
        raise RulepathError("renderer", f"{dot.name} failed: {failed}") from None
    finally:
        dot_command.DOT_BINARY = saved
    return out
