"""Cites as courts write them: checked for form, compared clause by clause, and put in the
numbering of a rule version.

A cite is a *clause* (a rule's number and its subsections: ``230(b)``, ``11-110``,
``L.R. 110``, ``Local Rule 230(g)``, ``FRCP 37(a)(5)(A)``, ``Fed. R. Civ. P. 26(c)``) or a
*named authority* (``scheduling order``, ``court order``, ``merits``). A local rule is the same
clause with or without ``L.R.``; ``Rule N`` and ``Fed. R. Civ. P. N`` are ``FRCP N``. Which
numbering a version writes comes from the pack's manifest (``cite_rewrite`` of each version,
as :meth:`rulepath.engine.pack.Version.cite` applies it): nothing here names a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pack import Version

MAX_CITE = 120  # characters: a cite, not a sentence

_LOCAL_PREFIX = r"(?:E\.\s?D\.\s?Cal\.\s+)?(?:L\.\s?R\.|Local\s+Rule|LR)\s*"
_FEDERAL_PREFIX = r"(?:FRCP|Fed\.\s?R\.\s?Civ\.\s?P\.|Rule)\s*"
_NUMBER = r"[0-9]+(?:-[0-9]+)?(?:\.[0-9]+)*"
_SUBS = r"(?:\([A-Za-z0-9]{1,5}\))*"
_CLAUSE = re.compile(
    rf"(?P<prefix>{_LOCAL_PREFIX}|{_FEDERAL_PREFIX})?(?P<number>{_NUMBER})(?P<subs>{_SUBS})"
)
# Text that sets out to be a clause (a number, or a rule's prefix before one) must be one.
_CLAUSE_LIKE = re.compile(rf"(?:{_LOCAL_PREFIX}|{_FEDERAL_PREFIX})?[0-9(]")
_SUB = re.compile(r"\(([A-Za-z0-9]{1,5})\)")
_RULE_WORD = re.compile(rf"(?:{_LOCAL_PREFIX}|FRCP|Fed\.\s?R\.\s?Civ\.\s?P\.)(?![A-Za-z])")
EXAMPLES = "e.g. 230(b)(1), L.R. 110, FRCP 37(a)(5)(A) or scheduling order"


class CiteError(ValueError):
    """A cite that is not written as one; the message says how to write it."""


@dataclass(frozen=True)
class Cite:
    """One cite: ``key`` is the rule it is a clause of (``L.R. 230``, ``FRCP 37``), None for a
    named authority; ``parts`` its subsections (``('e', '1')``)."""

    text: str
    key: str | None
    number: str
    parts: tuple[str, ...] = ()

    @property
    def local(self) -> bool:
        return self.key is not None and self.key.startswith("L.R. ")

    def canonical(self) -> str:
        if self.key is None:
            return " ".join(self.text.lower().split())
        return self.key + "".join(f"({p})" for p in self.parts)

    def forms(self) -> tuple[str, ...]:
        """How a pack may write it: a local rule bare (``230(b)``) and with ``L.R.``."""
        subs = "".join(f"({p})" for p in self.parts)
        if self.local:
            return (f"{self.number}{subs}", f"L.R. {self.number}{subs}")
        if self.key is not None:
            return (f"{self.key}{subs}",)
        return (self.text,)


def parse_cite(text: str) -> Cite:
    """The cite ``text`` is; a :class:`CiteError` saying how to write it when it is none."""
    written = " ".join(text.split())
    if not written:
        raise CiteError(f"is empty: write the clause relied on, {EXAMPLES}")
    if len(written) > MAX_CITE:
        raise CiteError(f"is {len(written)} characters: a cite is at most {MAX_CITE}")
    if not written.isprintable():
        raise CiteError("holds a control character")
    depth = 0
    for char in written:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise CiteError(f"{written!r} has unbalanced parentheses; write it as {EXAMPLES}")
    if written.startswith("("):
        raise CiteError(f"{written!r} is a subsection without its rule: write the rule's "
                        "number before it, e.g. 230(b)")
    if not _CLAUSE_LIKE.match(written):
        if _RULE_WORD.match(written):
            raise CiteError(f"{written!r} names a rule without its number; write it as "
                            f"{EXAMPLES}")
        return Cite(written, None, "")
    found = _CLAUSE.fullmatch(written)
    if found is None:
        raise CiteError(f"{written!r} is not a cite: write a rule's number and its "
                        f"subsections in parentheses, {EXAMPLES}")
    prefix = found.group("prefix") or ""
    number = found.group("number")
    federal = bool(prefix) and re.match(_LOCAL_PREFIX, prefix) is None
    key = f"FRCP {number}" if federal else f"L.R. {number}"
    return Cite(written, key, number, tuple(_SUB.findall(found.group("subs"))))


def covers(a: Cite, b: Cite) -> bool:
    """``a`` and ``b`` name the same clause, or one is a subsection of the other."""
    if a.key is None or b.key is None:
        return a.key is None and b.key is None and a.canonical() == b.canonical()
    if a.key != b.key:
        return False
    n = min(len(a.parts), len(b.parts))
    return a.parts[:n] == b.parts[:n]


def within(a: Cite, b: Cite) -> bool:
    """``a`` is ``b`` or one of its subsections."""
    return covers(a, b) and (a.key is None or len(a.parts) >= len(b.parts))


def _starts(text: str, prefix: str) -> bool:
    """``text`` starts with ``prefix``, not in the middle of a number (``L.R. 1100`` does not
    start with ``L.R. 110``)."""
    if not text.startswith(prefix):
        return False
    rest = text[len(prefix):]
    return not (prefix[-1:].isdigit() and rest[:1].isdigit())


def _probe(form: str) -> str:
    """A rule as a whole, written as its clauses are (``230`` -> ``230(``), for prefixes that
    end in a parenthesis."""
    return form if "(" in form else form + "("


def _rewrite(form: str, old: str, new: str) -> str:
    probe = _probe(form)
    out = new + probe[len(old):]
    return out[:-1] if probe is not form and out.endswith("(") else out


def renumbered(cite: Cite, version: Version, versions: Sequence[Version]) -> str | None:
    """How ``version`` writes ``cite`` when the cite is in another version's numbering (a
    version that renumbers it writes it otherwise); None when it is written as ``version``
    writes it, or is no clause any version renumbers."""
    mine = dict(version.cite_rewrite)
    for form in cite.forms():
        probe = _probe(form)
        for other in versions:
            for old, new in other.cite_rewrite:
                if old in mine:  # this version renumbers: the current numbering is foreign
                    if _starts(probe, old) and not _starts(probe, mine[old]):
                        return _rewrite(form, old, mine[old])
                elif _starts(probe, new):  # this version keeps the current numbering
                    return _rewrite(form, new, old)
    return None


def current(cite: str, version: Version) -> str:
    """A cite of ``version``'s numbering in the current numbering (what the logic writes):
    the inverse of :meth:`Version.cite`."""
    probe = _probe(cite)
    for old, new in version.cite_rewrite:
        if _starts(probe, new):
            return _rewrite(cite, new, old)
    return cite


def in_version(cite: str, version: Version) -> str:
    """A cite of the current numbering as ``version`` writes it (as :meth:`Version.cite`,
    and the rule as a whole too)."""
    probe = _probe(cite)
    for old, new in version.cite_rewrite:
        if _starts(probe, old):
            return _rewrite(cite, old, new)
    return cite


def in_current(cite: Cite, version: Version) -> Cite:
    """``cite`` (in ``version``'s numbering) in the current numbering, for comparing it with
    the cites the logic writes; a local rule is tried bare and with ``L.R.``."""
    for form in cite.forms():
        moved = current(form, version)
        if moved != form:
            return parse_cite(moved)
    return cite


def parse_all(cites: Iterable[str]) -> list[Cite]:
    """The cites among ``cites`` that parse (the engine's own never fail; a safety net)."""
    out = []
    for text in cites:
        try:
            out.append(parse_cite(text))
        except CiteError:
            continue
    return out
