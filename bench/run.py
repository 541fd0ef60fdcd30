"""The benchmark of ``rulepath batch``, in one run (issues 4 and 11): cold start beside a bare
interpreter, batch throughput and peak memory with 1 and 2 workers on three populations (the
real orders' unknown-heavy facts with patterns that rarely repeat, the same with patterns that
repeat often, and generated fully known cases), the plain JSON round trip of each file as the
floor, the plain-Python reference on a subset, and a check that ``rulepath batch`` writes
what ``rulepath decide --format json`` prints. Every timed figure is a whole process, from its
start to its exit (start-up included).

    python -m bench.run            # 1k and 100k lines of each population (about 30 minutes)
    python -m bench.run --quick    # 500 and 2,000 lines, fewer runs and samples (2-3 minutes)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "martinez-v-smith.yaml"
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
# issue 11's targets, with the most workers, on the largest size
TARGET_RARE = 4_000  # cases/s, the real orders' population, patterns rarely repeating
TARGET_GENERATED = 8_000  # cases/s, generated fully known cases
TARGET_COLD = 10.0  # cold `rulepath decide` at most this many times `python -c pass`
TARGET_MEMORY = 1.5  # peak memory for the largest size within this factor of the smallest
ERROR_LINE = b'{"format":"rulepath/error-1"'


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float  # the largest single process among the command and its children
    code: int
    stderr: str = ""


def run(command: list[str], *, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> Run:
    """One whole process, timed from start to exit; its peak RSS (and its children's) and
    what it wrote on stderr. This process imports no engine and keeps no case: on Linux a
    child's peak cannot read below its parent's size at the fork."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT,
                                   stdin=subprocess.PIPE if stdin is not None else None,
                                   env=env)
        if stdin is not None and process.stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, text)


def rulepath_command() -> list[str]:
    script = Path(sys.executable).with_name("rulepath")
    if script.exists():
        return [str(script)]
    found = shutil.which("rulepath")
    return [found] if found else [sys.executable, "-m", "rulepath"]


# --- what the batch summary says ----------------------------------------------------------------


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def memo_rate(summary: str) -> float | None:
    """The memo hit rate the batch summary reports, if it reports one: a percentage after
    "memo" ("memo 41.2% hits", "memo hit rate: 41%"), or hits of lookups ("412 memo hits of
    1,000", "memo: 412/1,000 hits")."""
    for line in summary.splitlines():
        if "memo" not in line.lower():
            continue
        tail = line[line.lower().index("memo"):]
        percent = re.search(r"(\d+(?:\.\d+)?)\s*%", tail)
        if percent:
            return float(percent.group(1)) / 100
        ratio = re.search(r"(\d[\d,]*)\s*(?:/|of)\s*(\d[\d,]*)", tail)
        if ratio and _number(ratio.group(2)):
            return _number(ratio.group(1)) / _number(ratio.group(2))
        before = re.search(r"(\d[\d,]*)\s+memo hits?\D+(\d[\d,]*)", line, re.IGNORECASE)
        if before and _number(before.group(2)):
            return _number(before.group(1)) / _number(before.group(2))
    return None


def solves(summary: str) -> int | None:
    """Cases the batch solved ("N by one solve, M by two" in its summary; the rest came from
    the memo)."""
    found = re.findall(r"(\d[\d,]*) by (?:one|two)\b", summary)
    return sum(_number(n) for n in found) if found else None


def summary_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("rulepath batch:")]
    return lines[-1] if lines else ""


# --- populations ----------------------------------------------------------------------------------


@dataclass
class Population:
    name: str
    about: str
    path: Path  # the largest size; smaller sizes are its first lines
    files: dict[int, Path]


def _heads(path: Path, sizes: list[int], work: Path, name: str) -> dict[int, Path]:
    files = {}
    biggest = max(sizes)
    for n in sizes:
        files[n] = path if n == biggest else work / f"{name}-{n}.jsonl"
        if n != biggest:
            with path.open("rb") as source, files[n].open("wb") as head:
                head.writelines(itertools.islice(source, n))
    return files


