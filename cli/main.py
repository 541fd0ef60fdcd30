"""``rulepath``: decide discovery motions under E.D. Cal. L.R. 251, explain, evaluate."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from rulepath.cli.completion import complete_atoms
from rulepath.cli.options import amend_option, case_options, load
from rulepath.cli.status import OK, STATUS, WRONG, reports_input_errors, set_status, silence_stdout

F = TypeVar("F", bound=Callable[..., Any])

# The command line uses no pydantic plugins; looking them up costs ~15 ms of every start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _flush() -> None:
    stdout = sys.stdout
    if stdout is not None and not stdout.closed:
        stdout.flush()


@contextmanager
def closed_pipe_ends_quietly(ctx: click.Context | None) -> Iterator[None]:
    """A reader that stops reading (``rulepath decide CASE | head -1``) is not an error: no
    traceback, and the status the command had determined (0 unless it recorded another)."""
    try:
        try:
            yield
        finally:
            _flush()  # what is buffered fails here, not at exit
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        silence_stdout()
        sys.exit(ctx.meta.get(STATUS, OK) if ctx is not None else OK)


# The commands written in modules of their own, by name: (module, attribute). Each module is
# imported when its command is run, listed (--help) or completed, or ``main.commands`` is
# read, not at every start (~5 ms); the order is the one ``main.commands`` keeps.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "graph": ("rulepath.cli.graph_cmd", "graph"),
    "batch": ("rulepath.cli.batch_cmd", "batch"),
    "eval": ("rulepath.cli.eval_cmd", "run_eval"),
    "scenarios": ("rulepath.cli.scenarios_cmd", "scenarios"),
    "diff": ("rulepath.cli.diff_cmd", "diff"),
    "check": ("rulepath.cli.check_cmd", "check"),
    "interview": ("rulepath.cli.interview_cmd", "interview"),
    "check-order": ("rulepath.cli.check_order_cmd", "check_order"),
    "reasoning": ("rulepath.cli.reasoning_cmd", "reasoning"),
    "serve": ("rulepath.cli.serve_cmd", "serve"),
}


class Main(click.Group):
    """The ``rulepath`` group: every command (and ``--help``, ``--version``) ends quietly
    on a closed stdout pipe; the commands of :data:`LAZY_COMMANDS` are imported when
    needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._lazy: dict[str, tuple[str, str]] = {}
        super().__init__(*args, **kwargs)
        self._lazy = dict(LAZY_COMMANDS)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        """Every command, the lazy ones imported first."""
        for name in list(self._lazy):
            self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def _load(self, name: str) -> None:
        from importlib import import_module

        module, attribute = self._lazy.pop(name)
        command = getattr(import_module(module), attribute)
        self._commands[name] = command

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        lazy, self._lazy = self._lazy, {}  # adding one imports none of the others
        try:
            super().add_command(cmd, name)
        finally:
            self._lazy = {k: v for k, v in lazy.items() if k not in self._commands}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            self._load(cmd_name)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._commands, *self._lazy})

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with closed_pipe_ends_quietly(None):
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with closed_pipe_ends_quietly(ctx):
            return super().invoke(ctx)




def _add_pack_paths(ctx: click.Context, _param: click.Parameter, paths: tuple[str, ...]) -> None:
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import add_pack_path

    for path in paths:
        try:
            add_pack_path(path)
        except RulepathError as error:
            raise click.BadParameter(str(error), ctx=ctx) from None


@click.group(cls=Main)
@click.version_option(package_name="rulepath")
@click.option(
    "--pack-path",
    multiple=True,
    metavar="DIR",
    expose_value=False,
    is_eager=True,
    callback=_add_pack_paths,
    help="Also look for rule packs in DIR (a pack folder, or a folder of packs; repeatable; "
    "the RULEPATH_PACK_PATH environment variable adds more).",
)
def main() -> None:
    """Decide court-procedure questions under a rule pack (E.D. Cal. L.R. 251, C.D. Cal.
    L.R. 37, or your own), with every conclusion cited to the clause it rests on."""


