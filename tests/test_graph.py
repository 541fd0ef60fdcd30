"""Decision graphs (rulepath.engine.graph, .draw; `rulepath graph`): derived from the logic alone,
deterministic dot, Mermaid and JSON that parse, the founding case's path, and the committed
diagrams kept current with the logic."""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine import draw
from rulepath.engine.errors import RulepathError
from rulepath.engine.graph import (
    case_graph,
    focus_on,
    graph,
    path_only,
    rule_graph,
    to_dot,
    to_json,
    to_mermaid,
)
from rulepath.engine.pack import Overlay, load_pack
from rulepath.engine.program import Program, build_program, program_for

ROOT = Path(__file__).resolve().parents[1]
MARTINEZ = ROOT / "examples" / "martinez-v-smith.yaml"
DIAGRAMS = ROOT / "diagrams"


def program(version: str, overlays: tuple[str, ...] = ()) -> Program:
    pack = load_pack()
    return program_for(pack, pack.version_for(date.today(), version), overlays)


def cites_and_rules(g: Any) -> tuple[set[str], set[str]]:
    cites: set[str] = set()
    rules: set[str] = set()
    for _n, d in g.nodes(data=True):
        cites.update(d.get("cites", []))
        rules.update(d.get("rules", []))
        if "rule" in d:
            rules.add(d["rule"])
    for _u, _v, d in g.edges(data=True):
        cites.update(d["cites"])
        rules.update(d["rules"])
    return cites, rules


def renderer_or_skip() -> Path:
    dot: Path | None = draw.find_dot()
    if dot is None:
        pytest.skip("no Graphviz renderer (dot or graphviz-pure) installed: svg/png not tested")
    return dot


# --- the rule graph comes from the reified rules -------------------------------------------


@pytest.mark.parametrize("version", ["37-251", "251", "251-amended-14"])
def test_every_rule_and_cite_is_in_the_graph(version: str) -> None:
    p = program(version)
    g = rule_graph(p)
    cites, rules = cites_and_rules(g)
    assert {p.cite(r.cite) for r in p.rules.values()} <= cites
    assert {str(r.id) for r in p.rules.values()} <= rules


def test_nodes_are_categorised_by_the_output_vocabulary() -> None:
    g = rule_graph(program("251"))
    category = {n: d["category"] for n, d in g.nodes(data=True)}
    assert category["route(joint_statement)"] == "route"
    assert category["req(conference)"] == category["met(conference)"] == "requirement"
    assert category["exception(total_failure_to_respond)"] == "exception"
    assert category["recommended(deny_without_prejudice)"] == "disposition"
    assert category["conference_held"] == "fact"
    assert g.nodes["conference_held"]["label"] == "conference.held"
    assert category["rule:js_presupposes_conference"] == "presumption"
    assert g.edges["blocked", "ready_for_hearing"]["kind"] == "defeats"
    assert g.nodes["route(joint_statement)"]["cluster"] == "251(b)"


def test_a_version_defeats_base_rules_by_name() -> None:
    g = rule_graph(program("37-251"))
    assert g.edges["rule:v37_scope_no_45", "rule:scope_rule(45)"]["kind"] == "defeats"
    assert g.edges["rule:v37_scope_no_45", "rule:scope_rule(45)"]["cite"] == "37-251(b)"
    assert g.nodes["route(joint_statement)"]["cluster"] == "37-251(b)"
    assert "rule:v37_scope_no_45" not in rule_graph(program("251"))


def test_an_overlay_of_the_pack_adds_its_cluster() -> None:
    g = rule_graph(program("251", ("no-written-conferral",)))
    assert g.nodes["req(live_conference)"]["cluster"] == "overlay:no-written-conferral"
    assert "overlay:no-written-conferral" not in {
        d["cluster"] for _n, d in rule_graph(program("251")).nodes(data=True)
    }


EXTRA_OVERLAY = """
% A drafter's amendment: sanctions for a movant who skipped the conference, and no more
% dropping the hearing for a late joint statement.
rule(extra_sanction, sanction(movant, skipped_conference), "overlay:extra").
if(extra_sanction, unmet(conference)).
if(extra_sanction, movant_pro_se).
rule(extra_no_drop, defeats(may_drop_js), "overlay:extra").
"""


def test_adding_a_rule_to_an_overlay_file_changes_the_graph(tmp_path: Path) -> None:
    extra = tmp_path / "extra.lp"
    extra.write_text(EXTRA_OVERLAY, encoding="utf-8")
    pack = load_pack()
    pack = dataclasses.replace(
        pack, overlays={**pack.overlays, "extra": Overlay("extra", str(extra), "a test")}
    )
    version = pack.version_for(date(2015, 1, 1))
    before = rule_graph(build_program(pack, version, ()))
    after = rule_graph(build_program(pack, version, ("extra",)))
    new = set(after) - set(before)
    assert {"sanction(movant,skipped_conference)", "rule:extra_sanction",
            "rule:extra_no_drop", "rule:may_drop_js"} <= new
    assert after.nodes["sanction(movant,skipped_conference)"]["cluster"] == "overlay:extra"
    assert after.edges["rule:extra_no_drop", "rule:may_drop_js"]["kind"] == "defeats"
    assert after.has_edge("movant_pro_se", "rule:extra_sanction")
    assert "cluster_overlay:extra" in to_dot(after)
    assert "overlay:extra" not in to_dot(before)


