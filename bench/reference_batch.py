"""The reference implementation as a batch: JSON Lines of cases in, JSON Lines of
{governs, route, ready_for_hearing, defects} out, one process (the yardstick for
``rulepath batch``).

    python -m bench.reference_batch cases.jsonl out.jsonl
"""

from __future__ import annotations

import json
import sys

from bench.reference import ReferenceError, decide


def main(argv: list[str] | None = None) -> None:
    source, target = (argv if argv is not None else sys.argv[1:])[:2]
    with open(source, "rb") as cases, open(target, "w", encoding="utf-8") as out:
        for number, line in enumerate(cases, start=1):
            try:
                record = decide(json.loads(line)).to_dict()
            except (ReferenceError, ValueError) as error:
                record = {"line": number, "error": str(error)}
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
