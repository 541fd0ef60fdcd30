"""Assemble a decision (``rulepath/decision-1``) from a :class:`reader.Reading`.

Generic over packs: it knows the output vocabulary every pack shares (``logic/core/output.lp``)
and the force each pack declares for its consequences, never the conditions of any rule. The
one decoder of the engine: :func:`decode` (a typed :class:`Decision`), eval and the batch all
go through :func:`decode_dict`.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable
from datetime import date
from typing import Any

import orjson

from .casefile import Case
from .deadlines import Measured
from .decision import FORMAT_ID, Decision, iso
from .facts import CaseFacts
from .program import Program
from .reader import RawReading, Reading, Shown, Tables, tables_for
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


# The outputs whose cite a decision reports (the cite of the rule that concluded it).
_CITED = frozenset(
    {"req", "excused", "exception", "sanction", "next_step", "readiness", "option", "cure"}
)
# The sections of a decision kept apart (see Decisive), by the outputs each reports: the body
# up to the presumptions in four parts, each with what it notes undetermined (governs, route
# and readiness for hearing; the defects and requirements; the exceptions; the sanctions);
# the court's options and cures and what they note undetermined; the rest (the deadlines
# that apply, the disposition, the next steps, the readiness; the conflicts, which read every
# output held at most once).
_SECTIONS = (
    frozenset({"governs", "route", "ready_for_hearing"}),
    frozenset({"req", "met", "excused"}),
    frozenset({"exception", "exception_fails"}),
    frozenset({"sanction"}),
    frozenset({"option", "cure"}),
    frozenset({"deadline_applies", "recommended", "consistent", "next_step", "readiness"}),
)
PARTS = 4  # the body's parts: sections 0 to 3
REQUIREMENTS, DISCRETION, REST = 1, 4, 5


def note_section(label: str) -> int | None:
    """The section whose part of :func:`decode_dict` notes a conclusion undetermined, by its
    label (None: none of them)."""
    if label in ("governs", "ready_for_hearing") or label.startswith("route("):
        return 0
    if label.startswith("requirement "):
        return REQUIREMENTS
    if label.startswith("exception("):
        return 2
    if label.startswith("sanction("):
        return 3
    if label.startswith(("option(", "cure(")):
        return DISCRETION
    return None


class Decisive:
    """What :func:`decode_dict` reads of a one-solve reading (:class:`reader.Shown`), split in
    two: the *fragment* (every part of a decision but the presumptions relied on and the facts
    its undetermined conclusions depend on), which the batch keeps, and the rest, read afresh
    for each case. It reads the shown raw values as they are (when :attr:`reader.Shown.raw`:
    an atom holds in some completion when it is shown, in every one when its complement is
    not).

    The fragment reads the outputs it reports (a requirement's ``met`` only where the
    requirement applies in every completion) and the firings whose cite it reports (of a
    conclusion whose cite is reported, :data:`_CITED`, and whose rules carry different
    cites) or that drew a conflict: ``both`` atoms,
    read in every completion and in some, and ``certain`` ones, read in every completion
    only. It is kept in sections (:data:`_SECTIONS`), each by what it reads: :meth:`keys` is
    what the values say of each section's atoms (``read[section]``), so two decisions of one
    program with one key for a section have that section alike. What a section notes
    undetermined is kept with it (:data:`Notes`): the facts each depends on are walked for
    each case (:class:`reader.RawReading`); the presumptions (``assumed``) are put in by
    :meth:`assumed`, of a JSON item prepared per presumption."""

    def __init__(self, shown: Shown, t: DecodeTables) -> None:
        reader = t.reader
        single = {name for name, _ in reader.single}
        by_key = {key: rep for rep, (key, _, _) in shown.out.items()}
        off = shown.complement
        self.complement = off.__getitem__
        # per section: the atoms read in every completion and in some, and those read in
        # every completion only (the conflicts, of the rest, read the outputs held at most
        # once and the firings of their rules, wherever those are reported)
        both: list[list[int]] = [[] for _ in _SECTIONS]
        certain: list[list[int]] = [[] for _ in _SECTIONS]
        for rep, (_, name, _) in shown.out.items():
            kind = both if name in _BOTH else certain if name in _CERTAIN else None
            if kind is None:
                continue
            for i, names in enumerate(_SECTIONS):
                if name in names:
                    kind[i].append(rep)
            if name in single:  # the conflicts read it in every completion
                certain[REST].append(rep)
        decisive = {str(r) for r in decisive_rules(reader.program)}
        for rep, rid in shown.fired.items():
            head = reader.rule_head.get(rid)
            if head is None or rid not in decisive:
                continue
            name = head.partition("(")[0]
            if name in single:  # the conflicts read it in every completion
                certain[REST].append(rep)
        # the key's atoms: in both, each atom and its complement (whether it holds in every
        # completion and in some); in certain, the complement (whether it holds in every one)
        self.read = [
            frozenset((*b, *(off.get(rep, 0) for rep in (*b, *c))))
            for b, c in zip(both, certain, strict=True)
        ]
        # per section, the conclusions whose cite it reports whose rules carry different
        # cites: the rules concluding each, in order, as (firing, its complement, cite); the
        # key reads the cite reported (see reader.Reading.cite)
        fired_rep = {rid: rep for rep, rid in shown.fired.items()}
        self.cited: list[list[tuple[tuple[int, int, str], ...]]] = [[] for _ in _SECTIONS]
        for head, rules in reader.rules_for.items():
            name = head.partition("(")[0]
            if head in reader.one_cite or name not in _CITED:
                continue
            pairs = tuple(
                (fired_rep[rid], off.get(fired_rep[rid], 0), rcite)
                for rid, rcite in rules
                if rid in fired_rep
            )
            for i, names in enumerate(_SECTIONS):
                if name in names:
                    self.cited[i].append((*pairs, (0, 0, rules[0][1])))
        # (req(Q), its complement, met(Q), its complement) of every requirement: met is read
        # where req holds in every completion (by the requirements)
        self.met = [
            (by_key[req], off.get(by_key[req], 0), by_key[met], off.get(by_key[met], 0))
            for _, req, met, *_ in t.requirements
            if req in by_key and met in by_key
        ]
        # each presumption the decision may report: (its rank in the order reported, its
        # item as JSON when relied on in some completion only, in every one)
        self.presumed = frozenset(shown.presumed)
        ranks = {d: i for i, d in enumerate(sorted(shown.presumed.values()))}
        self.assumed_items: dict[int, tuple[int, tuple[bytes, bytes]]] = {}
        for rep, d in shown.presumed.items():
            decl = t.assumed.get(d)
            if decl is not None:
                did, dcite, fact = decl
                no, yes = (
                    orjson.dumps({"id": did, "cite": dcite, "fact": fact,
                                  "in_every_completion": every})
                    for every in (False, True)
                )
                self.assumed_items[rep] = (ranks[d], (no, yes))
        # what assumed reads: each reported presumption and its complement; and its JSON by
        # what it read of a solve's values (bounded, cleared when full)
        self.assumed_read = frozenset(
            (*self.assumed_items, *(off.get(rep, 0) for rep in self.assumed_items))
        )
        self._assumed: dict[bytes, bytes] = {}

    def keys(self, values: set[int]) -> list[Hashable]:
        """The key of each section (:data:`_SECTIONS`): what it reads of one solve's shown
        raw values."""
        out: list[Hashable] = []
        for read, cited in zip(self.read, self.cited, strict=True):
            # the values read, sorted, as bytes: a key of 8 bytes a value (a frozenset of
            # them would keep some 60 bytes a value, and the caches hold thousands of keys)
            found = array("Q", sorted(read & values)).tobytes()
            out.append((found, _cites(cited, values)) if cited else found)
        out[REQUIREMENTS] = (
            out[REQUIREMENTS],
            tuple([
                (m in values) + (m in values and m_off not in values)
                for req, req_off, m, m_off in self.met
                if req in values and req_off not in values
            ]),
        )
        return out

    def assumed(self, values: set[int]) -> bytes:
        """The decision's ``assumed`` as JSON: the presumptions relied on in some completion,
        in the order :func:`decode_dict` reports them (kept by what it reads of the values:
        each reported presumption and its complement)."""
        read = self.assumed_read & values
        key = array("Q", sorted(read)).tobytes()  # compact: 8 bytes a value
        kept = self._assumed.get(key)
        if kept is not None:
            return kept
        items, off = self.assumed_items, self.complement
        found = sorted(
            (items[rep][0], items[rep][1][off(rep) not in values])
            for rep in read
            if rep in items
        )
        if len(self._assumed) >= ASSUMED_MAX:
            self._assumed.clear()
        kept = self._assumed[key] = b"[" + b",".join([item for _, item in found]) + b"]"
        return kept


# The most ``assumed`` JSON texts a program's decoder keeps (about 2 KB each; the real orders'
# population meets about one new pattern of presumptions in ten cases).
ASSUMED_MAX = 512


def _cites(cited: list[tuple[tuple[int, int, str], ...]], values: set[int]) -> tuple[str, ...]:
    """The cite reported of each conclusion of :attr:`Decisive.cited` (its rules ending in
    (0, 0, the first rule's cite)): of the first rule that fires in every completion, else in
    some, else the first."""
    out = []
    for rules in cited:
        found = next((c for rep, off, c in rules if rep in values and off not in values), None)
        if found is None:
            found = next(c for rep, _, c in rules if rep in values or rep == 0)
        out.append(found)
    return tuple(out)


def decode_dict(
    t: DecodeTables,
    case: Case,
    as_of: date,
    deadlines: dict[str, Measured],
    r: Reading,
    notes: Notes | None = None,
    raw: RawReading | None = None,
) -> dict[str, Any]:
    """:func:`decode` then ``to_dict(explanation=False)``. A determined reading (its two sides
    one model) raises NotDetermined where decode would report an undetermined conclusion.
    ``notes``, when given, receives what the decision reports undetermined (see
    :func:`undetermined`); ``raw``, the same solve's raw values, walks the facts those
    depend on (the same facts, found faster)."""
    truth, rule_cite, text, determined = r.truth, r.cite, t.text, r.determined
    noted: Notes = [] if notes is None else notes

    def note(term: str, label: str | None = None, *also: str) -> None:
        if determined:
            raise NotDetermined(term)
        noted.append((label or term, (term, *also)))

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
        "undetermined": undetermined(r if raw is None else raw, noted),
        "conflicts": conflicts,
    }


# What a decision reports undetermined, in order: (the conclusion as reported, the terms whose
# unknown facts it depends on).
Notes = list[tuple[str, tuple[str, ...]]]


def undetermined(r: Reading | RawReading, notes: Notes) -> list[dict[str, Any]]:
    """The decision's ``undetermined``: each noted conclusion with the unknown facts its terms
    depend on."""
    out = []
    for label, terms in notes:
        if isinstance(r, RawReading):
            out.append({"conclusion": label, "depends_on": r.walk.paths_of(r.bits(terms))})
            continue
        paths = r.depends_on(terms[0])
        for other in terms[1:]:
            paths |= r.depends_on(other)
        out.append({"conclusion": label, "depends_on": sorted(paths)})
    return out


def undetermined_json(raw: RawReading, notes: Notes) -> bytes:
    """:func:`undetermined` of a one-solve reading, as JSON (as ``orjson.dumps`` gives it)."""
    walk = raw.walk
    return b"[" + b",".join([
        b"".join((b'{"conclusion":', orjson.dumps(label), b',"depends_on":',
                  walk.json_of(raw.bits(terms)), b"}"))
        for label, terms in notes
    ]) + b"]"


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