# --- outputs ---------------------------------------------------------------------------------


def test_dot_is_deterministic() -> None:
    first = to_dot(rule_graph(program("251")))
    assert first == to_dot(rule_graph(program("251")))
    assert first.startswith("digraph rulepath {") and first.endswith("}\n")
    assert '"cluster_251(c)"' in first and '"cluster_legend"' in first


# One line of the subset of Mermaid that to_mermaid writes.
MERMAID_LINE = re.compile(
    r"""flowchart\ LR
    |\ \ subgraph\ c\d+\ \["[^"]*"\]
    |\ \ end
    |\ {4}n\d+(\["[^"]*"\]|\{\{"[^"]*"\}\}|\[\["[^"]*"\]\]|\[\("[^"]*"\)\]|\[/"[^"]*"\\\]
              |\(\["[^"]*"\]\)|>"[^"]*"\]|\(\("[^"]*"\)\))
    |\ \ n\d+\ (-->|--x|-\.->)\|"[^"]*"\|\ n\d+
    |\ \ linkStyle\ \d+\ stroke:\#[0-9a-f]{6},stroke-width:[\d.]+px
    |\ \ classDef\ \w+\ fill:\#[0-9a-f]{6},stroke:\#555(,color:\#[0-9a-f]{6})?
    |\ \ class\ n\d+(,n\d+)*\ \w+""",
    re.VERBOSE,
)


@pytest.mark.parametrize("case", [None, MARTINEZ])
def test_mermaid_parses(case: Path | None) -> None:
    text = to_mermaid(graph(case, rule_version=None if case else "251"))
    lines = text.splitlines()
    bad = [line for line in lines if not MERMAID_LINE.fullmatch(line)]
    assert not bad, bad[:3]
    declared = {m.group(1) for m in re.finditer(r"^ {4}(n\d+)", text, re.M)}
    used = set(re.findall(r"^ {2}(n\d+) \S+ (n\d+)$", text.replace('|"', " ").replace('"|', ""),
                          re.M))
    for tail, head in used:
        assert tail in declared and head in declared
    assert lines.count("  end") == sum(line.startswith("  subgraph") for line in lines)


def test_json_is_networkx_node_link() -> None:
    g = graph(MARTINEZ)
    data = json.loads(to_json(g))
    back = nx.node_link_graph(data, directed=True, multigraph=False, edges="edges")
    assert set(back) == set(g)
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["route(joint_statement)"]["highlight"] is True


# --- the founding case ------------------------------------------------------------------------


def test_founding_case_path() -> None:
    g = case_graph(MARTINEZ)
    nodes = g.nodes
    assert g.graph["version"] == "37-251"
    assert nodes["route(joint_statement)"]["highlight"] is True
    assert nodes["route(joint_statement)"]["badge"] == "governing route: joint statement"
    assert nodes["route(affidavit)"]["state"] is False
    assert nodes["ready_for_hearing"]["state"] is False
    assert nodes["recommended(deny_without_prejudice)"]["highlight"] is True
    assert nodes["exception(total_failure_to_respond)"]["state"] is False
    assert nodes["conference_held"]["state"] is False
    groups = g.graph["groups"]
    assert groups["requirement:conference"]["status"] == "unmet"
    assert groups["requirement:joint_statement"]["status"] == "unmet"
    assert groups["requirement:affidavit_contents"]["status"] == "not applicable"
    # no conference -> conference unmet -> blocked -> not ready; deny without prejudice
    edges = g.edges
    assert edges["conference_held", "rule:met_conference"]["state"] == "missing"
    assert edges["blocked", "ready_for_hearing"]["state"] == "blocking"
    on_path = [
        ("conference_held", "rule:met_conference"),
        ("js_filed", "met(joint_statement)"),
        ("blocked", "ready_for_hearing"),
        ("served(none)", "rule:nothing_now"),
    ]
    for u, v in on_path:
        assert edges[u, v]["path"], (u, v)
    dot = to_dot(g)
    assert "► GOVERNING ROUTE: JOINT\\nSTATEMENT" in dot
    assert "requirement: conference: UNMET" in dot


def test_path_only_keeps_the_case_path() -> None:
    g = path_only(case_graph(MARTINEZ))
    assert {"conference_held", "js_filed", "blocked", "ready_for_hearing",
            "recommended(deny_without_prejudice)", "exception(total_failure_to_respond)"} <= set(g)
    assert "next_step(movant,arrange_conference)" not in g
    assert all(d["path"] for _u, _v, d in g.edges(data=True))
    with pytest.raises(RulepathError, match="needs a CASE"):
        path_only(rule_graph(program("251")))


