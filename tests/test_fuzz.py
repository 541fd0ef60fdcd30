"""Fuzz tests: case documents generated from the case JSON Schema, and mutations of them.

(a) Whatever the text, ``parse_case`` returns a case or raises a one-line ``CaseError``.
(b) A case that ``parse_case`` accepts is decided, and the decision serialises as JSON.
(c) ``rulepath decide`` exits 0 or 2, never 1, and never prints a traceback.

Reproducible and bounded: ``derandomize=True`` (the same examples on every run, no example
database) and example counts that keep the file to some 30 seconds.
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis_jsonschema import from_schema

from rulepath.cli.main import main
from rulepath.engine import calendar, documents
from rulepath.engine.api import decide
from rulepath.engine.casefile import case_json_schema, parse_case
from rulepath.engine.errors import CaseError, RulepathError

Json = Any
Strategy = st.SearchStrategy[Json]

# too_slow: a drawn case is a whole document (a dozen sections, each a dozen fields), which
# hypothesis finds slow to generate on a busy CI machine; the examples are what they should be.
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# --- dates ------------------------------------------------------------------------------

# Dates outside the calendar's range (and its ends), and texts that are no dates at all.
OUT_OF_RANGE_DATES = [
    "0001-01-01", "1777-01-01", "1777-12-31", "2100-01-01", "2101-01-05", "9999-12-31",
]
MALFORMED_DATES = [
    "1778-01-01", "2099-12-31", "2021-02-29", "2020-02-29", "2010-13-01", "2010-00-10",
    "0000-01-01", "20100-01-01", "2010-1-1", "2010-01-01T00:00:00", "2010-01-01 10:00",
    "2010/01/01", "", " 2010-01-01",
]


@cache
def model_refuses_dates_outside_the_calendar() -> bool:
    """Whether the case model refuses dates the calendar cannot count (the lead's change).
    Until it does, such a case reaches the calendar's ValueError, so (b) and (c) draw only
    dates inside the range; (a) draws odd dates either way."""
    try:
        parse_case('{"format": "rulepath/case-1", "motion": {"filed_on": "9999-12-31"}}')
    except CaseError:
        return True
    return False


def date_texts(odd: bool) -> Strategy:
    usual = st.dates(date(2005, 1, 3), date(2030, 12, 31)).map(date.isoformat)
    anywhere = st.dates(calendar.FIRST_DAY, calendar.LAST_DAY).map(date.isoformat)
    choices = [usual, usual, anywhere]
    choices.append(st.sampled_from(MALFORMED_DATES))
    if odd:
        choices += [st.dates().map(date.isoformat), st.sampled_from(OUT_OF_RANGE_DATES)]
    return st.one_of(choices)


# --- documents from the schema ------------------------------------------------------------

# The keywords a leaf (a scalar, or a list of them) is generated from; titles, descriptions
# and defaults are left out.
_LEAF_KEYWORDS = {
    "type", "enum", "const", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "multipleOf",
}
KNOWN_OVERLAYS = [
    "informal-conference-first", "joint-statement-page-limit-25", "no-written-conferral",
    "second-live-conference", "no-such-overlay",
]


def schema_documents(schema: dict[str, Json], *, odd_dates: bool, odd_text: bool) -> Strategy:
    """Documents that follow ``schema`` (the case JSON Schema): objects, lists, anyOf and
    $ref are built here (hypothesis-jsonschema 0.23's object strategy fails on hypothesis
    6.1xx: ``'many' object has no attribute 'more'``), leaves by hypothesis-jsonschema.
    ``rule``, ``rule_version`` and ``overlays`` keep mostly to values the engine knows, so
    that many documents reach a decision. With ``odd_text``, free-text fields (a caption, a
    docket) also take control characters, lone surrogates and the like."""
    defs: dict[str, Json] = schema.get("$defs", {})
    dates = date_texts(odd_dates)
    overrides: dict[str, Strategy] = {
        "rule": st.none() | st.just("edcal-lr251") | st.text(max_size=8),
        "rule_version": st.none() | st.text(max_size=8),
        "overlays": st.lists(st.sampled_from(KNOWN_OVERLAYS), max_size=2, unique=True),
        "as_of": st.none() | dates,
    }

    def build(node: dict[str, Json], name: str | None = None) -> Strategy:
        if name in overrides:
            return overrides[name]
        if "$ref" in node:
            return build(defs[node["$ref"].rsplit("/", 1)[-1]], name)
        for combine in ("anyOf", "oneOf"):
            if combine in node:
                return st.one_of([build(part, name) for part in node[combine]])
        if "allOf" in node:
            merged: dict[str, Json] = {}
            for part in node["allOf"]:
                merged |= defs[part["$ref"].rsplit("/", 1)[-1]] if "$ref" in part else part
            return build(merged, name)
        if node.get("type") == "object" or "properties" in node:
            fields = {key: build(value, key) for key, value in node.get("properties", {}).items()}
            required = set(node.get("required", ()))
            return st.fixed_dictionaries(
                {k: v for k, v in fields.items() if k in required},
                optional={k: v for k, v in fields.items() if k not in required},
            )
        if node.get("type") == "array":
            return st.lists(build(node.get("items", {})), max_size=3)
        if node.get("format") == "date":
            return dates
        leaf = {k: v for k, v in node.items() if k in _LEAF_KEYWORDS}
        if odd_text and leaf == {"type": "string"}:
            return from_schema(leaf) | NASTY_TEXT
        return from_schema(leaf)

    return build(schema)


@cache
def valid_documents(odd_dates: bool, odd_text: bool = False) -> Strategy:
    return schema_documents(case_json_schema(), odd_dates=odd_dates, odd_text=odd_text)


# --- mutations ------------------------------------------------------------------------------

# Placeholders for what cannot go through yaml.safe_dump or json.dumps: integers too long to
# print, and nesting too deep for their recursion. Replaced in the text after dumping.
_PLACEHOLDER = re.compile(r"""['"]?@@(INT|DEEP):(\d+)@@['"]?""")


def _expand(match: re.Match[str]) -> str:
    kind, size = match.group(1), int(match.group(2))
    return "9" * size if kind == "INT" else "[" * size + "]" * size


NASTY_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=4),
    st.sampled_from(["\ud800", "a\udfffb", "\udc80", "x\ud83d", "\U0001f600", "\u2028", "\x1b[2J"]),
    st.sampled_from(["yes", "no", "on", "off", "~", "null", "0x1F", "1:30", "0o17", ".inf", "<<"]),
)


