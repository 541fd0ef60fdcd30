"""Assemble a decision (``rulepath/decision-1``) from a :class:`reader.Reading`.

Generic over packs: it knows the output vocabulary every pack shares (``logic/core/output.lp``)
and the force each pack declares for its consequences, never the conditions of any rule. The
one decoder of the engine: :func:`decode` (a typed :class:`Decision`), eval and the batch all
go through :func:`decode_dict`.
"""

from __future__ import annotations

from array import array
from datetime import date
from typing import Any

from .casefile import Case
from .deadlines import Measured
from .decision import FORMAT_ID, Decision, iso
from .facts import CaseFacts
from .program import Program
from .reader import Reading, Shown, Tables, tables_for
from .solve import Consequences, decisive_rules


class NotDetermined(Exception):
    """Raised by a ``determined`` decode when a conclusion it must report is not determined."""


class DecodeTables:
    """The decoder's view of a program's declarations, as plain strings (once per program)."""

    def __init__(self, program: Program) -> None:
        cite, text = program.cite, program.text
        self.reader: Tables = tables_for(program)
        self.requirements = []
        for qid, (qcite, defect) in sorted(program.requirements.items()):
            force = program.force(f"requirement({qid})")
            self.requirements.append(
                (
                    qid,
                    f"req({qid})",
                    f"met({qid})",
                    f"excused({qid})",
                    cite(qcite),
                    defect,
                    text(defect),
                    force[0] if force else None,
                )
            )
        self.exceptions = [
            (str(h), h.arguments[0].name, text(h.arguments[0].name))
            for h in sorted(program.rules_by_head, key=str)
            if h.name == "exception" and len(h.arguments) == 1
        ]
        self.sanction_force = {
            item[len("sanction(") : -1]: force
            for item in program.forces
            if item.startswith("sanction(") and (force := program.force(item)) is not None
        }
        self.assumed: dict[str, tuple[str, str, str]] = {}
        input_path = self.reader.input_path
        for rid, decl in program.rules.items():
            target = decl.head.arguments[0] if decl.head.name == "neg" else decl.head
            path = input_path.get(str(target), str(target))
            self.assumed[str(rid)] = (str(rid), cite(decl.cite), path)
        self.deadlines = {
            did: (dl.id, cite(dl.param_cite), dl.anchor, dl.event, dl.days, dl.unit, dl.direction)
            for did, dl in program.deadlines.items()
        }
        self.text = self.reader.text
        self.pack = program.pack.id
        self.version = program.version.id
        self.overlays = list(program.overlays)


def decode_tables(program: Program) -> DecodeTables:
    return program.derived("decode.tables", DecodeTables)


# What decode_dict reads of the outputs in every completion and in some, and in every
# completion only, when it reports no conclusion undetermined.
_BOTH = frozenset(
    {"governs", "ready_for_hearing", "route", "excused", "req", "exception", "sanction",
     "option", "cure"}
)
_CERTAIN = frozenset(
    {"exception_fails", "deadline_applies", "recommended", "next_step", "readiness",
     "consistent"}
)


class Decisive:
    """What :func:`decode_dict` reads of a one-solve reading (:class:`reader.Shown`) when the
    decision reports no conclusion undetermined: the outputs it reports (a requirement's
    ``met`` only where the requirement applies in every completion), the presumptions, and
    the firings whose cite it reports (a conclusion whose rules carry different cites) or
    that drew a conflict. Two such decisions of one program whose readings agree on these are
    the same but for the case's caption and dates (the batch keeps one template for them)."""

    def __init__(self, shown: Shown, t: DecodeTables) -> None:
        reader = t.reader
        single = {name for name, _ in reader.single}
        by_key = {key: rep for rep, (key, _, _) in shown.out.items()}
        both = [rep for rep, (_, name, _) in shown.out.items() if name in _BOTH]
        both += shown.presumed
        certain = [rep for rep, (_, name, _) in shown.out.items() if name in _CERTAIN]
        decisive = {str(r) for r in decisive_rules(reader.program)}
        for rep, rid in shown.fired.items():
            head = reader.rule_head.get(rid)
            if head is None or rid not in decisive:
                continue
            if head not in reader.one_cite:
                both.append(rep)
            elif head.partition("(")[0] in single:
                certain.append(rep)
        self.both = frozenset(both)
        self.certain = frozenset(certain)
        index = {rep: i for i, rep in enumerate((*both, *certain))}
        self.index = index.__getitem__
        # (req(Q), met(Q)) of every requirement: met is read where req holds in every completion
        self.met = [
            (by_key[req], by_key[met], i)
            for i, (_, req, met, *_) in enumerate(t.requirements)
            if req in by_key and met in by_key
        ]

    def key(self, certain: set[int], possible: set[int]) -> bytes:
        index = self.index
        met = bytearray()
        for req, m, i in self.met:
            if req in certain:
                met += bytes((i, 2 * (m in certain) + (m in possible)))
        return b"".join(
            (
                array("H", sorted(map(index, certain & (self.both | self.certain)))).tobytes(),
                b"\xff\xff",
                array("H", sorted(map(index, possible & self.both))).tobytes(),
                b"\xff\xff",
                met,
            )
        )


