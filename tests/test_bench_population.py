"""The benchmark population from the real orders (bench/corpus_population.py): every line is a
valid case that decides without an error, leaves 32-46 of the pack's input fields unknown
(the generator's count and the engine's agree), and ``rare`` / ``often`` repeat fact
patterns as their names say. Without ../shared/corpus/dev these skip, and the generator
refuses with a message naming the folder."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import rulepath
from bench import corpus_population as cp
from bench.patterns import case_of, count, engine_unknown

ROOT = Path(__file__).resolve().parents[1]
needs_corpus = pytest.mark.skipif(
    not any(cp.CORPUS.glob("*.yaml")),
    reason=f"no dev corpus at {cp.CORPUS} (../shared/corpus/dev): the population is made "
    "from the real orders",
)


def _lines(n: int, repeat: str, seed: int = 11) -> list[str]:
    return [cp.dumps(c) for c in cp.population(n, seed=seed, repeat=repeat, pool=8)]


@needs_corpus
@pytest.mark.parametrize("repeat", ["rare", "often"])
def test_population_decides_with_unknown_facts(tmp_path: Path, repeat: str) -> None:
    lines = _lines(60, repeat)
    for line in lines:
        case = json.loads(line)
        unknown = cp.unknown_fields(case)
        assert cp.UNKNOWN_MIN <= unknown <= cp.UNKNOWN_MAX, (case["caption"], unknown)
        assert engine_unknown(case_of(line)) == (unknown, len(cp.INPUT_FIELDS)), case["caption"]
        rulepath.decide(case)  # a valid case, decided without an error
    source, out = tmp_path / "cases.jsonl", tmp_path / "decisions.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "rulepath", "batch", str(source), "-o",
                           str(out), "--workers", "1"], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    decisions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(decisions) == len(lines)
    assert not [d for d in decisions if d["format"] != "rulepath/decision-1"]


@needs_corpus
def test_rare_seldom_repeats_and_often_repeats() -> None:
    rare, often = count(_lines(300, "rare")), count(_lines(300, "often"))
    assert rare.distinct >= 290, rare
    assert often.distinct <= 2 * 8, often  # the pool, and a few shifted across a holiday
    assert rare.unknown_min >= cp.UNKNOWN_MIN and rare.unknown_max <= cp.UNKNOWN_MAX


@needs_corpus
def test_same_seed_same_lines() -> None:
    assert _lines(20, "rare", seed=3) == _lines(20, "rare", seed=3)
    assert _lines(20, "rare", seed=3) != _lines(20, "rare", seed=4)


@needs_corpus
def test_dates_move_together(tmp_path: Path) -> None:
    """The days between an order's dates are kept (but the hearing's, drawn again where the
    order dates the filing, and the joint statement's, drawn around the hearing)."""
    sources = {c[cp.SOURCE]: c for c in cp.load_corpus()}
    for line in _lines(200, "rare"):
        case = json.loads(line)
        source = sources[case["caption"].rsplit(" (", 1)[1].split(",")[0]]
        shift = (date.fromisoformat(case["as_of"]) - source["as_of"]).days
        for section, name in (("motion", "filed_on"), ("schedule", "discovery_cutoff"),
                              ("schedule", "motion_cutoff"), ("affidavit", "filed_on")):
            was = (source.get(section) or {}).get(name)
            if isinstance(was, date):
                now = date.fromisoformat(case[section][name])
                assert (now - was).days == shift, (case["caption"], section, name)


def test_without_the_corpus_it_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "no-corpus"
    done = subprocess.run([sys.executable, "-m", "bench.corpus_population", "--n", "3",
                           "--corpus", str(missing), "-o", str(tmp_path / "out.jsonl")],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert str(missing) in done.stderr and "corpus" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()
