"""The workbench app: the page (``/``, ``/static``), the API (``/api``, :mod:`.api`), its
OpenAPI (``/openapi.json``) and a self-contained API page (``/docs``).

Every response carries a strict Content-Security-Policy and the other security headers; a
request body over 1 MiB is refused (413); only the loopback host names (and the host bound)
are accepted in ``Host``, against DNS rebinding; every error is JSON,
``{"error": {"field": ..., "message": ...}}``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api import ApiError, router

LOG = logging.getLogger("rulepath.web")
STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 1024 * 1024  # bytes
TIME_LIMIT = 60.0  # seconds, for check and diff
LOOPBACK = ("127.0.0.1", "localhost", "::1")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (
        ("Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
)


@dataclass
class Settings:
    """What the endpoints read from ``app.state.workbench``."""

    time_limit: float = TIME_LIMIT
    cache: OrderedDict[str, Any] = field(default_factory=OrderedDict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)


def error_body(field: str | None, message: str, messages: list[str] | None = None
               ) -> dict[str, Any]:
    from rulepath.engine.errors import printable

    shown = None if field is None else printable(field)
    error: dict[str, Any] = {"field": shown, "message": printable(scrub(message))}
    if messages is not None:
        error["messages"] = [printable(scrub(m)) for m in messages]
    return {"error": error}


def _roots() -> list[str]:
    here = Path(__file__).resolve().parent.parent
    roots = {str(here), str(Path(__file__).parent.parent), os.getcwd(), tempfile.gettempdir()}
    try:
        from rulepath.engine.pack import packs

        for p in packs().values():
            roots.add(str(Path(p.root).resolve().parent))
            roots.add(str(Path(p.root).parent))
    except Exception:  # the listing itself is faulty: its own error says so
        pass
    return sorted((r for r in roots if len(r) > 1), key=len, reverse=True)


def scrub(text: str) -> str:
    """``text`` without the folders of this machine: a path under the project, a pack, the
    working folder or the temporary folder is shown relative to it."""
    for root in _roots():
        text = text.replace(root + os.sep, "").replace(root, ".")
    return text


# --- the middleware ------------------------------------------------------------------------


class Guard:
    """Pure ASGI middleware: the security headers on every response, the Host check, the
    body limit (from Content-Length and while reading), and the catch-all for errors
    (logged, answered 500 JSON)."""

    def __init__(self, app: ASGIApp, *, hosts: frozenset[str] | None, max_body: int) -> None:
        self.app = app
        self.hosts = hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if scope["path"].startswith("/api/") and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        async def refuse(status: int, field: str | None, message: str) -> None:
            body = json.dumps(error_body(field, message)).encode("utf-8")
            await send_secured({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii"))]})
            await send_secured({"type": "http.response.body", "body": body})

        headers = dict(scope.get("headers", []))
        if self.hosts is not None:
            host = _host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.hosts:
                names = ", ".join(sorted(self.hosts))
                await refuse(400, "Host", f"this server answers only to {names}")
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await refuse(400, "Content-Length", "not a number")
                return
            if declared > self.max_body:
                await refuse(413, None, f"the request body is over {self.max_body:,} bytes")
                return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await refuse(413, None, f"the request body is over {self.max_body:,} bytes")
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        try:
            await self.app(scope, replay, send_secured)
        except Exception:
            LOG.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                await refuse(500, None, "internal error (logged on the server)")


def _host_name(host: str) -> str:
    """The name of a Host header, without its port; an IPv6 address as ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_hosts(bound: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    names = {*LOOPBACK, *extra}
    if bound:
        names.add(_host_name(bound) if not bound.count(":") > 1 else bound.strip("[]"))
    return frozenset(n.lower() for n in names)


# --- the errors ----------------------------------------------------------------------------


def _dotted(loc: Iterable[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or None


def _install_errors(app: FastAPI) -> None:
    from rulepath.engine.errors import RulepathError

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(error_body(error.field, error.message, error.messages),
                            status_code=error.status)

    @app.exception_handler(RulepathError)
    async def rulepath_error(_: Request, error: RulepathError) -> JSONResponse:
        from rulepath.engine.amendment import AmendmentError

        if isinstance(error, AmendmentError):
            return JSONResponse(error_body("amendment.text", error.reason, error.errors),
                                status_code=422)
        status = 503 if error.field in ("renderer", "RULEPATH_DOT") else 422
        return JSONResponse(error_body(error.field, error.reason), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = list(error.errors())
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        if first.get("type") == "json_invalid":
            return JSONResponse(error_body(None, f"malformed JSON: {first.get('msg')}"),
                                status_code=400)
        message = str(first.get("msg", "invalid"))
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        return JSONResponse(error_body(_dotted(first.get("loc", ())), message),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body(None, str(error.detail)), status_code=error.status_code,
                            headers=dict(error.headers or {}))


# --- the app -------------------------------------------------------------------------------


def create_app(*, time_limit: float = TIME_LIMIT, host: str | None = "127.0.0.1",
               check_host: bool = True, max_body: int = MAX_BODY) -> FastAPI:
    """The workbench app. ``time_limit`` bounds each check and diff (seconds); ``host`` is
    the host bound, accepted in ``Host`` beside the loopback names (``check_host=False``
    accepts any, for a server reached from other machines); ``max_body`` bounds request
    bodies (bytes)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("rulepath")
    except PackageNotFoundError:
        release = "0+unknown"
    app = FastAPI(
        title="rulepath workbench",
        version=release,
        description="Decide, explain, draw, check and diff court-procedure rules "
        "(docs/web.md). Every error is {\"error\": {\"field\", \"message\"}}.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.workbench = Settings(time_limit=time_limit)
    _install_errors(app)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    hosts = allowed_hosts(host) if check_host else None
    app.add_middleware(Guard, hosts=hosts, max_body=max_body)
    return app


def loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    import ipaddress

    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


__all__ = ["MAX_BODY", "SECURITY_HEADERS", "TIME_LIMIT", "create_app", "loopback", "scrub"]
