"""``rulepath reasoning``: the procedural reasoning of an order on a case, in neutral formal
prose, every sentence ending with its cite (engine/reasoning.py; the words are the pack's)."""

from __future__ import annotations

import click

from rulepath.cli.options import case_options, load
from rulepath.cli.status import reports_input_errors


@click.command("reasoning")
@click.argument("case", type=click.Path(allow_dash=True))
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "text"]), default="markdown",
    show_default=True,
    help="Markdown: a heading per paragraph; text: plain paragraphs wrapped at 79 columns.",
)
@click.option("--no-defaults", is_flag=True, help="Do not fill unknown facts by presumptions.")
@case_options
@reports_input_errors
def reasoning(case: str, fmt: str, no_defaults: bool, as_of: str | None,
              overlays: tuple[str, ...], rule_version: str | None) -> None:
    """The procedural reasoning of an order on CASE (a YAML or JSON case file; - reads stdin):
    what the rule requires on the motion's route, which requirement is unmet and why, the
    exceptions, what the rule leaves to the court, the course open to the parties and the
    exposure to sanctions, each sentence cited in the court's form for the version in force.
    Presumed facts are worded as presumed, undetermined points as open.

    Exit status: 0; 2 when CASE cannot be read or is not a valid case, or an option is wrong.
    """
    from rulepath.engine.reasoning import reasoning as run
    from rulepath.engine.render import fit

    result = run(load(case, as_of, overlays, rule_version), defaults=not no_defaults)
    text = result.to_markdown() if fmt == "markdown" else result.to_text()
    click.echo(fit(text), nl=False)