def decode_dict(
    t: DecodeTables,
    case: Case,
    as_of: date,
    deadlines: dict[str, Measured],
    r: Reading,
) -> dict[str, Any]:
    """:func:`decode` then ``to_dict(explanation=False)``. A determined reading (its two sides
    one model) raises NotDetermined where decode would report an undetermined conclusion."""
    truth, rule_cite, text, determined = r.truth, r.cite, t.text, r.determined
    undetermined: list[dict[str, Any]] = []

    def note(term: str, label: str | None = None, *also: str) -> None:
        if determined:
            raise NotDetermined(term)
        paths = r.depends_on(term)
        for other in also:
            paths |= r.depends_on(other)
        undetermined.append({"conclusion": label or term, "depends_on": sorted(paths)})

    conflicts = r.conflicts()
    if conflicts and determined:
        # A determined reading carries only the firings whose cite it reports; the rules that
        # drew each conflicting value come with the full reading.
        raise NotDetermined("conflicts")

    def single(name: str, *, noted: bool = True) -> str | None:
        """The one value of an output held at most once; None when undetermined (then noted,
        unless ``noted`` is false) or in conflict (reported under ``conflicts``)."""
        values = r.values(name, 1)
        if len(values) == 1:
            return values[0][0]
        if not values and noted:
            for (v,) in r.possible_values(name, 1):
                note(f"{name}({v})")
        return None

    governs = truth("governs")
    if governs is None:
        note("governs")
    route = single("route")
    ready = truth("ready_for_hearing")
    if ready is None:
        note("ready_for_hearing")

    requirements: list[dict[str, Any]] = []
    defects: list[dict[str, Any]] = []
    for qid, req, met_, excused_, qcite, defect, defect_text, force in t.requirements:
        status = r.requirement_status(qid)
        if status is None:
            continue
        if status == "excused":
            requirements.append(
                {"id": qid, "cite": rule_cite(excused_), "status": status, "force": force}
            )
            continue
        req_cite = rule_cite(req) or qcite
        requirements.append({"id": qid, "cite": req_cite, "status": status, "force": force})
        if status == "unmet":
            defects.append({"id": defect, "cite": req_cite, "text": defect_text, "force": force})
        elif status == "unknown":
            note(met_, f"requirement {qid}", req)

    exceptions: list[dict[str, Any]] = []
    fails = r.values("exception_fails", 2)
    for head, eid, eid_text in t.exceptions:
        applies = truth(head)
        because = eid_text if applies else " ".join(text(w) for e, w in fails if e == eid) or None
        exceptions.append(
            {"id": eid, "cite": rule_cite(head), "applies": applies, "because": because}
        )
        if applies is None:
            note(head)

    sanctions = []
    for a, g in r.values("sanction", 2):
        force, _ = t.sanction_force.get(g, (None, ""))
        sanctions.append(
            {
                "against": a,
                "ground": g,
                "cite": rule_cite(f"sanction({a},{g})"),
                "discretionary": force == "discretion",
                "text": text(g),
                "force": force,
            }
        )
    if not determined:
        certain = {f"sanction({a},{g})" for a, g in r.values("sanction", 2)}
        for a, g in r.possible_values("sanction", 2):
            if f"sanction({a},{g})" not in certain:  # exposure that turns on unknown facts
                note(f"sanction({a},{g})")
    assumed = []
    for d in sorted(r.possible.presumed):
        decl = t.assumed.get(d)
        if decl is not None:
            did, dcite, fact = decl
            assumed.append(
                {
                    "id": did,
                    "cite": dcite,
                    "fact": fact,
                    "in_every_completion": d in r.certain.presumed,
                }
            )
    deadline_list = deadline_entries(t, [d for (d,) in r.values("deadline_applies", 1)], deadlines)
    recommended = single("recommended", noted=False)
    steps = [
        {"who": w, "action": text(a), "cite": rule_cite(f"next_step({w},{a})"), "id": a}
        for w, a in r.values("next_step", 2)
    ]
    basis = single("readiness", noted=False)
    readiness = (
        {"basis": basis, "cite": rule_cite(f"readiness({basis})"), "text": text(basis)}
        if basis is not None
        else None
    )

    options = [
        {
            "option": o,
            "for": f,
            "cite": rule_cite(f"option({o},{f},{dl})"),
            "text": text(o),
            "deadline": dl if dl in t.deadlines else None,
            "date": None,
        }
        for o, f, dl in r.values("option", 3)
    ]
    cures = [
        {
            "requirement": q,
            "action": a,
            "cite": rule_cite(f"cure({q},{a},{dl})"),
            "text": text(a),
            "deadline": dl if dl in t.deadlines else None,
            "by": None,
        }
        for q, a, dl in r.values("cure", 3)
    ]
    discretion = date_discretion({"options": options, "cures": cures}, deadlines)
    if not determined:
        for name, arity in (("option", 3), ("cure", 3)):
            certain_terms = {f"{name}({','.join(v)})" for v in r.values(name, arity)}
            for v in r.possible_values(name, arity):
                if (term := f"{name}({','.join(v)})") not in certain_terms:
                    note(term)
    return {
        "format": FORMAT_ID,
        "case": case.caption,
        "rule": {"pack": t.pack, "version": t.version, "overlays": list(t.overlays)},
        "as_of": as_of.isoformat(),
        "governs": governs,
        "route": route,
        "ready_for_hearing": ready,
        "defects": defects,
        "requirements": requirements,
        "exceptions": exceptions,
        "sanctions": sanctions,
        "assumed": assumed,
        "deadlines": deadline_list,
        "disposition": {
            "recommended": recommended,
            "consistent": [x for (x,) in r.values("consistent", 1)],
        },
        "next_steps": steps,
        "readiness": readiness,
        "discretion": discretion,
        "undetermined": undetermined,
        "conflicts": conflicts,
    }


