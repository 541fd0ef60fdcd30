"""The workbench in a real browser: Playwright driving the system Chromium (/usr/bin/chromium;
no browser download) against the app served by uvicorn on a free port.

Skipped when Chromium or Playwright is missing, unless RULEPATH_BROWSER_TESTS=require (CI),
which makes that a failure. With RULEPATH_SHOTS set, each test saves full-page screenshots to
/tmp/shots/<page>.png.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
REQUIRE = os.environ.get("RULEPATH_BROWSER_TESTS") == "require"
SHOTS = os.environ.get("RULEPATH_SHOTS")

try:
    from playwright.sync_api import sync_playwright

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_PLAYWRIGHT = False

_missing = (None if HAVE_PLAYWRIGHT and os.path.exists(CHROMIUM)
            else "playwright is not installed" if not HAVE_PLAYWRIGHT
            else f"no system Chromium at {CHROMIUM}")
if _missing:
    if REQUIRE:
        raise RuntimeError(f"RULEPATH_BROWSER_TESTS=require but {_missing}")
    pytest.skip(f"browser tests skipped: {_missing} (set RULEPATH_BROWSER_TESTS=require to fail)",
                allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    import uvicorn

    from rulepath.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/packs", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Page:
    """A fresh page (its own sessionStorage) collecting console errors and CSP violations."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 768},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.base = base_url
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        # every CSP violation is recorded (the console reports them as errors too)
        self.context.add_init_script("""window.__csp = [];
            document.addEventListener('securitypolicyviolation',
              e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));""")

    def goto(self, route: str) -> None:
        old = self.ready_token() if self.page.url.startswith(self.base) else ""
        url = f"{self.base}/#/{route}"
        if self.page.url == url:
            self.page.reload()
        else:
            self.page.goto(url)
        self.wait_ready(old)

    def ready_token(self) -> str:
        value: str = self.page.evaluate(
            "() => { const m = document.querySelector('#main');"
            " return m && m.dataset.ready || ''; }")
        return value

    def wait_ready(self, after: str | None = None) -> None:
        self.page.wait_for_function(
            "old => { const r = document.querySelector('#main').dataset.ready;"
            " return r && r !== old; }", arg=after or "")

    def click_and_wait(self, selector: str) -> None:
        old = self.ready_token()
        self.page.click(selector)
        self.wait_ready(old)

    def shot(self, name: str) -> None:
        if SHOTS:
            Path("/tmp/shots").mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"/tmp/shots/{name}.png", full_page=True)

    def assert_clean(self) -> None:
        csp = self.page.evaluate("() => window.__csp || []")
        assert not csp, f"CSP violations: {csp}"
        assert not self.errors, f"console errors: {self.errors}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Page]:
    p = Page(browser, base_url)
    yield p
    p.close()


def _case_file(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "examples" / name).read_text())
    return data


def _lookup(case: dict[str, Any], path: str) -> Any:
    node: Any = case
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
    if isinstance(node, dt.date):
        return node.isoformat()
    return node


def _answer(p: Page, qtype: str, value: Any) -> None:
    form = p.page.locator("form.question")
    if value is None:
        form.locator("[name=answer-none], input[value=__null__]").first.check()
    elif qtype == "bool":
        form.locator(f"input[name=answer][value={'true' if value else 'false'}]").check()
    elif qtype == "enum":
        form.locator(f"input[name=answer][value='{value}']").check()
    elif qtype == "set":
        listed = form.locator("input[type=checkbox][name=answer]")
        others = []
        members = [str(v) for v in value]
        for i in range(listed.count()):
            box = listed.nth(i)
            if box.get_attribute("value") in members:
                box.check()
            else:
                box.uncheck()
        known = {listed.nth(i).get_attribute("value") for i in range(listed.count())}
        others = [m for m in members if m not in known]
        form.locator("[name=answer-other]").fill(", ".join(others))
    else:
        form.locator("[name=answer]").fill(str(value))


def _start(p: Page, caption: str, as_of: str, version: str | None = None) -> None:
    p.goto("interview")
    p.page.fill("#start-caption", caption)
    p.page.fill("#start-as-of", as_of)
    if version:
        p.page.select_option("#start-version", version)
    p.shot("interview-start")
    p.click_and_wait("#start-button")


