"""A benchmark population built from the real orders of the dev corpus (issue 11, part 6).

Each line is a `rulepath/case-1` case made from one order of ``../shared/corpus/dev`` (E.D.
Cal. orders encoded as case files, most facts unknown): its conference, the responses in
dispute and the joint-statement facts are drawn afresh, and its dates are shifted together.
What the order leaves unknown mostly stays unknown: every line leaves 32-46 of the pack's
input fields unknown, as the orders themselves do (35-46, mean 42).

    python -m bench.corpus_population --n 100000 --seed 1 --repeat rare -o rare.jsonl
    python -m bench.corpus_population --n 100000 --seed 1 --repeat often -o often.jsonl

``--repeat rare``: every line is drawn afresh, so fact patterns seldom repeat (a
pattern is what the engine's memo keys a decision by: the rule version and overlays, and the
value, or unknown, of every input and deadline). ``--repeat often``: the lines are drawn from
a small pool of such variants (``--pool``, 50 by default), each shifted by whole weeks
within its version, so that patterns repeat a lot (a shift across a holiday may change a
deadline's timeliness: a few more patterns than the pool).

How a line is made (``vary``):

* **dates**: every date of the order (``as_of``, filing, hearing, cutoffs, the joint
  statement's, the affidavit's, the response's) moves by the same number of days, chosen so
  that ``as_of`` stays in the rule version in force on the order's date (the order's own
  ``rule_version`` is kept). Where the order dates both the filing and the hearing, the notice
  period is drawn again (around 251(a)'s 21 and 7 days), and ``motion.notice_days``, when
  given, is the dates' difference; the hearing is never before the filing.
* **the conference, the responses, the joint statement**: each field the order states gets a
  new value (a conference not held is not adequate and was by letter at most; what was served
  at filing is no more than what is served now; a joint statement not filed has no date and no
  described contents). A joint statement's date is drawn again around the 14 and 7 days
  before the hearing, and ``joint_statement.days_before_hearing`` (when the order gives it) is
  the dates' difference, or a fresh count where a date is unknown.
* **known or unknown**: a few of those sections' input fields move between known and unknown
  (2-6 that the order leaves open are stated, 1-4 that it states are forgotten), within 32-46
  unknown in all. Every other field keeps the order's value, and its being unknown.

The count of unknown fields (``unknown_fields``) is over the inputs of ``input.lp``: the case
fields whose values the solver takes as assumptions (52; dates and day counts enter through
the pack's deadlines instead and are not counted). A field is unknown when absent or null
(``motion.hearing_on: null`` is stated: no hearing was noticed).

Without the corpus the module exits with status 2 and a message naming the folder.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
PACK = ROOT / "logic" / "edcal_lr251"
UNKNOWN_MIN, UNKNOWN_MAX = 32, 46  # unknown input fields per line (the orders: 35-46)
LAST = date(2025, 12, 31)  # no shifted as_of later than this (or than the order's own)
POOL = 50  # --repeat often: variants drawn from
SOURCE = "_source"  # load_corpus: the order's file name (not a case field)

MODES = ("in_person", "telephone", "video", "written")
SERVED = ("none", "partial", "complete")
RESPONDING_TO = ("request", "order", "initial_disclosures")
JS_CONTAINS = ("conference_details", "nature_of_action", "contentions", "items_in_full")
# Days from the joint statement to the hearing: around 251(a)'s 14 (amended) and 7 days.
# Days from filing to the hearing: around 251(a)'s 21 days and 7 days (with the statement).
NOTICE_GAPS = (5, 7, 8, 10, 13, 14, 15, 20, 21, 22, 24, 28, 30, 35, 42)
JS_GAPS = (-1, 0, 1, 3, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 21, 28)
# The input fields a line may state or forget, by section (the sections varied).
VARIED: dict[str, tuple[str, ...]] = {
    "conference": ("held", "modes", "adequate", "after_motion_filed", "movant_effort",
                   "opponent_refused", "informal_with_court"),
    "responses": ("served", "served_at_filing", "to"),
    "joint_statement": ("filed", "compliant", "signed_by_all", "single_document",
                        *(f"contains.{c}" for c in JS_CONTAINS), "opponent_refused_to_sign",
                        "refusal_good_cause", "separate_briefs_filed"),
}
# What a joint statement not filed cannot have (the format refuses a date with filed: false).
JS_DETAILS = ("filed_on", "days_before_hearing", "compliant", "signed_by_all",
              "single_document", "pages", "contains")
DATE_FIELDS = ("as_of", "motion.filed_on", "motion.hearing_on", "schedule.discovery_cutoff",
               "schedule.motion_cutoff", "joint_statement.filed_on", "affidavit.filed_on",
               "response_to_exception_motion.filed_on")


class CorpusMissing(FileNotFoundError):
    """The dev corpus is not there: the population cannot be made."""

    def __init__(self, folder: Path) -> None:
        super().__init__(
            f"no dev corpus at {folder}: the real orders' case files (*.yaml) come with the "
            "project's shared folder, ../shared/corpus/dev beside the repository; without it "
            "there is no population from the corpus (name another folder with --corpus DIR)"
        )
        self.folder = folder


# --- what the pack reads ---------------------------------------------------------------------


def input_fields(pack: Path = PACK) -> tuple[str, ...]:
    """The case fields of the pack's input declarations (input.lp), in their order."""
    text = (pack / "input.lp").read_text(encoding="utf-8")
    found = re.findall(r'^input[a-z_]*\([^"\n]*"([a-z0-9_.]+)"', text, re.MULTILINE)
    return tuple(dict.fromkeys(found))


