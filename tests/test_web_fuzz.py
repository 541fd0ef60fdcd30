"""Schema-driven fuzz of the workbench's API: for every POST operation of the app's own
OpenAPI, request bodies drawn from its request schema (hypothesis-jsonschema) and arbitrary
JSON values; never a 5xx, and every 4xx in the error shape ``{"error": {field, message}}``."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

with warnings.catch_warnings():  # starlette's note about httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from rulepath.web.app import create_app

APP = create_app(time_limit=5)
SPEC: dict[str, Any] = APP.openapi()
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def _inline(node: Any, seen: frozenset[str] = frozenset()) -> Any:
    """The schema with every $ref to a component replaced by the component."""
    if isinstance(node, list):
        return [_inline(n, seen) for n in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name in seen:  # a cycle: any object
            return {"type": "object"}
        return _inline(SPEC["components"]["schemas"][name], seen | {name})
    return {k: _inline(v, seen) for k, v in node.items()
            if k not in ("title", "description", "examples")}


def _operations() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path, ops in SPEC["paths"].items():
        op = ops.get("post")
        if op is None:
            continue
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        out.append((path, _inline(schema)))
    return out


OPERATIONS = _operations()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
# Values near the real ones: the case fields and packs the fuzz is most likely to get wrong.
NEAR = st.fixed_dictionaries({
    "case": st.fixed_dictionaries(
        {"format": st.sampled_from(["rulepath/case-1", "rulepath/case-2", ""])},
        optional={
            "as_of": st.sampled_from(["2010-02-25", "2015-06-01", "1900-01-01", "x", "2010-13-40"])
            | JSON,
            "rule": st.sampled_from(["edcal-lr251", "cdcal-lr37", "nope"]) | JSON,
            "motion": st.fixed_dictionaries({}, optional={
                "kind": st.sampled_from(["compel", "quash", "not_discovery", "x"]) | JSON,
                "rules": st.lists(st.sampled_from(["frcp-37", "frcp-45", "x"]), max_size=3)}),
            "conference": st.fixed_dictionaries({}, optional={"held": JSON}),
            "order": JSON,
        }),
}, optional={
    "pack": st.sampled_from(["edcal-lr251", "cdcal-lr37", "no-such"]),
    "why": st.sampled_from(["route(joint_statement)", "nope", "route("]),
    "focus": st.sampled_from(["ready_for_hearing", "nope"]),
    "skip": st.lists(st.sampled_from(["motion.kind", "x", ""]), max_size=2),
    "defaults": st.booleans(),
})


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(APP, base_url="http://localhost") as c:
        yield c


def _send(client: TestClient, path: str, body: Any) -> None:
    content = json.dumps(body).encode("utf-8")
    r = client.post(path, content=content, headers={"content-type": "application/json"})
    assert r.status_code < 500, (path, body, r.text)
    if r.status_code >= 400:
        error = r.json()["error"]
        assert isinstance(error["message"], str) and error["message"], r.text
        assert error["field"] is None or isinstance(error["field"], str), r.text


def test_the_fuzz_covers_every_post_operation() -> None:
    paths = {p for p, _ in OPERATIONS}
    assert {"/api/decide", "/api/questions", "/api/check", "/api/diff", "/api/graph",
            "/api/case/parse"} <= paths


LEAF_KEYWORDS = {"type", "enum", "const", "format", "minimum", "maximum", "minLength",
                 "maxLength", "pattern"}
ODD_TEXT = st.sampled_from(["\ud800", "a\udfffb", "\x1b[2J", "\u2028", "../x", "/etc/passwd",
                            "<script>", "route(", "%"])


def body_strategy(node: dict[str, Any], name: str | None = None) -> Any:
    """Bodies that follow ``node``: objects, arrays and anyOf built here
    (hypothesis-jsonschema 0.23's object strategy fails on hypothesis 6.1xx, see
    tests/test_fuzz.py), leaves by hypothesis-jsonschema, a free object by :data:`JSON`, a
    case also as near misses of a real one."""
    if name == "case":
        return NEAR.map(lambda b: b["case"]) | st.dictionaries(st.text(max_size=10), JSON,
                                                                max_size=4)
    for combine in ("anyOf", "oneOf"):
        if combine in node:
            return st.one_of([body_strategy(part, name) for part in node[combine]])
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties", {})
        if not properties:
            return st.dictionaries(st.text(max_size=10), JSON, max_size=4)
        fields = {k: body_strategy(v, k) for k, v in properties.items()}
        required = set(node.get("required", ()))
        return st.fixed_dictionaries(
            {k: v for k, v in fields.items() if k in required},
            optional={k: v for k, v in fields.items() if k not in required})
    if node.get("type") == "array":
        return st.lists(body_strategy(node.get("items", {})), max_size=3)
    leaf = {k: v for k, v in node.items() if k in LEAF_KEYWORDS}
    if not leaf:
        return JSON
    if leaf == {"type": "string"}:
        return from_schema(leaf) | ODD_TEXT
    return from_schema(leaf)


@pytest.mark.parametrize("path, schema", OPERATIONS, ids=[p for p, _ in OPERATIONS])
def test_bodies_from_the_request_schema(client: TestClient, path: str,
                                        schema: dict[str, Any]) -> None:
    @FUZZ
    @given(body=body_strategy(schema))
    def run(body: Any) -> None:
        _send(client, path, body)

    run()


@pytest.mark.parametrize("path", [p for p, _ in OPERATIONS])
def test_arbitrary_json_and_near_misses(client: TestClient, path: str) -> None:
    @FUZZ
    @given(body=JSON | NEAR)
    def run(body: Any) -> None:
        _send(client, path, body)

    run()
