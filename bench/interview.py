"""How many questions an interview asks: every real order of ../shared/corpus/dev replayed.

Each case starts with its facts hidden: only the header that is not a fact (``format``,
``rule``, ``as_of``, ``rule_version``, ``overlays``, ``caption``). Each question the interview
asks (the first of :func:`rulepath.engine.questions.next_questions`) is answered from the file:
its value where the file gives one (an explicit null too), else "unknown". The count stops
when the outputs of interest are determined or no question is left. Printed: the mean and the
largest number of questions against the number of leaf fields of the pack's case format, the
time per question, and every case that ends with an output of interest still open, with why
(the open outputs, and whether the file gives any of the facts they depend on).

    python -m bench.interview [--corpus DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rulepath.engine.casefile import load_case
from rulepath.engine.pack import load_pack
from rulepath.engine.paths import resolve_parts
from rulepath.engine.questions import BUDGET_SECONDS as BUDGET
from rulepath.engine.questions import Interview

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
HEADER = ("format", "rule", "as_of", "rule_version", "overlays", "caption")
TARGET_SHARE = 1 / 3  # the mean number of questions, as a share of the format's fields


@dataclass
class Replay:
    name: str
    pack: str
    asked: int
    given: int  # of the questions asked, those the file answers
    determined: bool
    seconds: float
    solves: int  # hypothetical cases decided (one clingo solve call each)
    solve_seconds: float
    slowest: float  # the longest a ranking took (seconds)
    questions: list[str] = field(default_factory=list)
    still_open: list[str] = field(default_factory=list)
    why: str = ""


def _given(data: dict[str, Any], path: str) -> tuple[bool, Any]:
    """Whether the file gives the field (an explicit null counts), and its value."""
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return False, None
    if not isinstance(node, dict) or parts[-1] not in node:
        return False, None
    return True, node[parts[-1]]


def replay(path: Path) -> Replay:
    """One case file replayed as an interview answered from the file."""
    full = load_case(path)
    data = full.model_dump(mode="python", exclude_unset=True)
    header = {k: data[k] for k in HEADER if k in data}
    header.setdefault("rule", full.pack)
    session = Interview.start(header)
    asked: list[str] = []
    given = 0
    slowest = 0.0
    start = time.perf_counter()
    while len(asked) <= len(session.case.field_specs):  # each field is asked at most once
        ranked = time.perf_counter()
        questions = session.questions()
        slowest = max(slowest, time.perf_counter() - ranked)
        if not questions:
            break
        q = questions[0]
        asked.append(q.field)
        known, value = _given(data, q.field)
        if known and (value is not None or q.nullable):  # a null that says "unknown" is not
            session.answer(q.field, value)
            given += 1
        else:
            session.skip(q.field)
    seconds = time.perf_counter() - start
    solves, solve_seconds = session.solves
    still_open = session.open()
    why = ""
    if still_open:
        why = _why(session, full)
    return Replay(path.name, full.pack, len(asked), given, not still_open, seconds, solves,
                  solve_seconds, slowest, asked, still_open, why)


def _why(session: Interview, full: Any) -> str:
    """Why a replay ends open: the facts its open outputs depend on that the file leaves out
    (answered unknown), or that the file's full facts leave them open too."""
    decision = session.decision()
    depends = sorted({p for u in decision.undetermined for p in u.depends_on})
    given = [p for p in depends if resolve_parts(full, tuple(p.split(" (")[0].split(".")))
             is not None]
    from rulepath.engine.questions import open_outputs

    if open_outputs(full):
        reason = "the file's own facts leave it open too"
    else:
        reason = "the file determines it, the questions asked did not"
    facts = ", ".join(depends) or "no fact"
    told = f"; the file gives {', '.join(given)}" if given else ""
    return f"{reason} (it depends on {facts}{told})"


