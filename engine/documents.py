"""Case documents as data: YAML or JSON text parsed into plain mappings, strictly.

Nothing here knows a case's fields: this module only turns text into data (or one clear
error naming the place in the document), so that no document becomes code. The case models
(:mod:`casefile`, built from the pack's declarations) check the fields.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from .errors import CaseError

DOCUMENT = "<document>"


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BOOL_TAG = "tag:yaml.org,2002:bool"


class _CaseLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings (pydantic checks them and names the field),
    takes only true/false as booleans (not yes/no/on/off) and rejects duplicate keys."""

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


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_TIMESTAMP_TAG, _BOOL_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CaseLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _timestamp_as_str(loader: _CaseLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_CaseLoader.add_constructor(_TIMESTAMP_TAG, _timestamp_as_str)


def one_line(text: str) -> str:
    return " ".join(text.split())


def load_yaml(text: str, source: str | None) -> object:
    try:
        return yaml.load(text, Loader=_CaseLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = e.problem or e.context or "cannot parse"
        raise CaseError(DOCUMENT, f"malformed YAML{where}: {one_line(problem)}", source) from None
    except yaml.YAMLError as e:
        raise CaseError(DOCUMENT, f"malformed YAML: {one_line(str(e))}", source) from None


def load_json(text: str, source: str | None) -> object:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise CaseError(DOCUMENT, f"malformed JSON: duplicate key {key!r}", source)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise CaseError(
            DOCUMENT, f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}", source
        ) from None