def _count_errors(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(line.startswith(ERROR_LINE) for line in lines)


def _lines_at(path: Path, wanted: set[int]) -> dict[int, bytes]:
    """The lines (0-based numbers) of a file."""
    out = {}
    with path.open("rb") as lines:
        for i, line in enumerate(lines):
            if i in wanted:
                out[i] = line.rstrip(b"\n")
    return out


# --- the report ---------------------------------------------------------------------------------


def _median_ms(results: list[Run]) -> float:
    return statistics.median(r.seconds for r in results) * 1000


def cold_start(rulepath: list[str], runs: int) -> tuple[float, float]:
    """Cold start: the three commands run in turn (so that the machine's load falls on each
    alike), one warm-up each; returns the medians (ms) of `python -c pass` and of `rulepath
    decide`. Python may write its bytecode (PYTHONDONTWRITEBYTECODE is cleared for these
    runs): the warm-up leaves the project's modules compiled, as an installed package has
    them, so that no run times the compiling of the source."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "rulepath --help": [*rulepath, "--help"],
        "rulepath decide examples/martinez-v-smith.yaml": [*rulepath, "decide", str(EXAMPLE)],
    }
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for command in commands.values():
        run(command, env=env)
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(run(command, env=env))
    print(f"cold start ({runs} runs each, in turn, after a warm-up)"
          "             min ms   median ms   peak MiB")
    for name, rs in results.items():
        print(f"  {name:52s} {min(r.seconds for r in rs) * 1000:6.0f}   {_median_ms(rs):9.0f}"
              f"   {max(r.peak_mib for r in rs):8.1f}")
    bare = _median_ms(results["python -c pass"])
    decide = _median_ms(results["rulepath decide examples/martinez-v-smith.yaml"])
    print(f"  rulepath decide / python -c pass (medians): {decide / bare:.1f}x "
          f"({decide - bare:.0f} ms above a bare interpreter)")
    return bare, decide


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, 3 cold-start runs, small reference and sample")
    parser.add_argument("--sizes", help="population sizes, comma-separated "
                        "(1000,100000; --quick 500,2000)")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--runs", type=int, help="runs of each cold-start command (7; --quick 3)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--unknown", type=float, default=0.0,
                        help="share of facts left unknown in the generated population")
    parser.add_argument("--reference-lines", type=int,
                        help="lines of the generated population the reference decides "
                        "(10000; --quick 500)")
    parser.add_argument("--reference-rare", type=int,
                        help="lines of the rare population the reference decides (20; --quick "
                        "2): it enumerates the completions of the unknown facts, seconds a case")
    parser.add_argument("--sample", type=int,
                        help="lines of the rare population checked against rulepath decide "
                        "(1000; --quick 30)")
    parser.add_argument("--pool", type=int, default=50,
                        help="variants the often-repeating population is drawn from")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="the real orders (../shared/corpus/dev)")
    parser.add_argument("--keep", metavar="DIR", help="keep the cases and outputs in DIR")
    args = parser.parse_args(argv)
    quick = args.quick
    sizes = sorted({int(s) for s in (args.sizes or ("500,2000" if quick else "1000,100000"))
                    .split(",")})
    worker_counts = [int(w) for w in args.workers.split(",")]
    runs = args.runs or (3 if quick else 7)
    reference_lines = args.reference_lines or (500 if quick else 10_000)
    reference_rare = args.reference_rare if args.reference_rare is not None else (
        2 if quick else 20)
    sample = args.sample if args.sample is not None else (30 if quick else 1000)
    rulepath = rulepath_command()
    started = time.perf_counter()

    print(f"rulepath benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, clingo {version('clingo')}"
          f"{' (--quick)' if quick else ''}")
    print("every figure is a whole process from start to exit; peak = max RSS of the largest "
          "process (the command or one of its workers)\n")
    bare_med, cold_med = cold_start(rulepath, runs)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rulepath-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    biggest = max(sizes)
    failures: list[str] = []

    # --- the populations
    print(f"\npopulations ({biggest:,} lines each; smaller sizes are their first lines)")
    populations: list[Population] = []
    have_corpus = args.corpus.is_dir() and any(args.corpus.glob("*.yaml"))
    if have_corpus:
        for repeat, about in (("rare", "real orders, patterns rarely repeat"),
                              ("often", f"real orders, drawn from {args.pool} variants")):
            path = work / f"{repeat}-{biggest}.jsonl"
            made = run([sys.executable, "-m", "bench.corpus_population", "--n", str(biggest),
                        "--seed", str(args.seed), "--repeat", repeat, "--pool", str(args.pool),
                        "--corpus", str(args.corpus), "-o", str(path)])
            if made.code:
                failures.append(f"bench.corpus_population --repeat {repeat} exited {made.code}: "
                                f"{made.stderr.strip()}")
                continue
            populations.append(Population(repeat, about, path, {}))
    else:
        print(f"  SKIPPED the populations from the real orders: no dev corpus at {args.corpus} "
              "(../shared/corpus/dev)")
    path = work / f"generated-{biggest}.jsonl"
    made = run([sys.executable, "-m", "bench.generate", str(biggest), "--seed", str(args.seed),
                "--unknown", str(args.unknown), "-o", str(path)])
    if made.code:
        failures.append(f"bench.generate exited {made.code}")
    populations.append(Population("generated", f"bench/generate.py, {args.unknown:.0%} of facts "
                                  "unknown", path, {}))
    for p in populations:
        p.files = _heads(p.path, sizes, work, p.name)
        counted = subprocess.run([sys.executable, "-m", "bench.patterns", str(p.path)],
                                 capture_output=True, text=True, cwd=ROOT, check=False)
        size = p.path.stat().st_size / biggest
        print(f"  {p.name:9s} {p.about}; {size:,.0f} bytes a line")
        print(f"            {counted.stdout.strip() or counted.stderr.strip()[-300:]}")

    # --- throughput
    print("\nbatch: rulepath batch IN -o OUT --workers N (JSON Lines in and out, no explanations)")
    print("  floor: python -m bench.roundtrip IN OUT (json.loads and json.dumps of each line)")
    print("  population   lines   command         seconds    cases/s   peak MiB   x floor"
          "    solves   memo hits")
    rates: dict[tuple[str, int, int], float] = {}
    memory: dict[tuple[str, int, int], float] = {}
    times: dict[tuple[str, int, int], float] = {}
    memo_seen = False
    kept: Path | None = None  # the rare population's decisions (largest size, 1 worker)
    for p in populations:
        for n in sizes:
            floor = run([sys.executable, "-m", "bench.roundtrip", str(p.files[n]),
                         str(work / "roundtrip.jsonl")])
            (work / "roundtrip.jsonl").unlink(missing_ok=True)
            print(f"  {p.name:10s} {n:8,}   round trip      {floor.seconds:7.2f}  "
                  f"{n / floor.seconds:9,.0f}   {floor.peak_mib:8.1f}")
            for workers in worker_counts:
                out = work / f"decisions-{p.name}-{n}-{workers}.jsonl"
                result = run([*rulepath, "batch", str(p.files[n]), "-o", str(out),
                              "--workers", str(workers)])
                summary = summary_line(result.stderr)
                errors = _count_errors(out) if out.exists() else n
                if result.code or errors:
                    failures.append(f"batch of {n:,} {p.name} lines, {workers} workers: exit "
                                    f"{result.code}, {errors} error records")
                key = (p.name, n, workers)
                rates[key] = n / result.seconds
                memory[key] = result.peak_mib
                times[key] = result.seconds
                rate = memo_rate(summary)
                memo_seen = memo_seen or rate is not None
                solved = solves(summary)
                if rate is not None:
                    hits = f"{rate:.1%}"
                elif solved is not None and n:  # neither solved nor an error: from the memo
                    hits = f"{(n - errors - solved) / n:.1%}*"
                else:
                    hits = "-"
                label = f"batch {workers} worker{'s' if workers > 1 else ''}"
                print(f"  {p.name:10s} {n:8,}   {label:15s} {result.seconds:7.2f}  "
                      f"{n / result.seconds:9,.0f}   {result.peak_mib:8.1f}   "
                      f"{result.seconds / floor.seconds:6.1f}x  "
                      f"{f'{solved:,}' if solved is not None else '-':>8s}   {hits:>9s}")
                if p.name == "rare" and n == biggest and workers == min(worker_counts):
                    kept = out
                elif not args.keep:
                    out.unlink(missing_ok=True)
    print("  (solves: cases solved, from the batch summary; memo hits: as the summary reports "
          "them" + ("" if memo_seen else ", which it does not yet; * the cases neither solved "
                    "nor in error, the share that came from the memo") + ")")

    # --- peak memory
    print("\npeak memory, largest size / smallest")
    for p in populations:
        for workers in worker_counts:
            small, top = memory[p.name, sizes[0], workers], memory[p.name, biggest, workers]
            print(f"  {p.name:10s} {workers} worker{'s' if workers > 1 else ' '}  "
                  f"{sizes[0]:,}: {small:6.1f} MiB   {biggest:,}: {top:6.1f} MiB   "
                  f"ratio {top / small:.2f}")
    floor_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  (a peak cannot read below this script's own peak, {floor_mib:.1f} MiB)")

    # --- the reference
    print("\nreference: python -m bench.reference_batch IN OUT (plain Python, one process)")
    generated = next(p for p in populations if p.name == "generated")
    subset = work / f"generated-reference-{reference_lines}.jsonl"
    with generated.path.open("rb") as source, subset.open("wb") as head:
        head.writelines(itertools.islice(source, reference_lines))
    ref = run([sys.executable, "-m", "bench.reference_batch", str(subset),
               str(work / "reference.jsonl")])
    same = run([*rulepath, "batch", str(subset), "-o", str(work / "reference-batch.jsonl"),
                "--workers", "1"])
    if ref.code:
        failures.append(f"reference on {reference_lines} generated lines exited {ref.code}")
    ref_ratio = same.seconds / ref.seconds
    print(f"  generated, the first {reference_lines:,} lines: reference {ref.seconds:.2f} s "
          f"({reference_lines / ref.seconds:,.0f} cases/s); batch, 1 worker, the same lines "
          f"{same.seconds:.2f} s: {ref_ratio:.1f}x the reference's time")
    rare = next((p for p in populations if p.name == "rare"), None)
    if rare is not None and reference_rare > 0:
        few = work / f"rare-reference-{reference_rare}.jsonl"
        with rare.path.open("rb") as source, few.open("wb") as head:
            head.writelines(itertools.islice(source, reference_rare))
        ref = run([sys.executable, "-m", "bench.reference_batch", str(few),
                   str(work / "reference.jsonl")])
        batch_ms = times["rare", biggest, min(worker_counts)] / biggest * 1000
        print(f"  rare, the first {reference_rare} lines: reference {ref.seconds:.1f} s "
              f"({ref.seconds / reference_rare * 1000:,.0f} ms a case: it enumerates the "
              f"completions of the unknown facts); batch {batch_ms:.2f} ms a case "
              f"({biggest:,} lines, 1 worker)")
    for name in ("reference.jsonl", "reference-batch.jsonl"):
        (work / name).unlink(missing_ok=True)

    # --- batch against decide
    if rare is not None and kept is not None and sample > 0:
        checked = check_against_decide(rulepath, rare.path, kept, sample, args.seed)
        if checked < min(sample, biggest):
            failures.append(f"rulepath batch differs from rulepath decide on "
                            f"{min(sample, biggest) - checked} sampled lines")
    elif rare is None:
        print("\nbatch against decide: SKIPPED (no rare population: no dev corpus)")

    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)

    # --- targets
    print("\ntargets (issue #11)")
    most = max(worker_counts)
    checks: list[tuple[str, bool, str]] = []
    for name, target in (("rare", TARGET_RARE), ("generated", TARGET_GENERATED)):
        if (name, biggest, most) in rates:
            rate = rates[name, biggest, most]
            checks.append((f"{name}: batch >= {target:,} cases/s, {most} workers, "
                           f"{biggest:,} lines, every line answered", rate >= target and not any(
                               f" {name} lines, " in f for f in failures),
                           f"{rate:,.0f} cases/s"))
    checks.append((f"cold rulepath decide <= {TARGET_COLD:.0f}x python -c pass (medians)",
                   cold_med <= TARGET_COLD * bare_med, f"{cold_med / bare_med:.1f}x"))
    for p in populations:
        for workers in worker_counts:
            factor = memory[p.name, biggest, workers] / memory[p.name, sizes[0], workers]
            checks.append((f"peak memory {biggest:,} lines within {TARGET_MEMORY}x of "
                           f"{sizes[0]:,}, {p.name}, {workers} worker{'s' if workers > 1 else ''}",
                           factor <= TARGET_MEMORY, f"{factor:.2f}x"))
    for label, ok, figure in checks:
        print(f"  {'met   ' if ok else 'MISSED'}  {label}: {figure}")
    for failure in failures:
        print(f"  FAILED  {failure}")
    print(f"\n(the whole run: {time.perf_counter() - started:.0f} s)")
    return 1 if failures else 0


def check_against_decide(rulepath: list[str], cases: Path, decisions: Path, sample: int,
                         seed: int) -> int:
    """`rulepath decide - --format json` on ``sample`` lines of ``cases`` drawn at random,
    each against the line ``rulepath batch`` wrote for it (the decision without its
    explanation, which batch leaves out): the number identical, printed with the first
    differences."""
    with cases.open("rb") as handle:
        total = sum(1 for _ in handle)
    picked = sorted(random.Random(seed).sample(range(total), min(sample, total)))
    wanted = set(picked)
    inputs, outputs = _lines_at(cases, wanted), _lines_at(decisions, wanted)

    def decide(i: int) -> tuple[int, Any, str]:
        done = subprocess.run([*rulepath, "decide", "-", "--format", "json"], input=inputs[i],
                              capture_output=True, cwd=ROOT, check=False)
        try:
            decision = json.loads(done.stdout)
        except ValueError:
            return i, None, done.stderr.decode("utf-8", "replace").strip()[-200:]
        decision.pop("explanation", None)
        return i, decision, ""

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        decided = list(pool.map(decide, picked))
    seconds = time.perf_counter() - began
    identical = 0
    differences: list[str] = []
    for i, decision, problem in decided:
        batch = json.loads(outputs[i]) if i in outputs else None
        if decision is not None and decision == batch:
            identical += 1
        elif len(differences) < 5:
            keys = sorted(k for k in set(decision or {}) | set(batch or {})
                          if (decision or {}).get(k) != (batch or {}).get(k))
            differences.append(f"line {i + 1}: {problem or 'keys differing: ' + ', '.join(keys)}")
    print(f"\nbatch against decide: `rulepath decide - --format json` (explanation left out) on "
          f"{len(picked):,} random lines of the rare population, against the lines of the "
          f"batch run ({total:,} lines, 1 worker)")
    print(f"  identical: {identical:,} of {len(picked):,} ({seconds:.0f} s, "
          f"{os.cpu_count()} decides at a time)")
    for difference in differences:
        print(f"  DIFFERS  {difference}")
    return identical


if __name__ == "__main__":
    sys.exit(main())
