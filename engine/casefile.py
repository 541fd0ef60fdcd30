"""The case file format `rulepath/case-1` (spec/case-format.md): models and loading.

Every fact is optional and `None` means *unknown*, which is not the same as `False`;
lists are `None` when unknown and `()` when known to be empty. The models check only the
format and the consistency of the facts with each other: there is no legal logic here.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Self, get_args

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
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from .documents import DOCUMENT, load_json, load_yaml, one_line
from .errors import CaseError

FORMAT_ID = "rulepath/case-1"

MotionKind = Literal[
    "compel", "protective_order", "quash", "sanctions", "other_discovery", "not_discovery"
]
Relief = Literal["compel", "protect", "quash", "sanctions", "expenses", "other"]
MovingParty = Literal["plaintiff", "defendant", "non_party"]
Served = Literal["none", "partial", "complete"]
RespondingTo = Literal["request", "order", "initial_disclosures"]
ConferenceMode = Literal["in_person", "telephone", "video", "written"]
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
Route = Literal[
    "joint_statement",
    "affidavit",
    "exception_total_failure",
    "exception_sanctions_only",
    "waived",
    "not_governed",
]

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


def _problem(message: str, field: str | None = None) -> PydanticCustomError:
    """An error with a finished message; `field` is appended to the error's location."""
    return PydanticCustomError("rulepath", "{message}", {"message": message, "field": field})


def _iso_date(value: object) -> object:
    """Accept a `datetime.date` or a `YYYY-MM-DD` string, and nothing else."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _problem(f"not a valid date: {_show(value)}") from None
    raise _problem(f"not a valid date: {_show(value)} (expected YYYY-MM-DD)")


def _empty_if_null(value: object) -> object:
    """A section that is null is unknown throughout, like an absent one."""
    return {} if value is None else value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]
RuleId = Annotated[str, StringConstraints(strict=True, pattern=r"^frcp-\d+[a-z]?$")]


def _section(model: type[BaseModel]) -> BeforeValidator:
    return BeforeValidator(_empty_if_null, json_schema_input_type=model | None)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Motion(_Model):
    """The discovery motion.

    Project extension: `notice_days`, the days from filing to the noticed hearing, for
    orders that give only the interval. With both dates it must agree with them.
    """

    kind: MotionKind | None = None
    rules: tuple[RuleId, ...] | None = None
    relief: tuple[Relief, ...] | None = None
    moving_party: MovingParty | None = None
    movant_pro_se: StrictBool | None = None
    movant_incarcerated: StrictBool | None = None
    filed_on: IsoDate | None = None
    served_by_mail: StrictBool | None = None
    hearing_on: IsoDate | None = None
    notice_days: NonNegativeInt | None = None
    ex_parte: StrictBool | None = None
    filed_with_joint_statement: StrictBool | None = None

    @model_validator(mode="after")
    def _dates_agree(self) -> Self:
        if self.filed_on is None or self.hearing_on is None:
            return self
        if self.hearing_on < self.filed_on:
            raise _problem(
                f"{self.hearing_on} is before filed_on {self.filed_on}",
                "hearing_on",
            )
        days = (self.hearing_on - self.filed_on).days
        if self.notice_days is not None and self.notice_days != days:
            raise _problem(
                f"is {self.notice_days} but filed_on {self.filed_on} to hearing_on "
                f"{self.hearing_on} is {days} days",
                "notice_days",
            )
        return self


class Opponent(_Model):
    """The party opposing the motion."""

    pro_se: StrictBool | None = None
    contributed: StrictBool | None = None


class Schedule(_Model):
    """What the case's scheduling order says."""

    discovery_cutoff: IsoDate | None = None
    motion_cutoff: IsoDate | None = None
    motion_after_cutoff: StrictBool | None = None
    lr251_waived: StrictBool | None = None
    conference_reimposed: StrictBool | None = None


