"""``rulepath reasoning``: the procedural reasoning of an order in cited, neutral prose
(engine/reasoning.py, worded by each pack's reasoning.toml). The assertions are on the typed
result's ids, kinds and cites, not on wording; docs/examples/martinez-v-smith-reasoning.md is
its golden file (``RULEPATH_UPDATE_GOLDEN=1`` regenerates it)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import clingo
import pytest
import yaml
from click.testing import CliRunner

import rulepath
from rulepath.cli.reasoning_cmd import reasoning as reasoning_command
from rulepath.engine.pack import load_pack
from rulepath.engine.program import program_for
from rulepath.engine.prose import PLACEHOLDERS, load_templates, strings
from rulepath.engine.reasoning import FORMAT_ID, Reasoning, Sentence, reasoning
from tests.conftest import EXAMPLE, ROOT

CDCAL = ROOT / "examples" / "cdcal-brackenwagen-v-galynsky.yaml"
DOC = ROOT / "docs" / "examples" / "martinez-v-smith-reasoning.md"
# A cite in the court's form: a local rule (L.R. N or N-N, with its subdivisions), a federal
# rule, a scheduling order or a judge's standing order.
COURT_CITE = re.compile(
    r"^(L\.R\. [0-9]+(-[0-9]+)*(\.[0-9]+)?(\([a-z0-9]+\))*(, \([a-z0-9]+\)(\([a-z0-9]+\))*)*"
    r"|Fed\. R\. Civ\. P\. [0-9]+(\([A-Za-z0-9]+\))*|Scheduling Order|Standing Order \([a-z0-9-]+\)"
    r"|the judge's procedures \([a-z0-9-]+\))$"
)


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(reasoning_command, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def example(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for path, value in changes.items():
        *head, last = path.split("__")
        node = data
        for part in head:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def ids(r: Reasoning) -> dict[str, Sentence]:
    return {s.id: s for s in r.sentences()}


def cites(r: Reasoning) -> list[str]:
    return [part for s in r.sentences() for part in s.cite.split("; ")]


@pytest.fixture(scope="module")
def founding() -> Reasoning:
    return reasoning(EXAMPLE)


# --- every sentence carries its cite, in the version's numbering --------------------------------


def test_every_sentence_of_the_founding_case_ends_with_its_cite(founding: Reasoning) -> None:
    assert founding.sentences()
    for s in founding.sentences():
        assert s.text and s.cite, s.id
        assert str(s) == f"{s.text}. {s.cite}."
        assert "{" not in s.text and "_" not in s.text, s.id  # no placeholder, no raw id
    for cite in cites(founding):
        assert COURT_CITE.match(cite), cite


def test_the_founding_case_cites_the_37_251_numbering(founding: Reasoning) -> None:
    local = [c for c in cites(founding) if c.startswith("L.R. ")]
    assert local and all(c.startswith(("L.R. 37-251(", "L.R. 11-110")) for c in local), local
    assert "L.R. 37-251(b)" in local and "L.R. 37-251(d)" in local and "L.R. 11-110" in local
    assert not any(re.match(r"^(L\.R\. )?251\(", c) for c in cites(founding))


@pytest.mark.parametrize("changes", [{}, {"schedule__lr251_waived": None},
                                     {"conference__held": None, "joint_statement": None}],
                         ids=["founding", "prisoner order presumed", "undetermined"])
def test_the_text_too_uses_the_version_numbering(changes: dict[str, Any]) -> None:
    r = reasoning(example(**changes))
    for s in r.sentences():
        assert not re.search(r"(?<![-0-9])251\b", s.text), (s.id, s.text)


def test_a_case_under_version_251_cites_lr_251() -> None:
    r = reasoning(example(rule_version="251"))
    local = [c for c in cites(r) if c.startswith("L.R. ")]
    assert local and all(c.startswith(("L.R. 251(", "L.R. 110")) for c in local), local
    assert "37-251" not in " ".join(str(s) for s in r.sentences())
    assert ids(r)["unmet(conference)"].cite == "L.R. 251(b)"


# --- the founding case covers the points of the founding order ----------------------------------


def test_the_founding_case_covers_the_points_of_the_order(founding: Reasoning) -> None:
    found = ids(founding)
    # what the rule requires on the joint-statement route: conference, joint statement (signed
    # by all, with its contents)
    for q in ("conference", "joint_statement", "joint_statement_signed",
              "joint_statement_contents"):
        assert f"requires({q})" in found, q
    assert found["requires(conference)"].cite == "L.R. 37-251(b)"
    assert found["requires(joint_statement)"].cite == "L.R. 37-251(b), (c)"
    # which requirement is unmet, on which facts
    assert found["unmet(conference)"].rests_on == ("conference.held",)
    assert found["unmet(joint_statement)"].rests_on == ("joint_statement.filed",)
    assert found["readiness(barred)"].cite == "L.R. 37-251(b)"
    # the exception: some responses were served, so no complete and total failure
    total = found["exception_fails(total_failure_to_respond,some_response)"]
    assert total.cite == "L.R. 37-251(e)(1)" and "responses.served" in total.rests_on
    assert "exception_fails(sanctions_only,other_relief_sought)" in found
    # what the court may do, and the disposition the order made
    assert found["recommended(deny_without_prejudice)"].cite == "L.R. 37-251(b)"
    assert {"option(continue_and_order_conference)", "option(drop_hearing)"} <= set(found)
    # the parties' course: confer; the joint statement; the affidavit if cooperation fails
    for step in ("next_step(movant,arrange_conference)",
                 "next_step(opposing_party,attend_conference)",
                 "next_step(movant,file_joint_statement)",
                 "next_step(movant,file_affidavit_if_no_cooperation)"):
        assert step in found, step
    assert found["next_step(movant,file_affidavit_if_no_cooperation)"].cite == "L.R. 37-251(d)"
    # the sanction warning: refusal to take part in the conference, 37-251(d)
    warning = found["sanction(opposing_counsel,refused_conference)"]
    assert warning.cite == "L.R. 37-251(d)" and warning.rests_on == ("conference.opponent_refused",)
    paragraphs = [p.id for p in founding.paragraphs]
    assert paragraphs == ["rule", "application", "exceptions", "court", "parties", "exposure",
                          "open"]


def test_may_stays_may_and_exposure_is_never_an_imposed_sanction(founding: Reasoning) -> None:
    found = ids(founding)
    for sid in ("option(continue_and_order_conference)", "option(drop_hearing)",
                "next_step(movant,file_affidavit_if_no_cooperation)"):
        assert re.search(r"\bmay\b", found[sid].text), sid
    exposure = founding.paragraph("exposure")
    assert exposure is not None
    for s in exposure.sentences:
        assert re.search(r"\bexposed\b", s.text), s.id
        assert not re.search(r"\b(is|are) (hereby )?(sanctioned|ordered to pay)\b", s.text), s.id


# --- presumed and open --------------------------------------------------------------------------


def test_every_presumption_relied_on_is_worded_as_presumed(founding: Reasoning) -> None:
    relied = {p for s in founding.sentences() for p in s.presumed}
    assert "responses_predate_motion(partial)" in relied
    for pid in relied:
        assert any(pid in s.presumed and "presumed" in s.text for s in founding.sentences()), pid
    total = ids(founding)["exception_fails(total_failure_to_respond,some_response)"]
    assert "presumed" in total.text


def test_a_presumed_fact_is_worded_as_presumed() -> None:
    # a joint statement filed, its signatures not stated: presumed signed by all (251(c))
    r = reasoning(example(conference__held=True, joint_statement={"filed": True}))
    signed = ids(r)["met(joint_statement_signed)"]
    assert "js_presumed_signed" in signed.presumed and "presumed" in signed.text
    conference = ids(r)["met(conference)"]
    assert conference.presumed == ("conference_presumed_adequate",)
    assert "presumed" in conference.text


def test_without_presumptions_nothing_reads_as_presumed() -> None:
    r = reasoning(EXAMPLE, defaults=False)
    assert not [s.id for s in r.sentences() if s.presumed or s.kind == "presumed"]
    assert not [s.id for s in r.sentences() if "presumed" in s.text]


def test_an_undetermined_case_words_the_open_point_as_open() -> None:
    r = reasoning(example(conference__held=None, joint_statement=None))
    found = ids(r)
    assert "unmet(conference)" not in found and "unmet(joint_statement)" not in found
    conference = found["open(requirement(conference))"]
    assert conference.kind == "open" and "conference.held" in conference.depends_on
    assert conference.text.startswith("Whether") and "turns on" in conference.text
    ready = found["open(ready_for_hearing)"]
    assert ready.kind == "open" and "joint_statement.filed" in ready.depends_on
    assert "recommended(deny_without_prejudice)" not in found
    assert all(s.text.startswith("Whether") for s in r.sentences() if s.kind == "open"
               and s.id.startswith("open("))


def test_an_open_exposure_is_worded_as_open(founding: Reasoning) -> None:
    sign = ids(founding)["open(sanction(opposing_counsel,refused_to_sign_joint_statement))"]
    assert sign.kind == "open" and "turns on" in sign.text
    assert set(sign.depends_on) == {"joint_statement.opponent_refused_to_sign",
                                    "joint_statement.refusal_good_cause"}


def test_a_date_the_record_does_not_give_is_open(founding: Reasoning) -> None:
    due = ids(founding)["cure(joint_statement,file_joint_statement_by)"]
    assert due.kind == "open" and due.cite == "L.R. 37-251(a)"
    dated = reasoning(example(motion__filed_on="2010-01-04", motion__hearing_on="2010-03-01"))
    due = ids(dated)["cure(joint_statement,file_joint_statement_by)"]
    assert due.kind == "holds" and "February 24, 2010" in due.text  # three court days before


# --- the other pack, and packs without words ----------------------------------------------------


def test_the_cdcal_pack_produces_reasoning() -> None:
    r = reasoning(CDCAL)
    found = ids(r)
    assert "route(opponent_noncooperation)" in found
    assert found["met(noncooperation_shown)"].cite == "L.R. 37-2.2"
    assert found["recommended(order_response_and_show_cause)"].cite == "L.R. 7-12"
    assert found["sanction(opposing_party,deemed_consent)"].cite == "L.R. 7-12"
    assert found["sanction(movant,expenses_if_denied)"].cite == "Fed. R. Civ. P. 37(a)(5)(B)"
    for s in r.sentences():
        assert s.cite and COURT_CITE.match(s.cite.split("; ")[0]), (s.id, s.cite)
        assert "{" not in s.text and "_" not in s.text, s.id


def test_a_pack_without_reasoning_words_still_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(ROOT / "tests" / "data" / "packs"))
    r = reasoning(example(rule="conflict-demo", overlays=["route-conflict"], rule_version=None))
    found = ids(r)
    assert {"conflict(route)", "unmet(conference)"} <= set(found)  # the conflict is said
    assert all(s.cite for s in r.sentences())


# --- output forms -----------------------------------------------------------------------------


def test_to_dict_is_the_reasoning_format(founding: Reasoning) -> None:
    data = json.loads(json.dumps(founding.to_dict()))
    assert data["format"] == FORMAT_ID and data["rule"]["version"] == "37-251"
    first = data["paragraphs"][0]
    assert set(first) == {"id", "title", "sentences"}
    assert set(first["sentences"][0]) == {"id", "text", "cite", "kind", "rests_on", "presumed",
                                          "depends_on"}


def test_markdown_heads_each_paragraph_and_text_wraps_plain(founding: Reasoning) -> None:
    md = founding.to_markdown()
    assert md.startswith("# Martinez v. Smith\n")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == [
        p.title for p in founding.paragraphs]
    text = founding.to_text()
    assert "#" not in text and all(len(line) <= 79 for line in text.splitlines())
    lines = text.splitlines()
    for cite in set(cites(founding)):  # never broken across lines
        assert any(cite in line for line in lines), cite


def test_the_python_api_exports_reasoning() -> None:
    assert rulepath.reasoning is reasoning and rulepath.Reasoning is Reasoning
    assert "reasoning" in rulepath.__all__
    assert rulepath.reasoning(example()).case == "Martinez v. Smith"


# --- the command --------------------------------------------------------------------------------


def test_the_command_prints_markdown_or_text(founding: Reasoning) -> None:
    code, out, err = run(str(EXAMPLE))
    assert code == 0 and err == "" and out == founding.to_markdown()
    code, out, _ = run(str(EXAMPLE), "--format", "text")
    assert code == 0 and out == founding.to_text()
    code, out, _ = run(str(EXAMPLE), "--rule-version", "251", "--format", "text")
    assert code == 0 and "L.R. 251(b)." in out and "37-251" not in out


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["no-such-case.yaml"], None, "rulepath: CASE: no such file"),
        (["-"], '{"format": "rulepath/case-1", "motion": {"kind": "motion_to_compel"}}',
         "motion.kind"),
        ([str(EXAMPLE), "--rule-version", "99"], None, "--rule-version"),
        ([str(EXAMPLE), "--format", "json"], None, "--format"),
    ],
    ids=["missing file", "bad field", "bad version", "bad format"],
)
def test_bad_input_is_one_clear_error_and_exit_2(args: list[str], stdin: str | None,
                                                 says: str) -> None:
    code, out, err = run(*args, input=stdin)
    assert code == 2 and out == ""
    assert says in err
    if not says.startswith("--format"):  # click's usage errors have their own shape
        assert err.count("\n") == 1 and err.startswith("rulepath: ")


# --- the docs example is what the command prints ------------------------------------------------


def test_the_docs_example_is_current() -> None:
    code, out, _ = run(str(EXAMPLE))
    assert code == 0
    if os.environ.get("RULEPATH_UPDATE_GOLDEN"):
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(out, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == out, (
        "docs/examples/martinez-v-smith-reasoning.md is out of date: run "
        "RULEPATH_UPDATE_GOLDEN=1 python -m pytest tests/test_reasoning.py")


# --- the packs' words name only what the packs have ---------------------------------------------


def _heads(program: Any, name: str, position: int = 0) -> set[str]:
    out = set()
    for head in program.rules_by_head:
        if head.type == clingo.SymbolType.Function and head.name == name:
            out.add(str(head.arguments[position]))
    return out


@pytest.mark.parametrize("pack_id", ["edcal-lr251", "cdcal-lr37"])
def test_the_templates_name_only_ids_the_pack_has(pack_id: str) -> None:
    pack = load_pack(pack_id)
    path = pack.root / pack.reasoning_file
    assert path.is_file()
    known: dict[str, set[str]] = {
        "requirement": set(), "exception": set(), "option": set(), "next_step": set(),
        "sanction": set(), "cure": set(), "disposition": set(), "route": set(),
        "facts": set(), "deadline": set(), "presumed": set(),
        "fields": {f.path for f in pack.case_schema().fields},
    }
    for version in pack.versions:  # what any version, alone or with an overlay, has
        for p in [program_for(pack, version, ())] + [
                program_for(pack, version, (o,)) for o in pack.overlays]:
            known["requirement"] |= set(p.requirements)
            known["exception"] |= _heads(p, "exception")
            known["option"] |= _heads(p, "option")
            known["next_step"] |= _heads(p, "next_step", 1)
            known["sanction"] |= _heads(p, "sanction", 1)
            known["cure"] |= _heads(p, "cure", 1)
            known["disposition"] |= _heads(p, "consistent") | _heads(p, "recommended")
            known["route"] |= _heads(p, "route")
            known["facts"] |= {str(i.term) for i in p.inputs}
            known["deadline"] |= set(p.deadlines)
            known["presumed"] |= {str(r.id) for r in p.rules.values() if r.is_default}
    structural = {"order", "intro", "intro_cite", "open", "keep", "text", "cite"}
    for version in pack.versions:
        templates = load_templates(path, version.id)  # unknown placeholders are refused
        for where, text in strings(templates.data):
            for name in re.findall(r"\{([a-z_]+)", text):
                assert name in PLACEHOLDERS, (where, name)
        for section, ids_known in known.items():
            for key in templates.table(section):
                if key not in structural:
                    assert key in ids_known, f"{pack_id} {version.id}: [{section}] {key!r}"


@pytest.mark.parametrize("path", sorted((ROOT.parent / "shared" / "audit").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_the_audit_cases_reason_with_every_sentence_cited(path: Path) -> None:
    r = reasoning(path)
    for s in r.sentences():
        assert s.cite and COURT_CITE.match(s.cite.split("; ")[0]), (s.id, s.cite)
        assert "{" not in s.text and " as given" not in s.text, s.id
