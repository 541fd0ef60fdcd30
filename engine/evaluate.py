"""Agreement with real orders (spec/decision-format.md, "Agreement with a real order").

The engine agrees with the court when ``ready_for_hearing == expected.merits_reached``, both
known; an undetermined answer counts as a miss. Agreement is counted separately for orders
that reached the merits and orders that did not, and balanced (the mean of the two rates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .api import decide
from .casefile import load_case
from .errors import RulepathError


def _reason(decision: Any, expected: Any) -> str:
    if decision.ready_for_hearing is None:
        facts = sorted(
            {
                p
                for u in decision.undetermined
                if u.conclusion == "ready_for_hearing"
                for p in u.depends_on
            }
        )
        return "undetermined: depends on " + ", ".join(facts)
    if decision.ready_for_hearing and not expected.merits_reached:
        return "engine: all prerequisites met; the court did not reach the merits"
    defects = ", ".join(f"{d.id} ({d.cite})" for d in decision.defects)
    return f"engine: not ready ({defects}); the court reached the merits"


def evaluate(directory: str | Path) -> dict[str, Any]:
    files = sorted(p for p in Path(directory).iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    rows: list[dict[str, Any]] = []
    for path in files:
        try:
            case = load_case(path)
        except RulepathError as error:
            rows.append({"file": path.name, "error": str(error)})
            continue
        if case.expected is None or case.expected.merits_reached is None:
            continue
        decision = decide(case, explain=False)
        expected = case.expected
        agrees = (
            decision.ready_for_hearing is not None
            and decision.ready_for_hearing == expected.merits_reached
        )
        row: dict[str, Any] = {
            "file": path.name,
            "merits_reached": expected.merits_reached,
            "ready_for_hearing": decision.ready_for_hearing,
            "agrees": agrees,
            "route": decision.route,
            "expected_route": expected.route,
            "route_agrees": expected.route is None or decision.route == expected.route,
            "disposition": decision.disposition.recommended,
            "expected_disposition": expected.disposition,
        }
        if not agrees:
            row["reason"] = _reason(decision, expected)
        rows.append(row)
    scored = [r for r in rows if "error" not in r]

    def rate(subset: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(subset)
        agree = sum(1 for r in subset if r["agrees"])
        undetermined = sum(1 for r in subset if r["ready_for_hearing"] is None)
        return {
            "n": n,
            "agree": agree,
            "undetermined": undetermined,
            "rate": round(agree / n, 4) if n else None,
        }

    reached = rate([r for r in scored if r["merits_reached"]])
    not_reached = rate([r for r in scored if not r["merits_reached"]])
    rates = [x["rate"] for x in (reached, not_reached) if x["rate"] is not None]
    with_route = [r for r in scored if r["expected_route"] is not None]
    return {
        "directory": str(directory),
        "files": rows,
        "total": rate(scored),
        "merits_reached": reached,
        "merits_not_reached": not_reached,
        "balanced": round(sum(rates) / len(rates), 4) if rates else None,
        "route": {"n": len(with_route), "agree": sum(1 for r in with_route if r["route_agrees"])},
        "errors": [r for r in rows if "error" in r],
    }


def render_text(report: dict[str, Any]) -> str:
    lines = []
    for r in report["files"]:
        if "error" in r:
            lines.append(f"ERROR  {r['file']}: {r['error']}")
            continue
        mark = "agree " if r["agrees"] else "DIFFER"
        ready = {True: "ready", False: "not ready", None: "undetermined"}[r["ready_for_hearing"]]
        court = "merits" if r["merits_reached"] else "no merits"
        route = "" if r["route_agrees"] else f"  route {r['route']} vs court {r['expected_route']}"
        lines.append(f"{mark} {r['file']}: engine {ready}, court {court}{route}")
        if not r["agrees"]:
            lines.append(f"       {r['reason']}")

    def fmt(name: str, x: dict[str, Any]) -> str:
        pct = f"{x['rate']:.1%}" if x["rate"] is not None else "n/a"
        return f"{name}: {x['agree']}/{x['n']} = {pct} ({x['undetermined']} undetermined)"

    lines += [
        "",
        fmt("court reached the merits", report["merits_reached"]),
        fmt("court did not reach the merits", report["merits_not_reached"]),
        fmt("all orders", report["total"]),
        f"balanced agreement: {report['balanced']:.1%}" if report["balanced"] is not None else "",
        f"route agreement: {report['route']['agree']}/{report['route']['n']}",
    ]
    return "\n".join(lines)