def date_discretion(
    discretion: dict[str, list[dict[str, Any]]], deadlines: dict[str, Measured]
) -> dict[str, list[dict[str, Any]]]:
    """The court's options and cures with the computed date of the deadline each names (a
    copy: a batch keeps the undated block of a determined decision as its template)."""

    def on(deadline: str | None) -> str | None:
        m = deadlines.get(deadline) if deadline is not None else None
        return iso(m.date) if m is not None else None

    return {
        "options": [{**o, "date": on(o["deadline"])} for o in discretion["options"]],
        "cures": [{**c, "by": on(c["deadline"])} for c in discretion["cures"]],
    }


def deadline_entries(
    t: DecodeTables, applied: list[str], deadlines: dict[str, Measured]
) -> list[dict[str, Any]]:
    out = []
    for d in applied:
        m = deadlines[d]
        did, dcite, anchor, event, days, unit, direction = t.deadlines[d]
        out.append(
            {
                "id": did,
                "date": iso(m.date),
                "cite": dcite,
                "counted_from": anchor,
                "event": event,
                "days": days,
                "unit": unit,
                "direction": direction,
                "status": m.status,
            }
        )
    return out


def decode(
    program: Program, case: Case, as_of: date, facts: CaseFacts, cons: Consequences
) -> Decision:
    """The decision: what holds in every completion (``cons.certain``) is determined; what
    holds in some only (``cons.possible``) is undetermined, with the facts it depends on."""
    reading = Reading.of(program, cons)
    data = decode_dict(decode_tables(program), case, as_of, facts.deadlines, reading)
    return Decision.from_dict(data)
