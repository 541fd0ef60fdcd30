"""Case files (spec/case-format.md): the case model of each rule pack, and loading.

The pack owns its case fields (its ``case.toml``, read by :mod:`schema`); this module builds
the pack's model from those declarations plus the fields every pack shares (``format``,
``as_of``, ``rule``, ``caption``, ``court``, ``docket``, ``judge``, ``overlays``,
``rule_version``, ``expected``). Which pack a case belongs to is read first: its ``rule``, else
the pack for its ``court``, else the default pack.

Every fact is optional and `None` means *unknown*, which is not the same as `False`; lists are
`None` when unknown and `()` when known to be empty. The models check only the format and the
consistency of the facts with each other: there is no legal logic here.
"""

# No ``from __future__ import annotations``: pydantic would compile every field's annotation
# back from its string at each start (~40 of them, a few ms); only the names imported for
# type checking alone are written as strings.
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from . import calendar
from .documents import DOCUMENT, MAX_DOCUMENT_BYTES, one_line, parse_document
from .errors import CaseError
from .schema import NUMBER_SLOT, CaseSchema, CheckSpec, FieldSpec, PatternHint

if TYPE_CHECKING:
    from .order_spec import OrderSpec

FORMAT_ID = "rulepath/case-1"

# The evaluation vocabulary of the shared case format (an `expected` block): the same for
# every pack, except the routes, which each pack declares.
Disposition = Literal[
    "granted",
    "granted_in_part",
    "denied",
    "denied_without_prejudice",
    "continued",
    "vacated_and_ordered_to_confer",
    "disregarded_or_stricken",
    "other",
]
Sanctions = Literal["none", "imposed", "denied", "deferred"]
# The fixed words of a draft order (an `order` block, docs/formats.md): whom a sanction is
# against (as the packs name the parties of their sanctions exposure, and each side's
# counsel), and who is directed.
Party = Literal["movant", "movant_counsel", "opposing_party", "opposing_counsel"]
Who = Literal["movant", "opposing_party", "parties"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _show(value: object) -> str:
    """A short rendering of an input value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(message: str, field: str | int | None = None) -> PydanticCustomError:
    """An error with a finished message; `field` is appended to the error's location."""
    return PydanticCustomError("rulepath", "{message}", {"message": message, "field": field})


def _iso_date(value: object) -> object:
    """Accept a `datetime.date` or a `YYYY-MM-DD` string within the calendar's range."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise _problem(f"not a valid date: {_show(value)}") from None
    else:
        raise _problem(f"not a valid date: {_show(value)} (expected YYYY-MM-DD)")
    try:
        calendar.check_in_range(day)
    except ValueError as error:
        raise _problem(str(error)) from None
    return day


def _empty_if_null(value: object) -> object:
    """A section that is null is unknown throughout, like an absent one."""
    return {} if value is None else value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]


def _section(model: type[BaseModel]) -> BeforeValidator:
    return BeforeValidator(_empty_if_null, json_schema_input_type=model | None)


class _Model(BaseModel):
    # Built on first use, not at class creation: a pack's case model builds its validator
    # once, its sections' and the shared blocks' with it, and no model a run does not
    # validate with (the shared bases, each section alone) is built at all.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Expected(_Model):
    """What the court actually did (evaluation files only; the engine ignores it when deciding).

    Project extension: `court_treated_ready`, the court cleared the motion for the merits
    without ruling on them yet. `route` takes the routes the case's pack declares.
    """

    source: StrictStr | None = Field(None, description="Where the order was read.")
    decided_on: IsoDate | None = Field(None, description="The day the order was made.")
    judge: StrictStr | None = Field(None, description="The judge who made the order.")
    disposition: Disposition | None = Field(None, description="What the court did.")
    merits_reached: StrictBool | None = Field(
        None, description="The court ruled on the substance of the discovery dispute."
    )
    route: StrictStr | None = Field(
        None, description="The route the court treated as governing, if clear."
    )
    grounds: tuple[StrictStr, ...] | None = Field(
        None, description="The clauses the court relied on, as courts cite them."
    )
    sanctions: Sanctions | None = Field(None, description="What became of sanctions.")
    ordered_to_confer: StrictBool | None = Field(
        None, description="The court ordered the parties to confer."
    )
    court_treated_ready: StrictBool | None = Field(
        None,
        description="Project extension: the court cleared the motion for the merits without "
        "ruling on them yet.",
    )
    note: StrictStr | None = Field(None, description="Why the court ruled so, in our words.")


def _cite(value: object) -> object:
    """A cite as courts write them (``230(b)``, ``L.R. 110``, ``FRCP 37(a)(5)(A)``,
    ``scheduling order``); its form is checked, not its meaning."""
    from .cites import CiteError, parse_cite

    if not isinstance(value, str):
        raise _problem(f"expected a cite (a string), got {_show(value)}")
    try:
        parse_cite(value)
    except CiteError as error:
        raise _problem(str(error)) from None
    return " ".join(value.split())


CiteText = Annotated[str, BeforeValidator(_cite, json_schema_input_type=str)]


class Finding(_Model):
    """What the draft order finds about one requirement, exception or deadline of the pack."""

    about: StrictStr = Field(
        description="The id of a requirement, exception or deadline of the case's pack (see "
        "each pack below)."
    )
    holds: StrictBool = Field(
        description="What the order finds: the requirement is met, the exception applies, the "
        "deadline was kept (true), or not (false): a requirement the order finds unmet is "
        "{about: <its id>, holds: false}."
    )
    cite: CiteText | None = Field(None, description="The clause the finding cites, if any.")


class Directive(_Model):
    """Something the draft order directs, with the date it sets."""

    kind: StrictStr = Field(
        description="What it directs: one of the directive kinds of the case's pack (see each "
        "pack below), or other."
    )
    by: IsoDate | None = Field(None, description="The day by which it is to be done.")
    on: IsoDate | None = Field(
        None, description="The day on which it takes place (a re-set hearing)."
    )
    who: Who | None = Field(None, description="Who is directed: movant, opposing_party or "
                                              "parties (both sides).")


class OrderSanction(_Model):
    """A sanction the draft order imposes."""

    kind: StrictStr = Field(
        description="Which sanction: one of the sanction kinds of the case's pack (see each "
        "pack below), or other."
    )
    against: Party = Field(description="Against whom: movant, movant_counsel, opposing_party "
                                       "or opposing_counsel.")
    cite: CiteText | None = Field(None, description="The clause it is imposed under, if cited.")


class Order(_Model):
    """A draft order, as a clerk has it, to check against the rule (`rulepath check-order`;
    `rulepath decide` ignores it). Every key is optional."""

    disposition: Disposition | None = Field(
        None, description="What the order does with the motion (the vocabulary of "
        "expected.disposition)."
    )
    merits_reached: StrictBool | None = Field(
        None, description="The order rules on the substance of the discovery dispute."
    )
    grounds: tuple[CiteText, ...] | None = Field(
        None, description="The clauses the order relies on, as courts cite them: a rule's "
        "number with its subsections (230(b), L.R. 110, FRCP 37(a)(5)(A)) or an authority by "
        "name (scheduling order)."
    )
    findings: tuple[Finding, ...] | None = Field(
        None, description="What the order finds: each {about, holds, cite?}."
    )
    directs: tuple[Directive, ...] | None = Field(
        None, description="What the order directs: each {kind, by?, on?, who?}."
    )
    sanctions: tuple[OrderSanction, ...] | None = Field(
        None, description="The sanctions it imposes: each {kind, against, cite?}."
    )


class Case(_Model):
    """One case (`rulepath/case-1`): the fields every pack shares. Each pack's model
    (:func:`case_model`) adds that pack's sections; a section that is absent or null is
    empty, all its facts unknown."""

    pack_id: ClassVar[str] = ""  # the pack whose model this is
    # the pack's fields by path (for the words of an error on one)
    field_specs: ClassVar[dict[str, FieldSpec]] = {}

    format: Literal["rulepath/case-1"] = Field(description="The case format: rulepath/case-1.")
    as_of: IsoDate | None = Field(
        None,
        description="The date of evaluation; selects the rule version in force (default: "
        "today, which the decision then reports).",
    )
    rule: StrictStr | None = Field(
        None,
        description="The rule pack id (default: the pack for the court, else the default "
        "pack).",
    )
    caption: StrictStr | None = Field(None, description="The case's caption.")
    court: StrictStr | None = Field(None, description="The court, e.g. E.D. Cal.")
    docket: StrictStr | None = Field(None, description="The docket number.")
    judge: StrictStr | None = Field(None, description="The judge deciding the motion.")
    overlays: tuple[StrictStr, ...] = Field(
        (), description="Ids of the court-specific modifications to apply (each at most once)."
    )
    rule_version: StrictStr | None = Field(
        None,
        description="Force a version of the rule where the court applied one other than the "
        "version in force on as_of.",
    )
    expected: Expected | None = Field(
        None, description="What the court actually did (evaluation files only)."
    )
    order: Order | None = Field(
        None, description="Project extension: a draft order to check against the rule "
        "(rulepath check-order); rulepath decide ignores it."
    )

    @field_validator("overlays")
    @classmethod
    def _each_overlay_once(cls, overlays: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for i, overlay in enumerate(overlays):
            if overlay in seen:
                raise _problem(f"{_show(overlay)} is listed twice", i)
            seen.add(overlay)
        return overlays

    @property
    def pack(self) -> str:
        """The id of the pack this case is decided under."""
        return type(self).pack_id


# --- a pack's model, built from its declarations -----------------------------------------


def _annotation(spec: FieldSpec) -> Any:
    if spec.type == "bool":
        return StrictBool
    if spec.type == "enum":
        return Literal[spec.values]
    if spec.type == "date":
        return IsoDate
    if spec.type == "count":
        return NonNegativeInt
    if spec.type == "int":
        return StrictInt
    if spec.type == "string":
        return StrictStr
    member: Any = (
        Literal[spec.values]
        if spec.values
        else Annotated[str, StringConstraints(strict=True, pattern=spec.pattern)]
    )
    return tuple[member, ...]


def _title(path: str) -> str:
    return "".join(part.title().replace("_", "") for part in path.split("."))


def _implied(fields: list[FieldSpec]) -> Callable[[Any], Any]:
    """A section's check of its implied fields: a value at ``implied_by`` implies true (the
    field is filled in), and false beside such a value is an error naming the field."""
    pairs = [(f.path.rpartition(".")[2], f.implied_by.rpartition(".")[2]) for f in fields
             if f.implied_by is not None]

    def check(data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name, by in pairs:
            given = data.get(by)
            if given is None:
                continue
            if data.get(name) is False:
                raise _problem(f"is false but {by} gives a date ({given})", name)
            if data.get(name) is None:
                data = {**data, name: True}
        return data

    return check


def _checks(checks: tuple[CheckSpec, ...]) -> Callable[[Any], Any]:
    """The case's cross-field checks on dates and day counts."""

    def value(case: Any, path: str) -> Any:
        node = case
        for part in path.split("."):
            node = getattr(node, part, None)
        return node

    def name(path: str, *others: str) -> str:
        """A path as an error shows it: without the section when all share one."""
        section = path.rpartition(".")[0]
        same = all(o.rpartition(".")[0] == section for o in others)
        return path.rpartition(".")[2] if same else path

    def check(case: Any) -> Any:
        for c in checks:
            given = value(case, c.field)
            if c.kind == "not_before" and c.earlier is not None:
                earlier = value(case, c.earlier)
                if given is not None and earlier is not None and given < earlier:
                    raise _problem(
                        f"{given} is before {name(c.earlier, c.field)} {earlier}", c.field
                    )
            elif c.start is not None and c.to is not None:
                start, to = value(case, c.start), value(case, c.to)
                if given is None or start is None or to is None:
                    continue
                days = (to - start).days
                if given != days:
                    raise _problem(
                        f"is {given} but {name(c.start, c.field, c.to)} {start} to "
                        f"{name(c.to, c.field, c.start)} {to} is {days} days",
                        c.field,
                    )
        return case

    return check


