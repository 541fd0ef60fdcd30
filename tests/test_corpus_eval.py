"""Agreement with the real orders in ../shared/corpus/dev stays at or above the promised floor
(merits reached >= 75%, not reached >= 80%, balanced >= 80%). A regression guard, not a
benchmark: a change to logic/ that loses agreement fails here."""

from __future__ import annotations

from pathlib import Path

from rulepath.engine.evaluate import evaluate


def test_dev_corpus_agreement(shared: Path) -> None:
    report = evaluate(shared / "corpus" / "dev")
    assert not report["errors"]
    assert report["total"]["n"] == 65
    assert report["merits_reached"]["rate"] >= 0.75
    assert report["merits_not_reached"]["rate"] >= 0.80
    assert report["balanced"] >= 0.80


def test_wild_corpus_loads_and_decides(shared: Path) -> None:
    report = evaluate(shared / "corpus" / "wild")
    assert not report["errors"]
    assert report["total"]["n"] == 19