class Conference(_Model):
    """The conference of counsel.

    Project extension: `informal_with_court`, the court's informal discovery conference
    (or a call to the courtroom deputy) took place before the motion; used by the
    `informal-conference-first` overlay.
    """

    held: StrictBool | None = None
    modes: tuple[ConferenceMode, ...] | None = None
    adequate: StrictBool | None = None
    after_motion_filed: StrictBool | None = None
    movant_effort: StrictBool | None = None
    opponent_refused: StrictBool | None = None
    informal_with_court: StrictBool | None = None


class Responses(_Model):
    """The discovery responses the motion is about."""

    served: Served | None = None
    to: RespondingTo | None = None


class _FiledDocument(_Model):
    """A document that may have been filed: `filed_on` implies `filed`."""

    filed: StrictBool | None = None
    filed_on: IsoDate | None = None

    @property
    def is_filed(self) -> bool | None:
        """True if filed (a date implies it), False if not, None if unknown."""
        if self.filed or self.filed_on is not None:
            return True
        return self.filed

    @model_validator(mode="after")
    def _filed_agrees_with_date(self) -> Self:
        if self.filed is False and self.filed_on is not None:
            raise _problem(f"is false but filed_on gives a date ({self.filed_on})", "filed")
        return self


class JointStatementContents(_Model):
    """What the joint statement contains."""

    conference_details: StrictBool | None = None
    nature_of_action: StrictBool | None = None
    contentions: StrictBool | None = None
    items_in_full: StrictBool | None = None


class JointStatement(_FiledDocument):
    """The Joint Statement re Discovery Disagreement, L.R. 251(c).

    Project extensions: `days_before_hearing` (days from filing the statement to the
    motion's hearing, for orders that give only the interval; with both dates it must
    agree with them) and `pages` (for the page-limit overlay).
    """

    days_before_hearing: StrictInt | None = None
    compliant: StrictBool | None = None
    signed_by_all: StrictBool | None = None
    single_document: StrictBool | None = None
    pages: NonNegativeInt | None = None
    contains: Annotated[JointStatementContents, _section(JointStatementContents)] = Field(
        default_factory=JointStatementContents
    )
    opponent_refused_to_sign: StrictBool | None = None
    refusal_good_cause: StrictBool | None = None
    separate_briefs_filed: StrictBool | None = None


class AffidavitContents(_Model):
    """What the affidavit contains."""

    efforts: StrictBool | None = None
    issues: StrictBool | None = None
    contentions: StrictBool | None = None
    items_in_full: StrictBool | None = None


class Affidavit(_FiledDocument):
    """The movant's affidavit, L.R. 251(d).

    Project extension: `contains` (efforts, issues, contentions, items_in_full).
    """

    contains: Annotated[AffidavitContents, _section(AffidavitContents)] = Field(
        default_factory=AffidavitContents
    )


class ResponseToExceptionMotion(_FiledDocument):
    """The responding party's opposition to a motion under L.R. 251(e)."""


class Expected(_Model):
    """What the court actually did (evaluation files only; the engine ignores it).

    Project extension: `court_treated_ready`, the court cleared the motion for the
    merits without ruling on them yet.
    """

    source: StrictStr | None = None
    decided_on: IsoDate | None = None
    judge: StrictStr | None = None
    disposition: Disposition | None = None
    merits_reached: StrictBool | None = None
    route: Route | None = None
    grounds: tuple[StrictStr, ...] | None = None
    sanctions: Sanctions | None = None
    ordered_to_confer: StrictBool | None = None
    court_treated_ready: StrictBool | None = None
    note: StrictStr | None = None


