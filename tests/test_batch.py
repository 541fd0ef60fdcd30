"""``rulepath batch`` and its engine (engine/batch.py): the same decisions as ``decide``, JSON
Lines in and out in input order, one output line per input line, errors naming line and field,
workers, folders, explanations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from bench.generate import generate
from rulepath.cli.main import main
from rulepath.engine.api import decide, program_for_case
from rulepath.engine.batch import BatchDecider
from rulepath.engine.casefile import Case, case_from_mapping, load_case
from rulepath.engine.deadlines import measure
from rulepath.engine.errors import CaseError, RulepathError
from rulepath.engine.facts import FactPlan, case_facts
from rulepath.engine.solve import inconsistent
from tests.conftest import EXAMPLE


def _populations() -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        ("known", list(generate(300, seed=21))),
        ("unknown-10%", list(generate(300, seed=22, unknown=0.10))),
        ("unknown-35%", list(generate(120, seed=23, unknown=0.35))),
    ]


@pytest.mark.parametrize(("name", "cases"), _populations(), ids=lambda x: str(x)[:12])
def test_batch_decisions_are_decide_s(name: str, cases: list[dict[str, Any]]) -> None:
    decider = BatchDecider()
    for data in cases:
        case = case_from_mapping(data)
        want = decide(case, explain=False).to_dict(explanation=False)
        assert decider.decide(case) == want, data["caption"]
        assert orjson.loads(decider.decide_json(case)) == want, data["caption"]
    assert decider.solved <= 2 * len(cases)  # each is decided twice (the memo notes it)


def test_batch_on_real_orders(shared: Path) -> None:
    decider = BatchDecider()
    paths = [*sorted((shared / "corpus" / "dev").glob("*.yaml")), EXAMPLE]
    for path in paths:
        case = load_case(path)
        want = decide(case, explain=False).to_dict(explanation=False)
        assert decider.decide(case) == want, path.name
        assert orjson.loads(decider.decide_json(case)) == want, path.name
    assert decider.solved > 0


def test_without_defaults_and_with_explanations() -> None:
    case = load_case(EXAMPLE)
    plain = BatchDecider(defaults=False)
    assert plain.decide(case) == decide(case, defaults=False, explain=False).to_dict(
        explanation=False
    )
    explained = BatchDecider(explain=True).decide(case)
    assert explained == decide(case).to_dict(explanation=True)
    assert "explanation" in explained


def test_fact_plan_measures_and_assumes_every_input() -> None:
    """The compiled reading of a case measures each deadline as deadlines.measure does, and
    fixes each input exactly once: unknown (open), or known true or false."""
    decider = BatchDecider()
    for data in [*generate(200, seed=31), *generate(200, seed=32, unknown=0.3)]:
        case = case_from_mapping(data)
        entry = decider.entry(case)
        shared = program_for_case(case)
        for program in (entry.full().program, entry.reads().program, shared):
            plan = FactPlan(program)
            deadlines = plan.measure(case)
            assert deadlines == {d: measure(decl, case) for d, decl in program.deadlines.items()}
            for defaults in (True, False):
                assumed = set(plan.assumptions(case, deadlines, defaults))
                for d in program.inputs:
                    lit, unknown = program.value_literal[d.term], program.unknown_literal[d.term]
                    if unknown in assumed:
                        assert lit not in assumed and -lit not in assumed, d
                    else:
                        assert -unknown in assumed and (lit in assumed) != (-lit in assumed), d
                facts = case_facts(program, case, defaults=defaults)
                assert sorted(facts.assumptions) == sorted(assumed)


# --- the command -----------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["batch", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.split("\n") if line]  # JSON Lines: "\n" ends one


def _jsonl(cases: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(c) + "\n" for c in cases)


GOOD = list(generate(6, seed=41))
BAD_LINES = [
    ("{not json", "<document>"),
    (json.dumps({**GOOD[0], "motion": {"kind": "bribery"}}), "motion.kind"),
    ("", "<document>"),
    ("[1, 2]", "<document>"),
    (json.dumps({**GOOD[0], "overlays": ["no-such-order"]}), "overlays[0]"),
    ('{"format": "rulepath/case-1", "caption": "a", "caption": "b"}', "<document>"),
    (json.dumps({**GOOD[0], "rule_version": "1999"}), "rule_version"),
]


def _mixed() -> tuple[str, dict[int, str]]:
    """Good cases with every kind of bad line between them; line number -> field."""
    lines: list[str] = []
    bad: dict[int, str] = {}
    for i, case in enumerate(GOOD):
        lines.append(json.dumps(case))
        if i < len(BAD_LINES):
            text, field = BAD_LINES[i]
            lines.append(text)
            bad[len(lines)] = field
    lines.append(BAD_LINES[-1][0])
    bad[len(lines)] = BAD_LINES[-1][1]
    return "\n".join(lines) + "\n", bad


def test_every_line_gets_one_output_line_in_order(tmp_path: Path) -> None:
    text, bad = _mixed()
    source = tmp_path / "cases.jsonl"
    source.write_text(text)
    code, out, err = run(str(source))
    assert code == 1  # some lines gave error records
    records = _lines(out)
    assert len(records) == len(text.splitlines())
    captions = iter(c["caption"] for c in GOOD)
    for number, record in enumerate(records, start=1):
        if number in bad:
            assert record["format"] == "rulepath/error-1"
            assert record["line"] == number and record["field"] == bad[number], record
            assert record["error"]
        else:
            assert record["format"] == "rulepath/decision-1"
            assert record["case"] == next(captions)
            assert "explanation" not in record
    assert f"{len(records)} cases" in err and f"{len(bad)} errors" in err and "cases/s" in err


def test_decisions_are_decide_json_without_explanation(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(_jsonl(GOOD))
    output = tmp_path / "out.jsonl"
    code, out, _ = run(str(source), "-o", str(output))
    assert code == 0 and out == ""
    for data, record in zip(GOOD, _lines(output.read_text()), strict=True):
        assert record == decide(case_from_mapping(data)).to_dict(explanation=False)


def test_stdin(tmp_path: Path) -> None:
    code, out, _ = run("-", input=_jsonl(GOOD[:3]))
    assert code == 0 and [r["case"] for r in _lines(out)] == [c["caption"] for c in GOOD[:3]]


def test_two_workers_give_the_same_output(tmp_path: Path) -> None:
    cases = list(generate(400, seed=42, unknown=0.05))
    text, _ = _mixed()
    source = tmp_path / "cases.jsonl"
    source.write_text(_jsonl(cases) + text)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    code1, _, err1 = run(str(source), "-o", str(one), "--workers", "1", "--chunk-size", "37")
    assert "1 worker)" in err1
    code2, _, err2 = run(str(source), "-o", str(two), "--workers", "2", "--chunk-size", "37")
    assert code1 == code2 == 1
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text().splitlines()) == len(source.read_text().splitlines())
    assert "2 workers" in err2


def test_folder_of_case_files(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "b.yaml").write_text(EXAMPLE.read_text())
    (folder / "a.json").write_text(json.dumps(GOOD[1]))
    (folder / "c.yaml").write_text("format: rulepath/case-1\nmotion: {kind: bribery}\n")
    (folder / "notes.txt").write_text("not a case")
    code, out, _ = run(str(folder))
    assert code == 1
    a, b, c = _lines(out)
    assert a["case"] == GOOD[1]["caption"]
    assert b == decide(load_case(EXAMPLE)).to_dict(explanation=False)
    assert c["format"] == "rulepath/error-1" and c["line"] == 3
    assert c["field"] == "motion.kind" and c["source"].endswith("c.yaml")


def test_explain_adds_the_explanation(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(_jsonl(GOOD[:2]))
    code, out, _ = run(str(source), "--explain")
    assert code == 0
    for data, record in zip(GOOD[:2], _lines(out), strict=True):
        assert record == decide(case_from_mapping(data)).to_dict(explanation=True)
        assert record["explanation"]["conclusion"].startswith("ready_for_hearing(")


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "missing.jsonl"))
    assert code == 2 and "missing.jsonl" in err


def test_inconsistent_facts_are_an_error_record(monkeypatch: pytest.MonkeyPatch) -> None:
    def contradict(self: BatchDecider, case: Case) -> Any:
        raise inconsistent()

    monkeypatch.setattr(BatchDecider, "decide_json", contradict)
    code, out, _ = run("-", input=_jsonl(GOOD[:1]))
    (record,) = _lines(out)
    assert code == 1 and record["field"] == "<case>"
    assert record["error"].startswith("the stated facts contradict")


def test_help_lists_batch() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "batch" in result.stdout


# --- the memo, the line reader, the Python function ----------------------------------------------


def _repeated() -> list[dict[str, Any]]:
    """Fact patterns that repeat under other captions (the memo's case)."""
    base = list(generate(40, seed=51, unknown=0.4)) + list(generate(20, seed=52))
    return [{**case, "caption": f"{case['caption']} (copy {k})"} for k in range(4) for case in base]


def test_the_memo_changes_no_byte_and_is_counted() -> None:
    cases = [case_from_mapping(c) for c in _repeated()]
    memo, plain = BatchDecider(), BatchDecider(memo=0)
    for case in cases:
        assert memo.decide_json(case) == plain.decide_json(case), case.caption
    assert memo.memo_lookups == len(cases) and plain.memo_lookups == 0
    assert memo.memo_hits == 2 * len(cases) // 4  # kept from the second sighting on
    assert plain.solved == len(cases) and memo.solved == len(cases) - memo.memo_hits
    for case in cases[:60:7]:
        want = decide(case, explain=False).to_dict(explanation=False)
        assert orjson.loads(memo.decide_json(case)) == want


def test_the_memo_is_bounded() -> None:
    decider = BatchDecider(memo=8)
    for case in [case_from_mapping(c) for c in _repeated()]:
        decider.decide_json(case)
    assert decider.memo is not None
    assert len(decider.memo.entries) <= 8 and len(decider.memo.seen) <= 8


CASE = dict(GOOD[0])
# Lines the fast reader must refuse as the case-file loader does, and valid lines it may
# leave to the loader (a key's colon after a blank, '":' inside a string).
PARITY_LINES = [
    b"{not json",
    b"[1, 2]",
    b'"a string"',
    json.dumps({**CASE, "motion": {**CASE["motion"], "kind": "bribery"}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "wings": True}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "ex_parte": "yes"}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "filed_on": "2023-02-30"}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "filed_on": "1066-10-14"}}).encode(),
    json.dumps({**CASE, "as_of": 20240101}).encode(),
    json.dumps({**CASE, "rule": "no-such-pack"}).encode(),
    json.dumps({**CASE, "rule": ""}).encode(),
    json.dumps({**CASE, "overlays": ["no-written-conferral", "no-written-conferral"]}).encode(),
    json.dumps({**CASE, "overlays": ["no-such-order"]}).encode(),
    json.dumps({**CASE, "rule_version": "1999"}).encode(),
    json.dumps({**CASE, "caption": 5}).encode(),
    json.dumps({**CASE, "joint_statement": {"filed": False, "filed_on": "2020-01-01"}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "notice_days": -3}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "notice_days": 1.5}}).encode(),
    json.dumps({**CASE, "motion": {**CASE["motion"], "notice_days": 10**30}}).encode(),
    b'{"format": "rulepath/case-1", "motion": {"notice_days": 1' + b"0" * 5000 + b"}}",
    json.dumps({**CASE, "motion": None}).encode(),
    json.dumps({**CASE, "motion": []}).encode(),
    b'{"format": "rulepath/case-1", "caption": "a", "caption": "b"}',
    b'{"format": "rulepath/case-1", "motion": {"ex_parte": true, "ex_parte": false}}',
    b'{"format": "rulepath/case-1", "caption" : "a", "caption":"b"}',
    b'{"format": "rulepath/case-1", "caption": "\\ud800"}',
    b'{"format": "rulepath/case-1", "caption": NaN}',
    b'{"format": "rulepath/case-1", "motion": {"notice_days": Infinity}}',
    b'{"format": "rulepath/case-1", "caption": "caf\xff"}',
    b'{"format": "rulepath/case-1", "caption": "\xed\xa0\x80"}',
    b'{"format": "rulepath/case-2"}',
    b'{"caption": "no format"}',
    b"[" * 70 + b"]" * 70,
    b'{"format": "rulepath/case-1", "x": ' + b"[" * 70 + b"]" * 70 + b"}",
    json.dumps({**CASE, "caption": 'He said ": no'}).encode(),
    json.dumps({**CASE, "caption": "caf\u00e9 \u2028 line"}, ensure_ascii=False).encode(),
    json.dumps(CASE, indent=1).replace("\n", " ").replace('":', '" :').encode(),
]


