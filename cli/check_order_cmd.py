"""``rulepath check-order``: a draft order (the case file's ``order`` block) checked against
the rule on the case's facts (engine/check_order.py)."""

from __future__ import annotations

import json
import sys

import click

from rulepath.cli.status import OK, WRONG, reports_input_errors, set_status


@click.command("check-order")
@click.argument("case", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@reports_input_errors
def check_order(case: str, fmt: str, no_defaults: bool) -> None:
    """Check the draft order in CASE (its `order` block: disposition, merits_reached, grounds,
    findings, directs, sanctions) against the rule on the case's facts: each element
    consistent, inconsistent or depends (naming the unknown facts), with the cited reason;
    choices the rule leaves to the court are consistent, as the court's discretion.

    Exit status: 0 nothing in the order is inconsistent; 1 something is (the report is still
    printed); 2 CASE cannot be read, is not a valid case, or has no order block.
    """
    from rulepath.cli.options import load
    from rulepath.engine.check_order import check_order as run
    from rulepath.engine.check_order import render_markdown, render_text
    from rulepath.engine.render import fit, marks_fit

    result = run(load(case), defaults=not no_defaults)
    status = OK if result.ok else WRONG
    set_status(status)  # also when the reader goes away before the report is all written
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(fit(render_markdown(result)))
    else:
        click.echo(fit(render_text(result, ascii=not marks_fit())))
    sys.exit(status)
