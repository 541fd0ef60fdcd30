"""The workbench's JSON API (``/api``): the Python API of docs/python-api.md over HTTP.

Every case is a JSON object validated exactly as a case file is (its data checked as the
document parser checks a file's, then the case model of its pack). Engine calls are
serialised by :data:`ENGINE_LOCK` (clingo controls are cached per process and are not
thread-safe); ``check`` and ``diff`` run in a child process under the app's time limit, so a
runaway solve is killed and answered 422. No response names a file-system path.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from rulepath.engine.casefile import Case
    from rulepath.engine.program import Program

ENGINE_LOCK = threading.Lock()
AMENDMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.lp$")
CACHE_SIZE = 64

router = APIRouter(prefix="/api")


class ApiError(Exception):
    """A request the API refuses: answered ``status`` with ``{"error": {"field", "message"}}``
    (and ``messages`` when there are several, as for a rejected amendment)."""

    def __init__(self, status: int, field: str | None, message: str,
                 messages: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message
        self.messages = messages


# --- the models ----------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


CASE_DESCRIPTION = ("The case as a case file holds it (rulepath/case-1, GET /api/schema), "
                    "validated as strictly as a file: a misspelt field is an error naming it.")


class CaseBody(_Body):
    case: dict[str, Any] = Field(description=CASE_DESCRIPTION)
    defaults: bool = Field(True, description="Fill unknown facts by the rule's presumptions.")


class CaseOnly(_Body):
    case: dict[str, Any] = Field(description=CASE_DESCRIPTION)


class ParseBody(_Body):
    text: str = Field(description="The text of a case file.")
    format: Literal["yaml", "json"] = "yaml"


class QuestionsBody(CaseBody):
    skip: list[str] = Field(default_factory=list,
                            description="Fields already asked and answered unknown.")


class ExplainBody(CaseBody):
    why: str | None = Field(None, description="Explain why this atom holds.")
    why_not: str | None = Field(None, description="Explain why this atom does not hold.")


class GraphBody(_Body):
    case: dict[str, Any] | None = Field(
        None, description="A case: its graph; without one, the rule graph of pack/version.")
    path: bool = Field(True, description="With a case: keep only the case's path.")
    focus: str | None = Field(None, description="Keep a node and what it depends on.")
    pack: str | None = None
    version: str | None = None
    as_of: date | None = None
    overlays: list[str] = Field(default_factory=list)
    defaults: bool = True


class AmendmentText(_Body):
    name: str = Field(description="The amendment's file name, e.g. draft.lp (no folders).")
    text: str = Field(description="The amendment: clingo rules in the overlay style.")


class CheckBody(_Body):
    pack: str | None = None
    version: str | None = None
    as_of: date | None = None
    overlays: list[str] = Field(default_factory=list)
    amendment: AmendmentText | None = None


class DiffBody(_Body):
    pack: str | None = None
    as_of: date | None = None
    from_version: str | None = None
    to_version: str | None = None
    overlays: list[str] = Field(default_factory=list)
    amendment: AmendmentText | None = None


class VersionOut(BaseModel):
    id: str
    in_force_from: str


class OverlayOut(BaseModel):
    id: str
    seen_in: str


class PackOut(BaseModel):
    id: str
    title: str
    court: str
    default: bool
    versions: list[VersionOut]
    overlays: list[OverlayOut]


class PacksOut(BaseModel):
    default: str
    packs: list[PackOut]


class ParsedOut(BaseModel):
    case: dict[str, Any]


class AnswerOut(BaseModel):
    value: Any
    changes: list[str]


class QuestionOut(BaseModel):
    field: str
    type: str
    text: str
    values: list[str]
    nullable: bool
    changes: list[str]
    answers: list[AnswerOut]
    needs: list[str]
    pattern: str | None


class QuestionsOut(BaseModel):
    questions: list[QuestionOut]
    open: list[str]
    decision: dict[str, Any]


class AmendmentOut(BaseModel):
    name: str
    text: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": words, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "object", "properties": {
            "field": {"type": ["string", "null"]}, "message": {"type": "string"}}}}}}}}
    for code, words in ((400, "Malformed request"), (404, "Unknown pack"),
                        (413, "Body over 1 MiB"), (422, "Invalid input"))
}


# --- helpers -------------------------------------------------------------------------------


def _case(data: Mapping[str, Any]) -> Case:
    """The case of JSON data, checked as the document parser checks a file's data."""
    from rulepath.engine.api import as_case
    from rulepath.engine.documents import check_data

    check_data(data)
    return as_case(data)


