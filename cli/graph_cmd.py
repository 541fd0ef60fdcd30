"""``rulepath graph``: the rule's decision graph, or a case's path through it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from rulepath.cli.completion import complete_overlays, complete_versions

FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "json")
SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot",
            ".mmd": "mermaid", ".mermaid": "mermaid", ".json": "json"}
# The formats each Graphviz renderer writes (engine/draw.py finds one); dot, mermaid and json
# are written by rulepath itself, with no renderer.
DRAWN = ("svg", "png", "pdf")
RENDERERS = {"dot": ("svg", "png", "pdf"), "graphviz-pure": ("svg", "png")}
RENDERER_TABLE = (
    "Graphviz's dot writes svg, png and pdf; graphviz-pure (the 'render' extra) writes svg "
    "and png; dot, mermaid and json need no renderer"
)


def output_format(output: str | None, fmt: str | None) -> str:
    """The format to write: ``--format``, else the one -o's suffix names, else svg (to
    stdout). A suffix that names another format than ``--format``, or -o with a suffix that
    names none and no ``--format``, is refused (one line naming the flag)."""
    from rulepath.engine.errors import RulepathError

    if output is None or output == "-":
        return fmt or "svg"
    suffix = Path(output).suffix.lower()
    named = SUFFIXES.get(suffix)
    if fmt is None:
        if named is None:
            what = f"from {suffix}" if suffix else f"from {output} (it has no suffix)"
            raise RulepathError(
                "output", f"cannot tell the format {what}; use --format "
                f"({', '.join(FORMATS)}) or a suffix: {', '.join(SUFFIXES)}")
        return named
    if named is not None and named != fmt:
        raise RulepathError(
            "format", f"{fmt} does not match -o {output}, which names {named}: name the file "
            f".{'mmd' if fmt == 'mermaid' else fmt}, or leave out --format")
    return fmt


def check_renderer(fmt: str) -> None:
    """Refuse, before any work, a drawn format the renderer found cannot write."""
    from rulepath.engine.draw import find_dot
    from rulepath.engine.errors import RulepathError

    if fmt not in DRAWN:
        return
    dot = find_dot()
    if dot is None:
        return  # engine/draw.py says how to install one
    name = "graphviz-pure" if dot.name.startswith("graphviz-pure") else "dot"
    if fmt not in RENDERERS[name]:
        raise RulepathError(
            "format", f"{fmt} needs Graphviz's dot, and the renderer found is {name} ({dot}): "
            f"{RENDERER_TABLE}. Install Graphviz (then dot is used), or choose "
            f"{' or '.join(RENDERERS[name])}")


@click.command("graph")
@click.argument("case", required=False, type=click.Path(allow_dash=True))
@click.option("--pack", "pack", metavar="ID",
              help="Without CASE: the rule pack to draw (default: the default pack).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="The version in force on DATE (YYYY-MM-DD); default today, or the case's.")
@click.option("--overlay", "overlays", multiple=True, metavar="ID",
              shell_complete=complete_overlays,
              help="A court's modification to draw in (repeatable).")
@click.option("--rule-version", metavar="ID", shell_complete=complete_versions,
              help="Force a version (37-251, 251, ...).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write to FILE (default stdout); its suffix picks the format (.svg .png "
                   ".pdf .dot .gv .mmd .mermaid .json).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="svg, png, pdf (drawn by Graphviz: pdf needs Graphviz's own dot, "
                   "graphviz-pure writes svg and png), dot, mermaid or json (networkx "
                   "node-link); default from -o's suffix, else svg. It must agree with -o's "
                   "suffix.")
@click.option("--focus", metavar="NODE",
              help="Only NODE and what it depends on, e.g. ready_for_hearing.")
@click.option("--path", "path", is_flag=True,
              help="With CASE: only the case's path, what decides its route, readiness and "
                   "recommended disposition.")
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
def graph(**options: Any) -> None:
    """The decision graph of the rule, derived from its logic; with CASE, the case's path
    through it: facts true, false or unknown, requirements met or not, the governing route
    and the recommended disposition.

    Exit status: 0; 2 when CASE cannot be read or is not a valid case, an option is wrong,
    the format cannot be told from -o or does not match it, or no renderer can draw it.
    """
    from rulepath.cli.status import reports_input_errors

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
    from rulepath.cli.options import load
    from rulepath.engine import graph as graphs
    from rulepath.engine.errors import RulepathError

    fmt = output_format(output, fmt)
    check_renderer(fmt)
    if case is None:
        g = graphs.graph(None, pack=pack, as_of=as_of, overlays=overlays,
                         rule_version=rule_version, focus=focus, path=path)
    else:  # the command line's date, overlays and version applied as decide applies them
        g = graphs.graph(load(case, as_of, overlays, rule_version), focus=focus,
                         defaults=not no_defaults, path=path)
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