@cache
def nasty_values(odd_dates: bool) -> Strategy:
    """Wrong values of every kind, nested a little."""
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63), st.floats(),
        NASTY_TEXT, date_texts(odd_dates),
        *[st.integers(4290, 4310).map(lambda n: f"@@INT:{n}@@")] * 2,  # twice: more often
        *[st.sampled_from([60, 63, 64, 65, 200, 1000, 5000]).map(lambda n: f"@@DEEP:{n}@@")] * 2,
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NASTY_TEXT, inner, max_size=3),
        max_leaves=6,
    )


def _containers(data: Json) -> list[Json]:
    """Every mapping and list in ``data`` (the places a mutation can go)."""
    found, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            found.append(item)
            stack.extend(item.values() if isinstance(item, dict) else item)
    return found


def _string_slots(data: Json) -> list[tuple[Json, Any]]:
    """(container, key or index) of every string value in ``data``."""
    slots = []
    for container in _containers(data):
        pairs = container.items() if isinstance(container, dict) else enumerate(container)
        slots += [(container, key) for key, value in pairs if isinstance(value, str)]
    return slots


@st.composite
def mutated_documents(draw: st.DrawFn, odd_dates: bool) -> Json:
    """A valid document with one to three things wrong: a wrong value (type, huge integer,
    deep nesting, surrogate, control characters, odd date), an unknown or odd key."""
    doc = draw(valid_documents(odd_dates))
    nasty = nasty_values(odd_dates)
    for _ in range(draw(st.integers(1, 3))):
        strings = _string_slots(doc)
        if strings and draw(st.booleans()):  # the right type, odd text: reaches the output
            holder, slot = draw(st.sampled_from(strings))
            holder[slot] = draw(NASTY_TEXT)
            continue
        target = draw(st.sampled_from(_containers(doc)))
        value = draw(nasty)
        if isinstance(target, list):
            if target and draw(st.booleans()):
                target[draw(st.integers(0, len(target) - 1))] = value
            else:
                target.append(value)
        else:
            keys = st.sampled_from(sorted(target)) if target else NASTY_TEXT
            target[draw(keys | NASTY_TEXT)] = value
    # Hypothesis favours the ends of a range: a middle value is about one draw in ten.
    return draw(nasty) if draw(st.integers(0, 9)) == 5 else doc  # at times not a mapping


