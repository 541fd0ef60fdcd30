"""A pack's case fields (``case.toml`` beside its ``pack.toml``), read into declarations.

The pack owns its case schema: each field's path, type, domain and description, the fields a
value elsewhere implies, and the cross-field checks on dates. :mod:`casefile` builds the case
model (and so the JSON Schema) from these declarations plus the fields every pack shares; no
field of any pack is written in Python.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from .errors import PackError

FieldType = Literal["bool", "enum", "set", "date", "count", "int", "string"]
_TYPES = frozenset({"bool", "enum", "set", "date", "count", "int", "string"})
_FIELD_KEYS = frozenset(
    {"type", "values", "pattern", "pattern_hint", "description", "read", "why_unread",
     "implied_by"}
)
_HINT_KEYS = frozenset({"words", "form", "example"})
# where a hint's form takes the number found in the value given (frcp-{number} -> frcp-37)
NUMBER_SLOT = "{number}"
_CHECK_KEYS = {
    "not_before": frozenset({"kind", "field", "earlier"}),
    "interval": frozenset({"kind", "field", "from", "to"}),
}


@dataclass(frozen=True)
class PatternHint:
    """A pattern in words, for the error on a value that does not match it: what a member is
    (``words``: "a federal rule id"), how one is written (``form``: "frcp-{number}", where the
    first number of the value given goes) and a member as an example (``example``:
    "frcp-37")."""

    words: str
    form: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One case field of a pack."""

    path: str
    type: FieldType
    description: str
    values: tuple[str, ...] = ()  # an enum's values, or a set's members
    pattern: str | None = None  # a set's members as strings matching it
    pattern_hint: PatternHint | None = None  # the pattern in words, for its error
    read: bool = True  # some declaration of the pack's logic reads it
    why_unread: str | None = None
    implied_by: str | None = None  # a value at this sibling path implies true


@dataclass(frozen=True)
class CheckSpec:
    """A cross-field check: ``not_before`` (``field`` is not before ``earlier``) or
    ``interval`` (the day count at ``field`` equals ``to`` minus ``start``)."""

    kind: Literal["not_before", "interval"]
    field: str
    earlier: str | None = None
    start: str | None = None
    to: str | None = None


@dataclass(frozen=True)
class CaseSchema:
    """The case fields of one pack, in the order the pack declares them."""

    fields: tuple[FieldSpec, ...]
    sections: dict[str, str]  # section path -> description
    checks: tuple[CheckSpec, ...]
    routes: tuple[str, ...]  # the values an evaluation file's expected.route may take

    def section_paths(self) -> list[str]:
        """Every section, parents first, in declaration order."""
        seen: dict[str, None] = {}
        for f in self.fields:
            parts = f.path.split(".")[:-1]
            for i in range(1, len(parts) + 1):
                seen.setdefault(".".join(parts[:i]))
        return list(seen)


def load_schema(path: Path, pack_id: str) -> CaseSchema:
    """Read and check a pack's ``case.toml``; a fault is a :class:`PackError` naming it."""
    where = f"{pack_id}: {path.name}"
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PackError(where, f"cannot read: {error}") from None
    fields = tuple(_field(where, p, spec) for p, spec in doc.get("fields", {}).items())
    paths = {f.path for f in fields}
    for f in fields:
        if f.implied_by is not None and f.implied_by not in paths:
            raise PackError(where, f"{f.path}: implied_by names no field: {f.implied_by}")
    sections = {p: str(s.get("description", "")) for p, s in doc.get("sections", {}).items()}
    checks = tuple(_check(where, c, paths) for c in doc.get("checks", ()))
    routes = tuple(doc.get("expected", {}).get("routes", ()))
    schema = CaseSchema(fields, sections, checks, routes)
    for section in sections:
        if section not in schema.section_paths():
            raise PackError(where, f"section {section} holds no field")
    return schema


def _field(where: str, path: str, spec: dict[str, Any]) -> FieldSpec:
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise PackError(where, f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    kind = spec.get("type")
    if kind not in _TYPES:
        raise PackError(where, f"{path}: type must be one of {', '.join(sorted(_TYPES))}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+", path):
        raise PackError(where, f"{path}: a field path is section.field in snake_case")
    if not spec.get("description"):
        raise PackError(where, f"{path}: every field needs a description")
    values = tuple(spec.get("values", ()))
    pattern = spec.get("pattern")
    if kind == "enum" and not values:
        raise PackError(where, f"{path}: an enum needs values")
    if kind == "set" and bool(values) == bool(pattern):
        raise PackError(where, f"{path}: a set needs values or a pattern (one of them)")
    read = bool(spec.get("read", True))
    if not read and not spec.get("why_unread"):
        raise PackError(where, f"{path}: a field no rule reads needs why_unread")
    implied_by = spec.get("implied_by")
    if implied_by is not None and implied_by.rpartition(".")[0] != path.rpartition(".")[0]:
        raise PackError(where, f"{path}: implied_by must name a field of the same section")
    hint = _pattern_hint(where, path, spec.get("pattern_hint"), pattern)
    return FieldSpec(
        path, kind, str(spec["description"]), values, pattern, hint, read,
        spec.get("why_unread"), implied_by,
    )


def _pattern_hint(
    where: str, path: str, spec: object, pattern: str | None
) -> PatternHint | None:
    """A field's ``pattern_hint``: a table ``{words, form, example}`` (only ``words``
    required), or a string (the words alone); only for a field with a pattern."""
    if spec is None:
        return None
    if pattern is None:
        raise PackError(where, f"{path}: pattern_hint needs a pattern")
    if isinstance(spec, str):
        spec = {"words": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("words"), str) or not spec["words"]:
        raise PackError(where, f"{path}: pattern_hint is a table with words (form, example)")
    unknown = set(spec) - _HINT_KEYS
    if unknown:
        raise PackError(where, f"{path}: pattern_hint: unknown key(s) {', '.join(sorted(unknown))}")
    form, example = spec.get("form"), spec.get("example")
    if form is not None and (not isinstance(form, str) or NUMBER_SLOT not in form):
        raise PackError(where, f"{path}: pattern_hint.form must hold {NUMBER_SLOT}")
    if example is not None and (not isinstance(example, str) or not re.search(pattern, example)):
        raise PackError(where, f"{path}: pattern_hint.example must match the pattern")
    return PatternHint(spec["words"], form, example)


def _check(where: str, spec: dict[str, Any], paths: set[str]) -> CheckSpec:
    kind = spec.get("kind")
    allowed = _CHECK_KEYS.get(str(kind))
    if allowed is None or set(spec) != allowed:
        raise PackError(where, f"check {spec}: expected one of {sorted(_CHECK_KEYS)} with its keys")
    named = [spec[k] for k in sorted(allowed - {"kind"})]
    for p in named:
        if p not in paths:
            raise PackError(where, f"check {kind} names no field: {p}")
    return CheckSpec(
        cast(Any, kind), spec["field"], spec.get("earlier"), spec.get("from"), spec.get("to")
    )