def test_the_line_reader_gives_the_case_file_loader_s_errors(tmp_path: Path) -> None:
    """Each line's record is what ``rulepath decide`` says of a file with its content."""
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b"\n".join(PARITY_LINES) + b"\n")
    code, out, _ = run(str(source), "--workers", "1")
    records = _lines(out)
    assert code == 1 and len(records) == len(PARITY_LINES)
    for number, (line, record) in enumerate(zip(PARITY_LINES, records, strict=True), start=1):
        path = tmp_path / f"case{number}.json"
        path.write_bytes(line)
        try:
            want = decide(load_case(path)).to_dict(explanation=False)
        except CaseError as error:
            assert record == {"format": "rulepath/error-1", "line": number,
                              "field": error.field, "error": error.problem}, line
        except RulepathError as error:
            assert record == {"format": "rulepath/error-1", "line": number,
                              "field": error.field, "error": error.reason}, line
        else:
            assert record == want, line
    # and the command's own words, for two of them
    for number in (4, 7):
        result = CliRunner().invoke(main, ["decide", str(tmp_path / f"case{number}.json")])
        record = records[number - 1]
        assert result.exit_code == 2
        assert result.stderr.strip().endswith(f"{record['field']}: {record['error']}")


def test_the_fast_reader_takes_the_loader_s_case() -> None:
    from rulepath.engine.batch import _fast_case, load_line
    from rulepath.engine.casefile import parse_case

    for data in [*generate(50, seed=61), *generate(50, seed=62, unknown=0.5)]:
        line = json.dumps(data).encode()
        fast = _fast_case(line)
        assert fast is not None and fast == parse_case(line.decode(), fmt="json")
        assert load_line(line.decode()) == fast


