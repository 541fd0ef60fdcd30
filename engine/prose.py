"""The words of a pack's reasoning (``reasoning.toml`` beside its rules): sentence templates
keyed by the output vocabulary, how the court cites a clause, who the parties are called, and
the small rules of formal prose (dates in words, numbers spelled out, lists joined).

Generic: a template is found by the kind of conclusion it words (``requirement``,
``exception``, ``option``, ``sanction`` ...) and the pack's own id, never by a name written here.
A template is one sentence without its cite; ``{name}`` or ``{name:arg}`` fills a value the
reasoning computes (:data:`PLACEHOLDERS`). A version may override any template under
``[versions."<id>"]``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .errors import PackError

# Every value a template may name: ``{because}`` the facts and presumptions a conclusion rests
# on; ``{open}`` the unknown facts an open point turns on; the parties; a deadline's day count
# (``{days:ID}``) or date (``{due:ID}``); a case date (``{date:PATH}``); a cure's date and
# the date it is counted from; an option's date; the party a step or exposure concerns; the
# rule's name in the version's numbering (``[document] rule``).
PLACEHOLDERS = frozenset({
    "because", "open", "movant", "opposing_party", "opposing_counsel", "days", "due", "date",
    "by", "anchor", "who", "event", "rule",
})
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z0-9_.]+))?\}")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# What the parties are called where the pack does not say.
_WHO = {"movant": "the moving party", "opposing_party": "the opposing party",
        "opposing_counsel": "opposing counsel"}


class Missing(Exception):
    """A template names a value this case does not have (a date not given): the caller falls
    back to another variant."""


@dataclass(frozen=True)
class CiteForm:
    """One rewrite of a cite into the court's form: where ``match`` (a regular expression)
    matches, ``replace`` stands for the match (``\1`` for its first group), and ``prefix`` goes
    in front."""

    match: re.Pattern[str]
    prefix: str = ""
    replace: str | None = None

    def apply(self, cite: str) -> str | None:
        if self.match.search(cite) is None:
            return None
        if self.replace is not None:  # \1 names a group of the match
            cite = self.match.sub(self.replace, cite, count=1)
        return self.prefix + cite


@dataclass(frozen=True)
class Templates:
    """A pack's reasoning words for one version (the version's overrides merged in)."""

    data: Mapping[str, Any] = field(default_factory=dict)
    forms: tuple[CiteForm, ...] = ()
    source: str = ""

    def table(self, *path: str) -> Mapping[str, Any]:
        node: Any = self.data
        for part in path:
            node = node.get(part) if isinstance(node, Mapping) else None
            if node is None:
                return {}
        return node if isinstance(node, Mapping) else {}

    def text(self, *path: str) -> str | None:
        """The string at ``path`` (``"requirement", "conference", "unmet"``), else None. An empty
        string is a template that says nothing (the point is worded with another)."""
        *head, last = path
        value = self.table(*head).get(last)
        return value if isinstance(value, str) else None

    def order(self, section: str) -> list[str]:
        value = self.table(section).get("order", [])
        return [str(x) for x in value] if isinstance(value, list) else []

    def words(self, section: str, default: list[str] | None = None) -> list[str]:
        value = self.data.get(section, default or [])
        return [str(x) for x in value] if isinstance(value, list) else []

    def court_cite(self, cite: str) -> str:
        """A cite (already in the version's numbering) in the form the court writes it."""
        for form in self.forms:
            done = form.apply(cite)
            if done is not None:
                return done
        return cite


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_templates(path: Path, version: str) -> Templates:
    """The templates at ``path`` for ``version`` (read once per version of the file); none when
    the pack has no reasoning file (every sentence is then worded from the pack's texts)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Templates(source=str(path))
    return _load(path, stamp, version)


@cache
def _load(path: Path, stamp: int, version: str) -> Templates:
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PackError(str(path), f"cannot read the reasoning templates: {error}") from None
    versions = data.pop("versions", {})
    if isinstance(versions, Mapping) and isinstance(versions.get(version), Mapping):
        data = _merge(data, versions[version])
    forms = []
    for i, form in enumerate(data.get("cite", {}).get("forms", [])):
        try:
            forms.append(CiteForm(re.compile(form["match"]), str(form.get("prefix", "")),
                                  form.get("replace")))
        except (KeyError, TypeError, re.error) as error:
            raise PackError(str(path), f"cite.forms[{i}]: {error}") from None
    for where, text in strings(data):
        for m in _PLACEHOLDER.finditer(text):
            if m.group(1) not in PLACEHOLDERS:
                raise PackError(str(path), f"{where}: unknown placeholder {{{m.group(1)}}}")
    return Templates(data, tuple(forms), str(path))


def strings(data: Mapping[str, Any], where: str = "") -> list[tuple[str, str]]:
    """Every string of a template table with its dotted key (tests check each one)."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        here = f"{where}.{key}" if where else str(key)
        if isinstance(value, str):
            out.append((here, value))
        elif isinstance(value, Mapping):
            out += strings(value, here)
    return out


# --- filling a template ----------------------------------------------------------------------


def fill(
    template: str, values: Mapping[str, Any], *, strict: bool = True, clause: bool = False
) -> str:
    """``template`` with its placeholders filled: a value is a string, or for ``{name:arg}`` a
    mapping from ``arg``; a value the case does not have raises :class:`Missing` (``strict``)
    or is left as it is written. A sentence is capitalised; a ``clause`` (words to go inside
    another sentence) is left as written."""

    def one(m: re.Match[str]) -> str:
        name, arg = m.group(1), m.group(2)
        value = values.get(name)
        if arg is not None:
            value = value.get(arg) if isinstance(value, Mapping) else None
        if value is None or value == "":
            if not strict:
                return m.group(0)
            raise Missing(m.group(0))
        return str(value)

    filled = _PLACEHOLDER.sub(one, template)
    return " ".join(filled.split()).rstrip(".") if clause else sentence(filled)


def sentence(text: str) -> str:
    """One sentence: spaces tidied, the first letter capitalised, no full stop (the cite
    follows it)."""
    text = " ".join(text.split())
    text = text.rstrip().removesuffix(".")
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A sentence's first word in lower case, to go inside another, unless it is an
    abbreviation or a name (``L.R.``, ``FRCP``, ``Joint Statement re ...``)."""
    words = text.split(" ", 2)
    head = words[0]
    if len(head) > 1 and (head[1:2].isupper() or "." in head):
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return text[:1].lower() + text[1:]


_COMMA = re.compile(r",(?! [0-9])")  # a comma, not the one in "July 23, 2010"


def join(items: list[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b, and c`` (semicolons when an item holds a comma). Neighbours
    that say what is presumed of one subject share it: ``the motion is presumed filed by X,
    and set for hearing by Y``."""
    items = _shared_subjects([x for x in dict.fromkeys(items) if x])
    if len(items) <= 1:
        return "".join(items)
    commas = any(_COMMA.search(x) for x in items)
    if len(items) == 2 and not commas:
        return f"{items[0]} {conjunction} {items[1]}"
    glue = "; " if commas else ", "
    return glue.join(items[:-1]) + f"{glue}{conjunction} {items[-1]}"


def _shared_subjects(items: list[str]) -> list[str]:
    """Consecutive items that open with the same words up to ``presumed`` as one item."""
    out: list[str] = []
    group: list[str] = []
    head = ""

    def flush() -> None:
        if len(group) > 1:
            out.append(head + " " + join([g[len(head) + 1:] for g in group]))
        else:
            out.extend(group)

    for item in items:
        words = item.split(" ")
        lead = " ".join(words[: words.index("presumed") + 1]) if "presumed" in words[:6] else ""
        if lead and lead == head and len(item) > len(lead) + 1:
            group.append(item)
            continue
        flush()
        group, head = [item], lead
    flush()
    return out


def number(n: int) -> str:
    """A number in words up to ninety-nine, as formal prose writes it; figures above."""
    if 0 <= n < 20:
        return _ONES[n]
    if 20 <= n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    return str(n)


def days(n: int, unit: str) -> str:
    word = "court day" if unit == "court_days" else "day"
    return f"{number(n)} {word}{'' if n == 1 else 's'}"


def long_date(value: date | str | None) -> str | None:
    """``2010-02-25`` as ``February 25, 2010``."""
    if value is None:
        return None
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def who_words(templates: Templates, value: str | None) -> dict[str, str]:
    """What the reasoning calls the moving party, the opposing party and opposing counsel: by
    the value of the case field the pack names (``[who] by``), else the pack's default, else
    the engine's neutral words."""
    table = templates.table("who")
    out = {}
    for role, neutral in _WHO.items():
        words = table.get(role, {})
        chosen = (words.get(value or "", words.get("default")) if isinstance(words, Mapping)
                  else None)
        out[role] = str(chosen) if chosen else neutral
    return out


def combine_cites(cites: list[str]) -> str:
    """Several cites as one citation: ``L.R. 251(b), (c)`` for clauses of one rule, else joined
    by semicolons."""
    cites = [c for c in dict.fromkeys(cites) if c]
    out: list[str] = []
    base = ""
    for c in cites:
        head, paren, tail = c.partition("(")
        if out and paren and head == base:
            out[-1] += f", ({tail}"
            continue
        base = head if paren else ""
        out.append(c)
    return "; ".join(out)
