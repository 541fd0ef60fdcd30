"""The field reference of the case format (docs/case-format.md), generated from the packs.

Every pack installed with rulepath (the ``logic/`` packs) contributes its sections and fields
as its ``case.toml`` declares them; the fields every pack shares and the ``expected`` block
come from the case model's JSON Schema (what ``rulepath schema`` prints). Examples are values
from the example case files where one has the field, else a value of the field's type. Nothing
here names a pack or a field of one.

    python -m rulepath.engine.docs_gen            # writes docs/case-format.md
    python -m rulepath.engine.docs_gen --check    # exit 1 if the committed file is stale

tests/test_docs.py fails when the committed file is out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .casefile import Case, case_json_schema, load_case
from .errors import RulepathError
from .order_spec import finding_ids, order_spec
from .pack import Pack, logic_root, packs
from .program import program_for
from .schema import CaseSchema, FieldSpec

DOC = Path("docs") / "case-format.md"
# The repository's root when run from a source tree (engine/ is linked into rulepath/).
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# Values of a type, for a field no example case file has.
SAMPLE: dict[str, object] = {
    "bool": True, "date": date(2024, 3, 1), "count": 3, "int": 3, "string": None
}
TYPE_WORDS = [
    ("yes/no", "`true` or `false`", "`true`"),
    ("one of", "exactly one of the values listed", "`denied`"),
    ("list of", "a list of the values listed, in brackets; `[]` means known to be none",
     "`[first, second]`"),
    ("date", "a calendar date, written `YYYY-MM-DD`", "`2010-02-25`"),
    ("count", "a whole number, 0 or more", "`21`"),
    ("number", "a whole number (may be negative)", "`-2`"),
    ("text", "any text; quote it if it holds a colon", '`"Doe v. Roe"`'),
]


@dataclass
class Row:
    """One field as the reference shows it."""

    path: str
    meaning: str
    allowed: str
    example: str
    notes: list[str] = field(default_factory=list)


def _code(text: object) -> str:
    return f"`{text}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _yaml(value: object) -> str:
    """A value as it is written in a case file (YAML flow style, one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _example(value: object) -> str:
    """An example as written in a case file; none for text of no example (or too long)."""
    if value is None or value == "text":
        return ""
    shown = _yaml(value)
    return "" if len(shown) > 60 or "\n" in shown else shown


def _flatten(data: object, prefix: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif data is not None:
        yield prefix, data


# --- the examples -------------------------------------------------------------------------


@dataclass
class Examples:
    """The example case files of one pack (by file name) and the values they give."""

    files: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)


def _examples(folder: Path) -> dict[str, Examples]:
    found: dict[str, Examples] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        try:
            pack = load_case(path).pack
        except RulepathError:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ex = found.setdefault(pack, Examples())
        ex.files.append(path.name)
        for key, value in _flatten(data):
            ex.values.setdefault(key, value)
    return found


# --- the fields every pack shares (from the JSON Schema) ----------------------------------


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return options[0] if options else prop


def _from_json(prop: dict[str, Any]) -> tuple[str, object]:
    """What a JSON Schema property allows, in words, and a sample value."""
    p = _nullable(prop)
    if "const" in p:
        return f"exactly {_code(p['const'])} (the one required field)", p["const"]
    if "enum" in p:
        return "one of: " + ", ".join(_code(v) for v in p["enum"]), p["enum"][0]
    kind = p.get("type")
    if kind == "boolean":
        return "yes/no", True
    if kind == "integer":
        return ("count" if p.get("minimum") == 0 else "number"), 3
    if kind == "string":
        return ("date", SAMPLE["date"]) if p.get("format") == "date" else ("text", None)
    if kind == "array":
        item, sample = _from_json(p.get("items", {}))
        return f"list of {item}", [sample]
    return "", None


def _common_rows(schema: dict[str, Any], ex: Examples, installed: list[Pack]) -> list[Row]:
    pack_ids = sorted(p.id for p in installed)
    overlay_ids = [o for p in installed for o in sorted(p.overlays)]
    rows = []
    for name, prop in schema["properties"].items():
        if name in ("expected", "order") or name not in Case.model_fields:  # own sections
            continue
        allowed, sample = _from_json(prop)
        if name == "rule":
            allowed = "one of the pack ids: " + ", ".join(_code(p) for p in pack_ids)
        elif name == "overlays":
            allowed = "list of the overlay ids of the case's pack (see each pack below)"
            sample = overlay_ids[:1] or sample
        elif name == "rule_version":
            allowed = "one of the version ids of the case's pack (see each pack below)"
        example = _example(ex.values.get(name, sample))
        rows.append(Row(name, prop.get("description", ""), allowed, example))
    return rows


def _expected_rows(schema: dict[str, Any], ex: Examples) -> list[Row]:
    props = schema["$defs"]["Expected"]["properties"]
    rows = []
    for name, prop in props.items():
        allowed, sample = _from_json(prop)
        if name == "route":
            allowed = "one of the routes of the case's pack (see each pack below)"
            sample = _nullable(prop).get("enum", ["joint_statement"])[0]
        example = _example(ex.values.get(f"expected.{name}", sample))
        rows.append(Row(f"expected.{name}", prop.get("description", ""), allowed, example))
    return rows


def _order_rows(schema: dict[str, Any], ex: Examples, first: Pack) -> list[Row]:
    """The order block's keys, its lists' items by ``order.KEY[].FIELD``; what a pack names
    (finding ids, directive and sanction kinds) is listed with each pack."""
    defs = schema["$defs"]
    spec = order_spec(first)
    ids = sorted(finding_ids(first.id))
    samples: dict[str, object] = {
        "order.grounds": [spec.clauses[1]] if len(spec.clauses) > 1 else None,
        "order.findings[].about": ids[0] if ids else None,
    }
    pack_words = {
        "order.grounds": "list of cites: a rule's number with its subsections in parentheses "
                         "(`L.R. 110`, `FRCP 37(a)(5)(A)`), or an authority by name",
        "order.findings[].cite": "a cite, as in `order.grounds`",
        "order.sanctions[].cite": "a cite, as in `order.grounds`",
        "order.findings[].about": "an id of a requirement, exception or deadline of the "
                                  "case's pack (see each pack below)",
        "order.directs[].kind": "one of the directive kinds of the case's pack (see each "
                                "pack below), or `other`",
        "order.sanctions[].kind": "one of the sanction kinds of the case's pack (see each "
                                  "pack below), or `other`",
    }
    rows = []

    def add(path: str, prop: dict[str, Any]) -> None:
        allowed, sample = _from_json(prop)
        if path in pack_words:
            allowed = pack_words[path]
        if path in samples and samples[path] is not None:
            sample = samples[path]
        example = _example(ex.values.get(path, sample))
        rows.append(Row(path, prop.get("description", ""), allowed, example))

    for name, prop in defs["Order"]["properties"].items():
        ref = _nullable(prop).get("items", {}).get("$ref")
        if ref is None:
            add(f"order.{name}", prop)
            continue
        for field_name, sub in defs[ref.rsplit("/", 1)[-1]]["properties"].items():
            add(f"order.{name}[].{field_name}", sub)
    return rows


def _order_vocabulary(pack: Pack) -> list[str]:
    """The words a pack gives the order block: its finding ids, directive and sanction
    kinds."""
    spec = order_spec(pack)
    ids = finding_ids(pack.id)
    lines = []
    for kind in ("requirement", "exception", "deadline"):
        mine = sorted(i for i, k in ids.items() if k == kind)
        if mine:
            lines.append(f"- {kind}s: " + ", ".join(_code(i) for i in mine))
    out = ["", "Findings (`order.findings[].about`), by kind:", "", *lines]
    directs = [f"`{k}` ({d.text})" if d.text else f"`{k}`" for k, d in spec.directs.items()]
    if spec.directs:
        out += ["", "Directives (`order.directs[].kind`): " + "; ".join(directs) + "."]
    kinds = []
    for k, s in spec.sanctions.items():
        under = f", under {s.cite}" if s.cite else ""
        kinds.append(f"`{k}` ({s.text}{under})" if s.text else f"`{k}`")
    if spec.sanctions:
        out += ["", "Sanction kinds (`order.sanctions[].kind`): " + "; ".join(kinds) + "."]
    return out


# --- a pack's own fields (from its case.toml) ---------------------------------------------


def _allowed(spec: FieldSpec) -> tuple[str, object]:
    if spec.type == "enum":
        return "one of: " + ", ".join(_code(v) for v in spec.values), spec.values[0]
    if spec.type == "set" and spec.values:
        return "list of: " + ", ".join(_code(v) for v in spec.values), [spec.values[0]]
    if spec.type == "set":
        hint = getattr(spec, "pattern_hint", None)  # the pattern in words, if the pack has it
        if hint is None:
            return f"list of text, each matching {_code(spec.pattern)}", None
        form = f", written {_code(hint.form.replace('{number}', 'N'))}" if hint.form else ""
        sample = [hint.example] if hint.example else None
        return f"a list, each {hint.words}{form} (matching {_code(spec.pattern)})", sample
    words = {"bool": "yes/no", "date": "date", "count": "count", "int": "number",
             "string": "text"}
    return words[spec.type], SAMPLE[spec.type]


def _present_paths(pack: Pack) -> set[str]:
    """Fields whose explicit null the pack reads as "there is none" (``input_present``)."""
    paths: set[str] = set()
    for version in pack.versions:
        program = program_for(pack, version, ())
        paths |= {d.path for d in program.inputs if d.kind == "present"}
    return paths


def _pack_rows(schema: CaseSchema, pack: Pack, ex: Examples) -> dict[str, list[Row]]:
    present = _present_paths(pack)
    by_section: dict[str, list[Row]] = {s: [] for s in schema.section_paths()}
    for spec in schema.fields:
        allowed, sample = _allowed(spec)
        example = _example(ex.values.get(spec.path, sample))
        row = Row(spec.path, spec.description, allowed, example)
        if spec.implied_by is not None:
            row.notes.append(
                f"A value in `{spec.implied_by}` implies `true` here; `false` beside one is "
                "refused."
            )
        if spec.path in present:
            row.notes.append(
                "Written as `null` it says there is none; left out, it is unknown."
            )
        if not spec.read:
            row.notes.append(f"Recorded only, no rule reads it: {spec.why_unread}")
        by_section[spec.path.rpartition(".")[0]].append(row)
    return by_section


def _snippet(pack: Pack, ex: Examples) -> tuple[list[str], str, str]:
    """The start of a case file of the pack: its first section with two fields its example
    gives and one it leaves unknown; and the section and the first field's name."""
    schema = pack.case_schema()
    fields = [f.path for f in schema.fields]
    for section in schema.section_paths():
        mine = [p for p in fields if p.rpartition(".")[0] == section]
        given = [p for p in mine if _example(ex.values.get(p))]
        if len(given) >= 2 and "." not in section:
            break
    else:
        section, mine = schema.section_paths()[0], fields[:1]
        given = mine
    lines = ["format: rulepath/case-1", f"{section}:"]
    lines += [f"  {p.rpartition('.')[2]}: {_example(ex.values.get(p)) or 'true'}"
              for p in given[:2]]
    left = [p for p in mine if p not in given]
    if left:
        lines.append(f"  # {left[0].rpartition('.')[2]}: left out, so unknown")
    return lines, section, given[0].rpartition(".")[2]


def _checks(schema: CaseSchema) -> list[str]:
    out = []
    for c in schema.checks:
        if c.kind == "not_before":
            out.append(f"`{c.field}` may not be before `{c.earlier}`.")
        else:
            out.append(
                f"`{c.field}`, with both dates given, must be the days from `{c.start}` to "
                f"`{c.to}`."
            )
    return out


# --- the document -------------------------------------------------------------------------


def _table(rows: list[Row]) -> list[str]:
    lines = ["| Field | What it means | Allowed values | Example |", "| --- | --- | --- | --- |"]
    for r in rows:
        meaning = " ".join([r.meaning, *r.notes])
        example = _code(r.example) if r.example else "—"
        lines.append(f"| `{r.path}` | {_cell(meaning)} | {_cell(r.allowed)} | {_cell(example)} |")
    return lines


def _pack_section(pack: Pack, ex: Examples, default: bool) -> list[str]:
    schema = pack.case_schema()
    courts = ", ".join(pack.courts)
    chosen = [f"`rule: {pack.id}`"]
    if courts:
        chosen.append(f"no `rule` and `court: {courts}`")
    if default:
        chosen.append("a case that names neither (the default pack)")
    lines = [f"## Pack `{pack.id}`", "", f"{pack.title}.", "",
             f"A case is decided under this pack with {', or '.join(chosen)}."]
    if ex.files:
        links = ", ".join(f"[examples/{f}](../examples/{f})" for f in ex.files)
        lines.append(f"Example case file: {links}.")
    lines += ["", "Versions (`rule_version`; without one, `as_of` picks the version in force):", ""]
    lines += [f"- `{v.id}`, in force from {v.in_force_from.isoformat()}" for v in pack.versions]
    if pack.overlays:
        lines += ["", "Overlays (`overlays`), a court's or judge's additions to the rule:", ""]
        lines += [f"- `{o.id}`: {o.seen_in}" for o in sorted(pack.overlays.values(),
                                                           key=lambda o: o.id)]
    if schema.routes:
        lines += ["", "Routes (`expected.route`): " + ", ".join(_code(r) for r in schema.routes)
                  + "."]
    lines += _order_vocabulary(pack)
    for section, rows in _pack_rows(schema, pack, ex).items():
        described = schema.sections.get(section, "")
        lines += ["", f"### `{section}`" + (f": {described}" if described else ""), ""]
        if not rows:
            lines.append("Its fields are in the sections that follow.")
            continue
        lines += _table(rows)
    checks = _checks(schema)
    if checks:
        lines += ["", "### Checks between fields", "",
                  "A case whose fields disagree is refused, naming the field:", ""]
        lines += [f"- {c}" for c in checks]
    return lines


def case_format_markdown(examples: Path = EXAMPLES) -> str:
    """docs/case-format.md: the fields of every installed pack, for the person filling in a
    case file."""
    default = min((p.id for p in packs().values() if p.default), default=None)
    installed = sorted(  # the default pack first, then by id
        (p for p in packs().values() if p.root.parent == logic_root()),
        key=lambda p: (p.id != default, p.id),
    )
    by_pack = _examples(examples)
    first = installed[0].id
    schema = case_json_schema(first)
    common_ex = Examples()  # the shared fields: a value from any pack's example
    for ex in (by_pack.get(first, Examples()), *by_pack.values()):
        for key, value in ex.values.items():
            common_ex.values.setdefault(key, value)
    snippet, section, name = _snippet(installed[0], by_pack.get(first, Examples()))
    lines = [
        "# Case file fields",
        "",
        "<!-- Generated by `python -m rulepath.engine.docs_gen` from each pack's case.toml and "
        "the case model; do not edit by hand. tests/test_docs.py fails when it is out of "
        "date. -->",
        "",
        "A case file describes one discovery motion: what the papers and the docket show. "
        "`rulepath decide FILE` reads it. It is YAML (or JSON) and starts with "
        "`format: rulepath/case-1`; everything else is optional.",
        "",
        "## Reading this reference",
        "",
        "- **Unknown is not no.** Leave a field out, or write `null`, when the papers do not "
        "say. The engine then treats the fact as *unknown*, never as false: where the rule "
        "itself presumes a fact, the presumption is applied and listed in the decision "
        "(*presumptions relied on*; `--no-defaults` turns them off); otherwise the decision "
        "names the conclusions that depend on the fact. Write `false` only when you know the "
        "answer is no. (The few fields where an explicit `null` says \"there is none\" say "
        "so below.)",
        "- A list left out is unknown; an empty list `[]` means known to be none.",
        f"- A section (such as `{section}:`) left out, or `null`, leaves all its fields "
        "unknown.",
        f"- A field is named by its path: `{section}.{name}` is `{name}:` indented under "
        f"`{section}:`.",
        "- A misspelt field, a value not listed, or a date that does not exist is refused, "
        "with the field named, and nothing is decided (`rulepath decide` exits 2).",
        "",
        "```yaml",
        *snippet,
        "```",
        "",
        "| Type | Write | Example |",
        "| --- | --- | --- |",
        *(f"| {t} | {w} | {e} |" for t, w, e in TYPE_WORDS),
        "",
        "`rulepath schema --pack ID` prints the same fields as a JSON Schema.",
        "",
        "## Fields every case has",
        "",
        *_table(_common_rows(schema, common_ex, installed)),
        "",
        "## The `expected` block",
        "",
        "Only in evaluation files (`rulepath eval`): what the court actually did, to measure "
        "the engine against. `rulepath decide` ignores it.",
        "",
        *_table(_expected_rows(schema, common_ex)),
        "",
        "## The `order` block",
        "",
        "A draft order, as a clerk has it, for `rulepath check-order` to check against the "
        "rule on the case's facts; `rulepath decide` ignores it. Every key is optional; a "
        "list's items are written `{key: value, ...}`. What a pack names (the ids a finding "
        "is about, the directive and sanction kinds) is listed with each pack below.",
        "",
        *_table(_order_rows(schema, common_ex, installed[0])),
    ]
    for pack in installed:
        lines += ["", *_pack_section(pack, by_pack.get(pack.id, Examples()), pack.id == default)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rulepath.engine.docs_gen", description=__doc__.splitlines()[0]
    )
    parser.add_argument("-o", "--output", type=Path, default=ROOT / DOC,
                        help=f"where to write (default: {DOC} of the source tree)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file is not what it would be")
    args = parser.parse_args(argv)
    text = case_format_markdown()
    out: Path = args.output
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else ""
        if current != text:
            print(f"{out} is out of date: run python -m rulepath.engine.docs_gen", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