def _ask_figures(files: list[Path]) -> None:
    """``rulepath decide --ask`` on every file: how long the search for determining sets
    takes, and what it finds."""
    import rulepath
    from rulepath.engine.questions import determining_sets

    times: list[float] = []
    entries = cut = 0
    sizes: dict[int | None, int] = {}
    for f in files:
        decision = rulepath.decide(f, explain=False)
        start = time.perf_counter()
        found = determining_sets(decision)
        times.append(time.perf_counter() - start)
        entries += len(found)
        for d in found:
            sizes[d.size] = sizes.get(d.size, 0) + 1
        cut += sum(1 for d in found if not d.complete)
    by_size = ", ".join(f"{sizes.get(k, 0)} by {k} fact{'s' * (k != 1)}" for k in (1, 2, 3))
    print(f"decide --ask on the same {len(files)} files: {entries} undetermined conclusions, "
          f"the smallest determining sets: {by_size}, none of at most 3 for "
          f"{sizes.get(None, 0)}; search cut short for {cut}")
    print(f"  time per decision: mean {statistics.mean(times) * 1000:.0f} ms, max "
          f"{max(times) * 1000:.0f} ms (budget {BUDGET:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.interview", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--verbose", action="store_true", help="each case's questions")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"bench.interview: skipped: no corpus at {args.corpus} (the shared corpus of "
              "real orders is not present)")
        return 0
    files = sorted(args.corpus.glob("*.yaml"))
    if not files:
        print(f"bench.interview: skipped: no case file in {args.corpus}")
        return 0
    # warm up: ground the programs and fill the calendar's tables before timing
    for f in files[:1]:
        replay(f)
    replays = []
    for f in files:
        r = replay(f)
        replays.append(r)
        if args.verbose:
            state = "determined" if r.determined else "open"
            print(f"{r.name}: {r.asked} questions ({r.given} answered), {state}: "
                  f"{', '.join(r.questions)}")
    packs = sorted({r.pack for r in replays})
    fields = {p: len(load_pack(p).case_schema().fields) for p in packs}
    asked = [r.asked for r in replays]
    total_q = sum(asked)
    seconds = sum(r.seconds for r in replays)
    mean = statistics.mean(asked)
    n_fields = max(fields.values())
    print(f"interview replay of {len(replays)} real orders ({args.corpus})")
    for p in packs:
        print(f"  pack {p}: {fields[p]} leaf fields in its case format")
    print(f"  questions asked: mean {mean:.1f}, median {statistics.median(asked):.0f}, "
          f"max {max(asked)} (of {n_fields} fields: mean {mean / n_fields:.0%}, "
          f"max {max(asked) / n_fields:.0%})")
    print(f"  answered from the file: {sum(r.given for r in replays)} of {total_q}; "
          f"\"unknown\": {total_q - sum(r.given for r in replays)}")
    rankings = total_q + len(replays)  # each question's, and each case's last (empty) one
    per_q = seconds / max(rankings, 1)
    solves = sum(r.solves for r in replays)
    solve_s = sum(r.solve_seconds for r in replays)
    slowest = max(r.slowest for r in replays)
    print(f"  time per question: {per_q * 1000:.0f} ms mean, {slowest * 1000:.0f} ms the "
          f"slowest (a first question, on an empty case); {seconds:.1f} s in all")
    print(f"  hypothetical cases decided: {solves / max(rankings, 1):.0f} a question, "
          f"{solve_s / max(solves, 1) * 1000:.2f} ms each (one clingo solve call on the "
          f"shared grounded program)")
    determined = [r for r in replays if r.determined]
    print(f"  determined: {len(determined)}/{len(replays)}")
    open_ones = [r for r in replays if not r.determined]
    for r in open_ones:
        print(f"  not determined: {r.name} after {r.asked} questions: "
              f"{', '.join(r.still_open)}")
        print(f"    why: {r.why}")
    _ask_figures(files)
    own = [r for r in open_ones if r.why.startswith("the file determines it")]
    met = mean <= TARGET_SHARE * n_fields and not own
    print(f"target: every case determined or its known facts exhausted, mean <= "
          f"{TARGET_SHARE * n_fields:.0f} questions: {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
