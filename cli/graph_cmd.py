"""``rulepath graph``: the rule's decision graph, or a case's path through it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "json")
SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot",
            ".mmd": "mermaid", ".mermaid": "mermaid", ".json": "json"}


@click.command("graph")
@click.argument("case", required=False, type=click.Path(allow_dash=True))
@click.option("--pack", "pack", metavar="ID",
              help="Without CASE: the rule pack to draw (default: the default pack).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="The version in force on DATE (YYYY-MM-DD); default today, or the case's.")
@click.option("--overlay", "overlays", multiple=True, metavar="ID",
              help="A court's modification to draw in (repeatable).")
@click.option("--rule-version", metavar="ID", help="Force a version (37-251, 251, ...).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write to FILE (default stdout); its suffix picks the format.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="svg, png, pdf (Graphviz), dot, mermaid or json (networkx node-link); "
                   "default from -o's suffix, else svg.")
@click.option("--focus", metavar="NODE",
              help="Only NODE and what it depends on, e.g. ready_for_hearing.")
@click.option("--path", "path", is_flag=True,
              help="With CASE: only the case's path, what decides its route, readiness and "
                   "recommended disposition.")
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
def graph(**options: Any) -> None:
    """The decision graph of the rule, derived from its logic; with CASE, the case's path
    through it: facts true, false or unknown, requirements met or not, the governing route
    and the recommended disposition."""
    from rulepath.cli.main import reports_input_errors

    reports_input_errors(_graph)(**options)


def _graph(
    case: str | None,
    pack: str | None,
    as_of: str | None,
    overlays: tuple[str, ...],
    rule_version: str | None,
    output: str | None,
    fmt: str | None,
    focus: str | None,
    path: bool,
    no_defaults: bool,
) -> None:
    from rulepath.engine import graph as graphs
    from rulepath.engine.errors import RulepathError

    if fmt is None:
        fmt = SUFFIXES.get(Path(output).suffix.lower(), "svg") if output else "svg"
    g = graphs.graph(case, pack=pack, as_of=as_of, overlays=overlays, rule_version=rule_version,
                     focus=focus, defaults=not no_defaults, path=path)
    if fmt in ("svg", "png", "pdf"):
        data = graphs.render(g, fmt)
    elif fmt == "dot":
        data = graphs.to_dot(g).encode("utf-8")
    elif fmt == "mermaid":
        data = graphs.to_mermaid(g).encode("utf-8")
    else:
        data = graphs.to_json(g).encode("utf-8")
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        raise RulepathError("output", f"cannot write {output}: {error.strerror}") from None
