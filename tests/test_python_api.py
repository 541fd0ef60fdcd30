"""The Python API (``import rulepath``): a case as a path, a mapping or a Case; clear errors for
anything else; ``__version__``; a decision's notebook views; and the shell-completion
callables (cli/completion.py) that the command line wires to its options."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import click
import pytest
import yaml
from click.shell_completion import CompletionItem

import rulepath
from rulepath.cli.completion import complete_atoms, complete_overlays, complete_versions
from rulepath.cli.main import main
from rulepath.engine import draw
from rulepath.engine.casefile import load_case
from rulepath.engine.decision import Decision
from rulepath.engine.errors import CaseError, RulepathError
from rulepath.engine.pack import load_pack, packs
from rulepath.engine.render import to_markdown

ROOT = Path(__file__).resolve().parents[1]
MARTINEZ = ROOT / "examples" / "martinez-v-smith.yaml"
CDCAL = ROOT / "examples" / "cdcal-brackenwagen-v-galynsky.yaml"


def _data(path: Path = MARTINEZ) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _answer(d: Decision) -> dict[str, Any]:
    return d.to_dict()


# --- a case: a path, a mapping or a Case -------------------------------------------------------


def test_decide_takes_a_path_a_mapping_or_a_case_and_they_agree() -> None:
    expected = _answer(rulepath.decide(str(MARTINEZ)))
    assert _answer(rulepath.decide(MARTINEZ)) == expected  # os.PathLike
    assert _answer(rulepath.decide(_data())) == expected  # a dict
    assert _answer(rulepath.decide(MappingProxyType(_data()))) == expected  # any Mapping
    assert _answer(rulepath.decide(load_case(MARTINEZ))) == expected  # a loaded Case


def test_a_mapping_is_validated_as_strictly_as_a_file() -> None:
    data = _data()
    data["motion"]["kind"] = "motion_to_compel"
    with pytest.raises(CaseError) as bad_value:
        rulepath.decide(data)
    assert bad_value.value.field == "motion.kind"
    data = _data()
    data["conference"]["hled"] = True
    with pytest.raises(CaseError) as unknown:
        rulepath.decide(data)
    assert unknown.value.field == "conference.hled"
    assert "unknown field" in unknown.value.reason
    with pytest.raises(CaseError, match="format"):
        rulepath.decide({"motion": {"kind": "compel"}})


def test_a_mapping_picks_its_pack_like_a_file() -> None:
    assert rulepath.decide(_data(CDCAL)).rule.pack == "cdcal-lr37"
    data = {"format": "rulepath/case-1", "as_of": "2010-02-25", "conference": {"held": False}}
    assert rulepath.decide(data).rule.pack == "edcal-lr251"  # the default pack


@pytest.mark.parametrize("bad", [42, None, 3.5, b"examples/martinez-v-smith.yaml",
                                 ["examples/martinez-v-smith.yaml"], object()])
def test_anything_else_is_a_clear_type_error(bad: object) -> None:
    with pytest.raises(rulepath.CaseInputError) as caught:
        rulepath.decide(bad)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, TypeError) and isinstance(error, RulepathError)
    assert error.field == "case"
    message = str(error)
    for accepted in ("path", "os.PathLike", "mapping", "Case"):
        assert accepted in message
    assert type(bad).__name__ in message


def test_explain_and_graph_take_the_same_three_forms() -> None:
    by_path = rulepath.explain(str(MARTINEZ), why="route(joint_statement)")
    assert rulepath.explain(_data(), why="route(joint_statement)") == by_path
    assert rulepath.explain(load_case(MARTINEZ), why="route(joint_statement)") == by_path
    assert rulepath.explain(MARTINEZ)["conclusion"] == "ready_for_hearing(false)"
    g = rulepath.graph(MARTINEZ, path=True)
    assert sorted(rulepath.graph(_data(), path=True).nodes) == sorted(g.nodes)
    assert sorted(rulepath.graph(load_case(MARTINEZ), path=True).nodes) == sorted(g.nodes)
    assert rulepath.graph(rule_version="251").number_of_nodes() > g.number_of_nodes()
    for call in (lambda: rulepath.explain(7), lambda: rulepath.graph(7)):  # type: ignore[arg-type]
        with pytest.raises(rulepath.CaseInputError, match="got int"):
            call()


def test_the_command_line_still_reads_files_and_stdin() -> None:
    from click.testing import CliRunner

    text = MARTINEZ.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["decide", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    assert '"route": "joint_statement"' in result.stdout


# --- the package ---------------------------------------------------------------------------------


def test_version_is_the_package_metadata() -> None:
    assert rulepath.__version__ == importlib.metadata.version("rulepath")


def test_version_falls_back_to_pyproject_when_not_installed(monkeypatch: Any) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    with (ROOT / "pyproject.toml").open("rb") as handle:
        declared = tomllib.load(handle)["project"]["version"]
    assert rulepath.__version__ == declared


def test_the_package_exports_what_it_lists() -> None:
    for name in rulepath.__all__:
        assert getattr(rulepath, name) is not None, name
    assert set(rulepath.__all__) <= set(dir(rulepath))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        rulepath.nope  # noqa: B018


# --- notebooks -----------------------------------------------------------------------------------


def _renderer_or_skip() -> None:
    if draw.find_dot() is None:
        pytest.skip("no Graphviz renderer (dot or graphviz-pure) installed: svg not tested")


def test_repr_svg_is_the_path_view_not_the_whole_graph() -> None:
    _renderer_or_skip()
    from rulepath.engine.graph import case_graph

    decision = rulepath.decide(MARTINEZ)
    svg = decision._repr_svg_()
    assert svg is not None
    path = draw.render(rulepath.graph(MARTINEZ, path=True), "svg").decode("utf-8")
    assert svg == path  # what `rulepath graph CASE --path` draws
    assert "the case&#39;s path only" in svg
    whole = draw.render(case_graph(load_case(MARTINEZ)), "svg").decode("utf-8")
    assert len(svg) < len(whole) / 3


def test_repr_svg_follows_no_defaults() -> None:
    _renderer_or_skip()
    svg = rulepath.decide(MARTINEZ, defaults=False)._repr_svg_()
    path = rulepath.graph(MARTINEZ, path=True, defaults=False)
    assert svg == draw.render(path, "svg").decode("utf-8")


def test_repr_svg_of_a_decision_without_its_case_is_none() -> None:
    decision = Decision.from_dict(rulepath.decide(MARTINEZ).to_dict())
    assert decision._repr_svg_() is None


def test_repr_markdown_is_the_markdown_decision() -> None:
    decision = rulepath.decide(MARTINEZ)
    markdown = decision._repr_markdown_()
    assert markdown == to_markdown(decision)
    assert markdown.startswith("# Martinez v. Smith")
    assert Decision.from_dict(decision.to_dict())._repr_markdown_().startswith("# Martinez")


# --- shell completion: the callables -------------------------------------------------------------


def _ctx(command: str, **params: Any) -> click.Context:
    root = click.Context(main, info_name="rulepath")
    ctx = click.Context(main.commands[command], info_name=command, parent=root)
    ctx.params = dict(params)
    return ctx


def _values(items: list[CompletionItem]) -> list[str]:
    assert all(isinstance(i, CompletionItem) for i in items)
    return [i.value for i in items]


@pytest.fixture
def no_shell(monkeypatch: Any) -> Iterator[None]:
    """Completion called directly, not by a shell."""
    for var in ("COMP_WORDS", "COMP_CWORD", "_RULEPATH_COMPLETE"):
        monkeypatch.delenv(var, raising=False)
    yield


PARAM = click.Option(["--x"])


def test_overlays_of_every_pack_or_of_the_case_s_pack(no_shell: None) -> None:
    every = sorted({o for p in packs().values() for o in p.overlays})
    assert sorted(_values(complete_overlays(_ctx("graph"), PARAM, ""))) == every
    edcal = sorted(load_pack("edcal-lr251").overlays)
    case = str(MARTINEZ)
    assert _values(complete_overlays(_ctx("decide", case=case), PARAM, "")) == edcal
    assert _values(complete_overlays(_ctx("graph", pack="cdcal-lr37"), PARAM, "")) == sorted(
        load_pack("cdcal-lr37").overlays
    )
    chosen = _ctx("decide", case=case, overlays=("no-written-conferral",))
    assert "no-written-conferral" not in _values(complete_overlays(chosen, PARAM, ""))
    typed = _values(complete_overlays(_ctx("decide", case=case), PARAM, "no-"))
    assert typed == ["no-written-conferral"]
    helps = complete_overlays(_ctx("decide", case=case), PARAM, "")
    assert all(item.help for item in helps)  # where the overlay was seen


def test_versions_of_every_pack_or_of_the_case_s_pack(no_shell: None) -> None:
    edcal = [v.id for v in load_pack("edcal-lr251").versions]
    assert _values(complete_versions(_ctx("explain", case=str(MARTINEZ)), PARAM, "")) == edcal
    assert _values(complete_versions(_ctx("explain", case=str(CDCAL)), PARAM, "")) == [
        v.id for v in load_pack("cdcal-lr37").versions
    ]
    every = {v.id for p in packs().values() for v in p.versions}
    assert set(_values(complete_versions(_ctx("graph"), PARAM, ""))) == every
    assert _values(complete_versions(_ctx("graph"), PARAM, "37-")) == ["37-251"]
    item = complete_versions(_ctx("explain", case=str(MARTINEZ)), PARAM, "251")[0]
    assert item.help == "edcal-lr251: in force from 2009-12-01"


def test_atoms_are_the_output_vocabulary_of_the_case_s_program(no_shell: None) -> None:
    from rulepath.engine.api import as_case, program_for_case

    ctx = _ctx("explain", case=str(MARTINEZ))
    atoms = _values(complete_atoms(ctx, PARAM, ""))
    for atom in ("governs", "ready_for_hearing", "route(joint_statement)",
                 "defect(no_conference)", "recommended(deny_without_prejudice)"):
        assert atom in atoms
    program = program_for_case(as_case(MARTINEZ))
    assert {a.partition("(")[0] for a in atoms} <= set(program.outputs)
    assert "route(joint_stipulation)" not in atoms  # the C.D. Cal. pack's, not this case's
    routes = _values(complete_atoms(ctx, PARAM, "route("))
    assert routes and all(r.startswith("route(") for r in routes)
    # nothing in the vocabulary starts so: every conclusion a rule draws
    assert "conference_held" in _values(complete_atoms(ctx, PARAM, "conference_h"))
    assert _values(complete_atoms(ctx, PARAM, "no_such_atom")) == []
    # every atom offered is one `rulepath explain --why` takes (it may not hold)
    for atom in routes:
        assert rulepath.explain(MARTINEZ, why=atom)["conclusion"].startswith(atom)


def test_atoms_without_a_readable_case_come_from_every_pack(no_shell: None) -> None:
    for ctx in (_ctx("explain"), _ctx("explain", case="no/such/file.yaml")):
        atoms = _values(complete_atoms(ctx, PARAM, "route("))
        assert "route(joint_statement)" in atoms and "route(joint_stipulation)" in atoms


def test_atoms_follow_the_command_line_s_rule_options(no_shell: None) -> None:
    # --overlay adds the overlay's conclusions
    plain = set(_values(complete_atoms(_ctx("explain", case=str(MARTINEZ)), PARAM, "")))
    overlaid = _ctx("explain", case=str(MARTINEZ), overlays=("informal-conference-first",))
    added = set(_values(complete_atoms(overlaid, PARAM, ""))) - plain
    assert added, "the overlay's rules conclude something the base program does not"


def test_atoms_under_bash_have_their_parentheses_escaped(monkeypatch: Any) -> None:
    monkeypatch.setenv("_RULEPATH_COMPLETE", "bash_complete")
    monkeypatch.delenv("COMP_WORDS", raising=False)
    values = _values(complete_atoms(_ctx("explain", case=str(MARTINEZ)), PARAM, "route(j"))
    # doubled backslashes: click's bash script reads each line with `read`, which takes one
    assert values == ["route\\\\(joint_statement\\\\)"]


def test_completion_never_fails(no_shell: None) -> None:
    broken = _ctx("explain", case=str(ROOT / "pyproject.toml"), pack="no-such-pack")
    assert isinstance(complete_atoms(broken, PARAM, ""), list)
    assert isinstance(complete_overlays(broken, PARAM, ""), list)
    assert isinstance(complete_versions(broken, PARAM, ""), list)


# --- shell completion: through click's protocol and bash itself ----------------------------------


def _complete(words: list[str], shell: str = "bash") -> list[str]:
    """What `rulepath` answers the shell: click's completion protocol, in a subprocess."""
    env = {**os.environ, "_RULEPATH_COMPLETE": f"{shell}_complete",
           "COMP_WORDS": " ".join(words), "COMP_CWORD": str(len(words) - 1)}
    result = subprocess.run(
        [sys.executable, "-c", "from rulepath.cli.main import main; main(prog_name='rulepath')"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_bash_protocol_completes_atoms_of_the_case_named_before_the_option() -> None:
    lines = _complete(["rulepath", "explain", "examples/martinez-v-smith.yaml", "--why", "route"])
    assert "plain,route\\\\(joint_statement\\\\)" in lines
    assert not any("joint_stipulation" in line for line in lines)


def test_bash_protocol_completes_overlays_and_versions() -> None:
    lines = _complete(["rulepath", "decide", "examples/martinez-v-smith.yaml", "--overlay", ""])
    assert "plain,no-written-conferral" in lines
    assert not any("informal-discovery-conference" in line for line in lines)  # C.D. Cal.'s
    lines = _complete(["rulepath", "graph", "--rule-version", ""])
    assert {"plain,37-251", "plain,remote-conferral"} <= set(lines)


def test_fish_protocol_describes_each_overlay() -> None:
    env_words = ["rulepath", "decide", "examples/martinez-v-smith.yaml", "--overlay", "no-"]
    env = {**os.environ, "_RULEPATH_COMPLETE": "fish_complete",
           "COMP_WORDS": " ".join(env_words), "COMP_CWORD": "no-"}
    result = subprocess.run(
        [sys.executable, "-c", "from rulepath.cli.main import main; main(prog_name='rulepath')"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("plain,no-written-conferral\t")  # value, tab, where seen


def _bash_or_skip() -> str:
    import shutil

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    return bash


def test_bash_itself_gets_runnable_words(tmp_path: Path) -> None:
    """The script of the README's `eval "$(_RULEPATH_COMPLETE=bash_source rulepath)"`, run by
    bash: COMPREPLY holds words a command line can take as they are."""
    bash = _bash_or_skip()
    launcher = tmp_path / "rulepath"
    launcher.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c "
        "'from rulepath.cli.main import main; main(prog_name=\"rulepath\")' \"$@\"\n"
    )
    launcher.chmod(0o755)
    script = (
        'eval "$(_RULEPATH_COMPLETE=bash_source rulepath)"\n'
        "COMP_WORDS=(rulepath explain examples/martinez-v-smith.yaml --why 'route(j')\n"
        "COMP_CWORD=4\n"
        "_rulepath_completion rulepath\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
        'eval "set -- ${COMPREPLY[0]}"; printf "%s\\n" "$1"\n'  # as the shell would read it
    )
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("_RULEPATH_COMPLETE", None)
    result = subprocess.run([bash, "-c", script], capture_output=True, text=True, env=env,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["route\\(joint_statement\\)", "route(joint_statement)"]