def test_rulepath_batch_yields_what_the_command_writes(tmp_path: Path) -> None:
    import rulepath

    text, _ = _mixed()
    source = tmp_path / "cases.jsonl"
    source.write_text(text)
    _, out, _ = run(str(source), "--workers", "1")
    lines = text.splitlines()
    assert list(rulepath.batch(lines)) == _lines(out)
    assert list(rulepath.batch(line.encode() for line in lines)) == _lines(out)
    assert list(rulepath.batch(GOOD[:3])) == _lines(out)[:1] + [
        decide(case_from_mapping(c)).to_dict(explanation=False) for c in GOOD[1:3]
    ]
    assert "batch" in rulepath.__all__


# a pack with a case clingo cannot finish quickly
SLOW_PACK = Path(__file__).parent / "data" / "slow_pack"


@pytest.mark.parametrize("workers", [1, 2])
def test_the_engine_s_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 workers: int) -> None:
    import time

    from rulepath.engine.batch import decide_stream

    monkeypatch.setenv("RULEPATH_PACK_PATH", str(SLOW_PACK))
    items = [(i + 1, json.dumps({"format": "rulepath/case-1", "rule": "slow-demo",
                                 "caption": f"case {i + 1}", "x": {"hard": hard}}).encode(), False)
             for i, hard in enumerate([False, True, False, True, False])]
    started = time.monotonic()
    out = b"".join(r.lines for r in decide_stream(items, workers=workers, chunk_size=2,
                                                   time_limit=0.3))
    assert time.monotonic() - started < 30
    records = [orjson.loads(line) for line in out.splitlines()]
    for number in (2, 4):
        assert records[number - 1] == {"format": "rulepath/error-1", "line": number,
                                       "field": None,
                                       "error": "solver time limit (0.3 s) exceeded"}
    assert [r["case"] for r in records[::2]] == ["case 1", "case 3", "case 5"]