@main.command()
@click.argument("case", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (text format).")
@click.option("--verbose", is_flag=True,
              help="Text and Markdown: also show the rules' internal ids (the pack, each "
              "item's id) beside their words.")
@click.option("--ask", is_flag=True,
              help="Also name, for each undetermined conclusion, the smallest sets of facts "
              "that would determine it whatever their values (JSON: determining_sets).")
@case_options
@amend_option
@reports_input_errors
def decide(case: str, fmt: str, no_defaults: bool, color: bool | None, verbose: bool,
           ask: bool, as_of: str | None, overlays: tuple[str, ...], rule_version: str | None,
           amend: str | None = None) -> None:
    """Decide CASE (a YAML or JSON case file; - reads stdin): route, readiness, defects,
    deadlines, sanctions exposure, disposition and next steps.

    Exit status: 0; 1 when the rules conflict (the decision is still printed); 2 when CASE
    cannot be read or is not a valid case, or an option is wrong. Values the rule does not
    name (motion.rules: [frcp-73]) are warned about on stderr.
    """
    from rulepath.engine.api import decide as run

    decision = run(load(case, as_of, overlays, rule_version), defaults=not no_defaults,
                   amend=amend)
    if ask:
        from rulepath.cli.interview_cmd import ask as add_determining_sets

        add_determining_sets(decision, amend)
    if decision.conflicts:  # the rules contradict themselves: never a quiet success
        set_status(WRONG)
    _print_decision(decision, fmt, color, verbose)
    if decision.conflicts:
        sys.exit(WRONG)


def _print_decision(decision: Any, fmt: str, color: bool | None, verbose: bool = False) -> None:
    if fmt == "json":
        click.echo(json.dumps(decision.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        from rulepath.engine.render import fit, to_markdown

        click.echo(fit(to_markdown(decision, verbose=verbose)))
    else:
        from rulepath.engine.render import print_text

        print_text(decision, color=color, verbose=verbose)


@main.command()
@click.argument("case", type=click.Path(allow_dash=True))
@click.option(
    "--why", "why", metavar="ATOM", shell_complete=complete_atoms,
    help="Explain why ATOM holds, e.g. route(joint_statement).",
)
@click.option("--why-not", "why_not", metavar="ATOM", shell_complete=complete_atoms,
              help="Explain why ATOM does not hold.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@case_options
@reports_input_errors
def explain(case: str, why: str | None, why_not: str | None, fmt: str, no_defaults: bool,
            as_of: str | None, overlays: tuple[str, ...], rule_version: str | None) -> None:
    """The justification tree for CASE, every node cited: by default for ready_for_hearing.

    Exit status: 0; 2 when CASE cannot be read or is not a valid case, or an option (an
    ATOM no rule concludes) is wrong.
    """
    from rulepath.engine.explain import explain_case
    from rulepath.engine.render import print_tree

    loaded = load(case, as_of, overlays, rule_version)
    tree = explain_case(loaded, why=why, why_not=why_not, defaults=not no_defaults)
    if fmt == "json":
        click.echo(json.dumps(tree, indent=2, ensure_ascii=False))
    else:
        print_tree(tree, limit=64)


@main.command()
@click.option("--pack", "pack_id", metavar="ID", help="The pack's case fields (default pack).")
@reports_input_errors
def schema(pack_id: str | None) -> None:
    """Print the JSON Schema of a pack's case files (rulepath/case-1), every field described."""
    from rulepath.engine.casefile import case_json_schema

    click.echo(json.dumps(case_json_schema(pack_id), indent=2, ensure_ascii=False))


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@reports_input_errors
def packs(fmt: str) -> None:
    """List the rule packs found, their versions with the dates they took effect, and their
    overlays."""
    from rulepath.engine.pack import pack_listing

    listing = pack_listing()
    if fmt == "json":
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
        return
    for p in listing:
        mark = " (default)" if p["default"] else ""
        click.echo(f"{p['id']}{mark}: {p['title']}")
        for v in p["versions"]:
            click.echo(f"  version {v['id']}, in force from {v['in_force_from']}")
        for o in p["overlays"]:
            click.echo(f"  overlay {o['id']}: {o['seen_in']}")


if __name__ == "__main__":
    main()
