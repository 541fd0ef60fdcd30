"""Values a case may hold that the rule does not name: warnings, never a change to the answer.

The case format admits more than a pack's logic names: a set of rule ids is any string of the
form ``frcp-N``, while the logic names the rules it reaches (``input_member``) and reads every
other one as a single "another" (``input_other``). Such a value is valid, and decided as the
logic reads it; but it may be a slip (``frcp-73`` for ``frcp-37``), and the answer it gets
("the rule does not govern") is then silently wrong. :func:`vocabulary_warnings` names each
such value, derived from the program's input declarations alone (no pack's values are written
here):

* a set member that no ``input_member`` of its path names: read as another (when the path has
  an ``input_other``), else not read at all;
* a value that no ``input_value`` of its path names: read as none of them.

Only the paths the program declares are looked at (a field no rule reads is not warned about),
and only string values (an enum's, a set's members).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from .paths import resolve_parts
from .program import Program

Reading = Literal["other", "unread", "none"]

_NUMBERED = re.compile(r"(.*?)([0-9]+)")


@dataclass(frozen=True)
class VocabularyWarning:
    """One value outside the rule's vocabulary: the field, the value, and how it is read."""

    field: str
    value: str
    message: str  # the whole warning after the field: "frcp-73 is not one of those ..."

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class _Vocabulary:
    path: str
    parts: tuple[str, ...]
    kind: Literal["member", "value"]
    known: frozenset[str]
    names: str  # the known values in words: "frcp-26 through frcp-37, frcp-45"
    has_other: bool


def named(values: set[str] | frozenset[str]) -> str:
    """Values in words, numbered runs shortened: ``frcp-26 through frcp-37, frcp-45``."""
    matches = [_NUMBERED.fullmatch(v) for v in values]
    if not values or not all(matches):
        return ", ".join(sorted(values))
    by_prefix: dict[str, list[tuple[int, str]]] = {}
    for m in matches:
        assert m is not None
        by_prefix.setdefault(m.group(1), []).append((int(m.group(2)), m.group(0)))
    words: list[str] = []
    for prefix in sorted(by_prefix):
        run: list[tuple[int, str]] = []
        for number, value in [*sorted(by_prefix[prefix]), (-2, "")]:
            if run and number == run[-1][0] + 1:
                run.append((number, value))
                continue
            if len(run) >= 3:
                words.append(f"{run[0][1]} through {run[-1][1]}")
            else:
                words.extend(v for _, v in run)
            run = [(number, value)]
    return ", ".join(words)


def _rule_name(program: Program) -> str:
    """The pack as a sentence names it: its title up to the first comma."""
    title = program.pack.title.split(",")[0].strip()
    return title or program.pack.id


def _table(program: Program) -> list[_Vocabulary]:
    members: dict[str, set[str]] = {}
    values: dict[str, set[str]] = {}
    others: set[str] = set()
    for d in program.inputs:
        if d.kind == "member":
            members.setdefault(d.path, set()).add(str(d.value))
        elif d.kind == "value":
            values.setdefault(d.path, set()).add(str(d.value))
        elif d.kind == "other":
            others.add(d.path)
    table = [
        _Vocabulary(path, tuple(path.split(".")), "member", frozenset(known), named(known),
                    path in others)
        for path, known in sorted(members.items())
    ]
    table += [
        _Vocabulary(path, tuple(path.split(".")), "value", frozenset(known), named(known), False)
        for path, known in sorted(values.items())
    ]
    return table


def _message(program: Program, entry: _Vocabulary, value: str) -> str:
    rule = _rule_name(program)
    if entry.kind == "value":
        return (f"{value} is not one of the values read by {rule} ({entry.names}); "
                "read as none of them")
    if entry.has_other:
        return f"{value} is not one of those named by {rule} ({entry.names}); read as another"
    return (f"{value} is not one of those named by {rule} ({entry.names}); not read "
            "(the rule takes no account of it)")


def vocabulary_warnings(program: Program, case: BaseModel) -> list[VocabularyWarning]:
    """The values of ``case`` outside the vocabulary ``program`` declares, in the order of
    the declarations, each value once. They change nothing in the decision."""
    found: list[VocabularyWarning] = []
    for entry in program.derived("vocabulary.table", _table):
        given = resolve_parts(case, entry.parts)
        if given is None:
            continue
        seen: set[str] = set()
        for value in given if isinstance(given, tuple | list | frozenset | set) else (given,):
            if not isinstance(value, str) or value in entry.known or value in seen:
                continue
            seen.add(value)
            found.append(VocabularyWarning(entry.path, value, _message(program, entry, value)))
    return found
