"""The project's type check sees the package as it is imported: a wrong call into rulepath is
an error, not an Any (mypy resolves rulepath.engine.* through rulepath/'s links)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("mypy") is None and not (Path(sys.executable).parent / "mypy").exists():
        pytest.skip("mypy is not installed (the dev extra)")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(source)
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )


def test_a_wrong_call_fails_the_type_check_and_a_right_one_passes(tmp_path: Path) -> None:
    right = _mypy(tmp_path, "import rulepath\nrulepath.decide('x.yaml', defaults=False)\n")
    assert right.returncode == 0, right.stdout
    wrong = _mypy(tmp_path, "import rulepath\nrulepath.decide('x.yaml', bogus=1)\n")
    assert wrong.returncode == 1
    assert 'Unexpected keyword argument "bogus"' in wrong.stdout


def test_the_package_imports_from_the_repository_root() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import rulepath.engine.api, rulepath.cli.main, rulepath.logic"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
