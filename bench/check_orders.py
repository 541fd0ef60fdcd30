"""`rulepath check-order` measured on real orders (issue 10, part 3).

Every case file of ../shared/corpus/dev is checked with the court's own order as the draft:
its ``expected`` block made an ``order`` block (:func:`order_from_expected`). The first figure
is how many come out ``consistent`` or ``depends`` (target: 90%), with every other one and
its reasons. Then each file's draft is mutated, one mutation at a time, into one the rule
forbids on the file's facts, and the second figure is how many of those ``check-order`` flags
``inconsistent`` (target: 95%), with every miss:

- ``disposition``: a draft that reaches the merits made a denial without prejudice when the
  decision is determined ready and no procedural disposition is open; a procedural one made a
  grant when the decision is determined not ready and no merits disposition is open;
- ``exception``: an exception that applies (determined) dropped (its grounds removed, the
  draft finding it does not apply), or one that does not apply (determined) invoked (its
  clause cited, the draft finding it applies);
- ``sanction``: a sanction of a kind the pack names against a party the decision does not
  expose to it (in any completion);
- ``numbering``: a cite of the rule written in another version's numbering.

A mutation is made only where it is incompatible with the rule on the file's facts, judged
from the decision (never from check-order's answer); the others are counted as skipped, with
why. Nothing here names a file, and no figure is timed.

    python -m bench.check_orders                 # ../shared/corpus/dev
    python -m bench.check_orders --corpus DIR    # another folder of case files
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rulepath.engine.api import decide
from rulepath.engine.casefile import Case, case_from_mapping
from rulepath.engine.check_order import OrderCheck, check_order
from rulepath.engine.cites import (
    CiteError,
    covers,
    current,
    in_current,
    in_version,
    parse_cite,
    renumbered,
    within,
)
from rulepath.engine.decision import Decision
from rulepath.engine.documents import parse_document
from rulepath.engine.errors import RulepathError
from rulepath.engine.evaluate import case_files
from rulepath.engine.order_spec import PARTIES, OrderSpec, order_spec
from rulepath.engine.pack import Version, load_pack

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
TARGET_ORIGINAL = 0.90
TARGET_MUTATED = 0.95
# The sanction's target when expected.sanctions is `imposed` (the block does not say whom):
# in the corpus' own words sanctions fell on the non-movants (corpus/README.md).
IMPOSED_AGAINST = "opposing_party"
# Whom an unsupported sanction is tried against, in turn: first the other side (a party who did
# not refuse), then the movant.
MUTATION_PARTIES = ("opposing_counsel", "opposing_party", "movant", "movant_counsel")


@dataclass
class Row:
    file: str
    verdict: str
    reasons: list[str]
    note: str = ""
    depends_on: list[str] = field(default_factory=list)


@dataclass
class Mutant:
    file: str
    kind: str
    what: str
    verdict: str  # inconsistent: an element the mutation touched is flagged
    reasons: list[str] = field(default_factory=list)


def _cite(text: str) -> Any:
    try:
        return parse_cite(text)
    except CiteError:
        return None


def sanction_kind(grounds: Iterable[str], spec: OrderSpec, version: Version) -> tuple[str, str]:
    """The pack's sanction kind of the first ground that falls under one (and that ground),
    else ``other``."""
    for text in grounds:
        cite = _cite(text)
        if cite is None:
            continue
        mine = in_current(cite, version)
        for kind, s in spec.sanctions.items():
            own = _cite(s.cite) if s.cite else None
            if s.grounds and own is not None and within(mine, own):
                return kind, text
    return "other", ""


def order_from_expected(case: Case, decision: Decision) -> dict[str, Any]:
    """The court's own order as a draft: disposition, merits_reached and grounds as recorded;
    the exceptions the recorded route implies (the pack's order.toml) as findings; a direction
    to confer when the court ordered one; a sanction when one was imposed."""
    e = case.expected
    assert e is not None
    pack = load_pack(case.pack)
    spec = order_spec(pack)
    version = pack.version_for(case.as_of or decision_date(decision), case.rule_version)
    order: dict[str, Any] = {}
    if e.disposition is not None:
        order["disposition"] = e.disposition
    if e.merits_reached is not None:
        order["merits_reached"] = e.merits_reached
    if e.grounds:
        order["grounds"] = list(e.grounds)
    if e.route is not None and spec.routes.get(e.route):
        order["findings"] = [{"about": x, "holds": True} for x in spec.routes[e.route]]
    if e.ordered_to_confer and "confer" in spec.directs:
        order["directs"] = [{"kind": "confer"}]
    if e.sanctions == "imposed":
        kind, ground = sanction_kind(e.grounds or (), spec, version)
        sanction: dict[str, Any] = {"kind": kind, "against": IMPOSED_AGAINST}
        if ground:
            sanction["cite"] = ground
        order["sanctions"] = [sanction]
    return order


def decision_date(decision: Decision) -> Any:
    from datetime import date

    return date.fromisoformat(decision.as_of)


def _with_order(data: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["order"] = order
    return out


def _problems(result: OrderCheck) -> list[str]:
    return [f"{c.element} [{c.check}]: {c.reason}" for c in result.checks
            if c.verdict == "inconsistent"]


# --- mutations ----------------------------------------------------------------------------


def _open(decision: Decision, dispositions: Iterable[str]) -> bool:
    """Whether any of ``dispositions`` is open to the court in some completion: consistent,
    a court option, or undetermined (a conclusion naming it)."""
    wanted = set(dispositions)
    if wanted & set(decision.disposition.consistent):
        return True
    if wanted & {o.option for o in decision.discretion.options}:
        return True
    for u in decision.undetermined:
        head, _, rest = u.conclusion.partition("(")
        if head in ("consistent", "option", "recommended") and rest.split(",")[0].rstrip(")") \
                in wanted:
            return True
    return False


# A mutated order (None: not made), what was changed (or why not), the elements it touched.
Mutation = tuple[dict[str, Any] | None, str, tuple[str, ...]]


def mutate_disposition(order: dict[str, Any], decision: Decision,
                       spec: OrderSpec) -> Mutation:
    word = order.get("disposition")
    if word is None:
        return None, "no disposition recorded", ()
    ds = spec.disposition(word)
    if not ds.realises:
        return None, f"disposition {word}: nothing the rule names", ()
    reaches = order.get("merits_reached", ds.merits)
    if reaches is None:
        return None, "whether the court reached the merits is not recorded", ()
    target = "denied_without_prejudice" if reaches else "granted"
    if decision.ready_for_hearing is None:
        return None, "the decision's readiness is undetermined", ()
    if _open(decision, spec.disposition(target).realises):
        return None, f"{target} is open to the court on these facts", ()
    out = {**order, "disposition": target, "merits_reached": not reaches}
    return out, f"{word} -> {target}", ("order.disposition", "order.merits_reached")


def mutate_exception(order: dict[str, Any], decision: Decision,
                     version: Version) -> Mutation:
    if not decision.exceptions or any(x.applies is None for x in decision.exceptions):
        return None, "an exception is undetermined", ()
    applying = [x for x in decision.exceptions if x.applies]
    out = copy.deepcopy(order)
    findings = [f for f in out.get("findings", []) if f["about"] not in
                {x.id for x in decision.exceptions}]
    if applying:
        x = applying[0]
        own = in_current(parse_cite(x.cite), version)
        kept = []
        for g in out.get("grounds", []):
            cite = _cite(g)
            if cite is None or not covers(in_current(cite, version), own):
                kept.append(g)
        out["grounds"] = kept
        out["findings"] = [*findings, {"about": x.id, "holds": False}]
        return out, f"drop {x.id} ({x.cite})", (f"order.findings[{len(findings)}]",)
    x = decision.exceptions[0]
    out["grounds"] = [*out.get("grounds", []), x.cite]
    out["findings"] = [*findings, {"about": x.id, "holds": True}]
    return out, f"invoke {x.id} ({x.cite})", (f"order.findings[{len(findings)}]",
                                               f"order.grounds[{len(out['grounds']) - 1}]")


def _exposed(decision: Decision) -> set[tuple[str, str]]:
    found = {(s.against, s.ground) for s in decision.sanctions}
    for u in decision.undetermined:
        if u.conclusion.startswith("sanction(") and u.conclusion.endswith(")"):
            a, _, g = u.conclusion[len("sanction("):-1].partition(",")
            found.add((a, g))
    return found


def mutate_sanction(order: dict[str, Any], decision: Decision,
                    spec: OrderSpec) -> Mutation:
    exposed = _exposed(decision)
    for kind, s in spec.sanctions.items():
        if not s.grounds:
            continue
        for party in MUTATION_PARTIES:
            assert party in PARTIES
            if any(g in s.grounds and party in spec.reaches(a) for a, g in exposed):
                continue
            before = order.get("sanctions", [])
            out = {**order, "sanctions": [*before, {"kind": kind, "against": party}]}
            return out, f"{kind} against {party}", (f"order.sanctions[{len(before)}]",)
    return None, "every party is exposed to every sanction kind", ()


def _rule_cite(text: str, spec: OrderSpec, version: Version) -> bool:
    cite = _cite(text)
    if cite is None or not cite.local:
        return False
    mine = in_current(cite, version)
    return mine.number == spec.rule_root or mine.number.startswith(spec.rule_root + "-")


def mutate_numbering(order: dict[str, Any], decision: Decision, spec: OrderSpec,
                     version: Version, versions: tuple[Version, ...]) -> Mutation:
    grounds = list(order.get("grounds", []))
    candidates = [(i, g) for i, g in enumerate(grounds) if _rule_cite(g, spec, version)]
    if not candidates:  # none cited: the decision's own first cite of the rule, added
        own = [q.cite for q in decision.requirements if _rule_cite(q.cite, spec, version)]
        if not own:
            return None, "no cite of the rule to renumber", ()
        grounds.append(own[0])
        candidates = [(len(grounds) - 1, own[0])]
    i, text = candidates[0]
    now = current(text, version)
    for other in versions:
        wrong = in_version(now, other)
        if wrong != text and renumbered(parse_cite(wrong), version, versions) is not None:
            grounds[i] = wrong
            return {**order, "grounds": grounds}, f"{text} -> {wrong}", (f"order.grounds[{i}]",)
    return None, "the pack has one numbering", ()


# --- the run ------------------------------------------------------------------------------


def run(corpus: Path) -> dict[str, Any]:
    rows: list[Row] = []
    mutants: list[Mutant] = []
    skipped: Counter[str] = Counter()
    skip_reasons: dict[str, Counter[str]] = {}
    errors: list[str] = []
    for path in case_files(corpus):
        try:
            data = parse_document(path.read_text(encoding="utf-8"), "yaml", str(path))
            case = case_from_mapping(data, source=str(path))
            if case.expected is None:
                continue
            decision = decide(case, explain=False)
            order = order_from_expected(case, decision)
            result = check_order(_with_order(data, order))
        except RulepathError as error:
            errors.append(f"{path.name}: {error}")
            continue
        note = " ".join((case.expected.note or "").split())
        rows.append(Row(path.name, result.verdict, _problems(result), note,
                        sorted({p for c in result.checks for p in c.depends_on})))
        pack = load_pack(case.pack)
        spec = order_spec(pack)
        version = pack.version_for(case.as_of or decision_date(decision), case.rule_version)
        made = {
            "disposition": mutate_disposition(order, decision, spec),
            "exception": mutate_exception(order, decision, version),
            "sanction": mutate_sanction(order, decision, spec),
            "numbering": mutate_numbering(order, decision, spec, version, pack.versions),
        }
        for kind, (mutated, what, touched) in made.items():
            if mutated is None:
                skipped[kind] += 1
                skip_reasons.setdefault(kind, Counter())[what] += 1
                continue
            try:
                checked = check_order(_with_order(data, mutated))
            except RulepathError as error:
                errors.append(f"{path.name} ({kind} mutation): {error}")
                continue
            # flagged: an element the mutation touched is found inconsistent
            hit = any(c.verdict == "inconsistent" and c.element in touched
                      for c in checked.checks)
            mutants.append(Mutant(path.name, kind, what,
                                  "inconsistent" if hit else checked.verdict,
                                  [f"{c.element} [{c.check}] {c.verdict}: {c.reason}"
                                   for c in checked.checks if c.element in touched]))
    return {"rows": rows, "mutants": mutants, "skipped": skipped,
            "skip_reasons": skip_reasons, "errors": errors}


def _rate(count: int, of: int) -> str:
    return f"{count}/{of} = {count / of:.1%}" if of else "n/a"


def report(found: dict[str, Any], corpus: Path) -> tuple[list[str], float | None, float | None]:
    rows: list[Row] = found["rows"]
    mutants: list[Mutant] = found["mutants"]
    good = [r for r in rows if r.verdict != "inconsistent"]
    verdicts = Counter(r.verdict for r in rows)
    lines = [f"check-order on the court's own orders: {corpus} ({len(rows)} files)", ""]
    lines.append(f"  consistent or depends:  {_rate(len(good), len(rows))}  (target "
                 f"{TARGET_ORIGINAL:.0%}; consistent {verdicts['consistent']}, depends "
                 f"{verdicts['depends']}, inconsistent {verdicts['inconsistent']})")
    flagged = [m for m in mutants if m.verdict == "inconsistent"]
    lines.append(f"  mutations flagged:      {_rate(len(flagged), len(mutants))}  (target "
                 f"{TARGET_MUTATED:.0%})")
    by_kind = Counter(m.kind for m in mutants)
    flagged_kind = Counter(m.kind for m in flagged)
    for kind in ("disposition", "exception", "sanction", "numbering"):
        lines.append(f"    {kind:<12} {_rate(flagged_kind[kind], by_kind[kind]):<20} "
                     f"skipped {found['skipped'][kind]}"
                     + "".join(f"; {n} {why}" for why, n in
                               found["skip_reasons"].get(kind, Counter()).most_common()))
    lines += ["", f"court's orders found inconsistent: {len(rows) - len(good)}"]
    for r in rows:
        if r.verdict != "inconsistent":
            continue
        lines.append(f"  {r.file}")
        lines += [f"    - {p}" for p in r.reasons]
        if r.note:
            lines.append(f"    the court: {r.note}")
    depends = [r for r in rows if r.verdict == "depends"]
    lines += ["", f"court's orders that depend on unknown facts: {len(depends)}"]
    lines += [f"  {r.file}: {', '.join(r.depends_on) or '-'}" for r in depends]
    misses = [m for m in mutants if m.verdict != "inconsistent"]
    lines += ["", f"mutations not flagged: {len(misses)}"]
    for m in misses:
        lines.append(f"  {m.file} ({m.kind}: {m.what}): {m.verdict}")
        lines += [f"    - {x}" for x in m.reasons]
    if found["errors"]:
        lines += ["", f"errors: {len(found['errors'])}"]
        lines += [f"  {e}" for e in found["errors"]]
    original = len(good) / len(rows) if rows else None
    mutated = len(flagged) / len(mutants) if mutants else None
    return lines, original, mutated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check_orders",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help=f"the folder of case files (default: {CORPUS})")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not corpus.is_dir():
        print(f"skipped: no corpus of real orders at {corpus} (the shared corpus is not "
              "checked out here)")
        return 0
    lines, _original, _mutated = report(run(corpus), corpus)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