def _dump(doc: Json, fmt: str, ascii_only: bool) -> str:
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=ascii_only)
    else:
        text = yaml.safe_dump(doc, allow_unicode=not ascii_only, sort_keys=False)
    return _PLACEHOLDER.sub(_expand, text)


@st.composite
def document_texts(draw: st.DrawFn, odd_dates: bool = True) -> tuple[str, str]:
    """(text, format): a mutated or valid document dumped as YAML or JSON, at times cut
    short or with a few characters spliced in (malformed syntax)."""
    doc = draw(mutated_documents(odd_dates) | valid_documents(odd_dates))
    fmt = draw(st.sampled_from(["yaml", "json"]))
    text = _dump(doc, fmt, draw(st.booleans()))
    if draw(st.integers(0, 4)) == 2:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["", "{", "[", ":", "\t", "&a", "*a", "!!", '"']))
    return text, fmt


# --- the properties -----------------------------------------------------------------------


def assert_one_line(message: str) -> None:
    assert message.isprintable(), message  # no line break of any kind, no control character
    message.encode("utf-8")  # and valid Unicode: it can be printed


def parse_or_case_error(text: str, fmt: str) -> object:
    try:
        case = parse_case(text, fmt=fmt)  # type: ignore[arg-type]
    except CaseError as error:
        assert_one_line(str(error))
        event("refused", error.problem.split(":")[0][:24])  # how far the fuzz reaches
        return error
    event("accepted")
    return case


@settings(FUZZ, max_examples=800)
@given(document_texts())
def test_a_any_document_is_a_case_or_one_line_error(text_and_format: tuple[str, str]) -> None:
    text, fmt = text_and_format
    parse_or_case_error(text, fmt)


@settings(FUZZ, max_examples=300)
@given(st.data())
def test_b_every_accepted_case_is_decided_and_serialised(data: st.DataObject) -> None:
    # Valid means accepted by parse_case: schema documents, and mutated ones that got through.
    # Odd dates only once the case model refuses those the calendar cannot count.
    odd = model_refuses_dates_outside_the_calendar()
    doc = data.draw(valid_documents(odd, odd_text=True) | mutated_documents(odd))
    fmt = data.draw(st.sampled_from(["yaml", "json"]))
    # JSON as ASCII: its \u escapes are what carry odd characters past the text checks.
    ascii_only = fmt == "json" or data.draw(st.booleans())
    case = parse_or_case_error(_dump(doc, fmt, ascii_only), fmt)
    if isinstance(case, CaseError):
        return  # not a valid case (dates that disagree, say): (a) checks the message
    try:
        decision = decide(case, explain=False)  # type: ignore[arg-type]
    except RulepathError as error:  # e.g. an unknown overlay: the CLI's exit 2
        assert_one_line(str(error))
        event("refused by the engine")
        return
    json.dumps(decision.to_dict(), ensure_ascii=False).encode("utf-8")
    event("decided")


_WORK = Path(tempfile.mkdtemp(prefix="rulepath-fuzz-"))  # not tmp_path: hypothesis reruns
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)  # the test in one process


def _run_cli(text: str, suffix: str) -> tuple[int, str, str]:
    path = _WORK / f"case{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))  # what a hostile file can hold
    result = CliRunner().invoke(main, ["decide", str(path)])
    return result.exit_code, result.stdout, result.stderr


def cli_documents() -> st.SearchStrategy[tuple[str, str]]:
    # Until the case model refuses them, dates outside the calendar's range would end in the
    # calendar's ValueError (exit 1): drawn only once the model refuses them.
    return document_texts(model_refuses_dates_outside_the_calendar())


@settings(FUZZ, max_examples=150)
@given(st.deferred(cli_documents))
def test_c_cli_exits_0_or_2_never_a_traceback(text_and_format: tuple[str, str]) -> None:
    text, fmt = text_and_format
    code, out, err = _run_cli(text, f".{fmt}")
    assert code in (0, 2), (code, out, err)
    assert "Traceback" not in out + err
    event(f"exit {code}")
    if code == 2:
        assert out == "" and err.startswith("rulepath: ")
        assert_one_line(err.removesuffix("\n"))


def test_placeholders_expand() -> None:
    assert _dump({"a": "@@INT:3@@", "b": ["@@DEEP:2@@"]}, "json", True) == (
        '{"a": 999, "b": [[[]]]}'
    )
    text = _dump({"a": "@@DEEP:2@@", "b": "@@INT:3@@"}, "yaml", True)
    assert documents.parse_document(text, "yaml") == {"a": [[]], "b": 999}
