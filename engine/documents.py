"""Case documents as data: YAML or JSON text parsed into plain mappings, strictly.

Nothing here knows a case's fields: this module only turns text into data (or one clear
error naming the place in the document), so that no document becomes code. The case models
(:mod:`casefile`, built from the pack's declarations) check the fields.

:func:`parse_document` is the one entry point: it bounds the document (size, nesting,
integers, aliases) and refuses text that is not valid Unicode, so that no input, however
hostile, ends in a traceback, a hang or a value that later fails to print.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal

import yaml

from .errors import CaseError, printable

DOCUMENT = "<document>"

# A real case file is a few kilobytes; 1 MiB leaves room for long notes and quoted excerpts
# and keeps the worst document (a flat list of ~250,000 items) to well under a second.
MAX_DOCUMENT_BYTES = 1 << 20
# A case is nested three levels deep (section.subsection.field); 64 is far
# beyond any real file and far below the ~1,000 levels at which the parsers or the models
# would recurse too deeply.
MAX_DEPTH = 64
# Python's own default limit for int <-> str conversion (sys.int_info.default_max_str_digits):
# a longer integer cannot even be printed back, so it is refused while parsing.
MAX_INT_DIGITS = 4300
# Aliases (YAML anchors) let a small document expand into a huge one ("billion laughs"). A
# document without aliases has fewer values than bytes, so this bound only stops expansion.
MAX_VALUES = MAX_DOCUMENT_BYTES

_INT_LIMIT = 10**MAX_INT_DIGITS
_SURROGATE = re.compile("[\ud800-\udfff]")

Format = Literal["yaml", "json"]
Where = tuple[object, ...]  # the keys and indexes from the top of the document to a value


# The header of a case file, written first (the interview's files, the workbench's downloads).
CASE_HEADER = ("format", "as_of", "rule", "rule_version", "caption", "court", "docket", "judge",
               "overlays")


def header_first(data: dict[str, Any]) -> dict[str, Any]:
    """A case's data with its header (:data:`CASE_HEADER`) first, the sections after."""
    rest = dict(data)
    head = {k: rest.pop(k) for k in CASE_HEADER if k in rest}
    return {**head, **rest}


class _CaseDumper(yaml.SafeDumper):
    """Sections as blocks, lists inline (``rules: [frcp-37]``)."""


def _flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_CaseDumper.add_representer(list, _flow_list)


def dump_case_yaml(data: dict[str, Any]) -> str:
    """A case's data as a YAML case file: the header first, sections as blocks, lists
    inline."""
    return yaml.dump(header_first(data), Dumper=_CaseDumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False)


def one_line(text: str) -> str:
    return " ".join(text.split())


def parse_document(text: str, fmt: Format, source: str | None = None) -> object:
    """Parse a case document (YAML or JSON text) into plain data, with every check made:
    its size, its syntax, its nesting, its integers and its strings. Raises CaseError
    naming the place in the document (a line, or the path of the field)."""
    check_size(text, source)
    _check_text(text, source)
    data = load_json(text, source) if fmt == "json" else load_yaml(text, source)
    check_data(data, source)
    return data


# --- the text -------------------------------------------------------------------------


def check_size(text: str, source: str | None = None) -> None:
    """Refuse a document over :data:`MAX_DOCUMENT_BYTES` (counted in UTF-8)."""
    if len(text) * 4 <= MAX_DOCUMENT_BYTES:  # cannot be over, whatever the characters
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_DOCUMENT_BYTES:
        raise CaseError(
            DOCUMENT,
            f"the document is {size:,} bytes, over the limit of {MAX_DOCUMENT_BYTES:,} "
            "bytes (1 MiB) for a case document",
            source,
        )


def _line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line} column {column}"


def _check_text(text: str, source: str | None) -> None:
    """Refuse text that is not valid Unicode: a lone surrogate (from undecodable bytes read
    with errors="surrogateescape") cannot be parsed by libyaml nor printed back."""
    found = _SURROGATE.search(text)
    if found:
        where, code = _line_column(text, found.start()), ord(found.group())
        if 0xDC80 <= code <= 0xDCFF:  # how surrogateescape carries an undecodable byte
            problem = f"not valid UTF-8 at {where} (the byte 0x{code - 0xDC00:02X})"
        else:
            problem = f"not valid Unicode text at {where}: a lone surrogate U+{code:04X}"
        raise CaseError(DOCUMENT, problem, source)


# --- YAML -----------------------------------------------------------------------------

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_STANDARD_PREFIX = "tag:yaml.org,2002:"
if TYPE_CHECKING:  # CSafeLoader exists only where PyYAML was built with libyaml
    _AnyLoader = yaml.SafeLoader | yaml.CSafeLoader


