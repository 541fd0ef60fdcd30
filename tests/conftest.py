"""Shared test fixtures: where the project's examples and the workplace's shared data live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "martinez-v-smith.yaml"


@pytest.fixture
def shared() -> Path:
    """The shared rule texts and corpus (../shared); tests that need it skip without it."""
    if not (SHARED / "corpus" / "dev").is_dir():
        pytest.skip("../shared (rule texts and corpus of real orders) is not present")
    return SHARED
