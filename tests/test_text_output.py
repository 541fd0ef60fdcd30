"""The text and Markdown a clerk reads (engine/render.py): every item in the pack's words, in
sections, internal ids only verbose; colour as NO_COLOR, TERM=dumb and --color say; ASCII marks
where the output's encoding cannot carry the others. Snapshots of each format on the founding
case and on a made-up case with every section (tests/golden/text/; regenerate them with
RULEPATH_UPDATE_GOLDEN=1, as tests/test_founding_case.py does)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.api import decide
from rulepath.engine.casefile import case_from_mapping
from rulepath.engine.decision import Decision
from rulepath.engine.render import (
    color_wanted,
    fit,
    marks_fit,
    print_text,
    print_tree,
    to_markdown,
    to_text,
)
from tests.conftest import EXAMPLE, ROOT

GOLDEN = ROOT / "tests" / "golden" / "text"
EVERY = ROOT / "tests" / "data" / "every-section.yaml"
TEST_PACKS = ROOT / "tests" / "data" / "packs"
CASES = {"martinez-v-smith": EXAMPLE, "every-section": EVERY}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SECTIONS = (
    "Outcome",
    "Requirements",
    "What is missing and what the court may do",
    "Deadlines",
    "Exposure",
    "Next steps",
    "Presumed",
    "Undetermined",
)


def _decision(name: str) -> Decision:
    return decide(CASES[name])


def _conflicting() -> Decision:
    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(rule="conflict-demo", overlays=["route-conflict"], rule_version=None)
    return decide(case_from_mapping(data))


def _snapshot(name: str, got: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RULEPATH_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got + "\n", encoding="utf-8")
    assert got + "\n" == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


# --- snapshots, one per format ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_snapshot(name: str) -> None:
    _snapshot(f"{name}.txt", to_text(_decision(name)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_ascii_snapshot(name: str) -> None:
    got = to_text(_decision(name), ascii=True)
    got.encode("ascii")  # nothing but ASCII
    assert "[ok]" in got and "[no]" in got
    _snapshot(f"{name}.ascii.txt", got)


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_snapshot(name: str) -> None:
    _snapshot(f"{name}.md", to_markdown(_decision(name)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_verbose_snapshot(name: str) -> None:
    _snapshot(f"{name}.verbose.txt", to_text(_decision(name), verbose=True))


def test_conflicts_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
    got = to_text(_conflicting())
    assert "CONFLICTS IN THE RULES" in got and "The rules draw more than one route" in got
    _snapshot("conflict-demo.txt", got)


@pytest.mark.parametrize("name", sorted(CASES))
def test_color_on_is_the_same_text_in_colour(name: str) -> None:
    d = _decision(name)
    colored = to_text(d, color=True)
    assert ANSI.search(colored)
    assert click.unstyle(colored) == to_text(d)
    assert not ANSI.search(to_text(d, color=False))


# --- what the output says -------------------------------------------------------------------


def test_every_section_is_there_in_both_formats() -> None:
    d = _decision("every-section")
    text, markdown = to_text(d), to_markdown(d)
    for title in SECTIONS:
        assert f"\n{title.upper()}\n" in text, title
        assert f"\n## {title}\n" in markdown, title
    assert "Exceptions:" in text and "The court may:" in text and "To cure:" in text
    for force in ("bars the hearing", "the court may drop it", "moves the hearing date"):
        assert force in text, force


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_internal_ids_unless_verbose(name: str) -> None:
    d = _decision(name)
    text = to_text(d)
    # an identifier with an underscore appears only inside a case-file field path
    ids = re.findall(r"(?<![\w.])[a-z0-9]+(?:_[a-z0-9]+)+(?![\w.])", text)
    assert not ids, ids
    assert "(" + "hearing_notice" + ")" not in text
    for atom in ("sanction(", "option(", "cure(", "requirement ", "_presumed"):
        assert atom not in text, atom
    verbose = to_text(d, verbose=True)
    for r in d.requirements:
        assert f"[{r.id}]" in verbose
    for a in d.assumed:
        assert f"[{a.id}]" in verbose
    markdown = to_markdown(d).split("\n## Why\n")[0]  # the tree is in the rules' own terms
    assert not re.findall(r"(?<![\w.`])[a-z0-9]+(?:_[a-z0-9]+)+(?![\w.`])", markdown)


def test_founding_case_reads_in_one_pass() -> None:
    text = to_text(_decision("martinez-v-smith"))
    # a cutoff is a date, not "0 calendar days before"
    assert "0 calendar days" not in text
    assert "The motion must be filed on or before the motion cutoff, 2010-07-23." in text
    # one reason for an exception that fails on two grounds
    assert "does not seek sanctions. The motion seeks relief" not in text
    # the next steps in the order they are taken: confer, joint statement, affidavit
    steps = text.split("\nNEXT STEPS\n")[1].split("\n\n")[0]
    order = [steps.index(s) for s in ("Arrange a conference", "draft and file a 'Joint",
                                      "file and serve an affidavit")]
    assert order == sorted(order) and steps.lstrip().startswith("1. ")
    assert "Recommended disposition: Deny the motion without prejudice" in text


def test_deadlines_say_the_date_and_whether_it_was_met() -> None:
    text = to_text(_decision("every-section"))
    assert "The joint statement must be filed 7 days before the hearing: by 2015-05-14." in text
    assert "on or after 2015-05-22" in text
    assert re.search(r"missed +The joint statement must be filed", text)


def test_an_undetermined_disposition_says_so_and_why() -> None:
    text = to_text(decide(EXAMPLE, defaults=False))
    assert "Recommended disposition:" in text and "(consistent: —)" not in text
    line = next(x for x in text.splitlines() if "Recommended disposition:" in x)
    assert "undetermined: it turns on" in line
    assert "PRESUMED" not in text and "UNDETERMINED" in text


def test_presumptions_are_marked_where_they_are_used() -> None:
    data = yaml.safe_load(EVERY.read_text())
    data["joint_statement"].pop("opponent_refused_to_sign")
    data["joint_statement"]["signed_by_all"] = True
    d = decide(case_from_mapping(json.loads(json.dumps(data, default=str))))
    assert d.ready_for_hearing is True
    text = to_text(d)
    row = next(x for x in text.splitlines() if "has the contents the rule requires" in x)
    assert "met" in row and "(presumed)" in row  # met only because its contents are presumed
    assert "Used for: Joint statement has the contents the rule requires." in text
    founding = to_text(_decision("martinez-v-smith"))
    assert "presumed met" in founding  # the cutoffs, met only by presumption
    assert "Used for: The motion must be filed on or before the motion cutoff." in founding
    assert "(in some completions only)" in founding


def test_a_decision_of_an_unknown_pack_still_prints() -> None:
    data = _decision("martinez-v-smith").to_dict()
    data["rule"]["pack"] = "no-such-pack"
    d = Decision.from_dict(data)
    text = to_text(d)
    assert "Parties met and conferred" not in text  # no pack words: the ids in words
    assert "conference" in text and "OUTCOME" in text
    assert to_markdown(d).startswith("# Martinez v. Smith")


def test_a_caption_cannot_inject_terminal_codes() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["caption"] = "Evil \x1b[31mRed\x1b[0m v. Smith"
    d = decide(case_from_mapping(json.loads(json.dumps(data, default=str))), explain=False)
    assert "\x1b" not in to_text(d) and "\x1b" not in to_markdown(d)


# --- colour: NO_COLOR, TERM=dumb, --color ---------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_decision() -> None:
    tty, pipe = _Tty(), io.StringIO()
    assert color_wanted(tty, None, {}) is True
    assert color_wanted(pipe, None, {}) is False
    assert color_wanted(tty, None, {"NO_COLOR": "1"}) is False
    assert color_wanted(tty, None, {"NO_COLOR": ""}) is True  # no-color.org: set and non-empty
    assert color_wanted(tty, None, {"TERM": "dumb"}) is False
    assert color_wanted(tty, None, {"TERM": "xterm-256color"}) is True
    assert color_wanted(pipe, True, {"NO_COLOR": "1", "TERM": "dumb"}) is True  # --color
    assert color_wanted(tty, False, {}) is False  # --no-color


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_print_text_honours_no_color_and_dumb_terminals(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _decision("martinez-v-smith")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    plain = _Tty()
    print_text(d, file=plain)
    assert ANSI.search(plain.getvalue())  # a terminal gets colour
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = _Tty()
    print_text(d, file=out)
    assert not ANSI.search(out.getvalue())
    forced = _Tty()
    print_text(d, file=forced, color=True)
    assert ANSI.search(forced.getvalue())


def test_cli_color_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(main, ["decide", str(EXAMPLE), "--color"])
    assert result.exit_code == 0 and ANSI.search(result.stdout)
    result = CliRunner().invoke(main, ["decide", str(EXAMPLE)])
    assert result.exit_code == 0 and not ANSI.search(result.stdout)


# --- encodings -------------------------------------------------------------------------------


def _stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding)


def test_marks_fit_the_encoding() -> None:
    assert marks_fit(_stream("utf-8"))
    assert not marks_fit(_stream("cp1252"))
    assert not marks_fit(_stream("ascii"))
    assert fit("a — b … ✔", _stream("ascii")) == "a - b ... [ok]"
    assert fit("a — b", _stream("cp1252")) == "a — b"  # cp1252 has the dash


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_print_text_and_tree_on_a_narrow_encoding(encoding: str) -> None:
    d = _decision("every-section")
    out = _stream(encoding)
    print_text(d, file=out)
    out.flush()
    text = out.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]
    assert "[ok] met" in text and "\u2714" not in text
    assert d.explanation is not None
    tree = _stream(encoding)
    print_tree(d.explanation, limit=2, file=tree)
    tree.flush()
    assert "more reason(s) not shown" in tree.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    code = "from rulepath.cli.main import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **env},
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )


def test_decide_on_a_cp1252_console_falls_back_to_ascii_marks() -> None:
    done = _run_cli("decide", str(EXAMPLE), env={"PYTHONIOENCODING": "cp1252"})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("cp1252")
    assert "[ok] yes" in out and "[no] not met" in out
    assert "\u2714" not in out and "\x1b" not in out  # a pipe: no colour either


def test_snapshots_exist() -> None:
    names = {p.name for p in GOLDEN.glob("*")} if GOLDEN.is_dir() else set()
    for case in CASES:
        for suffix in (".txt", ".ascii.txt", ".md", ".verbose.txt"):
            assert f"{case}{suffix}" in names or os.environ.get("RULEPATH_UPDATE_GOLDEN")
    assert Path(GOLDEN / "conflict-demo.txt").exists() or os.environ.get("RULEPATH_UPDATE_GOLDEN")
