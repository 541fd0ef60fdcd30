"""How often a population's fact patterns repeat, as the engine sees them: a pattern is what
the batch memo keys a decision by, the program (pack, rule version by the as-of date,
overlays) and the solver's assumptions (each input known true, known false or unknown, each
deadline's timeliness). Also the unknown input fields per line, as the engine counts them.

    python -m bench.patterns cases.jsonl     # lines, distinct patterns, unknown fields

Read through the engine's own reader (``facts.case_facts``); it decides nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Patterns:
    lines: int
    distinct: int  # distinct patterns
    unknown_min: int  # unknown input fields (case fields of input declarations) per line
    unknown_max: int
    fields: int  # input fields of the pack

    @property
    def repeats(self) -> float:
        """The share of lines whose pattern an earlier line had."""
        return 1 - self.distinct / self.lines if self.lines else 0.0


def case_of(data: Any) -> Any:
    """A case (engine model) from a JSON line or a mapping."""
    import orjson

    from rulepath.engine.casefile import case_from_mapping

    return case_from_mapping(orjson.loads(data) if isinstance(data, bytes | str) else dict(data))


def engine_unknown(case: Any) -> tuple[int, int]:
    """(unknown, of) the case fields the pack declares as inputs, by the engine's reading:
    a field is known when one of its inputs is (deadlines, which have no field, left out)."""
    _, facts, program = _facts(case)
    fields = {d.path for d in program.inputs if d.path}
    known = {d.path for d in facts.known if d.path}
    return len(fields - known), len(fields)


def _facts(case: Any) -> tuple[tuple[Any, ...], Any, Any]:
    from rulepath.engine.api import as_of_for
    from rulepath.engine.facts import case_facts
    from rulepath.engine.pack import load_pack
    from rulepath.engine.program import program_for

    pack = load_pack(case.pack)
    version = pack.version_for(as_of_for(case), case.rule_version)
    program = program_for(pack, version, case.overlays)
    return (pack.id, version.id, tuple(case.overlays)), case_facts(program, case), program


def count(lines: Iterable[Any]) -> Patterns:
    seen: set[tuple[Any, ...]] = set()
    n, low, high, fields = 0, 1 << 30, 0, 0
    for line in lines:
        if isinstance(line, bytes | str) and not line.strip():
            continue
        case = case_of(line)
        program_key, facts, program = _facts(case)
        seen.add((program_key, tuple(facts.assumptions)))
        paths = {d.path for d in program.inputs if d.path}
        unknown = len(paths - {d.path for d in facts.known})
        n += 1
        low, high = min(low, unknown), max(high, unknown)
        fields = max(fields, len(paths))
    return Patterns(n, len(seen), low if n else 0, high, fields)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.patterns FILE.jsonl", file=sys.stderr)
        return 2
    with open(args[0], "rb") as source:
        found = count(source)
    print(f"{found.lines} lines, {found.distinct} distinct patterns "
          f"({found.repeats:.1%} of lines repeat one), unknown input fields "
          f"{found.unknown_min}-{found.unknown_max} of {found.fields}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