def _finding_about(pack_id: str) -> Any:
    """The check of a finding's id: a requirement, exception or deadline of the pack (read
    from its programs on the first finding, so that a case without one builds none)."""

    def about(cls: type[BaseModel], value: str) -> str:
        import difflib

        from .order_spec import finding_ids, ids_in_words

        ids = finding_ids(pack_id)
        if value in ids:
            return value
        close = difflib.get_close_matches(value, list(ids), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise _problem(f"{_show(value)} is not a requirement, exception or deadline of "
                       f"{pack_id}{hint}; the valid ids are {ids_in_words(ids)}")

    return field_validator("about")(about)


def _order_model(pack_id: str, spec: "OrderSpec | None") -> type[Order]:
    """The order block of a pack's cases: the shared keys, with the pack's directive and
    sanction kinds (always ``other`` too) and its finding ids."""
    from .order_spec import OTHER

    direct_kinds = spec.direct_kinds if spec is not None else (OTHER,)
    sanction_kinds = spec.sanction_kinds if spec is not None else (OTHER,)
    finding: Any = create_model(
        "Finding", __base__=Finding, __doc__=Finding.__doc__,
        __validators__={"about_id": _finding_about(pack_id)},
    )
    direct_kind: Any = Literal[direct_kinds]
    directive: Any = create_model(
        "Directive", __base__=Directive, __doc__=Directive.__doc__,
        kind=(direct_kind, Field(description=Directive.model_fields["kind"].description)),
    )
    sanction_kind: Any = Literal[sanction_kinds]
    sanction: Any = create_model(
        "OrderSanction", __base__=OrderSanction, __doc__=OrderSanction.__doc__,
        kind=(sanction_kind, Field(description=OrderSanction.model_fields["kind"].description)),
    )
    fields = Order.model_fields
    findings: Any = tuple[finding, ...] | None
    directs: Any = tuple[directive, ...] | None
    sanctions: Any = tuple[sanction, ...] | None
    return create_model(
        "Order", __base__=Order, __doc__=Order.__doc__,
        findings=(findings, fields["findings"]),
        directs=(directs, fields["directs"]),
        sanctions=(sanctions, fields["sanctions"]),
    )


def build_case_model(
    pack_id: str, schema: CaseSchema, order: "OrderSpec | None" = None
) -> type[Case]:
    """The case model of a pack: the shared fields, then the pack's sections (each a model
    whose fields are the declared ones), with its implied fields and cross-field checks, and
    the order block in the pack's words (``order``: its order.toml)."""
    by_section: dict[str, list[FieldSpec]] = {}
    for f in schema.fields:
        by_section.setdefault(f.path.rpartition(".")[0], []).append(f)
    models: dict[str, type[BaseModel]] = {}
    for section in reversed(schema.section_paths()):  # children before parents
        definitions: dict[str, Any] = {}
        for f in by_section.get(section, ()):
            definitions[f.path.rpartition(".")[2]] = (
                _annotation(f) | None,
                Field(None, description=f.description),
            )
        for child, child_model in models.items():
            if child.rpartition(".")[0] == section:
                definitions[child.rpartition(".")[2]] = _section_field(child_model, schema, child)
        validators: dict[str, Any] = {}
        if any(f.implied_by for f in by_section.get(section, ())):
            validators["implied"] = model_validator(mode="before")(
                _implied(by_section[section])
            )
        models[section] = create_model(
            _title(section),
            __base__=_Model,
            __doc__=schema.sections.get(section) or None,
            __validators__=validators,
            **definitions,
        )
    top = {s: _section_field(m, schema, s) for s, m in models.items() if "." not in s}
    top = dict(reversed(list(top.items())))  # the order the pack declares them
    expected: Any = Expected
    if schema.routes:
        route: Any = Literal[schema.routes] | None
        expected = create_model(
            "Expected",
            __base__=Expected,
            route=(route, Field(None, description=(
                "The route the court treated as governing, if clear."
            ))),
        )
    checks: Any = model_validator(mode="after")(_checks(schema.checks))
    order_model: Any = _order_model(pack_id, order)
    case: type[Case] = create_model(
        f"Case_{_title(pack_id.replace('-', '_'))}",
        __base__=Case,
        __doc__=Case.__doc__,
        __validators__={"checks": checks},
        expected=(expected | None, Field(None, description="What the court actually did "
                                          "(evaluation files only).")),
        order=(order_model | None, Case.model_fields["order"]),
        **top,
    )
    case.pack_id = pack_id
    case.field_specs = {f.path: f for f in schema.fields}
    return case


def _section_field(model: type[BaseModel], schema: CaseSchema, path: str) -> Any:
    def empty() -> BaseModel:
        """The section absent: every fact unknown. The same instance as ``model()`` gives,
        without building the section's own validator (the case's validator holds it)."""
        return model.model_construct()

    return (
        Annotated[model, _section(model)],
        Field(default_factory=empty, description=schema.sections.get(path) or None),
    )


@cache
def case_model(pack_id: str | None = None) -> type[Case]:
    """The case model of a pack (the default pack when None), built once."""
    from .order_spec import order_spec
    from .pack import load_pack

    pack = load_pack(pack_id)
    return build_case_model(pack.id, pack.case_schema(), order_spec(pack))


# --- loading -------------------------------------------------------------------------

def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _model_at(top: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model found at the path `loc` from the case model `top`, if any."""
    model: type[BaseModel] = top
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        candidates = (field.annotation, *get_args(field.annotation))
        models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not models:
            return None
        model = models[0]
    return model


def _case_error(top: type[BaseModel], error: ErrorDetails, source: str | None) -> CaseError:
    """Turn one pydantic error into a one-line CaseError naming the field."""
    loc = tuple(error["loc"])
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
    shown = _show(value)
    if kind == "rulepath":
        if ctx.get("field"):
            loc = (*loc, ctx["field"])
        problem = error["msg"]
    elif kind == "invalid_key":
        loc = (*loc[:-1], shown)
        problem = f"a field name must be a string, got {shown}"
    elif kind == "missing":
        problem = "required field is missing"
    elif kind == "extra_forbidden":
        import difflib  # only for the words of an error

        model = _model_at(top, loc[:-1])
        names = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        if close:
            problem = f"unknown field (did you mean {_dotted((*loc[:-1], close[0]))}?)"
        else:
            problem = f"unknown field (allowed: {', '.join(names) or '?'})"
    elif kind == "literal_error":
        choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        problem = f"{shown} is not one of: {choices}"
    elif kind == "bool_type":
        problem = f"expected a boolean, got {shown}"
    elif kind == "int_type":
        problem = f"expected an integer, got {shown}"
    elif kind == "string_type":
        problem = f"expected a string, got {shown}"
    elif kind in ("tuple_type", "list_type"):
        problem = f"expected a list, got {shown}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        problem = f"expected a mapping, got {shown}"
    elif kind == "greater_than_equal":
        problem = f"must be at least {ctx.get('ge')}, got {shown}"
    elif kind == "string_pattern_mismatch":
        spec = getattr(top, "field_specs", {}).get(_dotted(tuple(p for p in loc if
                                                              isinstance(p, str))))
        hint = spec.pattern_hint if spec is not None else None
        pattern = str(ctx.get("pattern"))
        if hint is None or not isinstance(value, str):
            problem = f"{shown} does not match the pattern {pattern}"
        else:
            problem = f"{shown} is not {hint.words}{_write_as(hint, value, pattern)}"
    else:
        problem = error["msg"]
    return CaseError(_dotted(loc) or DOCUMENT, one_line(problem), source)


_NUMBER = re.compile(r"[0-9]+(?:[a-z](?![a-z]))?")


def _write_as(hint: PatternHint, value: str, pattern: str) -> str:
    """How to write a value that does not match a pattern: the hint's form with the value's
    own number when that matches (``'Rule 37'`` -> ``frcp-37``), else the form and an
    example."""
    if hint.form is not None:
        found = _NUMBER.search(value.lower())
        if found:
            written = hint.form.replace(NUMBER_SLOT, found.group())
            if re.search(pattern, written):
                return f"; write it as {written}"
        form = hint.form.replace(NUMBER_SLOT, "N")
        example = f", e.g. {hint.example}" if hint.example else ""
        return f"; write it as {form}{example}"
    return f" (e.g. {hint.example})" if hint.example else ""


def _pack_of(data: dict[Any, Any], source: str | None) -> str:
    """The pack a case belongs to: its `rule`, else the pack for its `court`, else the default
    pack. An empty or unknown `rule` is refused (it would silently select another pack)."""
    from .pack import default_pack_id, pack_ids

    rule = data.get("rule")
    if rule is None or not isinstance(rule, str):
        court = data.get("court")
        return default_pack_id(court if isinstance(court, str) else None)
    known = ", ".join(pack_ids())
    if not rule.strip():
        raise CaseError("rule", f"is empty: name a rule pack (known: {known})", source)
    if rule not in pack_ids():
        raise CaseError("rule", f"unknown rule pack {_show(rule)} (known: {known})", source)
    return rule


def case_from_mapping(data: object, *, source: str | None = None) -> Case:
    """Validate already-parsed data (a mapping) as a case of its pack; raise CaseError if it
    is not one."""
    if not isinstance(data, dict):
        got = "an empty document" if data is None else _show(data)
        raise CaseError(DOCUMENT, f"expected a mapping at the top level, got {got}", source)
    model = case_model(_pack_of(data, source))
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise _case_error(model, e.errors()[0], source) from None


def parse_case(
    text: str, *, fmt: Literal["yaml", "json"] | None = None, source: str | None = None
) -> Case:
    """Parse a case from YAML or JSON text; without `fmt`, text starting with `{` is JSON."""
    if fmt is None:
        fmt = "json" if text.lstrip().startswith("{") else "yaml"
    data = parse_document(text, fmt, source)
    return case_from_mapping(data, source=source)


FILE = "<file>"  # the field of an error on the file itself (the CLI names it CASE)


def unreadable(path: Path, error: OSError) -> str:
    """Why a case file cannot be read, in words, naming it."""
    if isinstance(error, FileNotFoundError):
        return f"no such file: {path}"
    if isinstance(error, IsADirectoryError):
        return f"a folder, not a case file: {path}"
    if isinstance(error, PermissionError):
        return f"permission denied: {path}"
    reason = error.strerror or one_line(str(error))
    return f"cannot read {path}: {reason[:1].lower()}{reason[1:]}"


def load_case(path: str | Path) -> Case:
    """Load a case file (`-` reads stdin); the format follows the extension, else the text."""
    if str(path) == "-":
        return parse_case(sys.stdin.read(), source="<stdin>")
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:  # refused unread: the bytes on disk are the UTF-8 bytes
            raise CaseError(
                DOCUMENT,
                f"the document is {size:,} bytes, over the limit of {MAX_DOCUMENT_BYTES:,} "
                "bytes (1 MiB) for a case document",
                str(path),
            )
        # an undecodable byte is carried as a surrogate, which parsing names by line and column
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        raise CaseError(FILE, unreadable(path, e)) from None
    suffix = path.suffix.lower()
    fmt: Literal["yaml", "json"] | None = (
        "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else None
    )
    return parse_case(text, fmt=fmt, source=str(path))


def case_json_schema(pack_id: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a pack's case files (the default pack's when None), as the loader
    validates them; every field carries its description."""
    model = case_model(pack_id)
    schema = model.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": FORMAT_ID,
        **schema,
        "title": FORMAT_ID,
        "x-rulepath-pack": model.pack_id,
    }