def _known_pack(pack: str | None) -> None:
    from rulepath.engine.pack import pack_ids

    if pack is not None and pack not in pack_ids():
        known = ", ".join(pack_ids())
        raise ApiError(404, "pack", f"unknown rule pack {pack!r} (known: {known})")


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO strings, sets as sorted lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _settings(request: Request) -> Any:
    return request.app.state.workbench


def _cached(request: Request, key: str, make: Callable[[], Any]) -> Any:
    settings = _settings(request)
    cache: OrderedDict[str, Any] = settings.cache
    with settings.cache_lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with settings.cache_lock:
        cache[key] = value
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return value


# --- packs and schema ----------------------------------------------------------------------


@router.get("/packs", response_model=PacksOut, summary="The rule packs found")
def get_packs() -> dict[str, Any]:
    """The packs, their versions with the dates they took effect, and their overlays (as
    ``rulepath packs --format json``, without the packs' folders)."""
    from rulepath.engine.pack import default_pack_id, pack_listing

    with ENGINE_LOCK:
        default = default_pack_id()
        listing = [{k: v for k, v in p.items() if k != "root"} for p in pack_listing()]
    return {"default": default, "packs": listing}


@router.get("/schema", summary="The JSON Schema of a pack's case files", responses=ERRORS)
def get_schema(pack: str | None = Query(None, description="The pack (default pack).")
               ) -> dict[str, Any]:
    """The case JSON Schema of ``pack`` (as ``rulepath schema --pack ID``)."""
    from rulepath.engine.casefile import case_json_schema

    _known_pack(pack)
    with ENGINE_LOCK:
        return case_json_schema(pack)


@router.get("/amendments", response_model=list[AmendmentOut], responses=ERRORS,
            summary="The amendments shipped with a pack")
def get_amendments(pack: str | None = Query(None, description="The pack (default pack).")
                   ) -> list[dict[str, str]]:
    """The pack's own amendment files (``amendments/*.lp``), by name, with their text."""
    from rulepath.engine.pack import load_pack

    _known_pack(pack)
    with ENGINE_LOCK:
        root = Path(load_pack(pack).root) / "amendments"
    if not root.is_dir():
        return []
    return [{"name": f.name, "text": f.read_text(encoding="utf-8")}
            for f in sorted(root.glob("*.lp")) if f.is_file()]


# --- a case --------------------------------------------------------------------------------


@router.post("/decide", responses=ERRORS, summary="Decide a case (rulepath/decision-1)")
def post_decide(body: CaseBody) -> dict[str, Any]:
    """The decision of the case: the ``rulepath/decision-1`` contract."""
    import rulepath

    with ENGINE_LOCK:
        result: dict[str, Any] = rulepath.decide(_case(body.case),
                                                 defaults=body.defaults).to_dict()
    return result


@router.post("/decide/markdown", responses={**ERRORS, 200: {"content": {"text/markdown": {}}}},
             response_class=Response, summary="Decide a case, as Markdown")
def post_decide_markdown(body: CaseBody) -> Response:
    """The decision as ``rulepath decide --format markdown`` prints it."""
    import rulepath
    from rulepath.engine.render import to_markdown

    with ENGINE_LOCK:
        text = to_markdown(rulepath.decide(_case(body.case), defaults=body.defaults))
    return Response(text, media_type="text/markdown; charset=utf-8")


@router.post("/case/yaml", responses={**ERRORS, 200: {"content": {"application/yaml": {}}}},
             response_class=Response, summary="A case as a YAML case file")
def post_case_yaml(body: CaseOnly) -> Response:
    """The case, validated, as the YAML case file to download (as ``rulepath interview``
    writes one: the header first, lists inline)."""
    from rulepath.engine.documents import dump_case_yaml

    with ENGINE_LOCK:
        _case(body.case)
    text = dump_case_yaml(dict(body.case))
    return Response(text, media_type="application/yaml; charset=utf-8")


@router.post("/case/parse", response_model=ParsedOut, responses=ERRORS,
             summary="Parse and validate a case file's text")
def post_case_parse(body: ParseBody) -> dict[str, Any]:
    """A case file's text (YAML or JSON) parsed as data only, by the project's document
    parser, and validated as a case: ``{"case": data}``."""
    from rulepath.engine.casefile import case_from_mapping
    from rulepath.engine.documents import parse_document

    with ENGINE_LOCK:
        data = parse_document(body.text, body.format)
        case_from_mapping(data)
    assert isinstance(data, dict)  # case_from_mapping refuses anything else
    return {"case": _plain(data)}


@router.post("/questions", response_model=QuestionsOut, responses=ERRORS,
             summary="The next questions worth asking")
