"""The floor under any batch: read each JSON line, ``json.loads``, ``json.dumps``, write it.

    python -m bench.roundtrip cases.jsonl out.jsonl

``bench.run`` times it on the files it gives ``rulepath batch``: no decision can be made
faster than its case is parsed and a line written.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str] | None = None) -> int:
    source, target = (argv if argv is not None else sys.argv[1:])[:2]
    with open(source, "rb") as lines, open(target, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(json.loads(line), separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
