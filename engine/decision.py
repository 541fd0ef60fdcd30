"""The decision: typed records that serialise to the `rulepath/decision-1` JSON contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

FORMAT_ID = "rulepath/decision-1"
Status = Literal["met", "unmet", "unknown", "excused"]
# What a consequence does, as the pack declares it (force/3): a bar to hearing the motion, a
# choice the court may make, something the court must do, or a matter of dates only.
Force = Literal["bar", "order", "discretion", "mandatory", "calendar"]


@dataclass(frozen=True)
class RuleRef:
    pack: str
    version: str
    overlays: list[str]


@dataclass(frozen=True)
class Defect:
    id: str
    cite: str
    text: str
    force: Force | None = None


@dataclass(frozen=True)
class Requirement:
    id: str
    cite: str
    status: Status
    force: Force | None = None


@dataclass(frozen=True)
class ExceptionResult:
    id: str
    cite: str
    applies: bool | None
    because: str | None


@dataclass(frozen=True)
class Sanction:
    against: str
    ground: str
    cite: str
    discretionary: bool
    text: str
    force: Force | None = None


@dataclass(frozen=True)
class Assumed:
    id: str
    cite: str
    fact: str
    in_every_completion: bool = True  # False: presumed only where unknown facts go one way


@dataclass(frozen=True)
class Deadline:
    id: str
    date: str | None
    cite: str
    counted_from: str
    event: str
    days: int
    unit: str
    direction: str
    status: str


@dataclass(frozen=True)
class Disposition:
    recommended: str | None
    consistent: list[str]


@dataclass(frozen=True)
class NextStep:
    who: str
    action: str
    cite: str
    id: str


@dataclass(frozen=True)
class Readiness:
    """Why nothing bars the hearing, or what does (``readiness`` in the pack's vocabulary)."""

    basis: str
    cite: str
    text: str


@dataclass(frozen=True)
class Option:
    """A choice the rule leaves to the court, the defect or ground it answers, its clause,
    and a date it carries (the first proper hearing date), if any."""

    option: str
    cite: str
    text: str
    deadline: str | None  # the declared deadline whose computed date it carries
    date: str | None
    for_: str = ""  # the defect or ground the option answers ("for" in JSON)


@dataclass(frozen=True)
class Cure:
    """What meets an unmet requirement, and by when."""

    requirement: str
    action: str
    cite: str
    text: str
    deadline: str | None
    by: str | None


@dataclass(frozen=True)
class Discretion:
    options: list[Option] = field(default_factory=list)
    cures: list[Cure] = field(default_factory=list)


@dataclass(frozen=True)
class Undetermined:
    conclusion: str
    depends_on: list[str]


@dataclass(frozen=True)
class DeterminingSets:
    """What would determine an undetermined conclusion (``rulepath decide --ask``): the
    smallest sets of case fields that determine it whatever their values, each set sorted in
    the order of the case format; ``size`` is theirs (None: no set of at most three fields of
    ``searched`` does), ``complete`` false when the search was cut short by its bounds."""

    conclusion: str
    sets: list[list[str]]
    size: int | None
    complete: bool
    searched: list[str]  # the unknown fields it depends on, the ones searched


@dataclass(frozen=True)
class ConflictRule:
    value: str
    rule: str
    cite: str


@dataclass(frozen=True)
class Conflict:
    """A conclusion the output vocabulary allows at most once that the rules draw twice or
    more in every completion: a conflict in the rules, never hidden as "undetermined"."""

    conclusion: str
    values: list[str]
    rules: list[ConflictRule]


@dataclass
class Decision:
    """What the rule says about one case. ``to_dict()`` is the JSON contract."""

    case: str | None
    rule: RuleRef
    as_of: str
    governs: bool | None
    route: str | None
    ready_for_hearing: bool | None
    defects: list[Defect] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    exceptions: list[ExceptionResult] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    assumed: list[Assumed] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    disposition: Disposition = field(default_factory=lambda: Disposition(None, []))
    next_steps: list[NextStep] = field(default_factory=list)
    readiness: Readiness | None = None
    discretion: Discretion = field(default_factory=Discretion)
    undetermined: list[Undetermined] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    explanation: dict[str, Any] | None = None
    # added by `rulepath decide --ask` (engine/questions.py): absent from to_dict otherwise
    determining_sets: list[DeterminingSets] | None = None

    def to_dict(self, *, explanation: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT_ID}
        out.update(asdict(self))
        for option in out["discretion"]["options"]:
            option["for"] = option.pop("for_")
        if not explanation or self.explanation is None:
            out.pop("explanation")
        if self.determining_sets is None:
            out.pop("determining_sets")
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        """The typed decision of a ``rulepath/decision-1`` mapping (what :meth:`to_dict` gives)."""
        disposition = data["disposition"]
        return cls(
            case=data["case"],
            rule=RuleRef(**data["rule"]),
            as_of=data["as_of"],
            governs=data["governs"],
            route=data["route"],
            ready_for_hearing=data["ready_for_hearing"],
            defects=[Defect(**x) for x in data["defects"]],
            requirements=[Requirement(**x) for x in data["requirements"]],
            exceptions=[ExceptionResult(**x) for x in data["exceptions"]],
            sanctions=[Sanction(**x) for x in data["sanctions"]],
            assumed=[Assumed(**x) for x in data["assumed"]],
            deadlines=[Deadline(**x) for x in data["deadlines"]],
            disposition=Disposition(disposition["recommended"], list(disposition["consistent"])),
            next_steps=[NextStep(**x) for x in data["next_steps"]],
            readiness=Readiness(**data["readiness"]) if data.get("readiness") else None,
            discretion=Discretion(
                [
                    Option(x["option"], x["cite"], x["text"], x["deadline"], x["date"], x["for"])
                    for x in data.get("discretion", {}).get("options", ())
                ],
                [Cure(**x) for x in data.get("discretion", {}).get("cures", ())],
            ),
            undetermined=[Undetermined(**x) for x in data["undetermined"]],
            conflicts=[
                Conflict(
                    c["conclusion"], list(c["values"]), [ConflictRule(**x) for x in c["rules"]]
                )
                for c in data.get("conflicts", ())
            ],
            explanation=data.get("explanation"),
            determining_sets=(
                [DeterminingSets(**x) for x in data["determining_sets"]]
                if data.get("determining_sets") is not None
                else None
            ),
        )

    # Notebooks (Jupyter, IPython) show a decision by these. Both need the case the decision
    # was made from, which :func:`rulepath.decide` keeps beside it (not in ``to_dict``).

    def _repr_svg_(self) -> str | None:
        """The case's path through the rule (``rulepath graph CASE --path``) as SVG: what
        decides its route, readiness and recommended disposition. None when the decision does
        not know its case (one read back by :meth:`from_dict`) or no renderer is installed."""
        from .errors import RulepathError
        from .graph import graph, render

        case = vars(self).get("_case")
        if case is None:
            return None
        try:
            path = graph(case, defaults=vars(self).get("_defaults", True), path=True)
            return render(path, "svg").decode("utf-8")
        except RulepathError:
            return None

    def _repr_markdown_(self) -> str:
        """The decision in Markdown (``rulepath decide CASE --format markdown``)."""
        from .render import to_markdown

        return to_markdown(self)


def iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None