def post_questions(body: QuestionsBody) -> dict[str, Any]:
    """Every question whose answer can still change an output of interest, the most decisive
    first, each answer with the outputs it would change; the outputs still open; and the
    decision of the case as it stands."""
    import rulepath
    from rulepath.engine.questions import next_questions, open_outputs

    with ENGINE_LOCK:
        case = _case(body.case)
        questions = next_questions(case, defaults=body.defaults, skip=body.skip)
        still_open = open_outputs(case, defaults=body.defaults)
        decision = rulepath.decide(case, defaults=body.defaults).to_dict()
    return {
        "questions": [
            {
                "field": q.field, "type": q.type, "text": q.text, "values": list(q.values),
                "nullable": q.nullable, "changes": list(q.changes),
                "answers": [{"value": _plain(a.value), "changes": sorted(a.changes)}
                            for a in q.answers],
                "needs": list(q.needs), "pattern": q.pattern,
            }
            for q in questions
        ],
        "open": list(still_open),
        "decision": decision,
    }


@router.post("/explain", responses=ERRORS, summary="The justification tree of a case")
def post_explain(body: ExplainBody) -> dict[str, Any]:
    """As ``rulepath explain --format json``: by default for ready_for_hearing."""
    import rulepath

    with ENGINE_LOCK:
        return rulepath.explain(_case(body.case), why=body.why, why_not=body.why_not,
                                defaults=body.defaults)


@router.post("/graph", responses={**ERRORS, 200: {"content": {"image/svg+xml": {}}}},
             response_class=Response, summary="The decision graph as SVG")
def post_graph(request: Request, body: GraphBody) -> Response:
    """With a case, the case's graph (``path`` keeping its path only); without, the rule
    graph of ``pack`` (version ``version`` or the one in force ``as_of``, with
    ``overlays``)."""
    import rulepath
    from rulepath.engine.draw import render, to_dot

    _known_pack(body.pack)
    with ENGINE_LOCK:
        if body.case is not None:
            g = rulepath.graph(_case(body.case), as_of=body.as_of, overlays=body.overlays,
                               rule_version=body.version, focus=body.focus,
                               defaults=body.defaults, path=body.path)
        else:
            g = rulepath.graph(pack=body.pack, as_of=body.as_of, overlays=body.overlays,
                               rule_version=body.version, focus=body.focus)
        dot = to_dot(g)
    svg = _cached(request, "svg:" + dot, lambda: render(dot, "svg").decode("utf-8"))
    if re.search(r"<script|\son\w+\s*=|javascript:", svg, re.IGNORECASE):
        raise RuntimeError("the renderer wrote an SVG with script in it")
    return Response(svg, media_type="image/svg+xml")


@router.post("/check-order", responses=ERRORS, summary="Check a draft order")
def post_check_order(body: CaseBody) -> dict[str, Any]:
    """The draft order of the case's ``order`` block checked against the rule
    (``rulepath/check-order-1``)."""
    import rulepath

    with ENGINE_LOCK:
        result: dict[str, Any] = rulepath.check_order(_case(body.case),
                                                      defaults=body.defaults).to_dict()
    return result


# --- drafters: check and diff, time-limited in a child process -------------------------------


def _amendment(program: Program, amendment: dict[str, str] | None) -> Any:
    from rulepath.engine.amendment import validated

    if amendment is None:
        return None
    return validated(program, amendment["name"], amendment["text"])


def _overlays(pack: Any, overlays: list[str]) -> tuple[str, ...]:
    from rulepath.engine.errors import RulepathError

    for overlay in overlays:
        if overlay not in pack.overlays:
            raise RulepathError("overlays", f"unknown overlay {overlay!r} of {pack.id}")
    return tuple(dict.fromkeys(overlays))


def _check_job(pack: str | None, version: str | None, as_of: date | None,
               overlays: list[str], amendment: dict[str, str] | None) -> dict[str, Any]:
    from rulepath.engine.check import check_program
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import load_pack
    from rulepath.engine.program import program_for

    if version is not None and as_of is not None:
        raise RulepathError("as_of", "as_of and version exclude each other")
    loaded = load_pack(pack)
    chosen = loaded.version_for(as_of or date.today(), version)
    names = _overlays(loaded, overlays)
    program = program_for(loaded, chosen, names)
    amended = _amendment(program, amendment)
    if amended is not None:
        program = program_for(loaded, chosen, names, amended)
    out = check_program(program, None).to_dict()
    if out.get("properties_file"):
        found = Path(out["properties_file"])
        try:
            out["properties_file"] = found.resolve().relative_to(
                Path(loaded.root).resolve()).as_posix()
        except ValueError:
            out["properties_file"] = found.name
    return out