def _null_stated(pack: Path = PACK) -> frozenset[str]:
    """The fields whose null is a value (input_present: written null, stated absent)."""
    text = (pack / "input.lp").read_text(encoding="utf-8")
    return frozenset(re.findall(r'^input_present\([^"\n]*"([a-z0-9_.]+)"', text, re.MULTILINE))


def _implied_by(pack: Path = PACK) -> dict[str, str]:
    """field -> the sibling whose value implies it (case.toml ``implied_by``)."""
    with (pack / "case.toml").open("rb") as handle:
        fields = tomllib.load(handle)["fields"]
    return {path: spec["implied_by"] for path, spec in fields.items() if "implied_by" in spec}


INPUT_FIELDS = input_fields()
NULL_STATED = _null_stated()
IMPLIED_BY = _implied_by()


def _get(case: dict[str, Any], path: str) -> tuple[bool, Any]:
    node: Any = case
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _known(case: dict[str, Any], path: str) -> bool:
    """Whether the engine takes the field as known: given (null only where null is a value,
    as ``motion.hearing_on: null``), or implied by its sibling (a filing date: filed)."""
    present, value = _get(case, path)
    if present and (value is not None or path in NULL_STATED):
        return True
    implied = IMPLIED_BY.get(path)
    return implied is not None and _get(case, implied)[1] is not None


def unknown_fields(case: dict[str, Any], fields: Iterable[str] = INPUT_FIELDS) -> int:
    """How many of the pack's input fields the case leaves unknown."""
    return sum(not _known(case, f) for f in fields)


def version_periods(pack: Path = PACK) -> list[tuple[date, date]]:
    """Each version's days in force, [first, last], from pack.toml."""
    with (pack / "pack.toml").open("rb") as handle:
        starts = sorted(date.fromisoformat(str(v["in_force_from"]))
                        for v in tomllib.load(handle)["versions"])
    ends = [s - timedelta(days=1) for s in starts[1:]] + [date.max]
    return list(zip(starts, ends, strict=True))


# --- the corpus ------------------------------------------------------------------------------


def load_corpus(folder: Path = CORPUS) -> list[dict[str, Any]]:
    """The orders' case files (without ``expected``, what the court did), in name order, each
    with its file's name under SOURCE (a line's caption names it: captions repeat)."""
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise CorpusMissing(folder)
    cases = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            case = yaml.safe_load(handle)
        case.pop("expected", None)
        case[SOURCE] = path.stem
        cases.append(case)
    return cases


# --- one line ---------------------------------------------------------------------------------