class _TooLong:
    """Stands in, while parsing, for an integer too long to convert: the walk over the data
    then names the field it is in."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<an integer of more than {MAX_INT_DIGITS} digits>"


_TOO_LONG = _TooLong()


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_STANDARD_PREFIX) if tag.startswith(_STANDARD_PREFIX) else tag


class _CaseRules(yaml.constructor.SafeConstructor):
    """What a case loader adds to the safe loader (mixed into the C and the pure-Python one):
    duplicate keys are refused, and so is any explicit tag that would change what a value is
    (``!!bool yes``, ``!!int "12"``, ``!!timestamp``, ``!!binary``, ``!!set``, ``!!python/...``):
    a case file is plain data, whose plain scalars resolve as :func:`_configure` says.
    ``!!str`` (which only keeps a value a string, like quotes) is allowed."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node not in self.constructed_objects:
            self._check_tag(node)
        return super().construct_object(node, deep=deep)

    def _check_tag(self, node: yaml.Node) -> None:
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR_TAG:
                return
            # style is None (pure Python) or "" (libyaml) for a plain scalar; a quoted or
            # block scalar is a string unless tagged. A plain one must keep the tag its text
            # resolves to (the resolvers are run again only for the few that are not strings).
            resolve = self.resolve  # type: ignore[attr-defined]  # from the loader's Resolver
            if not node.style and tag == resolve(yaml.ScalarNode, node.value, (True, False)):
                return
        elif tag == (_SEQ_TAG if isinstance(node, yaml.SequenceNode) else _MAP_TAG):
            return
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the tag {_shown_tag(tag)} is not allowed in a case file (plain values only: "
            "true/false are the booleans, dates are written YYYY-MM-DD)",
            node.start_mark,
        )

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _timestamp_as_str(loader: _AnyLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _bounded_int(loader: _AnyLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_int(node)
    except ValueError:  # over Python's int <-> str limit: named by the walk over the data
        return _TOO_LONG


def _configure(loader: type[_AnyLoader]) -> None:
    """Dates stay strings (pydantic checks them and names the field) and only true/false
    (not yes/no/on/off) are booleans."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_TIMESTAMP_TAG, _BOOL_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    loader.add_constructor(_TIMESTAMP_TAG, _timestamp_as_str)
    loader.add_constructor(_INT_TAG, _bounded_int)


class _PyCaseLoader(_CaseRules, yaml.SafeLoader):
    """The pure-Python loader, used where libyaml is missing. Its composer recurses once per
    level, so it refuses a document nested deeper than MAX_DEPTH before recursing too deep
    (libyaml stops at 1,000 levels by itself, and the walk over the data then at MAX_DEPTH)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:  # +1: a scalar inside the deepest collection
                raise yaml.composer.ComposerError(
                    None, None, _too_deep(), self.peek_event().start_mark  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_configure(_PyCaseLoader)

if hasattr(yaml, "CSafeLoader"):

    class _CCaseLoader(_CaseRules, yaml.CSafeLoader):
        """libyaml's parser (some 10x faster) with the same rules."""

    _configure(_CCaseLoader)
    _LOADER: type[_AnyLoader] = _CCaseLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = _PyCaseLoader


def _too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} levels (the limit for a case document)"


def _mark(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1} column {mark.column + 1}"


def _line_at(text: str, mark: yaml.Mark) -> str:
    """The text of the line a mark is on, from the mark to the end of the line."""
    lines = text.splitlines()
    return lines[mark.line][mark.column :].rstrip() if mark.line < len(lines) else ""


def _unfinished_scalar(text: str) -> yaml.ScalarToken | None:
    """The last token scanned before a scanner error, if it is a plain scalar that runs over
    more than one line (what a line without its ``:`` becomes)."""
    tokens: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            tokens.append(token)
    except yaml.YAMLError:
        pass
    last = tokens[-1] if tokens else None
    if (
        isinstance(last, yaml.ScalarToken)
        and last.plain
        and last.end_mark.line > last.start_mark.line
    ):
        return last
    return None


def _yaml_problem(error: yaml.MarkedYAMLError, text: str) -> tuple[yaml.Mark | None, str]:
    """Where a YAML error is, as the author would look for it, and what it is.

    The parser reports where it noticed, which is not always where the mistake is: a key
    without its ``:`` is found where the parser gave up looking for the colon (the next
    line, or the end of the document). ``could not find expected ':'`` comes with the place
    the key began (the context mark), and "mapping values are not allowed" after a plain
    scalar that began a line and ran on into the next one means that first line lacks its
    ``:``; both are reported at the line of the key. Otherwise the problem's place, with the
    context's (where the list or mapping in question began) in words."""
    problem = error.problem or error.context or "cannot parse"
    if "maximum nesting depth" in problem:  # libyaml's own limit (1,000 levels)
        return error.problem_mark or error.context_mark, _too_deep()
    context, problem_mark, context_mark = error.context, error.problem_mark, error.context_mark
    if "could not find expected ':'" in problem and context_mark is not None:
        key = _line_at(text, context_mark)
        return context_mark, f"{key!r} has no ':' after the field name (write name: value)"
    if problem.startswith("mapping values are not allowed") and problem_mark is not None:
        scalar = _unfinished_scalar(text)
        if scalar is not None:
            start = scalar.start_mark
            line = text.splitlines()[start.line]
            key = line[start.column :].rstrip()
            if not line[: start.column].strip():  # the scalar began the line: a key
                return start, f"{key!r} has no ':' after the field name (write name: value)"
            return problem_mark, (
                f"the value {key!r} on line {start.line + 1} runs on into line "
                f"{problem_mark.line + 1}, where ':' is not allowed (is line "
                f"{problem_mark.line + 1} indented too far?)"
            )
    if (
        context
        and context_mark is not None
        and problem_mark is not None
        and _mark(context_mark) != _mark(problem_mark)
    ):
        return problem_mark, f"{problem} ({context} from {_mark(context_mark)})"
    return problem_mark or context_mark, problem


def load_yaml(text: str, source: str | None) -> object:
    """YAML text to data (no size, nesting or string checks: see :func:`parse_document`)."""
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader
    except yaml.MarkedYAMLError as e:
        mark, problem = _yaml_problem(e, text)
        where = f" at {_mark(mark)}" if mark else ""
        raise CaseError(DOCUMENT, f"malformed YAML{where}: {one_line(problem)}", source) from None
    except yaml.YAMLError as e:
        raise CaseError(DOCUMENT, f"malformed YAML: {one_line(str(e))}", source) from None


# --- JSON -----------------------------------------------------------------------------

# A JSON string, to blank out before counting brackets (JSON strings hold no raw newline,
# so blanking them keeps the line numbers).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}\n]+")


def _check_json_depth(text: str, source: str | None) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before parsing it: the json module recurses
    once per level (a RecursionError, at a depth that depends on the caller's stack)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    depth, line = 0, 1
    for char in brackets:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise CaseError(DOCUMENT, f"malformed JSON at line {line}: {_too_deep()}", source)
        else:
            depth -= 1


def _bounded_json_int(digits: str) -> object:
    if len(digits) > MAX_INT_DIGITS and len(digits.lstrip("-")) > MAX_INT_DIGITS:
        return _TOO_LONG  # named by the walk over the data
    return int(digits)


def load_json(text: str, source: str | None) -> object:
    """JSON text to data; refuses nesting deeper than MAX_DEPTH (the other checks: see
    :func:`parse_document`)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise CaseError(DOCUMENT, f"malformed JSON: duplicate key {key!r}", source)
            result[key] = value
        return result

    _check_json_depth(text, source)
    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_int=_bounded_json_int)
    except json.JSONDecodeError as e:
        raise CaseError(
            DOCUMENT, f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}", source
        ) from None


# --- the data -------------------------------------------------------------------------


def _place(path: Where) -> str:
    """`section.field[1]`: the path of a value, as the case models name fields."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            name = part if isinstance(part, str) else repr(part)
            text += f".{name}" if text else name
    return printable(text) or DOCUMENT  # printable: a key may hold a lone surrogate


def _scalar_problem(value: object) -> str | None:
    """What is wrong with one parsed scalar (a value or a key), if anything."""
    if isinstance(value, str):
        if not value.isascii() and (found := _SURROGATE.search(value)):
            return f"not valid Unicode: a lone surrogate U+{ord(found.group()):04X}"
    elif value is _TOO_LONG or (isinstance(value, int) and abs(value) >= _INT_LIMIT):
        # _TOO_LONG while parsing; a YAML sexagesimal or hex integer can grow as large
        return f"an integer of more than {MAX_INT_DIGITS} digits"
    return None


def check_data(data: object, source: str | None = None) -> None:
    """Walk parsed data (iteratively: it may be deep, or cyclic through YAML aliases) and
    refuse nesting deeper than MAX_DEPTH, more than MAX_VALUES values, integers of more
    than MAX_INT_DIGITS digits and strings that are not valid Unicode, naming the field."""
    # Only collections go on the stack; scalars are checked where they are found (a 1 MiB
    # document may hold 500,000 of them).
    stack: list[tuple[dict[object, object] | list[object], Where]] = []
    seen = _visit(data, (), 0, stack, source)
    while stack:
        collection, path = stack.pop()
        depth = len(path) + 1
        if depth > MAX_DEPTH:
            raise CaseError(_place(path[:3]) + "...", _too_deep(), source)
        is_mapping = isinstance(collection, dict)
        pairs = collection.items() if isinstance(collection, dict) else enumerate(collection)
        for key, value in pairs:
            if is_mapping and (problem := _scalar_problem(key)):
                raise CaseError(_place(path), f"a field name is {problem}", source)
            seen = _visit(value, (*path, key), seen, stack, source)
            if seen > MAX_VALUES:
                raise CaseError(
                    DOCUMENT, f"more than {MAX_VALUES:,} values (through aliases)", source
                )


def _visit(
    value: object,
    path: Where,
    seen: int,
    stack: list[tuple[dict[object, object] | list[object], Where]],
    source: str | None,
) -> int:
    """Check one value: a scalar now, a collection later (pushed on the stack)."""
    if isinstance(value, dict | list):
        stack.append((value, path))
    elif problem := _scalar_problem(value):
        raise CaseError(_place(path), problem, source)
    return seen + 1