def _diff_job(pack: str | None, as_of: date | None, from_version: str | None,
              to_version: str | None, overlays: list[str],
              amendment: dict[str, str] | None) -> dict[str, Any]:
    from rulepath.engine.diff import compare, diff
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import load_pack
    from rulepath.engine.program import program_for

    if amendment is None:
        result: dict[str, Any] = diff(pack, as_of=as_of, from_version=from_version,
                                      to_version=to_version, overlays=overlays).to_dict()
        return result
    if from_version or to_version:
        raise RulepathError("amendment", "an amendment is compared with the version in force "
                            "on as_of: from_version and to_version exclude it")
    loaded = load_pack(pack)
    version = loaded.version_for(as_of or date.today())
    names = _overlays(loaded, overlays)
    base = program_for(loaded, version, names)
    amended = program_for(loaded, version, names, _amendment(base, amendment))
    return compare(base, amended).to_dict()


JOBS: dict[str, Callable[..., dict[str, Any]]] = {"check": _check_job, "diff": _diff_job}


def _child(conn: Connection, job: str, params: dict[str, Any]) -> None:
    """Run one job and send back ("ok", result), ("error", field, reason[, errors]) or
    ("crash", traceback)."""
    from rulepath.engine.amendment import AmendmentError
    from rulepath.engine.errors import RulepathError

    try:
        try:
            conn.send(("ok", JOBS[job](**params)))
        except AmendmentError as error:
            conn.send(("error", "amendment.text", error.reason, error.errors))
        except RulepathError as error:
            conn.send(("error", error.field, error.reason, None))
        except BaseException:
            conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_limited(job: str, params: dict[str, Any], limit: float) -> dict[str, Any]:
    """``JOBS[job](**params)`` in a child process, killed after ``limit`` seconds (an
    :class:`ApiError` 422 then); its errors raised again here."""
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, job, params), daemon=True)
    with ENGINE_LOCK:  # no engine call is halfway through when the process forks
        process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise ApiError(422, None, f"time limit exceeded: the {job} took over {limit:g} s "
                           "and was stopped")
        try:
            reply = receiver.recv()
        except EOFError:
            raise RuntimeError(f"the {job} process ended without an answer "
                               f"(exit code {process.exitcode})") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
            process.join(2)
            if process.is_alive():
                process.kill()
        process.join()
    if reply[0] == "ok":
        result: dict[str, Any] = reply[1]
        return result
    if reply[0] == "error":
        _, field, reason, errors = reply
        raise ApiError(422, field, reason, errors)
    raise RuntimeError(f"the {job} failed:\n{reply[1]}")


def _limited(request: Request, job: str, params: dict[str, Any]) -> dict[str, Any]:
    settings = _settings(request)
    if params.get("amendment") is not None:
        name = params["amendment"]["name"]
        if not AMENDMENT_NAME.match(name):
            raise ApiError(422, "amendment.name", f"{name!r} is not a file name ending in .lp "
                           "(letters, digits, _ . -; no folders)")
    key = json.dumps([job, params], sort_keys=True, default=str)
    result: dict[str, Any] = _cached(
        request, key, lambda: run_limited(job, params, settings.time_limit))
    return result


@router.post("/check", responses=ERRORS, summary="Check a pack version (rulepath/check-1)")
def post_check(request: Request, body: CheckBody) -> dict[str, Any]:
    """A pack version (``version``, or the one in force ``as_of``, by default today) with
    ``overlays`` and an optional ``amendment`` on top, checked over every fully known
    scenario for gaps, conflicts and its declared properties."""
    _known_pack(body.pack)
    return _limited(request, "check", {
        "pack": body.pack, "version": body.version, "as_of": body.as_of,
        "overlays": list(body.overlays),
        "amendment": None if body.amendment is None else body.amendment.model_dump(),
    })


@router.post("/diff", responses=ERRORS, summary="What a change changes (rulepath/diff-1)")
def post_diff(request: Request, body: DiffBody) -> dict[str, Any]:
    """Two versions (``from_version``, ``to_version``), or the version in force ``as_of``
    (today) without and with ``amendment`` or ``overlays``, compared over every joint
    scenario."""
    _known_pack(body.pack)
    return _limited(request, "diff", {
        "pack": body.pack, "as_of": body.as_of, "from_version": body.from_version,
        "to_version": body.to_version, "overlays": list(body.overlays),
        "amendment": None if body.amendment is None else body.amendment.model_dump(),
    })


__all__ = ["ENGINE_LOCK", "ApiError", "router", "run_limited"]
