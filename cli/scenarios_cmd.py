"""``rulepath scenarios``: the scenario space of a pack, counted, or sampled as case files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rulepath.cli.options import space_options
from rulepath.cli.status import reports_input_errors


@click.command("scenarios")
@space_options
@click.option("--count", "count", is_flag=True, help="State the size of the space (default).")
@click.option("--sample", "sample", type=click.IntRange(min=1), metavar="N",
              help="Write N random scenarios as case files to -o DIR.")
@click.option("--seed", type=int, default=1, show_default=True, help="The sampling seed.")
@click.option("-o", "output", type=click.Path(file_okay=False), metavar="DIR",
              help="Where --sample writes its case files.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@reports_input_errors
def scenarios(pack_id: str | None, as_of: str | None, version_id: str | None,
              overlays: tuple[str, ...], count: bool, sample: int | None, seed: int,
              output: str | None, fmt: str) -> None:
    """The fully known scenarios of a pack version: how many there are (and how unknown
    facts multiply them), or N of them drawn at random and written as case files that
    replay under `rulepath decide`.

    Exit status: 0; 2 when an option is wrong.
    """
    from datetime import date

    from rulepath.cli.options import as_of_date
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import load_pack
    from rulepath.engine.program import program_for
    from rulepath.engine.scenarios import count_scenarios, write_samples

    if count and sample is not None:
        raise RulepathError("sample", "--count and --sample exclude each other")
    if as_of is not None and version_id is not None:
        raise RulepathError("as_of", "--as-of and --version exclude each other")
    if sample is not None and output is None:
        raise RulepathError("output", "--sample needs a directory to write to")
    pack = load_pack(pack_id)
    for overlay in overlays:
        if overlay not in pack.overlays:
            raise RulepathError("overlay", f"unknown overlay {overlay!r} of {pack.id}")
    if version_id is not None:
        version = pack.version_for(date.today(), version_id)
    else:
        version = pack.version_for(as_of_date(as_of) or date.today())
    program = program_for(pack, version, tuple(dict.fromkeys(overlays)))
    if sample is not None and output is not None:
        report = write_samples(program, sample, seed, Path(output))
        if fmt == "json":
            click.echo(json.dumps(report, indent=2))
        else:
            click.echo(f"{pack.id} {version.id}: wrote {report['written']} of {sample} "
                       f"scenarios (seed {seed}) to {output}; {report['unrealisable']} "
                       "unrealisable by dates")
            for item in report["skipped"]:
                click.echo(f"  skipped #{item['index']}: {item['reason']}")
        sys.exit(0)
    result = count_scenarios(program).to_dict()
    result = {"pack": pack.id, "version": version.id, "overlays": list(program.overlays),
              **result}
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(result["inputs_by_kind"].items()))
    click.echo(f"{pack.id} {version.id}" + "".join(f" +{o}" for o in program.overlays))
    click.echo(f"  input terms: {sum(result['inputs_by_kind'].values())} ({kinds})")
    click.echo(f"  fully known scenarios: {result['fully_known']} "
               f"(10^{result['fully_known_log10']})")
    click.echo(f"    = 2^{result['free_inputs']} (free inputs) * "
               + " * ".join(str(g["scenarios"]) for g in result["groups"])
               + " (constrained groups)")
    click.echo(f"  with unknowns: {result['with_unknowns_formula']} = "
               f"{result['with_unknowns']} (10^{result['with_unknowns_log10']})")
