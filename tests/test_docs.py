"""The documentation is true: its Python examples run and print what they show, the case-format
reference is what the packs generate, and the README names every command and option, the
shell-completion set-up, the cache and the documents it links to."""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

import rulepath
from rulepath.cli.main import main
from rulepath.engine import calendar, docs_gen
from rulepath.engine.pack import logic_root, packs

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CASE_FORMAT = ROOT / "docs" / "case-format.md"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _doctest_file(path: Path, monkeypatch: Any) -> doctest.TestResults:
    monkeypatch.chdir(ROOT)  # the examples name examples/... from the repository's root
    return doctest.testfile(str(path), module_relative=False, optionflags=FLAGS,
                            raise_on_error=False, verbose=False)


# --- the examples run ----------------------------------------------------------------------------


def test_python_api_examples_run(monkeypatch: Any) -> None:
    results = _doctest_file(ROOT / "docs" / "python-api.md", monkeypatch)
    assert results.attempted >= 20
    assert results.failed == 0


def test_readme_python_example_runs(monkeypatch: Any) -> None:
    results = _doctest_file(README, monkeypatch)
    assert results.attempted >= 3
    assert results.failed == 0


def test_package_docstring_example_runs(monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    results = doctest.testmod(rulepath, optionflags=FLAGS)
    assert results.attempted >= 3 and results.failed == 0


# --- docs/case-format.md -------------------------------------------------------------------------


def test_case_format_reference_is_current() -> None:
    committed = CASE_FORMAT.read_text(encoding="utf-8")
    assert committed == docs_gen.case_format_markdown(), (
        "docs/case-format.md is out of date with the packs: run "
        "python -m rulepath.engine.docs_gen"
    )


def test_generator_check_mode(tmp_path: Path) -> None:
    stale = tmp_path / "case-format.md"
    stale.write_text("old\n", encoding="utf-8")
    assert docs_gen.main(["--check", "-o", str(stale)]) == 1
    assert docs_gen.main(["-o", str(stale)]) == 0
    assert docs_gen.main(["--check", "-o", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == CASE_FORMAT.read_text(encoding="utf-8")


def test_generator_runs_as_a_module(tmp_path: Path) -> None:
    out = tmp_path / "case-format.md"
    result = subprocess.run(
        [sys.executable, "-m", "rulepath.engine.docs_gen", "-o", str(out)],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == CASE_FORMAT.read_text(encoding="utf-8")


def _rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\| `([a-z0-9_.]+)` \|(.*)\|$", line)
        if m:
            rows[m.group(1)] = [cell.strip() for cell in m.group(2).split(" | ")]
    return rows


def _pack_part(text: str, pack_id: str) -> str:
    return text.split(f"\n## Pack `{pack_id}`\n", 1)[1].split("\n## ", 1)[0]


def test_case_format_has_every_field_its_values_and_an_example() -> None:
    text = CASE_FORMAT.read_text(encoding="utf-8")
    rows = _rows(text.split("\n## Pack ", 1)[0])
    installed = [p for p in packs().values() if p.root.parent == logic_root()]
    assert {p.id for p in installed} >= {"edcal-lr251", "cdcal-lr37"}
    for pack in installed:
        assert f"## Pack `{pack.id}`" in text
        part = _pack_part(text, pack.id)
        for spec in pack.case_schema().fields:
            meaning, allowed, example = _rows(part)[spec.path]
            assert " ".join(spec.description.split()) in meaning.replace("\\|", "|")
            for value in spec.values:
                assert f"`{value}`" in allowed, (spec.path, value)
            assert example != "—" or spec.type == "string", spec.path
        for version in pack.versions:
            assert f"- `{version.id}`, in force from {version.in_force_from}" in part
        for overlay in pack.overlays:
            assert f"- `{overlay}`:" in part
    common = ("format", "as_of", "rule", "caption", "court", "docket", "judge", "overlays",
              "rule_version")
    for name in common:
        assert name in rows, name
    for name in ("source", "decided_on", "disposition", "merits_reached", "route", "grounds",
                 "sanctions", "court_treated_ready", "note"):
        assert f"expected.{name}" in rows, name
    assert "`denied_without_prejudice`" in rows["expected.disposition"][1]


def test_case_format_says_absent_or_null_is_unknown() -> None:
    text = CASE_FORMAT.read_text(encoding="utf-8")
    assert "Leave a field out, or write `null`" in text and "*unknown*, never as false" in text
    assert "`[]` means known to be none" in text
    # the fields the packs read an explicit null of as "there is none" say so
    hearing = _rows(_pack_part(text, "edcal-lr251"))["motion.hearing_on"][0]
    assert "Written as `null` it says there is none; left out, it is unknown." in hearing
    # implied fields and cross-field checks are told
    assert "A value in `affidavit.filed_on` implies `true` here" in text
    assert "`motion.hearing_on` may not be before `motion.filed_on`." in text


# --- the README ----------------------------------------------------------------------------------


def test_readme_keeps_its_two_opening_commands() -> None:
    head = README.read_text(encoding="utf-8").split("\n\n", 2)[:2]
    assert head == [
        "# rulepath",
        "```sh\n"
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev,render]' && "
        ".venv/bin/rulepath decide examples/martinez-v-smith.yaml\n"
        ".venv/bin/python -m pytest\n"
        "```",
    ]


def _options(command: click.Command) -> list[str]:
    found = []
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            found += [o for o in (*param.opts, *param.secondary_opts) if o != "--help"]
    return found


def test_readme_usage_names_every_command_and_option() -> None:
    readme = README.read_text(encoding="utf-8")
    usage = readme.split("## Use\n", 1)[1].split("\n## ", 1)[0]
    missing = [o for o in _options(main) if o not in usage]
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        if f"rulepath {name}" not in usage:
            missing.append(name)
        missing += [f"{name} {o}" for o in _options(command)
                    if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", usage)]
    assert not missing, f"README's usage does not name: {missing}"
    for word in ("--format text|json|markdown", "--fail-under FIGURE=PCT", "--workers N",
                 "--color | --no-color", "svg|png|pdf|dot|mermaid|json"):
        assert word in usage


def test_readme_links_resolve() -> None:
    readme = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    for required in ("docs/exit-codes.md", "docs/case-format.md", "docs/python-api.md"):
        assert required in links, required
    dead = [link for link in links if "://" not in link and not (ROOT / link).exists()]
    assert not dead, f"README links to files that do not exist: {dead}"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_readme_shell_completion_works_as_written(shell: str) -> None:
    readme = README.read_text(encoding="utf-8")
    assert f"_RULEPATH_COMPLETE={shell}_source rulepath" in readme
    env = {**os.environ, "_RULEPATH_COMPLETE": f"{shell}_source"}
    result = subprocess.run(
        [sys.executable, "-c", "from rulepath.cli.main import main; main(prog_name='rulepath')"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "_RULEPATH_COMPLETE" in result.stdout and f"{shell}_complete" in result.stdout


def test_readme_says_where_the_holiday_cache_is_and_how_to_clear_it(
    monkeypatch: Any, tmp_path: Path
) -> None:
    readme = README.read_text(encoding="utf-8")
    monkeypatch.delenv("RULEPATH_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    default = calendar._cache_file()
    assert default is not None and default.parent == tmp_path / ".cache" / "rulepath"
    assert default.name.startswith("holidays-US-")
    assert "~/.cache/rulepath/holidays-US-<holidays version>.json" in readme
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert calendar._cache_file().parent == tmp_path / "xdg" / "rulepath"  # type: ignore[union-attr]
    assert "$XDG_CACHE_HOME/rulepath/" in readme
    monkeypatch.setenv("RULEPATH_CACHE", str(tmp_path / "mine"))
    assert calendar._cache_file().parent == tmp_path / "mine"  # type: ignore[union-attr]
    assert "$RULEPATH_CACHE/" in readme
    assert "rm -r ~/.cache/rulepath" in readme
