"""The drafting tools at scale (issue 9, item 6), in one run: ``engine.check`` and
``engine.diff`` over every version and overlay combination of the shipped packs, and on
synthetic rule families of 16, 20 and 24 inputs the symbolic diff and check against a brute-force
evaluation of every scenario in plain Python (bench/synthetic.py), with the times, their ratio
and whether both found the same.

    python -m bench.drafting                    # real packs, then N = 16, 20, 24
    python -m bench.drafting --sizes 16,20      # quicker
    python -m bench.drafting --no-real          # synthetic families only

It prints figures and asserts nothing about time. Every timed row starts with an empty program
cache, so its seconds include grounding the programs it compares.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

from rulepath.engine import program as program_module
from rulepath.engine.check import CheckResult, check, check_program
from rulepath.engine.diff import Diff, compare, diff
from rulepath.engine.errors import RulepathError
from rulepath.engine.pack import Pack, add_pack_path, load_pack
from rulepath.engine.program import program_for

from .synthetic import Brute, Family, brute_force, generate, write_pack

ROOT = Path(__file__).resolve().parents[1]
PACKS = ("edcal-lr251", "cdcal-lr37")


def _fresh() -> None:
    program_module._CACHE.clear()  # each row grounds what it uses


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    _fresh()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _overlay_sets(pack: Pack) -> list[tuple[str, ...]]:
    names = sorted(pack.overlays)
    sets: list[tuple[str, ...]] = [()] + [(o,) for o in names]
    if len(names) > 1:
        sets.append(tuple(names))
    return sets


def _findings(r: CheckResult) -> str:
    ids = [f"{f.kind}:{f.id}" for f in (*r.gaps, *r.conflicts, *r.violations)]
    return f"{r.questions} questions, {len(ids)} findings" + (f" ({', '.join(ids)})" if ids
                                                              else "")


def _changed(d: Diff) -> str:
    names = [n for n, v in d.changes.items() if v]
    return (f"{len(names)} changed outputs, {len(d.transitions)} transitions"
            + (f" ({', '.join(names)})" if names else ""))


def _label(overlays: tuple[str, ...], pack: Pack) -> str:
    if len(overlays) > 1 and len(overlays) == len(pack.overlays):
        return f"all {len(overlays)} overlays"
    return ", ".join(overlays) or "(none)"


def _row(what: str, seconds: float | None, result: str) -> None:
    secs = "       -" if seconds is None else f"{seconds:8.3f}"
    print(f"  {what:<66} {secs}  {result}")


def real_packs(witnesses: bool, patterns: bool) -> None:
    for pack_id in PACKS:
        pack = load_pack(pack_id)
        versions = list(pack.versions)
        print(f"\n{pack_id}: {len(versions)} versions, {len(pack.overlays)} overlays")
        print(f"  {'check: version + overlays':<66} {'seconds':>8}  findings")
        total = 0.0
        for v in versions:
            for overlays in _overlay_sets(pack):
                secs, r = _timed(partial(
                    check, pack_id, version=v.id, overlays=overlays, witnesses=witnesses))
                total += secs
                _row(f"{v.id} + {_label(overlays, pack)}", secs, _findings(r))
        print(f"  {'check total':<66} {total:8.3f}")
        print(f"  {'diff: before -> after':<66} {'seconds':>8}  changed outputs")
        total = 0.0
        for va, vb in itertools.pairwise(versions):
            secs, d = _timed(partial(
                diff, pack_id, from_version=va.id, to_version=vb.id, patterns=patterns))
            total += secs
            _row(f"{va.id} -> {vb.id}", secs, _changed(d))
        for v in versions:
            for overlays in _overlay_sets(pack)[1:]:
                secs, d = _timed(partial(
                    diff, pack_id, as_of=v.in_force_from, overlays=overlays, patterns=patterns))
                total += secs
                _row(f"{v.id} -> {v.id} + {_label(overlays, pack)}", secs, _changed(d))
        amendments = sorted((pack.root / "amendments").glob("*.lp"))
        for path in amendments:
            for v in versions:
                name = f"{v.id} -> {v.id} + amendment {path.stem}"
                try:
                    secs, d = _timed(partial(
                        diff, pack_id, as_of=v.in_force_from, amend=str(path),
                        patterns=patterns))
                except RulepathError as error:
                    _row(name, None, "refused: " + str(error).splitlines()[0][:60])
                    continue
                total += secs
                _row(name, secs, _changed(d))
        print(f"  {'diff total':<66} {total:8.3f}")


# --- synthetic families -------------------------------------------------------------------------


def symbolic(fam: Family, folder: Path) -> tuple[float, float, Diff, dict[str, set[str]]]:
    """engine.diff (version a -> b) and engine.check (each version) on the family's pack:
    seconds of each, the diff, and each side's check findings."""
    write_pack(fam, folder)
    add_pack_path(folder / fam.pack_id)
    pack = load_pack(fam.pack_id)
    va, vb = (pack.version_for(pack.versions[0].in_force_from, i) for i in ("a", "b"))
    _fresh()
    start = time.perf_counter()
    d = compare(program_for(pack, va, ()), program_for(pack, vb, ()), patterns=False,
                count_each=True)
    diff_secs = time.perf_counter() - start
    _fresh()
    start = time.perf_counter()
    found: dict[str, set[str]] = {}
    for side, v in (("a", va), ("b", vb)):
        r = check_program(program_for(pack, v, ()), witnesses=False)
        found[side] = {f"{f.kind}:{f.id}" for f in (*r.gaps, *r.conflicts, *r.violations)}
    check_secs = time.perf_counter() - start
    return diff_secs, check_secs, d, found