def test_interview_to_the_founding_decision(page: Page) -> None:
    p = page
    facts = _case_file("martinez-v-smith.yaml")
    _start(p, "Martinez v. Smith", "2010-02-25", facts["rule_version"])
    asked: list[str] = []
    backed = False
    for _ in range(60):
        if p.page.locator("#interview-done").count():
            break
        form = p.page.locator("form.question")
        field = form.get_attribute("data-question") or ""
        qtype = form.get_attribute("data-type") or ""
        assert field not in asked, f"{field} asked twice"
        asked.append(field)
        if len(asked) == 2 and not backed:
            backed = True
            # Back undoes the first answer: the first question comes again
            p.click_and_wait("#back-button")
            assert p.page.locator("form.question").get_attribute("data-question") == asked[0]
            assert p.page.locator("#answer-list li").count() == 0
            asked = asked[:1]
            _answer(p, p.page.locator("form.question").get_attribute("data-type") or "",
                    _lookup(facts, asked[0]))
            p.click_and_wait("#answer-button")
            continue
        if len(asked) == 3:
            # "Why is this asked?" says what hangs on the answer
            p.page.click("#why summary")
            why = p.page.inner_text("#why")
            assert "Your answer can change" in why
            p.shot("interview-why")
        try:
            value = _lookup(facts, field)
        except KeyError:
            p.click_and_wait("#unknown-button")
            continue
        _answer(p, qtype, value)
        if len(asked) % 2:
            p.click_and_wait("#answer-button")
        else:  # Enter submits
            old = p.ready_token()
            form.locator("input").first.press("Enter")
            p.wait_ready(old)
    else:
        pytest.fail(f"the interview did not end: {asked}")
    assert "Nothing more can change the outcome" in p.page.inner_text("#interview-done")
    assert p.page.locator("#answer-list li").count() == len(asked)
    assert "Joint statement" in p.page.inner_text("#summary-route").capitalize()
    p.shot("interview-done")
    p.assert_clean()

    p.click_and_wait("#to-decision")
    assert "joint statement" in p.page.inner_text("#decision-route").lower()
    assert "Not ready for hearing" in p.page.inner_text("#decision-ready")
    readiness = p.page.inner_text("#decision-readiness")
    assert "bar to the hearing" in readiness and "37-251(b)" in readiness
    defects = p.page.inner_text("#defects")
    assert "The parties have not met and conferred." in defects
    assert "BAR" in defects.upper() and "37-251(b)" in defects
    assert "PRESUMED" in p.page.inner_text("#assumed")
    p.page.wait_for_selector("#explain-tree details")
    assert "ready_for_hearing(false)" in p.page.inner_text("#explain-tree")
    p.page.wait_for_selector("#graph-stage svg")
    p.shot("decision")
    p.assert_clean()


def _load_case(p: Page, name: str) -> None:
    p.goto("files")
    old = p.ready_token()
    p.page.set_input_files("#case-upload", str(ROOT / "examples" / name))
    p.wait_ready(old)
    assert "Loaded" in p.page.inner_text("#message")


def test_graph_renders_and_zooms(page: Page) -> None:
    p = page
    _load_case(p, "martinez-v-smith.yaml")
    p.shot("files")
    p.click_and_wait("nav a[data-route=decision]")
    svg = p.page.wait_for_selector("#graph-stage svg")
    assert svg is not None
    assert p.page.locator("#graph-stage svg g.node").count() > 0
    before = svg.get_attribute("viewBox")
    p.page.click("#zoom-in")
    after = svg.get_attribute("viewBox")
    assert before and after and before != after
    # keyboard: focused, an arrow pans
    p.page.focus("#graph-stage")
    p.page.keyboard.press("ArrowRight")
    assert svg.get_attribute("viewBox") != after
    # the full case graph
    p.page.click("#graph-toggle")
    p.page.wait_for_function(
        "() => document.querySelector('#graph-toggle').getAttribute('aria-pressed') === 'true'"
        " && document.querySelector('#graph-stage svg')")
    p.page.locator("#explanation").scroll_into_view_if_needed()
    p.shot("decision-graph")
    p.assert_clean()


def test_check_the_founding_order(page: Page) -> None:
    p = page
    _load_case(p, "martinez-v-smith-order.yaml")
    p.click_and_wait("nav a[data-route=order]")
    assert p.page.input_value("#order-form select[name=disposition]") == "denied_without_prejudice"
    p.page.click("#check-order-button")
    p.page.wait_for_selector("#order-verdict")
    assert p.page.inner_text("#order-verdict") == "consistent"
    report = p.page.inner_text("#order-report")
    assert "37-251(b)" in report
    p.shot("order")
    p.assert_clean()


def test_drafter_diff_and_check(page: Page) -> None:
    p = page
    p.goto("drafter")
    p.page.select_option("#drafter-pack", "edcal-lr251")
    p.page.fill("#drafter-as-of", "2015-01-01")
    p.page.select_option("#drafter-amendment", "written_correspondence_suffices.lp")
    p.page.click("#diff-button")
    p.page.wait_for_selector("#diff-changed, .message.error", timeout=60_000)
    assert not p.page.locator(".message.error").count(), p.page.inner_text("#message")
    assert p.page.inner_text("#diff-changed") == "changed"
    ready = p.page.locator(".transition[data-dimension=ready_for_hearing]")
    assert ready.count() >= 1
    assert "false → true" in ready.first.inner_text()
    p.shot("drafter-diff")
    p.page.click("#check-button")
    p.page.wait_for_selector("#check-ok, .message.error", timeout=60_000)
    assert not p.page.locator(".message.error").count(), p.page.inner_text("#message")
    assert p.page.inner_text("#check-ok") in ("ok", "findings")
    assert p.page.locator("table.properties tbody tr").count() > 0
    p.shot("drafter-check")
    p.assert_clean()


def test_no_console_errors_on_any_page(page: Page) -> None:
    p = page
    for route in ("interview", "decision", "order", "drafter", "files"):
        p.goto(route)
        assert p.page.locator("nav a[aria-current=page]").get_attribute("data-route") == route
    _load_case(p, "martinez-v-smith.yaml")
    for route in ("interview", "decision", "order", "drafter", "files"):
        p.goto(route)
    p.assert_clean()
