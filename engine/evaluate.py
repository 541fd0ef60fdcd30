"""Agreement with real orders (spec/decision-format.md, "Agreement with a real order").

The engine agrees with the court when ``ready_for_hearing == expected.merits_reached``, both
known; an undetermined answer counts as a miss. Agreement is counted separately for orders
that reached the merits and orders that did not, and balanced (the mean of the two rates,
defined only when both kinds of order are present).

Beyond agreement the report says how far an answer can be trusted:

- *coverage*: determined answers (``ready_for_hearing`` not null) among the files scored;
- *flagged* answers: the rule leaves the court a choice bearing on whether the merits are
  reached (``disposition.consistent`` holds ``hear_on_merits`` and a disposition that does not
  reach the merits other than ``disregard_filings``); among them, how often the court took the
  rule's default (``recommended == "hear_on_merits"`` exactly when the court reached the merits);
- *firm precision*: agreement among determined answers that are not flagged;
- *confident disagreements*: determined, not flagged, and contradicted by the court — the
  answers that mislead a clerk. Flagged disagreements are listed apart, with their options.

A figure whose denominator is empty is ``None`` (printed "n/a"), never 100%.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import RulepathError, printable

if TYPE_CHECKING:
    from .casefile import Expected
    from .decision import Decision

CASE_SUFFIXES = (".yaml", ".yml", ".json")
MERITS = "hear_on_merits"
# Dispositions that are no choice against the merits: hearing them, or only disregarding
# some filings (the motion is still heard).
NOT_AGAINST_MERITS = frozenset({MERITS, "disregard_filings"})
# The figures ``--fail-under`` may name, in the order they are printed.
FIGURES = ("merits", "not_merits", "balanced", "route", "coverage", "firm_precision")

Kind = Literal["agree", "differ", "flagged_agree", "flagged_differ", "undetermined"]


@dataclass(frozen=True)
class Verdict:
    """How one determined-or-not answer compares with what the court did."""

    determined: bool  # ready_for_hearing is not null
    agrees: bool  # determined and equal to merits_reached (undetermined counts as a miss)
    flagged: bool  # the rule leaves the court a choice bearing on the merits
    default_taken: bool | None  # flagged with a recommendation: the court followed it
    kind: Kind


def is_flagged(consistent: Iterable[str]) -> bool:
    """The rule leaves the court a choice bearing on whether the merits are reached: hearing
    the motion on the merits is consistent with it, and so is a disposition that does not
    reach them (``disregard_filings`` does not count: the motion is still heard)."""
    options = set(consistent)
    return MERITS in options and bool(options - NOT_AGAINST_MERITS)


def classify(
    ready: bool | None,
    merits_reached: bool,
    recommended: str | None,
    consistent: Iterable[str],
) -> Verdict:
    """The verdict on one answer: ``ready`` is the engine's ``ready_for_hearing``,
    ``merits_reached`` the court's, ``recommended``/``consistent`` the engine's disposition."""
    determined = ready is not None
    agrees = determined and ready == merits_reached
    flagged = is_flagged(consistent)
    default_taken = (
        (recommended == MERITS) == merits_reached if flagged and recommended is not None else None
    )
    kind: Kind
    if not determined:
        kind = "undetermined"
    elif flagged:
        kind = "flagged_agree" if agrees else "flagged_differ"
    else:
        kind = "agree" if agrees else "differ"
    return Verdict(determined, agrees, flagged, default_taken, kind)


def _reason(decision: Decision, expected: Expected) -> str:
    court = f" (court: {expected.disposition})" if expected.disposition else ""
    if decision.ready_for_hearing is None:
        facts = sorted(
            {
                p
                for u in decision.undetermined
                if u.conclusion == "ready_for_hearing"
                for p in u.depends_on
            }
        )
        return "undetermined: depends on " + ", ".join(facts) if facts else "undetermined"
    if decision.ready_for_hearing and not expected.merits_reached:
        return "engine: all prerequisites met; the court did not reach the merits" + court
    defects = ", ".join(f"{d.id} ({d.cite})" for d in decision.defects)
    ready = f"not ready ({defects})" if defects else "not ready"
    return f"engine: {ready}; the court reached the merits{court}"


def route_status(engine: str | None, court: str | None) -> str | None:
    """``agree`` | ``differ`` | ``undetermined`` (the engine gave no route), or None when the
    order records no route (then it is not counted)."""
    if court is None:
        return None
    if engine is None:
        return "undetermined"
    return "agree" if engine == court else "differ"


def score(file: str, decision: Decision, expected: Expected) -> dict[str, Any]:
    """The row of one file whose court outcome is known (``expected.merits_reached``)."""
    merits_reached = expected.merits_reached
    if merits_reached is None:
        raise ValueError(f"{file}: expected.merits_reached is unknown; the file is not scored")
    disposition = decision.disposition
    verdict = classify(
        decision.ready_for_hearing, merits_reached, disposition.recommended, disposition.consistent
    )
    route = route_status(decision.route, expected.route)
    row: dict[str, Any] = {
        "file": file,
        "merits_reached": merits_reached,
        "ready_for_hearing": decision.ready_for_hearing,
        "agrees": verdict.agrees,
        "determined": verdict.determined,
        "flagged": verdict.flagged,
        "default_taken": verdict.default_taken,
        "kind": verdict.kind,
        "route": decision.route,
        "expected_route": expected.route,
        "route_status": route,
        "route_agrees": None if route is None else route == "agree",
        "disposition": disposition.recommended,
        "consistent": sorted(disposition.consistent),
        "expected_disposition": expected.disposition,
    }
    # The court's own finding that the motion was cleared for the merits (spec: the optional
    # expected.court_treated_ready), when it did not reach them for reasons outside the rule.
    treated = getattr(expected, "court_treated_ready", None)
    row["court_treated_ready"] = treated
    row["court_finding_agrees"] = (
        treated is not None
        and decision.ready_for_hearing is not None
        and treated == decision.ready_for_hearing
        and not verdict.agrees
    )
    if not verdict.agrees:
        row["reason"] = _reason(decision, expected)
    return row


def case_files(directory: str | Path) -> list[Path]:
    """The case files of a folder (not its subfolders), in name order."""
    return sorted(
        p for p in Path(directory).iterdir() if p.is_file() and p.suffix.lower() in CASE_SUFFIXES
    )


def evaluate(directory: str | Path) -> dict[str, Any]:
    """Decide every case file in ``directory`` with an ``expected.merits_reached`` and compare
    with the court. A file that cannot be read or decided is an error row; a file without
    ``expected.merits_reached`` is skipped (and counted)."""
    from .api import decide
    from .casefile import load_case

    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    files = case_files(directory)
    for path in files:
        try:
            case = load_case(path)
            if case.expected is None or case.expected.merits_reached is None:
                skipped.append(path.name)
                continue
            decision = decide(case, explain=False)
        except RulepathError as error:  # the message without the path: the row names the file
            rows.append({"file": path.name, "error": printable(f"{error.field}: {error.reason}")})
            continue
        if decision.conflicts:
            where = "; ".join(f"{c.conclusion} drawn as {', '.join(c.values)}" for c in
                              decision.conflicts)
            rows.append({"file": path.name, "error": f"the rules conflict: {where}"})
            continue
        rows.append(score(path.name, decision, case.expected))
    return summarise(rows, directory=str(directory), skipped=skipped, case_files=len(files))


def _figure(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "rate": round(count / of, 4) if of else None}


def _legacy(subset: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(subset)
    agree = sum(1 for r in subset if r["agrees"])
    return {
        "n": n,
        "agree": agree,
        "undetermined": sum(1 for r in subset if r["ready_for_hearing"] is None),
        "rate": round(agree / n, 4) if n else None,
    }


def summarise(
    rows: Sequence[dict[str, Any]],
    *,
    directory: str = "",
    skipped: Sequence[str] = (),
    case_files: int | None = None,
) -> dict[str, Any]:
    """The report of scored rows (``score``) and error rows (``{"file", "error"}``)."""
    scored = [r for r in rows if "error" not in r]
    errors = [r for r in rows if "error" in r]
    reached = [r for r in scored if r["merits_reached"]]
    not_reached = [r for r in scored if not r["merits_reached"]]
    determined = [r for r in scored if r["determined"]]
    firm = [r for r in determined if not r["flagged"]]
    flagged = [r for r in scored if r["flagged"]]
    recommending = [r for r in flagged if r["default_taken"] is not None]
    with_route = [r for r in scored if r["route_status"] is not None]

    figures: dict[str, dict[str, Any]] = {
        "merits": _figure(sum(r["agrees"] for r in reached), len(reached)),
        "not_merits": _figure(sum(r["agrees"] for r in not_reached), len(not_reached)),
        "all": _figure(sum(r["agrees"] for r in scored), len(scored)),
        "route": _figure(sum(r["route_status"] == "agree" for r in with_route), len(with_route)),
        "coverage": _figure(len(determined), len(scored)),
        "firm_precision": _figure(sum(r["agrees"] for r in firm), len(firm)),
        "flagged": _figure(len(flagged), len(scored)),
        "default_taken": _figure(sum(r["default_taken"] for r in recommending),
                                 len(recommending)),
    }
    balanced = _balanced(figures)
    figures["balanced"] = {
        "count": None,
        "of": None,
        "rate": round(float(balanced), 4) if balanced is not None else None,
    }
    legacy_balanced = figures["balanced"]["rate"]
    return {
        "directory": directory,
        "case_files": len(rows) + len(skipped) if case_files is None else case_files,
        "evaluable": len(scored),
        "skipped": list(skipped),
        "files": list(rows),
        "figures": figures,
        "confident_disagreements": [r for r in scored if r["kind"] == "differ"],
        "flagged_disagreements": [r for r in scored if r["kind"] == "flagged_differ"],
        "undetermined_answers": [r for r in scored if r["kind"] == "undetermined"],
        "route_mismatches": [r for r in with_route if r["route_status"] != "agree"],
        "errors": errors,
        # The figures as first published (kept for readers of the earlier report).
        "total": _legacy(scored),
        "merits_reached": _legacy(reached),
        "merits_not_reached": _legacy(not_reached),
        "balanced": legacy_balanced,
        "route": {"n": figures["route"]["of"], "agree": figures["route"]["count"],
                  "rate": figures["route"]["rate"]},
    }


def _balanced(figures: dict[str, dict[str, Any]]) -> Fraction | None:
    """The mean of the two agreement rates; None unless both kinds of order are present (one
    rate alone is not a balanced figure)."""
    merits, not_merits = figures["merits"], figures["not_merits"]
    if not merits["of"] or not not_merits["of"]:
        return None
    return (Fraction(merits["count"], merits["of"]) + Fraction(not_merits["count"],
                                                               not_merits["of"])) / 2


def figure_value(report: dict[str, Any], name: str) -> Fraction | None:
    """The exact value (0..1) of a named figure, None when its denominator is empty."""
    figures = report["figures"]
    if name == "balanced":
        return _balanced(figures)
    figure = figures[name]
    return Fraction(figure["count"], figure["of"]) if figure["of"] else None


def below(report: dict[str, Any], floors: Iterable[tuple[str, float]]) -> list[str]:
    """One message per figure under its floor (a percentage); a figure that is n/a cannot meet
    a floor."""
    failures = []
    for name, floor in floors:
        value = figure_value(report, name)
        if value is None:
            failures.append(f"{name} is n/a (nothing to count), so it cannot meet {floor:g}%")
        elif value * 100 < Fraction(floor):
            failures.append(f"{name} {float(value * 100):.2f}% is below {floor:g}%")
    return failures


def no_evaluable_file(report: dict[str, Any]) -> RulepathError | None:
    """The error for a folder with nothing to score, or None."""
    if report["evaluable"]:
        return None
    directory = report["directory"]
    total = report["case_files"]
    if not total:
        return RulepathError(directory, "no case file (*.yaml, *.yml, *.json) to evaluate")
    parts = [f"no evaluable case file: {len(report['skipped'])} of {total} have no "
             "expected.merits_reached"]
    if report["errors"]:
        first = report["errors"][0]
        parts.append(f"{len(report['errors'])} could not be decided (first: {first['error']})")
    return RulepathError(directory, "; ".join(parts))


# --- rendering ------------------------------------------------------------------------------


def pct(figure: dict[str, Any]) -> str:
    return f"{figure['rate']:.1%}" if figure["rate"] is not None else "n/a"


def ratio(figure: dict[str, Any]) -> str:
    return f"{figure['count']}/{figure['of']} = {pct(figure)}"


_READY = {True: "ready", False: "not ready", None: "undetermined"}
_MERITS_MARK: dict[str, str] = {
    "agree": "agree", "flagged_agree": "agree", "differ": "DIFFER", "flagged_differ": "DIFFER",
    "undetermined": "undet.",
}
_ROUTE_MARK = {"agree": "agree", "differ": "DIFFER", "undetermined": "undet.", None: "-"}


def _route_text(r: dict[str, Any]) -> str:
    engine = r["route"] if r["route"] is not None else "undetermined"
    return f"route: engine {engine}, court {r['expected_route']}"


def _options(r: dict[str, Any]) -> str:
    return ", ".join(o + (" (recommended)" if o == r["disposition"] else "")
                     for o in r["consistent"])


def _outcome(r: dict[str, Any]) -> str:
    court = "merits" if r["merits_reached"] else "no merits"
    return f"engine {_READY[r['ready_for_hearing']]}, court {court}"


def summary_lines(report: dict[str, Any]) -> list[str]:
    f = report["figures"]
    und_m = report["merits_reached"]["undetermined"]
    und_n = report["merits_not_reached"]["undetermined"]
    unrecorded = report["evaluable"] - f["route"]["of"]
    taken = (f"; the court took the rule's default in {ratio(f['default_taken'])}"
             if f["flagged"]["count"] else "")
    balanced = pct(f["balanced"])
    if f["balanced"]["rate"] is None:
        balanced += " (needs orders that reached the merits and orders that did not)"
    return [
        "figures (an undetermined answer counts as a miss; n/a: nothing to count)",
        f"  merits          court reached the merits:        {ratio(f['merits'])}"
        f" ({und_m} undetermined)",
        f"  not_merits      court did not reach the merits:  {ratio(f['not_merits'])}"
        f" ({und_n} undetermined)",
        f"                  all orders:                      {ratio(f['all'])}",
        f"  balanced        mean of the two:                 {balanced}",
        f"  route           route agreement:                 {ratio(f['route'])}"
        f" ({unrecorded} without a route in the order)",
        f"  coverage        determined answers:              {ratio(f['coverage'])}",
        f"  firm_precision  agreement, determined unflagged: {ratio(f['firm_precision'])}",
        f"                  flagged answers:                 {ratio(f['flagged'])}{taken}",
    ]


def render_text(report: dict[str, Any]) -> str:
    lines = [
        f"{report['directory']}: {report['case_files']} case files, {report['evaluable']} "
        f"scored, {len(report['skipped'])} without expected.merits_reached, "
        f"{len(report['errors'])} errors",
        "",
        "merits  route   flag  file",
    ]
    for r in report["files"]:
        if "error" in r:
            lines.append(f"ERROR                 {r['file']}: {r['error']}")
            continue
        route = f"; {_route_text(r)}" if r["route_status"] not in (None, "agree") else ""
        flag = "flag" if r["flagged"] else "    "
        lines.append(f"{_MERITS_MARK[r['kind']]:<7} {_ROUTE_MARK[r['route_status']]:<7} "
                     f"{flag}  {r['file']}: {_outcome(r)}{route}")
    lines += ["", *summary_lines(report), ""]
    confident = report["confident_disagreements"]
    unexplained = [r for r in confident if not r.get("court_finding_agrees")]
    lines.append(
        f"confident disagreements (determined, no flag): {len(confident)}; "
        f"{len(confident) - len(unexplained)} of them where the court itself treated the motion "
        f"as the engine does (expected.court_treated_ready) -- unexplained: {len(unexplained)}"
    )
    lines += [
        f"  {r['file']}: {r['reason']}"
        + ("  [court_treated_ready agrees]" if r.get("court_finding_agrees") else "")
        for r in confident
    ]
    flagged = report["flagged_disagreements"]
    lines.append(f"flagged disagreements (the rule left the court a choice): {len(flagged)}")
    for r in flagged:
        court = f" (court: {r['expected_disposition']})" if r["expected_disposition"] else ""
        lines.append(f"  {r['file']}: {_outcome(r)}{court}; options: {_options(r)}")
    undetermined = report["undetermined_answers"]
    lines.append(f"undetermined answers: {len(undetermined)}")
    lines += [f"  {r['file']}: {r['reason']}" for r in undetermined]
    mismatches = report["route_mismatches"]
    lines.append(f"route mismatches: {len(mismatches)}")
    lines += [f"  {r['file']}: {_route_text(r)}" for r in mismatches]
    lines.append(f"errors: {len(report['errors'])}")
    lines += [f"  {r['file']}: {r['error']}" for r in report["errors"]]
    return "\n".join(lines)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    f = report["figures"]
    lines = [
        f"# Agreement with real orders: {_cell(report['directory'])}",
        "",
        f"{report['case_files']} case files, {report['evaluable']} scored, "
        f"{len(report['skipped'])} without `expected.merits_reached`, "
        f"{len(report['errors'])} errors. An undetermined answer counts as a miss; n/a: "
        "nothing to count.",
        "",
        "| figure | what | count | rate |",
        "|---|---|---|---|",
    ]
    rows = [
        ("merits", "court reached the merits", f["merits"]),
        ("not_merits", "court did not reach the merits", f["not_merits"]),
        ("", "all orders", f["all"]),
        ("balanced", "mean of the two", f["balanced"]),
        ("route", "route agreement", f["route"]),
        ("coverage", "determined answers", f["coverage"]),
        ("firm_precision", "agreement of determined, unflagged answers", f["firm_precision"]),
        ("", "flagged answers (of all scored)", f["flagged"]),
        ("", "flagged: the court took the rule's default", f["default_taken"]),
    ]
    for name, what, fig in rows:
        count = f"{fig['count']}/{fig['of']}" if fig["count"] is not None else ""
        lines.append(f"| {f'`{name}`' if name else ''} | {what} | {count} | {pct(fig)} |")
    lines += ["", "| file | merits | route | flag | engine | court | note |",
              "|---|---|---|---|---|---|---|"]
    for r in report["files"]:
        if "error" in r:
            lines.append(f"| {_cell(r['file'])} | ERROR | | | | | {_cell(r['error'])} |")
            continue
        notes = [r.get("reason", "")]
        if r["route_status"] not in (None, "agree"):
            notes.append(_route_text(r))
        if r["flagged"]:
            notes.append(f"options: {_options(r)}")
        court = "merits" if r["merits_reached"] else "no merits"
        lines.append(
            f"| {_cell(r['file'])} | {_MERITS_MARK[r['kind']]} | "
            f"{_ROUTE_MARK[r['route_status']]} | {'flag' if r['flagged'] else ''} | "
            f"{_READY[r['ready_for_hearing']]} | {court} | "
            f"{_cell('; '.join(n for n in notes if n))} |"
        )
    for title, key in (("Confident disagreements (determined, no flag)",
                        "confident_disagreements"),
                       ("Flagged disagreements", "flagged_disagreements")):
        lines += ["", f"## {title}: {len(report[key])}", ""]
        for r in report[key]:
            extra = f"; options: {_options(r)}" if r["flagged"] else ""
            lines.append(f"- {_cell(r['file'])}: {_cell(r['reason'])}{_cell(extra)}")
    return "\n".join(lines)