def _set(case: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    node = case
    for part in parents:
        node = node.setdefault(part, {})
    node[name] = value


def _drop(case: dict[str, Any], path: str) -> None:
    *parents, name = path.split(".")
    node: Any = case
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(name, None)


def _shift(case: dict[str, Any], days: int) -> None:
    for path in DATE_FIELDS:
        present, value = _get(case, path)
        if present and isinstance(value, date):
            _set(case, path, value + timedelta(days=days))


def _shift_range(case: dict[str, Any], periods: list[tuple[date, date]]) -> tuple[int, int]:
    """The shifts (days) that keep ``as_of`` in the version in force on it (any version when
    the case names its own), not after LAST (or the order's own date)."""
    as_of: date = case["as_of"]
    first, last = next(((a, b) for a, b in periods if a <= as_of <= b), (as_of, as_of))
    if case.get("rule_version"):
        first = periods[0][0]
    last = min(last, max(LAST, as_of))
    return (first - as_of).days, (last - as_of).days


_RANK = {s: i for i, s in enumerate(SERVED)}


def _values(rng: random.Random, case: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """A fresh value for each varied field, given what the case states around it when the
    value is drawn."""

    def held() -> Any:
        return (case.get("conference") or {}).get("held")

    def modes() -> list[str]:
        if held() is False:  # letters at most
            return list(rng.choice(((), ("written",))))
        picked = [m for m in MODES if rng.random() < 0.35]
        if held() and not picked:
            picked = [rng.choice(MODES)]
        return picked

    def adequate() -> bool:
        return held() is not False and rng.random() < 0.75

    def served_at_filing() -> str:  # no more than is served now
        now = (case.get("responses") or {}).get("served")
        top = _RANK.get(now, len(SERVED) - 1) if isinstance(now, str) else len(SERVED) - 1
        return SERVED[rng.randrange(top + 1)]

    def chance(p: float) -> Callable[[], bool]:
        return lambda: rng.random() < p

    return {
        "conference.held": chance(0.6),
        "conference.modes": modes,
        "conference.adequate": adequate,
        "conference.after_motion_filed": chance(0.3),
        "conference.movant_effort": chance(0.8),
        "conference.opponent_refused": chance(0.3),
        "conference.informal_with_court": chance(0.4),
        "responses.served": lambda: rng.choice(SERVED),
        "responses.served_at_filing": served_at_filing,
        "responses.to": lambda: rng.choice(RESPONDING_TO),
        "joint_statement.filed": chance(0.65),
        "joint_statement.compliant": chance(0.8),
        "joint_statement.signed_by_all": chance(0.85),
        "joint_statement.single_document": chance(0.9),
        **{f"joint_statement.contains.{c}": chance(0.9) for c in JS_CONTAINS},
        "joint_statement.opponent_refused_to_sign": chance(0.15),
        "joint_statement.refusal_good_cause": chance(0.3),
        "joint_statement.separate_briefs_filed": chance(0.2),
    }


_ORDER = [f"{section}.{name}" for section, names in VARIED.items() for name in names]


def _restate(rng: random.Random, case: dict[str, Any], fields: Iterable[str]) -> None:
    """New values for ``fields``, in the sections' order (a value may depend on an earlier
    one: adequacy and modes on whether a conference was held)."""
    wanted = set(fields)
    values = _values(rng, case)
    for path in _ORDER:
        if path in wanted:
            _set(case, path, values[path]())


def _joint_statement(rng: random.Random, case: dict[str, Any]) -> None:
    """The joint statement's dates and details agreeing with whether it was filed."""
    js = case.get("joint_statement")
    if not isinstance(js, dict):
        return
    if js.get("filed") is False:
        for name in JS_DETAILS:
            js.pop(name, None)
        if not js.get("contains"):
            js.pop("contains", None)
        return
    hearing = (case.get("motion") or {}).get("hearing_on")
    filed_on = js.get("filed_on")
    if isinstance(filed_on, date) and isinstance(hearing, date):
        js["filed_on"] = hearing - timedelta(days=rng.choice(JS_GAPS))
    if "days_before_hearing" in js:
        filed_on = js.get("filed_on")
        if isinstance(filed_on, date) and isinstance(hearing, date):
            js["days_before_hearing"] = (hearing - filed_on).days
        else:
            js["days_before_hearing"] = rng.choice(JS_GAPS)
    if "pages" in js:
        js["pages"] = rng.randrange(5, 40)
    if js.get("contains") == {}:
        del js["contains"]


def _movable(case: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The varied sections' input fields that may be stated, and those that may be forgotten."""
    js_not_filed = (case.get("joint_statement") or {}).get("filed") is False
    stateable, forgettable = [], []
    for path in _ORDER:
        if _known(case, path):
            implied = IMPLIED_BY.get(path)
            if implied is None or _get(case, implied)[1] is None:  # not kept known by a date
                forgettable.append(path)
        elif not (js_not_filed and path.split(".")[1] in JS_DETAILS):
            stateable.append(path)
    return stateable, forgettable


def _notice(rng: random.Random, case: dict[str, Any]) -> None:
    """A new notice period where the order dates both the filing and the hearing (the
    hearing moves; ``motion.notice_days``, when given, follows)."""
    motion = case.get("motion") or {}
    filed_on, hearing = motion.get("filed_on"), motion.get("hearing_on")
    if isinstance(filed_on, date) and isinstance(hearing, date):
        motion["hearing_on"] = filed_on + timedelta(days=rng.choice(NOTICE_GAPS))
        if "notice_days" in motion:
            motion["notice_days"] = (motion["hearing_on"] - filed_on).days


def vary(rng: random.Random, source: dict[str, Any], index: int, *,
         periods: list[tuple[date, date]], state: tuple[int, int] = (2, 6),
         forget: tuple[int, int] = (1, 4)) -> dict[str, Any]:
    """One line from one order: dates shifted together (a dated notice period drawn again),
    new conference, responses and joint statement, and of those sections' input fields some
    the order leaves unknown stated (how many: drawn from ``state``) and some it states
    forgotten (``forget``), within UNKNOWN_MIN-UNKNOWN_MAX unknown in all."""
    case = copy.deepcopy(source)
    stem = case.pop(SOURCE, "?")
    case["caption"] = f"{source['caption']} ({stem}, variant {index})"
    low, high = _shift_range(case, periods)
    _shift(case, rng.randint(low, high))
    _notice(rng, case)
    stateable, forgettable = _movable(case)
    stated = rng.sample(stateable, min(len(stateable), rng.randint(*state)))
    forgotten = rng.sample(forgettable, min(len(forgettable), rng.randint(*forget)))
    for path in forgotten:
        _drop(case, path)
    _restate(rng, case, [p for p in _ORDER if _known(case, p) or p in stated])
    _joint_statement(rng, case)
    # within the range: state or forget more of the varied fields
    unknown = unknown_fields(case)
    while unknown > UNKNOWN_MAX or unknown < UNKNOWN_MIN:
        stateable, forgettable = _movable(case)
        if unknown > UNKNOWN_MAX and stateable:
            _restate(rng, case, [rng.choice(stateable)])
        elif unknown < UNKNOWN_MIN and forgettable:
            _drop(case, rng.choice(forgettable))
        else:
            raise ValueError(f"{source['caption']}: cannot keep {UNKNOWN_MIN}-{UNKNOWN_MAX} "
                             f"fields unknown ({unknown})")
        _joint_statement(rng, case)
        unknown = unknown_fields(case)
    for section in VARIED:
        if case.get(section) == {}:
            del case[section]
    return case


def _weeks(rng: random.Random, case: dict[str, Any], periods: list[tuple[date, date]],
           index: int) -> dict[str, Any]:
    """A pool variant again, shifted by whole weeks (within its version), renamed."""
    out = copy.deepcopy(case)
    out["caption"] = re.sub(r", variant \d+\)$", f", line {index})", case["caption"])
    low, high = _shift_range(out, periods)
    weeks = [7 * k for k in range(-26, 27) if low <= 7 * k <= high]
    _shift(out, rng.choice(weeks) if weeks else 0)
    return out


def population(n: int, *, seed: int = 0, repeat: str = "rare", pool: int = POOL,
               corpus: Path = CORPUS) -> Iterator[dict[str, Any]]:
    """``n`` lines (case mappings, dates as ``date``) from one seed."""
    if repeat not in ("rare", "often"):
        raise ValueError(f"repeat must be rare or often, not {repeat!r}")
    sources = load_corpus(corpus)
    periods = version_periods()
    rng = random.Random(seed)
    if repeat == "rare":
        for i in range(n):
            yield vary(rng, rng.choice(sources), i + 1, periods=periods)
        return
    variants = [vary(rng, rng.choice(sources), i + 1, periods=periods) for i in range(pool)]
    for i in range(n):
        yield _weeks(rng, rng.choice(variants), periods, i + 1)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def dumps(case: dict[str, Any]) -> str:
    """One JSON line (no newline), dates as ISO strings."""
    return json.dumps(case, separators=(",", ":"), ensure_ascii=False, default=_json)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, required=True, help="number of lines")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", choices=("rare", "often"), default="rare",
                        help="rare: fact patterns seldom repeat; often: drawn from a small pool")
    parser.add_argument("--pool", type=int, default=POOL,
                        help=f"--repeat often: the variants drawn from ({POOL})")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="the folder of the orders' case files (../shared/corpus/dev)")
    parser.add_argument("-o", "--output", default="-", help="JSON Lines file (- = stdout)")
    args = parser.parse_args(argv)
    if not (args.corpus.is_dir() and any(args.corpus.glob("*.yaml"))):
        print(f"bench.corpus_population: {CorpusMissing(args.corpus)}", file=sys.stderr)
        return 2
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    low = high = total = 0
    try:
        for number, case in enumerate(population(args.n, seed=args.seed, repeat=args.repeat,
                                                 pool=args.pool, corpus=args.corpus), 1):
            unknown = unknown_fields(case)
            low = unknown if number == 1 else min(low, unknown)
            high = max(high, unknown)
            total += unknown
            out.write(dumps(case) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if args.n:
        print(f"bench.corpus_population: {args.n:,} lines ({args.repeat}), unknown input fields "
              f"{low}-{high} of {len(INPUT_FIELDS)} (mean {total / args.n:.1f})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