def test_focus_keeps_what_a_conclusion_depends_on() -> None:
    g = rule_graph(program("251"))
    sub = focus_on(g, "ready_for_hearing")
    assert "ready_for_hearing" in sub and "blocked" in sub and "conference_held" in sub
    assert "recommended(deny_without_prejudice)" not in sub
    assert set(sub) == nx.ancestors(g, "ready_for_hearing") | {"ready_for_hearing"}
    assert sub.number_of_nodes() < g.number_of_nodes()
    assert focus_on(g, "route( joint_statement )").number_of_nodes() > 1
    with pytest.raises(RulepathError, match="did you mean"):
        focus_on(g, "ready_for_hearin")


# --- the committed diagrams --------------------------------------------------------------------


def diagram_table() -> list[tuple[str, list[str]]]:
    script = (DIAGRAMS / "regenerate.sh").read_text(encoding="utf-8")
    table = script.split("<<'TABLE'\n", 1)[1].split("\nTABLE", 1)[0]
    return [(line.split()[0], shlex.split(line)[1:]) for line in table.splitlines() if line.strip()]


def test_every_diagram_has_its_dot_svg_and_readme_line() -> None:
    readme = (DIAGRAMS / "README.md").read_text(encoding="utf-8")
    names = [name for name, _args in diagram_table()]
    assert {"rule-251", "rule-37-251", "martinez-v-smith"} <= set(names)
    for name in names:
        assert (DIAGRAMS / f"{name}.dot").is_file() and (DIAGRAMS / f"{name}.svg").is_file()
        assert f"diagrams/{name}.svg" in readme


@pytest.mark.parametrize("name,args", diagram_table())
def test_committed_diagram_is_current(name: str, args: list[str], monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["graph", *args, "--format", "dot"])
    assert result.exit_code == 0, result.output
    committed = (DIAGRAMS / f"{name}.dot").read_text(encoding="utf-8")
    assert result.stdout == committed, (
        f"diagrams/{name}.dot is out of date with the logic: run bash diagrams/regenerate.sh"
    )


# --- rendering ---------------------------------------------------------------------------------


def test_render_svg() -> None:
    renderer_or_skip()
    svg = draw.render(focus_on(rule_graph(program("251")), "governs"), "svg").decode()
    assert "<svg" in svg and "governs" in svg


def test_no_renderer_is_one_clear_error(monkeypatch: Any) -> None:
    monkeypatch.setattr(draw, "find_dot", lambda: None)
    with pytest.raises(RulepathError, match="no Graphviz renderer found"):
        draw.render(rule_graph(program("251")), "svg")
    result = CliRunner().invoke(main, ["graph", "--format", "svg"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no Graphviz renderer" in result.stderr
    assert CliRunner().invoke(main, ["graph", "--format", "mermaid"]).exit_code == 0


def test_pdf_needs_graphviz_dot() -> None:
    if renderer_or_skip().name.startswith("graphviz-pure"):
        with pytest.raises(RulepathError, match="pdf needs Graphviz"):
            draw.render("digraph { a }", "pdf")
    else:
        assert draw.render("digraph { a }", "pdf").startswith(b"%PDF")


def test_decision_and_pack_render_themselves() -> None:
    renderer_or_skip()
    import rulepath

    decision = rulepath.decide(MARTINEZ)
    assert "_case" not in json.dumps(decision.to_dict())
    svg = decision._repr_svg_()
    assert svg is not None and "GOVERNING ROUTE" in svg
    assert (load_pack()._repr_svg_() or "").lstrip().startswith("<?xml")
    assert rulepath.graph(focus="ready_for_hearing").number_of_nodes() > 1


# --- the command -------------------------------------------------------------------------------


def test_cli_dot_to_stdout() -> None:
    result = CliRunner().invoke(main, ["graph", "--rule-version", "251", "--format", "dot"])
    assert result.exit_code == 0
    assert result.stdout.startswith("digraph rulepath {")


def test_cli_case_focus_json(tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    result = CliRunner().invoke(
        main, ["graph", str(MARTINEZ), "--focus", "ready_for_hearing", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = {n["id"] for n in data["nodes"]}
    assert "ready_for_hearing" in ids and "recommended(deny_without_prejudice)" not in ids


@pytest.mark.parametrize(
    "args,field",
    [
        (["--overlay", "no-such-overlay"], "unknown overlay 'no-such-overlay'"),
        (["--rule-version", "99"], "unknown version '99'"),
        (["--as-of", "2010-02-30"], "as_of: not an ISO date"),
        (["--focus", "nothing_like_this"], "--focus: no node"),
        (["--path"], "--path: needs a CASE"),
        ([str(ROOT / "no-such-case.yaml")], "CASE: no such file:"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(args: list[str], field: str) -> None:
    result = CliRunner().invoke(main, ["graph", "--format", "dot", *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and field in result.stderr
    assert result.stdout == ""


def test_cli_svg_to_file(tmp_path: Path) -> None:
    renderer_or_skip()
    out = tmp_path / "martinez.svg"
    result = CliRunner().invoke(main, ["graph", str(MARTINEZ), "--path", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text(encoding="utf-8")
