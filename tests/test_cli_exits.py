"""Exit statuses, the same for every command (docs/exit-codes.md): 0 success, also on a closed
output pipe; 1 output written but something wrong; 2 bad input or usage. And the options the
commands share: graph's format from -o, decide's and explain's --as-of, --overlay,
--rule-version, decide's --verbose."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rulepath.cli.main import main
from tests.conftest import EXAMPLE, ROOT

TEST_PACKS = ROOT / "tests" / "data" / "packs"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def command() -> list[str]:
    """The installed ``rulepath`` beside this Python, else ``python -m rulepath``."""
    script = Path(sys.executable).parent / "rulepath"
    return [str(script)] if script.exists() else [sys.executable, "-m", "rulepath"]


def closed_pipe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[
    bytes
]:
    """Run rulepath with stdout a pipe whose reading end is already closed: every write
    fails with EPIPE, as when ``head`` has gone away."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [*command(), *args], stdout=write, stderr=subprocess.PIPE, cwd=ROOT, timeout=120,
            env={**os.environ, **(env or {})},
        )
    finally:
        os.close(write)


# --- a closed pipe ------------------------------------------------------------------------

CLOSED_PIPE_COMMANDS = [
    ["decide", str(EXAMPLE)],
    ["decide", str(EXAMPLE), "--format", "json"],
    ["decide", str(EXAMPLE), "--format", "markdown"],
    ["explain", str(EXAMPLE)],
    ["explain", str(EXAMPLE), "--format", "json"],
    ["graph", "--format", "dot"],
    ["graph", str(EXAMPLE), "--format", "json"],
    ["schema"],
    ["packs"],
    ["batch", str(ROOT / "examples")],
    ["--help"],
    ["decide", "--help"],
]


@pytest.mark.parametrize("args", CLOSED_PIPE_COMMANDS, ids=" ".join)
def test_a_closed_pipe_exits_0_without_a_traceback(args: list[str]) -> None:
    done = closed_pipe(*(str(a).replace(str(ROOT) + os.sep, "") for a in args))
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None,
                    reason="needs bash and head")
def test_decide_piped_into_head_exits_0() -> None:
    line = " ".join(command()) + " decide examples/martinez-v-smith.yaml | head -1"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {line}"], cwd=ROOT,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("Martinez v. Smith")
    assert done.stderr == b""


def conflicting_case(tmp_path: Path) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(rule="conflict-demo", overlays=["route-conflict"], rule_version=None)
    path = tmp_path / "conflict.json"
    path.write_text(json.dumps(data, default=str))
    return path


def test_a_closed_pipe_keeps_the_status_already_known(tmp_path: Path) -> None:
    # the rules conflict: 1 whether or not the reader stays
    path = conflicting_case(tmp_path)
    done = closed_pipe("decide", str(path), env={"RULEPATH_PACK_PATH": str(TEST_PACKS)})
    assert done.returncode == 1 and b"Traceback" not in done.stderr


# --- 1: written, but something is wrong ---------------------------------------------------


def test_conflicts_exit_1_with_the_decision_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
    code, out, _ = run("decide", str(conflicting_case(tmp_path)), "--format", "json")
    assert code == 1 and json.loads(out)["conflicts"]


def test_eval_floor_missed_exits_1() -> None:
    code, out, err = run("eval", str(ROOT / "tests" / "data" / "eval" / "sample"),
                         "--fail-under", "balanced=100")
    assert code == 1 and out and "below 100%" in err


# --- 2: bad input or usage ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["decide", "examples/no-such-case.yaml"],
        ["decide", str(EXAMPLE), "--format", "pdf"],  # click: not a choice
        ["decide"],  # click: missing argument
        ["decide", str(EXAMPLE), "--no-such-option"],
        ["explain", str(EXAMPLE), "--why", "no_such_atom"],
        ["graph", "-o", "x.txt"],
        ["schema", "--pack", "no-such-pack"],
    ],
    ids=" ".join,
)
def test_bad_input_and_usage_exit_2(args: list[str]) -> None:
    code, out, _ = run(*args)
    assert code == 2 and out == ""


def test_the_exit_statuses_are_documented() -> None:
    text = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    for status in ("**0**", "**1**", "**2**"):
        assert status in text
    assert "closed output pipe" in text and "usage" in text


