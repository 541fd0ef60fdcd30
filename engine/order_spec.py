"""What a pack says an order means (its ``order.toml``, beside its ``pack.toml``).

The ``order`` block of a case file (a draft order: docs/formats.md) has fixed keys; what its
words mean under a rule is the pack's: which decision dispositions or court options each
disposition of the shared vocabulary carries out and whether it reaches the merits, the
clauses of the rule and those the pack leaves unencoded, the directives a draft may give and
the case-file date each sets, the sanction kinds and the grounds of the decision's
``sanctions`` exposure each rests on, which parties each ``sanctions[].against`` of the
decision reaches, what each route implies of the exceptions, and which deadlines the court
may move by its own order. :mod:`check_order` reads it; nothing here names a pack's ids.

The finding ids (``order.findings[].about``) are the pack's own requirements, exceptions and
deadlines, read from its programs (every version, with its overlays), never listed twice.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from .casefile import Disposition, Party
from .cites import CiteError, parse_cite
from .errors import PackError

if TYPE_CHECKING:
    from .pack import Pack

# The shared vocabularies of the order block (engine/casefile.py): the dispositions, whom a
# sanction is against.
DISPOSITIONS: tuple[str, ...] = get_args(Disposition)
PARTIES: tuple[str, ...] = get_args(Party)
# The kind of directive and of sanction every pack accepts: one the rule does not name.
OTHER = "other"
FindingKind = Literal["requirement", "exception", "deadline"]


@dataclass(frozen=True)
class DispositionSpec:
    """One disposition of the shared vocabulary under a pack: ``merits`` true (it rules on
    the substance), false (it does not), None (either: ``order.merits_reached`` says which);
    ``realises`` the decision's dispositions or options that carry it out (empty: the rule
    names nothing to check it against)."""

    merits: bool | None
    realises: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class DirectSpec:
    """A directive a draft may give: ``sets`` the case-file date its ``by``/``on`` date is (a
    hearing re-set sets the hearing date), ``cures`` the requirements it meets."""

    text: str
    sets: str | None = None
    cures: tuple[str, ...] = ()


@dataclass(frozen=True)
class SanctionSpec:
    """A sanction kind: the clause it is imposed under, and the grounds of the decision's
    exposure (``sanctions[].ground``) that support it (none: the rule does not name it)."""

    text: str
    cite: str | None = None
    grounds: tuple[str, ...] = ()
    # ground -> the order dispositions it follows (a ground not listed follows any)
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderSpec:
    """A pack's meaning of the order block (``order.toml``)."""

    rule_root: str = ""  # the rule's own number in the current numbering
    clauses: tuple[str, ...] = ()  # its clauses, current numbering
    unencoded: dict[str, str] = field(default_factory=dict)  # clause -> why not checked
    dispositions: dict[str, DispositionSpec] = field(default_factory=dict)
    merits: tuple[str, ...] = ()  # the decision's dispositions that rule on the substance
    directs: dict[str, DirectSpec] = field(default_factory=dict)
    sanctions: dict[str, SanctionSpec] = field(default_factory=dict)
    against: dict[str, tuple[str, ...]] = field(default_factory=dict)  # decision -> order
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # route -> exceptions
    modifiable: dict[str, str] = field(default_factory=dict)  # deadline -> the clause

    def disposition(self, word: str) -> DispositionSpec:
        return self.dispositions.get(word, DispositionSpec(None, ()))

    @property
    def direct_kinds(self) -> tuple[str, ...]:
        return (*[k for k in self.directs if k != OTHER], OTHER)

    @property
    def sanction_kinds(self) -> tuple[str, ...]:
        return (*[k for k in self.sanctions if k != OTHER], OTHER)

    def reaches(self, decision_party: str) -> tuple[str, ...]:
        """The order's parties a sanction the decision exposes ``decision_party`` to reaches
        (the party itself when the pack says nothing)."""
        return self.against.get(decision_party, (decision_party,))