class Case(_Model):
    """One discovery motion, as a court or a party found the facts (`rulepath/case-1`).

    A section that is absent or null is empty: all its facts are unknown. The project
    extensions to the spec are `motion.notice_days`, `conference.informal_with_court`,
    `joint_statement.days_before_hearing`, `joint_statement.pages`, `affidavit.contains`
    and `expected.court_treated_ready`; see each model.
    """

    format: Literal["rulepath/case-1"]
    as_of: IsoDate | None = None
    rule: StrictStr | None = None
    caption: StrictStr | None = None
    court: StrictStr | None = None
    docket: StrictStr | None = None
    judge: StrictStr | None = None
    overlays: tuple[StrictStr, ...] = ()
    motion: Annotated[Motion, _section(Motion)] = Field(default_factory=Motion)
    opponent: Annotated[Opponent, _section(Opponent)] = Field(default_factory=Opponent)
    schedule: Annotated[Schedule, _section(Schedule)] = Field(default_factory=Schedule)
    conference: Annotated[Conference, _section(Conference)] = Field(default_factory=Conference)
    responses: Annotated[Responses, _section(Responses)] = Field(default_factory=Responses)
    joint_statement: Annotated[JointStatement, _section(JointStatement)] = Field(
        default_factory=JointStatement
    )
    affidavit: Annotated[Affidavit, _section(Affidavit)] = Field(default_factory=Affidavit)
    response_to_exception_motion: Annotated[
        ResponseToExceptionMotion, _section(ResponseToExceptionMotion)
    ] = Field(default_factory=ResponseToExceptionMotion)
    rule_version: StrictStr | None = None
    expected: Expected | None = None

    @model_validator(mode="after")
    def _joint_statement_interval_agrees(self) -> Self:
        filed_on = self.joint_statement.filed_on
        hearing_on = self.motion.hearing_on
        given = self.joint_statement.days_before_hearing
        if filed_on is None or hearing_on is None or given is None:
            return self
        days = (hearing_on - filed_on).days
        if given != days:
            raise _problem(
                f"is {given} but joint_statement.filed_on {filed_on} to motion.hearing_on "
                f"{hearing_on} is {days} days",
                "joint_statement.days_before_hearing",
            )
        return self


# --- loading -------------------------------------------------------------------------

def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model found at the path `loc` from `Case`, if any."""
    model: type[BaseModel] = Case
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


def _case_error(error: ErrorDetails, source: str | None) -> CaseError:
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
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model else "?"
        problem = f"unknown field (allowed: {allowed})"
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
        problem = f"{shown} does not match the pattern {ctx.get('pattern')}"
    else:
        problem = error["msg"]
    return CaseError(_dotted(loc) or DOCUMENT, one_line(problem), source)


def case_from_mapping(data: object, *, source: str | None = None) -> Case:
    """Validate already-parsed data (a mapping) as a case; raise CaseError if it is not one."""
    if not isinstance(data, dict):
        got = "an empty document" if data is None else _show(data)
        raise CaseError(DOCUMENT, f"expected a mapping at the top level, got {got}", source)
    try:
        return Case.model_validate(data)
    except ValidationError as e:
        raise _case_error(e.errors()[0], source) from None


def parse_case(
    text: str, *, fmt: Literal["yaml", "json"] | None = None, source: str | None = None
) -> Case:
    """Parse a case from YAML or JSON text; without `fmt`, text starting with `{` is JSON."""
    if fmt is None:
        fmt = "json" if text.lstrip().startswith("{") else "yaml"
    data = load_json(text, source) if fmt == "json" else load_yaml(text, source)
    return case_from_mapping(data, source=source)


def load_case(path: str | Path) -> Case:
    """Load a case file (`-` reads stdin); the format follows the extension, else the text."""
    if str(path) == "-":
        return parse_case(sys.stdin.read(), source="<stdin>")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CaseError("<file>", f"cannot read: {one_line(str(e))}", str(path)) from None
    suffix = path.suffix.lower()
    fmt: Literal["yaml", "json"] | None = (
        "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else None
    )
    return parse_case(text, fmt=fmt, source=str(path))


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of `rulepath/case-1` (as the loader validates it)."""
    schema = Case.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": FORMAT_ID,
        **schema,
        "title": FORMAT_ID,
    }