# --- graph: the format from -o ------------------------------------------------------------


def test_graph_refuses_a_format_that_contradicts_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    code, stdout, err = run("graph", "-o", str(out), "--format", "svg")
    assert code == 2 and stdout == "" and not out.exists()
    assert err.count("\n") == 1
    assert err.startswith("rulepath: --format: svg does not match -o ") and "names png" in err


def test_graph_cannot_tell_the_format_of_txt(tmp_path: Path) -> None:
    out = tmp_path / "x.txt"
    code, _, err = run("graph", "-o", str(out))
    assert code == 2 and not out.exists()
    assert err.startswith("rulepath: -o: cannot tell the format from .txt; use --format")


def test_graph_format_from_the_suffix_or_given(tmp_path: Path) -> None:
    for name, start in (("x.dot", "digraph"), ("x.mmd", "flowchart"), ("x.json", "{")):
        code, _, err = run("graph", "-o", str(tmp_path / name))
        assert code == 0, err
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    code, _, err = run("graph", "-o", str(tmp_path / "x.txt"), "--format", "dot")
    assert code == 0 and (tmp_path / "x.txt").read_text().startswith("digraph"), err


def test_pdf_with_graphviz_pure_names_what_each_renderer_writes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from rulepath.engine import draw

    monkeypatch.setattr(draw, "find_dot", lambda: Path("/opt/bin/graphviz-pure"))
    code, _, err = run("graph", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and err.count("\n") == 1
    assert "renderer found is graphviz-pure" in err
    assert "Graphviz's dot writes svg, png and pdf" in err
    assert "graphviz-pure (the 'render' extra) writes svg and png" in err


def test_every_drawn_format_is_allowed_with_graphviz_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    from rulepath.cli.graph_cmd import DRAWN, check_renderer
    from rulepath.engine import draw

    monkeypatch.setattr(draw, "find_dot", lambda: Path("/usr/bin/dot"))
    for fmt in DRAWN:
        check_renderer(fmt)  # no error


# --- decide and explain: --as-of, --overlay, --rule-version; --verbose --------------------


def test_decide_takes_the_version_and_overlays_from_the_command_line() -> None:
    code, out, err = run("decide", str(EXAMPLE), "--format", "json", "--rule-version", "251",
                         "--overlay", "no-written-conferral")
    assert code == 0, err
    rule = json.loads(out)["rule"]
    assert rule == {"pack": "edcal-lr251", "version": "251", "overlays": ["no-written-conferral"]}


def test_decide_as_of_overrides_the_case_file(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data.pop("rule_version")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, default=str))
    code, out, err = run("decide", str(path), "--format", "json", "--as-of", "2024-01-02")
    assert code == 0, err
    decision = json.loads(out)
    assert decision["as_of"] == "2024-01-02" and decision["rule"]["version"] == "251-amended-14"


@pytest.mark.parametrize("command", ["decide", "explain"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--overlay", "nope"], "rulepath: --overlay: unknown overlay 'nope'"),
        (["--rule-version", "99"], "rulepath: --rule-version: unknown version '99'"),
        (["--as-of", "2010-02-30"], "rulepath: --as-of: not an ISO date"),
    ],
)
def test_bad_case_options_name_their_flag(command: str, args: list[str], message: str) -> None:
    code, out, err = run(command, str(EXAMPLE), *args)
    assert code == 2 and out == "" and err.startswith(message) and err.count("\n") == 1


def test_explain_takes_the_case_options() -> None:
    code, out, err = run("explain", str(EXAMPLE), "--format", "json", "--rule-version", "251",
                         "--overlay", "no-written-conferral", "--as-of", "2012-01-01")
    assert code == 0, err
    assert json.loads(out)


def test_decide_verbose_shows_the_pack_id() -> None:
    code, out, _ = run("decide", str(EXAMPLE), "--no-color", "--verbose")
    assert code == 0 and "[edcal-lr251]" in out.splitlines()[1]
    code, out, _ = run("decide", str(EXAMPLE), "--no-color")
    assert code == 0 and "[edcal-lr251]" not in out
    code, out, _ = run("decide", str(EXAMPLE), "--format", "markdown", "--verbose")
    assert code == 0 and "`edcal-lr251`" in out
