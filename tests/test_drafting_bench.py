"""A smoke test of the drafting benchmark (bench/drafting.py): on a tiny synthetic family the
symbolic diff and check agree with the brute-force evaluation of every scenario. No timing."""

from __future__ import annotations

from pathlib import Path

from bench.drafting import agree, symbolic
from bench.synthetic import brute_force, generate


def test_tiny_family_symbolic_matches_brute_force(tmp_path: Path) -> None:
    fam = generate(8, seed=0)
    _, _, d, found = symbolic(fam, tmp_path)
    brute = brute_force(fam)
    assert brute.scenarios == 2**8
    assert agree(d, found, brute) == []
    assert brute.changes  # version b changes something


def test_brute_force_chunks_agree(tmp_path: Path) -> None:
    fam = generate(8, seed=1)
    whole, chunked = brute_force(fam), brute_force(fam, chunk_bits=3)
    assert (whole.changes, whole.transitions, whole.changed_scenarios, whole.check) == (
        chunked.changes, chunked.transitions, chunked.changed_scenarios, chunked.check)
