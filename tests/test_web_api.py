"""The workbench's API (rulepath.web): every endpoint on the founding case, its errors and its
safety (security headers, body limit, Host check, no paths in responses, no external assets)."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import EllipsisType
from typing import Any

import pytest
import yaml

with warnings.catch_warnings():  # starlette's note about httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from rulepath.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "martinez-v-smith.yaml"
ORDER = ROOT / "examples" / "martinez-v-smith-order.yaml"
AMENDMENTS = ROOT / "logic" / "edcal_lr251" / "amendments"
EMPTY = {"format": "rulepath/case-1", "as_of": "2010-02-25"}
HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
# An absolute path of this machine: a POSIX root folder, or a Windows drive.
ABSOLUTE = re.compile(r"(?<![\w.:/])/(?:work|home|root|tmp|usr|var|etc|private|Users)/|[A-Z]:\\")


def data(path: Path) -> dict[str, Any]:
    """A case file loaded as data, as JSON would carry it (dates as ISO strings)."""
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    result: dict[str, Any] = json.loads(json.dumps(loaded, default=str))
    return result


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(time_limit=60), base_url="http://localhost") as c:
        yield c


def assert_error(response: Any, status: int,
                 field: str | EllipsisType | None = ...) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["field"] is None or isinstance(error["field"], str)
    if not isinstance(field, EllipsisType):
        assert error["field"] == field, error
    return error


def assert_no_path(text: str) -> None:
    assert "/work/" not in text
    assert not ABSOLUTE.search(text), ABSOLUTE.search(text)


# --- the endpoints ---------------------------------------------------------------------------


def test_packs_list_every_pack_without_its_folder(client: TestClient) -> None:
    r = client.get("/api/packs")
    assert r.status_code == 200
    body = r.json()
    ids = [p["id"] for p in body["packs"]]
    assert {"edcal-lr251", "cdcal-lr37"} <= set(ids)
    assert body["default"] == "edcal-lr251"
    assert all("root" not in p for p in body["packs"])
    ed = next(p for p in body["packs"] if p["id"] == "edcal-lr251")
    assert ed["default"] is True and {"id", "in_force_from"} == set(ed["versions"][0])
    assert_no_path(r.text)


def test_schema_default_and_named_pack(client: TestClient) -> None:
    r = client.get("/api/schema")
    assert r.status_code == 200 and r.json()["x-rulepath-pack"] == "edcal-lr251"
    assert client.get("/api/schema", params={"pack": "cdcal-lr37"}).json()[
        "x-rulepath-pack"] == "cdcal-lr37"
    assert_error(client.get("/api/schema", params={"pack": "no-such"}), 404, "pack")


def test_decide_the_founding_case(client: TestClient) -> None:
    r = client.post("/api/decide", json={"case": data(EXAMPLE)})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["format"] == "rulepath/decision-1"
    assert d["route"] == "joint_statement" and d["ready_for_hearing"] is False
    assert_no_path(r.text)


def test_decide_markdown(client: TestClient) -> None:
    r = client.post("/api/decide/markdown", json={"case": data(EXAMPLE), "defaults": True})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith("# Martinez v. Smith")


def test_case_yaml_round_trips_through_parse(client: TestClient) -> None:
    case = data(EXAMPLE)
    r = client.post("/api/case/yaml", json={"case": case})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/yaml")
    assert r.text.startswith("format: rulepath/case-1\n")
    parsed = client.post("/api/case/parse", json={"text": r.text, "format": "yaml"})
    assert parsed.status_code == 200, parsed.text
    assert parsed.json()["case"] == case
    as_json = client.post("/api/case/parse", json={"text": json.dumps(case), "format": "json"})
    assert as_json.json()["case"] == case


def test_case_parse_is_data_only_and_names_the_field(client: TestClient) -> None:
    tagged = "format: rulepath/case-1\nmotion: !!python/object/apply:os.system [echo hi]\n"
    assert_error(client.post("/api/case/parse", json={"text": tagged}), 422)
    bad = "format: rulepath/case-1\nmotion:\n  kind: bribery\n"
    assert_error(client.post("/api/case/parse", json={"text": bad}), 422, "motion.kind")
    assert_error(client.post("/api/case/parse", json={"text": "{", "format": "json"}), 422)


def test_questions_on_an_empty_case(client: TestClient) -> None:
    r = client.post("/api/questions", json={"case": EMPTY})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["questions"], body
    first = body["questions"][0]
    assert first["field"] == "motion.kind" and first["changes"]
    assert any(a["changes"] for q in body["questions"] for a in q["answers"])
    assert set(first) == {"field", "type", "text", "values", "nullable", "changes", "answers",
                          "needs", "pattern"}
    assert body["open"] and body["decision"]["format"] == "rulepath/decision-1"
    skipped = client.post("/api/questions", json={"case": EMPTY, "skip": ["motion.kind"]})
    assert "motion.kind" not in [q["field"] for q in skipped.json()["questions"]]


def test_questions_serialise_dates(client: TestClient) -> None:
    case = {"format": "rulepath/case-1", "as_of": "2015-06-01", "motion": {"kind": "compel"},
            "conference": {"held": True}}
    r = client.post("/api/questions", json={"case": case})
    assert r.status_code == 200, r.text
    values = [a["value"] for q in r.json()["questions"] for a in q["answers"]]
    assert all(v is None or isinstance(v, bool | int | str | list) for v in values)


def test_explain(client: TestClient) -> None:
    r = client.post("/api/explain", json={"case": data(EXAMPLE)})
    assert r.status_code == 200 and r.json()["conclusion"] == "ready_for_hearing(false)"
    why = client.post("/api/explain", json={"case": data(EXAMPLE),
                                            "why": "route(joint_statement)"})
    assert why.json()["cite"] == "37-251(b)"
    assert_error(client.post("/api/explain", json={"case": data(EXAMPLE),
                                                   "why": "no_such_atom"}), 422, "why")


def test_graph_is_svg_without_script(client: TestClient) -> None:
    r = client.post("/api/graph", json={"case": data(EXAMPLE), "path": True})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in r.text and "<script" not in r.text.lower()
    rule = client.post("/api/graph", json={"pack": "cdcal-lr37"})
    assert rule.status_code == 200 and "<svg" in rule.text
    focused = client.post("/api/graph", json={"focus": "ready_for_hearing"})
    assert focused.status_code == 200
    assert_error(client.post("/api/graph", json={"focus": "no_such_node"}), 422)


def test_check_order_of_the_founding_order(client: TestClient) -> None:
    r = client.post("/api/check-order", json={"case": data(ORDER)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["format"] == "rulepath/check-order-1" and body["verdict"] == "consistent"
    assert_error(client.post("/api/check-order", json={"case": data(EXAMPLE)}), 422, "order")


def test_check_cdcal(client: TestClient) -> None:
    r = client.post("/api/check", json={"pack": "cdcal-lr37", "as_of": "2015-01-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["format"] == "rulepath/check-1" and body["ok"] is True
    assert body["properties_file"] == "properties.lp"
    assert_no_path(r.text)


def test_check_with_an_amendment(client: TestClient) -> None:
    text = (AMENDMENTS / "written_correspondence_suffices.lp").read_text(encoding="utf-8")
    r = client.post("/api/check", json={"version": "251", "amendment": {
        "name": "written_correspondence_suffices.lp", "text": text}})
    assert r.status_code == 200, r.text
    assert r.json()["format"] == "rulepath/check-1"


def test_amendments_shipped_with_the_pack(client: TestClient) -> None:
    r = client.get("/api/amendments", params={"pack": "edcal-lr251"})
    assert r.status_code == 200
    names = [a["name"] for a in r.json()]
    assert "written_correspondence_suffices.lp" in names
    assert all("/" not in n for n in names)
    assert_error(client.get("/api/amendments", params={"pack": "../x"}), 404, "pack")


def test_diff_with_the_shipped_amendment(client: TestClient) -> None:
    text = (AMENDMENTS / "written_correspondence_suffices.lp").read_text(encoding="utf-8")
    r = client.post("/api/diff", json={"as_of": "2015-01-01", "amendment": {
        "name": "written_correspondence_suffices.lp", "text": text}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["format"] == "rulepath/diff-1" and body["changed"] is True
    assert body["after"] == "edcal-lr251 251 +amendment written_correspondence_suffices.lp"
    assert_no_path(r.text)


def test_diff_of_two_versions(client: TestClient) -> None:
    r = client.post("/api/diff", json={"from_version": "37-251", "to_version": "251"})
    assert r.status_code == 200, r.text
    assert r.json()["format"] == "rulepath/diff-1"


@pytest.mark.parametrize("text", [
    "holds(route(affidavit)) :- holds(route(joint_statement)).\n",  # a fact of the case faked
    "brand_new_thing(x).\n",  # out of the vocabulary
    "#script (python)\nimport os\ndef main(prg):\n    os.system('id')\n#end.\n",
    '#include "/etc/passwd".\n',
    "this is not ASP\n",
], ids=["fakes-holds", "out-of-vocabulary", "script", "include", "syntax"])
def test_an_unsafe_amendment_is_rejected(client: TestClient, text: str) -> None:
    for endpoint in ("/api/diff", "/api/check"):
        body = {"amendment": {"name": "draft.lp", "text": text}}
        error = assert_error(client.post(endpoint, json=body), 422, "amendment.text")
        assert error["messages"] and all(m.startswith("draft.lp:") for m in error["messages"])
        assert "/etc/passwd" not in json.dumps(error) or "include" in error["message"]


def test_an_amendment_name_with_a_folder_is_rejected(client: TestClient) -> None:
    body = {"amendment": {"name": "../../x.lp", "text": "% nothing\n"}}
    assert_error(client.post("/api/diff", json=body), 422, "amendment.name")


def test_a_runaway_check_is_stopped_at_the_time_limit() -> None:
    from rulepath.web import api

    with pytest.raises(api.ApiError) as caught:
        api.run_limited("check", {"pack": None, "version": None, "as_of": None,
                                  "overlays": [], "amendment": None}, 0.0001)
    assert caught.value.status == 422 and caught.value.field is None
    assert "time limit" in caught.value.message


# --- errors ----------------------------------------------------------------------------------


def test_a_misspelt_value_names_the_field(client: TestClient) -> None:
    body = {"case": {"format": "rulepath/case-1", "motion": {"kind": "bribery"}}}
    error = assert_error(client.post("/api/decide", json=body), 422, "motion.kind")
    assert "bribery" in error["message"]


def test_request_validation_names_the_dotted_field(client: TestClient) -> None:
    assert_error(client.post("/api/decide", json={}), 422, "case")
    assert_error(client.post("/api/decide", json={"case": {}, "extra": 1}), 422, "extra")
    assert_error(client.post("/api/diff", json={"amendment": {"name": "x.lp"}}), 422,
                 "amendment.text")
    assert_error(client.post("/api/check", json={"as_of": "not a date"}), 422, "as_of")


def test_malformed_json_is_400(client: TestClient) -> None:
    r = client.post("/api/decide", content=b'{"case": ', headers={
        "content-type": "application/json"})
    assert_error(r, 400, None)


def test_a_body_over_1_mib_is_413(client: TestClient) -> None:
    big = json.dumps({"case": {"caption": "x" * (2 * 1024 * 1024)}}).encode()
    r = client.post("/api/decide", content=big, headers={"content-type": "application/json"})
    assert_error(r, 413, None)
    assert r.headers["x-frame-options"] == "DENY"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        for _ in range(40):
            yield b"x" * 65536

    streamed = client.post("/api/decide", content=chunks(),
                           headers={"content-type": "application/json"})
    assert_error(streamed, 413, None)


def test_unknown_pack_is_404(client: TestClient) -> None:
    assert_error(client.post("/api/check", json={"pack": "no-such"}), 404, "pack")
    assert_error(client.post("/api/diff", json={"pack": "no-such", "overlays": ["x"]}), 404)
    case = {"format": "rulepath/case-1", "rule": "no-such"}
    assert_error(client.post("/api/decide", json={"case": case}), 422, "rule")


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert_error(client.get("/api/nothing"), 404, None)
    assert_error(client.get("/api/decide"), 405, None)


def test_a_foreign_host_is_refused() -> None:
    with TestClient(create_app(), base_url="http://evil.example") as c:
        assert_error(c.get("/api/packs"), 400, "Host")
    with TestClient(create_app(), base_url="http://127.0.0.1:8251") as c:
        assert c.get("/api/packs").status_code == 200
    with TestClient(create_app(), base_url="http://[::1]:8251") as c:
        assert c.get("/api/packs").status_code == 200


def test_an_unexpected_error_is_500_json_and_logged(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import rulepath.engine.pack

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(rulepath.engine.pack, "default_pack_id", broken)
    with TestClient(create_app(), base_url="http://localhost") as c:
        r = c.get("/api/packs")
    assert_error(r, 500, None)
    assert "boom" not in r.text
    assert any("boom" in (rec.exc_text or "") or rec.exc_info for rec in caplog.records)


# --- the page and its safety -----------------------------------------------------------------


@pytest.mark.parametrize("method, url, body", [
    ("get", "/", None),
    ("get", "/docs", None),
    ("get", "/static/docs.js", None),
    ("get", "/openapi.json", None),
    ("get", "/api/packs", None),
    ("post", "/api/decide", {"case": EMPTY}),
    ("post", "/api/decide", {"case": {"format": "rulepath/case-1", "nope": 1}}),
    ("get", "/api/nothing", None),
])
def test_security_headers_on_every_response(client: TestClient, method: str, url: str,
                                            body: Any) -> None:
    r = client.request(method, url, json=body)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (url, name)


def test_index_is_the_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")


def test_docs_page_loads_nothing_from_outside(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "http" not in r.text.lower()
    assert "<script>" not in r.text  # its script is a file of its own (CSP: script-src self)
    for asset in re.findall(r'(?:src|href)="([^"]+)"', r.text):
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
    js = client.get("/static/docs.js").text
    assert "http" not in js and "innerHTML" not in js


def test_openapi_describes_every_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "rulepath workbench"
    paths = set(spec["paths"])
    assert {"/api/packs", "/api/schema", "/api/decide", "/api/decide/markdown",
            "/api/case/yaml", "/api/case/parse", "/api/questions", "/api/explain",
            "/api/graph", "/api/check-order", "/api/check", "/api/diff",
            "/api/amendments"} <= paths


def test_no_response_names_a_path(client: TestClient) -> None:
    text = (AMENDMENTS / "written_correspondence_suffices.lp").read_text(encoding="utf-8")
    responses = [
        client.get("/api/packs"), client.get("/api/schema"), client.get("/api/amendments"),
        client.post("/api/decide", json={"case": data(EXAMPLE)}),
        client.post("/api/decide/markdown", json={"case": data(EXAMPLE)}),
        client.post("/api/explain", json={"case": data(EXAMPLE)}),
        client.post("/api/questions", json={"case": data(EXAMPLE)}),
        client.post("/api/check-order", json={"case": data(ORDER)}),
        client.post("/api/check", json={"pack": "edcal-lr251"}),
        client.post("/api/diff", json={"as_of": "2015-01-01", "amendment": {
            "name": "a.lp", "text": text}}),
        client.post("/api/diff", json={"amendment": {"name": "a.lp", "text": "x(.\n"}}),
        client.post("/api/check", json={"pack": "edcal-lr251", "overlays": ["nope"]}),
        client.post("/api/decide", json={"case": {"format": "rulepath/case-2"}}),
    ]
    for r in responses:
        assert r.status_code < 500
        assert_no_path(r.text)


def test_serve_refuses_a_remote_host_without_allow_remote() -> None:
    from click.testing import CliRunner

    from rulepath.cli.main import main

    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--allow-remote" in result.output
