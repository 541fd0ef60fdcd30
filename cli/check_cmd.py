"""``rulepath check``: a pack version's gaps, conflicts and declared properties, over every
fully known scenario, each a clingo solve; every finding with a minimal witness case."""

from __future__ import annotations

import json
import sys

import click

from rulepath.cli.options import space_options
from rulepath.cli.status import reports_input_errors


@click.command("check")
@space_options
@click.option("--properties", "properties", metavar="FILE",
              help="The properties to check (plain ASP; default: the pack's properties.lp).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@reports_input_errors
def check(pack_id: str | None, version_id: str | None, as_of: str | None,
          overlays: tuple[str, ...], properties: str | None, fmt: str) -> None:
    """Check a pack version over its whole fully known scenario space: a governed motion
    with no route or no recommended disposition (gaps), an at-most-one conclusion drawn twice
    (conflicts), and each declared property; every finding with a minimal witness case file
    that replays under `rulepath decide`, and its explanation.

    Exit status: 0 nothing found; 1 a gap, a conflict or a failed property; 2 bad input.
    """
    import yaml

    from rulepath.cli.options import as_of_date
    from rulepath.engine.check import check as run_check
    from rulepath.engine.errors import RulepathError

    if as_of is not None and version_id is not None:
        raise RulepathError("as_of", "--as-of and --version exclude each other")
    try:
        result = run_check(pack_id, version=version_id, as_of=as_of_date(as_of),
                           overlays=overlays, properties=properties)
    except RulepathError as error:
        if error.field == "properties":
            raise RulepathError("--properties", error.reason) from None
        raise
    status = 0 if result.ok else 1
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        sys.exit(status)
    head = f"{result.pack} {result.version}" + "".join(f" +{o}" for o in result.overlays)
    click.echo(f"{head}: {result.questions} questions over every fully known scenario "
               f"({result.seconds:.2f} s)")
    click.echo(f"  gaps: {len(result.gaps) or 'none'}")
    click.echo(f"  conflicts: {len(result.conflicts) or 'none'}")
    held = sum(1 for p in result.properties if p.holds)
    where = f" ({result.properties_file})" if result.properties_file else ""
    click.echo(f"  properties: {held} of {len(result.properties)} hold{where}")
    for p in result.properties:
        click.echo(f"    {'holds' if p.holds else 'FAILS'}  {p.id} [{p.cite}]")
    for f in result.gaps + result.conflicts + result.violations:
        cite = f" [{f.cite}]" if f.cite else ""
        click.echo(f"\n{f.kind} {f.id}: {f.text}{cite}")
        w = f.witness
        if w is None:
            continue
        click.echo(f"  witness: {len(w.inputs)} true inputs ({', '.join(w.inputs)}); "
                   f"replays under decide: {'yes' if w.replayed else 'no'}")
        if w.note:
            click.echo(f"  {w.note}")
        if w.case is not None:
            text = yaml.safe_dump(w.case, sort_keys=False, allow_unicode=True)
            click.echo("  case file:")
            click.echo("".join(f"    {line}\n" for line in text.splitlines()), nl=False)
    sys.exit(status)