def test_both_variants_decide_alike() -> None:
    """A case is decided on the reads variant (when every completion agrees on what a decision
    reads) or on the consequences variant: the same bytes either way."""
    from rulepath.engine.batch import forget_decoded

    cases = [case_from_mapping(c) for c in [*generate(60, seed=71), *generate(60, seed=72,
                                                                                unknown=0.3)]]
    outputs = []
    for odds in ([1000, 1000], [1000, 0]):  # the reads variant first for every case, for none
        forget_decoded()
        decider = BatchDecider(memo=0)
        decider._odds = [list(odds) for _ in range(32)]
        outputs.append([decider.decide_json(case) for case in cases])
        assert decider.solved == len(cases)
        assert (decider.two_solves > 0) == (odds[1] > 0)
    assert outputs[0] == outputs[1]


def test_kept_fragments_decide_as_the_decoder() -> None:
    """A decision put together from kept sections (its presumptions and the facts its
    undetermined conclusions depend on read afresh) is the one the decoder gives."""
    from rulepath.engine.batch import _PARTS, forget_decoded

    cases = [case_from_mapping(c) for c in [*generate(80, seed=81, unknown=0.5),
                                            *generate(80, seed=82, unknown=0.2)]]
    decider = BatchDecider(memo=0)
    decider._odds = [[1000, 0] for _ in range(32)]  # the consequences variant only
    decoded = []
    for case in cases:  # each decoded afresh
        forget_decoded()
        decoded.append(decider.decide_json(case))
    forget_decoded()
    for case in cases:  # keep every section
        decider.decide_json(case)
    assert _PARTS
    assert [decider.decide_json(case) for case in cases] == decoded  # each from its sections