def agree(d: Diff, found: dict[str, set[str]], brute: Brute) -> list[str]:
    """What the symbolic side and the brute force disagree on (empty: the same)."""
    wrong = []
    changed = {n for n, v in d.changes.items() if v}
    if changed != brute.changes:
        wrong.append(f"changed outputs {sorted(changed)} vs {sorted(brute.changes)}")
    if set(d.transitions) != brute.transitions:
        wrong.append(f"transitions {sorted(d.transitions)} vs {sorted(brute.transitions)}")
    if set(d.gaps) != brute.gaps or set(d.conflicts) != brute.conflicts:
        wrong.append(f"gaps/conflicts {d.gaps}/{d.conflicts} vs "
                     f"{sorted(brute.gaps)}/{sorted(brute.conflicts)}")
    if found != brute.check:
        wrong.append(f"check {found} vs {brute.check}")
    counted = {n: c for n, c in d.change_counts.items() if c}
    if counted != brute.change_counts:
        wrong.append(f"scenarios per changed output {counted} vs {brute.change_counts}")
    if d.transition_counts != brute.transition_counts:
        wrong.append(f"scenarios per transition {d.transition_counts} vs "
                     f"{brute.transition_counts}")
    if d.scenarios != brute.scenarios:
        wrong.append(f"scenarios {d.scenarios} vs {brute.scenarios}")
    return wrong


def synthetic(sizes: list[int], seed: int, naive: bool) -> bool:
    workers = os.cpu_count() or 1
    print("\nsynthetic families (bench/synthetic.py): version a -> b changes 3 rules, adds 1")
    print(f"  brute force on {workers} processes: per scenario (one assignment at a time) "
          "and bit-parallel (2^22 assignments per Python int operation)")
    print(f"  {'N':>3} {'rules':>5} {'scenarios':>10} {'diff s':>7} {'check s':>7} "
          f"{'symb s':>7} {'brute/1 s':>9} {'ratio':>8} {'brute/bit s':>11} {'ratio':>7} "
          f"{'changed':>9} {'trans':>5}  same")
    ok = True
    with tempfile.TemporaryDirectory(prefix="rulepath-synthetic-") as tmp:
        for n in sizes:
            fam = generate(n, seed)
            diff_secs, check_secs, d, found = symbolic(fam, Path(tmp))
            sym = diff_secs + check_secs
            start = time.perf_counter()
            brute = brute_force(fam, workers=workers)
            bit_secs = time.perf_counter() - start
            wrong = agree(d, found, brute)
            one = "-"
            one_ratio = "-"
            if naive:
                start = time.perf_counter()
                each = brute_force(fam, chunk_bits=0, workers=workers)
                one_secs = time.perf_counter() - start
                wrong += [f"per scenario: {w}" for w in agree(d, found, each)]
                one, one_ratio = f"{one_secs:9.2f}", f"{one_secs / sym:7.0f}x"
            ok = ok and not wrong
            print(f"  {n:>3} {len(fam.rules('b')):>5} {brute.scenarios:>10} {diff_secs:7.3f} "
                  f"{check_secs:7.3f} {sym:7.3f} {one:>9} {one_ratio:>8} {bit_secs:11.3f} "
                  f"{bit_secs / sym:6.2f}x {brute.changed_scenarios:>9} "
                  f"{len(d.transitions):>5}  {'yes' if not wrong else 'no'}")
            print("      changed outputs (both): "
                  + (", ".join(f"{k} in {v:,}" for k, v in sorted(brute.change_counts.items()))
                     or "none")
                  + f"; check findings a: {', '.join(sorted(found['a'])) or 'none'};"
                  f" b: {', '.join(sorted(found['b'])) or 'none'}")
            for w in wrong:
                print(f"      DIFFERS: {w}")
    print("  (symb s = diff s (with exact counts per output and per transition) + check s of "
          "both versions; ratio = brute s / symb s; same = the changed outputs, transitions, "
          "their scenario counts, gaps, conflicts and check findings are identical; changed = "
          "scenarios where some output differs, counted by the brute force)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drafting", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="16,20,24",
                        help="inputs of the synthetic families (default 16,20,24)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-real", action="store_true", help="skip the shipped packs")
    parser.add_argument("--witnesses", action="store_true",
                        help="check writes a witness case per finding (off: questions only)")
    parser.add_argument("--no-naive", action="store_true",
                        help="skip the per-scenario brute force (minutes at N=24)")
    parser.add_argument("--patterns", action="store_true",
                        help="diff finds a pattern and witness per transition")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"rulepath drafting benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"rulepath {dist_version('rulepath')}, clingo {dist_version('clingo')}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    if not args.no_real:
        real_packs(args.witnesses, args.patterns)
    ok = synthetic(sizes, args.seed, not args.no_naive) if sizes else True
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
