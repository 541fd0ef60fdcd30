"""The legal audit's probe cases (../shared/audit, its README) give the answers the rule text
supports (tests/data/audit_expectations.yaml, one entry per probe, each naming its finding).
The probes are run as they are, with a field merged in only where the audit says the format
lacked one (``patch``). The checks are those of the legal test files, plus a few the audit
needs (what must not be undetermined, what must be the only presumptions, which deadlines a
dependency may name)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import yaml

from rulepath.engine.api import decide, load_and_solve
from rulepath.engine.casefile import case_from_mapping
from tests.test_legal_cases import CHECKS, Outcome, check, fired

EXPECTATIONS = Path(__file__).parent / "data" / "audit_expectations.yaml"
ENTRIES: dict[str, Any] = yaml.safe_load(EXPECTATIONS.read_text())


def _merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    out = deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = deepcopy(value)
    return out


def _extra(out: Outcome, want: Mapping[str, Any]) -> list[str]:
    d, bad = out.decision, []
    undetermined = {u["conclusion"] for u in d["undetermined"]}
    for c in want.get("not_undetermined", ()):
        if c in undetermined:
            bad.append(f"{c} must be determined: it is undetermined")
    if "assumed_only" in want:
        got = sorted(a["id"] for a in d["assumed"])
        if got != sorted(want["assumed_only"]):
            bad.append(f"assumed must be exactly {want['assumed_only']}: got {got}")
    for step in want.get("no_next_steps", ()):
        if step in {s["id"] for s in d["next_steps"]}:
            bad.append(f"no next step {step}: it is given")
    if "depends_only_on_deadlines" in want:
        allowed = set(want["depends_only_on_deadlines"])
        for u in d["undetermined"]:
            for path in u["depends_on"]:
                m = re.search(r"\((\w+)\)$", path)
                if m and m.group(1) not in allowed:
                    bad.append(f"{u['conclusion']} names deadline {m.group(1)}, which cannot apply")
    return bad


EXTRA = {"not_undetermined", "assumed_only", "no_next_steps", "depends_only_on_deadlines"}


def test_every_probe_has_an_expectation(shared: Path) -> None:
    probes = {p.name for p in (shared / "audit").glob("p*.yaml")}
    assert probes == set(ENTRIES), sorted(probes ^ set(ENTRIES))


def test_expectations_use_known_checks() -> None:
    for name, entry in ENTRIES.items():
        assert set(entry) <= {"finding", "expect", "patch", "defaults"}, name
        assert entry["finding"], name
        assert set(entry["expect"]) <= set(CHECKS) | EXTRA, name


@pytest.mark.parametrize("name", sorted(ENTRIES), ids=lambda n: n.removesuffix(".yaml"))
def test_audit_probe(shared: Path, name: str) -> None:
    entry = ENTRIES[name]
    data = yaml.safe_load((shared / "audit" / name).read_text())
    case = case_from_mapping(_merge(data, entry.get("patch", {})), source=name)
    defaults = entry.get("defaults", True)
    decision = decide(case, defaults=defaults, explain=False).to_dict()
    program, _, consequences = load_and_solve(case, defaults=defaults)
    out = Outcome(
        decision,
        frozenset(str(r) for r in program.rules),
        fired(consequences.certain),
        fired(consequences.possible),
    )
    want = entry["expect"]
    plain = {k: v for k, v in want.items() if k not in EXTRA}
    problems = check(out, plain) + _extra(out, want)
    assert not problems, f"{name} ({entry['finding']}): " + "; ".join(problems)