def test_raw_walk_is_the_readers_depends_on() -> None:
    """What a one-solve reading walks over atom numbers (reader.RawReading) is what the reader
    walks over its sets (Reading.depends_on), for every atom the rules conclude."""
    decider = BatchDecider(memo=0)
    decider._odds = [[1000, 0] for _ in range(32)]  # the consequences variant only
    for data in generate(40, seed=91, unknown=0.4):
        case = case_from_mapping(data)
        decider.decide_json(case)
        full = decider.entry(case).full()
        deadlines = full.plan.measure(case)
        listed = full.solver.shown(full.plan.assumptions(case, deadlines, True))
        assert listed is not None and full.shown.raw
        values = set(listed)
        reading = full.shown.reading(*full.shown.sides_of(values))
        raw = full.shown.raw_reading(values)
        decoding = full.shown.decoding(values)
        for term in full.tables.reader.premises_for:
            assert raw.depends_on(term) == reading.depends_on(term), term
            assert decoding.truth(term) == reading.truth(term), term


def test_walk_on_a_loop() -> None:
    """An atom on a loop of rules (none in the packs so far) is searched afresh, and reaches
    what every atom of its loop reaches."""
    from rulepath.engine.reader import RawReading, Walk, _looped

    # atoms: 0 <- 1 <- 2 <- 1 (a loop), 2 <- input 3; 0 <- input 4. Each firing (rep, off)
    # and atom pair shown as in some completion only (both values shown).
    walk = Walk.__new__(Walk)
    walk.ids = {"a": 0, "b": 1, "c": 2, "i": 3, "j": 4}
    walk.input = [False, False, False, True, True]
    walk.pairs = [((10, 11),), ((12, 13),), ((14, 15),), ((16, 17),), ((18, 19),)]
    walk.rules = [((20, 21, (1, 4)),), ((22, 23, (2,)),), ((24, 25, (1, 3)),), (), ()]
    walk.paths = ["x.i", "x.j"]
    walk.bit = [0, 0, 0, 1, 2]
    walk.looped = _looped(walk.rules)
    walk._json = {}
    assert walk.looped == [False, True, True, False, False]
    values = set(range(10, 26))
    raw = RawReading.__new__(RawReading)
    raw.walk, raw.values, raw._doubt, raw._reach = walk, values, {}, {}
    assert raw.depends_on("a") == {"x.i", "x.j"}
    assert raw.depends_on("b") == {"x.i"} == raw.depends_on("c")
    values.discard(21)  # a's rule fires in every completion: it turns on nothing
    raw._doubt, raw._reach = {}, {}
    assert raw.depends_on("a") == set()
    assert walk.json_of(3) == b'["x.i","x.j"]'