def _strings(where: str, value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackError(where, f"{key}: expected a list of strings")
    return tuple(value)


def _text(where: str, value: object, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PackError(where, f"{key}: expected a string")
    return value


def _table(where: str, doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise PackError(where, f"{key}: expected a table")
    return value


def _closed(where: str, key: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise PackError(where, f"{key}: unknown key(s) {', '.join(sorted(unknown))} "
                               f"(allowed: {', '.join(sorted(allowed))})")


def load_order_spec(path: Path, pack_id: str) -> OrderSpec:
    """Read and check a pack's ``order.toml``; none is an empty spec (every disposition is
    then unchecked, and only ``other`` directives and sanctions are accepted)."""
    where = f"{pack_id}: {path.name}"
    if not path.is_file():
        return OrderSpec()
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PackError(where, f"cannot read: {error}") from None
    _closed(where, "order.toml", doc, {"rule", "dispositions", "merits", "directs",
                                       "sanctions", "against", "routes", "modifiable"})
    rule = _table(where, doc, "rule")
    _closed(where, "rule", rule, {"root", "clauses", "unencoded"})
    clauses = _strings(where, rule.get("clauses"), "rule.clauses")
    unencoded = _table(where, rule, "unencoded")
    for name, cite in (*((f"rule.clauses[{i}]", c) for i, c in enumerate(clauses)),
                       *((f"rule.unencoded.{c}", c) for c in unencoded)):
        try:
            parse_cite(cite)
        except CiteError as error:
            raise PackError(where, f"{name}: {error}") from None
    dispositions = {}
    for word, spec in _table(where, doc, "dispositions").items():
        if word not in DISPOSITIONS:
            raise PackError(where, f"dispositions.{word}: not a disposition of the shared "
                                   f"vocabulary ({', '.join(DISPOSITIONS)})")
        _closed(where, f"dispositions.{word}", spec, {"merits", "realises", "text"})
        merits = spec.get("merits")
        if merits is not None and not isinstance(merits, bool):
            raise PackError(where, f"dispositions.{word}.merits: true, false, or left out")
        dispositions[word] = DispositionSpec(
            merits, _strings(where, spec.get("realises"), f"dispositions.{word}.realises"),
            _text(where, spec.get("text"), f"dispositions.{word}.text"))
    directs = {}
    for kind, spec in _table(where, doc, "directs").items():
        _closed(where, f"directs.{kind}", spec, {"text", "sets", "cures"})
        sets = spec.get("sets")
        if sets is not None and not isinstance(sets, str):
            raise PackError(where, f"directs.{kind}.sets: a case-file date field")
        directs[kind] = DirectSpec(_text(where, spec.get("text"), f"directs.{kind}.text"),
                                   sets, _strings(where, spec.get("cures"), f"directs.{kind}"))
    sanctions = {}
    for kind, spec in _table(where, doc, "sanctions").items():
        _closed(where, f"sanctions.{kind}", spec, {"text", "cite", "grounds", "when"})
        cite = spec.get("cite")
        if cite is not None:
            try:
                parse_cite(cite)
            except CiteError as error:
                raise PackError(where, f"sanctions.{kind}.cite: {error}") from None
        grounds = _strings(where, spec.get("grounds"), f"sanctions.{kind}.grounds")
        when = {}
        for ground, words in _table(where, spec, "when").items():
            if ground not in grounds:
                raise PackError(where, f"sanctions.{kind}.when.{ground}: not one of its grounds")
            when[ground] = _strings(where, words, f"sanctions.{kind}.when.{ground}")
            bad = [w for w in when[ground] if w not in DISPOSITIONS]
            if bad:
                raise PackError(where, f"sanctions.{kind}.when.{ground}: {', '.join(bad)} not "
                                       "a disposition of the shared vocabulary")
        sanctions[kind] = SanctionSpec(
            _text(where, spec.get("text"), f"sanctions.{kind}.text"), cite, grounds, when)
    against = {}
    for party, reaches in _table(where, doc, "against").items():
        parties = _strings(where, reaches, f"against.{party}")
        bad = [p for p in parties if p not in PARTIES]
        if bad:
            raise PackError(where, f"against.{party}: {', '.join(bad)} not one of "
                                   f"{', '.join(PARTIES)}")
        against[party] = parties
    routes = {}
    for route, spec in _table(where, doc, "routes").items():
        _closed(where, f"routes.{route}", spec, {"exceptions"})
        routes[route] = _strings(where, spec.get("exceptions"), f"routes.{route}.exceptions")
    modifiable = {str(k): _text(where, v, f"modifiable.{k}")
                  for k, v in _table(where, doc, "modifiable").items()}
    return OrderSpec(
        rule_root=_text(where, rule.get("root"), "rule.root"),
        clauses=clauses,
        unencoded={str(k): _text(where, v, f"rule.unencoded.{k}") for k, v in unencoded.items()},
        dispositions=dispositions,
        merits=_strings(where, doc.get("merits"), "merits"),
        directs=directs,
        sanctions=sanctions,
        against=against,
        routes=routes,
        modifiable=modifiable,
    )


@cache
def _order_spec(path: Path, stamp: int, pack_id: str) -> OrderSpec:
    return load_order_spec(path, pack_id)


def order_spec(pack: Pack) -> OrderSpec:
    """The pack's ``order.toml``, read once per version of the file."""
    path = pack.root / pack.order_file
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _order_spec(path, stamp, pack.id)


@cache
def finding_ids(pack_id: str) -> dict[str, FindingKind]:
    """The ids a finding may be about: every requirement, exception and deadline the pack
    declares in any version, with any of its overlays (the programs are built, not solved)."""
    from .pack import load_pack
    from .program import program_for

    pack = load_pack(pack_id)
    ids: dict[str, FindingKind] = {}
    for version in pack.versions:
        program = program_for(pack, version, tuple(sorted(pack.overlays)))
        for q in program.requirements:
            ids.setdefault(q, "requirement")
        for head in program.rules_by_head:
            if head.name == "exception" and len(head.arguments) == 1:
                ids.setdefault(head.arguments[0].name, "exception")
        for d in program.deadlines:
            ids.setdefault(d, "deadline")
    return ids


def ids_in_words(ids: dict[str, FindingKind]) -> str:
    """The ids grouped by kind, for a message or a document."""
    groups = []
    for kind in ("requirement", "exception", "deadline"):
        mine = sorted(i for i, k in ids.items() if k == kind)
        if mine:
            groups.append(f"{kind}s {', '.join(mine)}")
    return "; ".join(groups)
