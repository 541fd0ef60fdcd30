"""``rulepath``: decide discovery motions under E.D. Cal. L.R. 251, explain, evaluate."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# The command line uses no pydantic plugins; looking them up costs ~15 ms of every start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


# The engine names the parameter at fault; the command line words it as its flag.
FLAGS = {
    "why": "--why",
    "why_not": "--why-not",
    "focus": "--focus",
    "path": "--path",
    "output": "-o",
    "format": "--format",
}


def reports_input_errors(func: F) -> F:
    """Bad input becomes one line on stderr naming the field (or the flag), and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from rulepath.engine.errors import CaseError, RulepathError, printable

        try:
            return func(*args, **kwargs)
        except CaseError as error:
            click.echo(f"rulepath: {error}", err=True)
            sys.exit(2)
        except RulepathError as error:
            where = FLAGS.get(error.field, error.field)
            click.echo(f"rulepath: {printable(f'{where}: {error.reason}')}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _add_pack_paths(ctx: click.Context, _param: click.Parameter, paths: tuple[str, ...]) -> None:
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import add_pack_path

    for path in paths:
        try:
            add_pack_path(path)
        except RulepathError as error:
            raise click.BadParameter(str(error), ctx=ctx) from None


@click.group()
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
@reports_input_errors
def decide(case: str, fmt: str, no_defaults: bool, color: bool | None) -> None:
    """Decide CASE (a YAML or JSON case file; - reads stdin): route, readiness, defects,
    deadlines, sanctions exposure, disposition and next steps."""
    from rulepath.engine.api import decide as run

    decision = run(case, defaults=not no_defaults)
    _print_decision(decision, fmt, color)
    if decision.conflicts:  # the rules contradict themselves: never a quiet success
        sys.exit(1)


def _print_decision(decision: Any, fmt: str, color: bool | None) -> None:
    if fmt == "json":
        click.echo(json.dumps(decision.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        from rulepath.engine.render import to_markdown

        click.echo(to_markdown(decision))
    else:
        from rulepath.engine.render import print_text

        print_text(decision, color=color)


@main.command()
@click.argument("case", type=click.Path(allow_dash=True))
@click.option(
    "--why", "why", metavar="ATOM", help="Explain why ATOM holds, e.g. route(joint_statement)."
)
@click.option("--why-not", "why_not", metavar="ATOM", help="Explain why ATOM does not hold.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@reports_input_errors
def explain(case: str, why: str | None, why_not: str | None, fmt: str, no_defaults: bool) -> None:
    """The justification tree for CASE, every node cited: by default for ready_for_hearing."""
    from rulepath.engine.explain import explain_case
    from rulepath.engine.render import _tree_lines

    tree = explain_case(case, why=why, why_not=why_not, defaults=not no_defaults)
    if fmt == "json":
        click.echo(json.dumps(tree, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(_tree_lines(tree, limit=64)))


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
    from rulepath.engine.pack import default_pack_id
    from rulepath.engine.pack import packs as found

    default = default_pack_id()
    listing: list[dict[str, Any]] = [
        {
            "id": p.id,
            "title": p.title,
            "court": p.court,
            "default": p.id == default,
            "root": str(p.root),
            "versions": [
                {"id": v.id, "in_force_from": v.in_force_from.isoformat()} for v in p.versions
            ],
            "overlays": [{"id": o.id, "seen_in": o.seen_in} for o in p.overlays.values()],
        }
        for p in sorted(found().values(), key=lambda p: p.id)
    ]
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

from rulepath.cli.graph_cmd import graph; main.add_command(graph)  # noqa: E402, E702, I001
from rulepath.cli.batch_cmd import batch; main.add_command(batch)  # noqa: E402, E702, I001
from rulepath.cli.eval_cmd import run_eval; main.add_command(run_eval)  # noqa: E402, E702, I001

if __name__ == "__main__":
    main()
