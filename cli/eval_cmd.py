"""``rulepath eval``: agreement with real orders (case files with an ``expected`` block)."""

from __future__ import annotations

import json
import sys

import click

from rulepath.cli.status import reports_input_errors, set_status

# Kept in step with rulepath.engine.evaluate.FIGURES (not imported: the engine loads lazily).
FIGURE_NAMES = ("merits", "not_merits", "balanced", "route", "coverage", "firm_precision")


def _floors(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, float]]:
    floors = []
    for value in values:
        name, sep, number = value.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in FIGURE_NAMES:
            raise click.BadParameter(
                f"{value!r}: expected FIGURE=PCT with FIGURE one of {', '.join(FIGURE_NAMES)}",
                ctx=ctx, param=param)
        try:
            floor = float(number.strip().removesuffix("%"))
        except ValueError:
            floor = float("nan")
        if not 0 <= floor <= 100:  # also refuses nan
            raise click.BadParameter(f"{value!r}: PCT must be a number from 0 to 100",
                                     ctx=ctx, param=param)
        floors.append((name, floor))
    return floors


@click.command("eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--fail-under", "floors", multiple=True, metavar="FIGURE=PCT", callback=_floors,
              help="Exit 1 when FIGURE is below PCT percent, or n/a (repeatable; FIGURE: "
              + ", ".join(FIGURE_NAMES) + "), e.g. --fail-under balanced=80.")
@reports_input_errors
def run_eval(directory: str, fmt: str, floors: list[tuple[str, float]]) -> None:
    """Agreement with real orders: every case file in DIRECTORY with an `expected` block
    (expected.merits_reached known).

    Reports agreement for orders that reached the merits and orders that did not, balanced,
    route agreement, coverage (determined answers), flagged answers (the rule leaves the court
    a choice bearing on the merits) and firm precision (agreement of determined, unflagged
    answers), and lists every disagreement with its reason.

    Exit status: 0; 1 when a file could not be read or decided (the report is still printed)
    or a --fail-under floor is not met; 2 when DIRECTORY holds no file to evaluate.
    """
    from rulepath.engine.evaluate import (
        below,
        evaluate,
        no_evaluable_file,
        render_markdown,
        render_text,
    )

    report = evaluate(directory)
    error = no_evaluable_file(report)
    if error is not None:
        raise error
    failures = below(report, floors)
    if failures or report["errors"]:
        set_status(1)  # also when the reader goes away before the report is all written
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(render_markdown(report))
    else:
        click.echo(render_text(report))
    for failure in failures:
        click.echo(f"rulepath eval: {failure}", err=True)
    if report["errors"]:
        click.echo(f"rulepath eval: {len(report['errors'])} file(s) could not be decided",
                   err=True)
    if failures or report["errors"]:
        sys.exit(1)
