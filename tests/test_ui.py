"""The web UI in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

A uvicorn server on 127.0.0.1 (random free port, in a thread) serves a store built from
made-up events. Every request the page makes is recorded by route interception; anything not
addressed to that server is aborted and fails the test. Skipped, with a message, only when
Chromium or the playwright package is absent.
"""

from __future__ import annotations

import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_api import XSS, build_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def playwright_api():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run the UI test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is absent: pip install playwright (never 'playwright install')")
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, playwright_api) -> Iterator[str]:
    import uvicorn

    from frontlines.api import create_app

    db = build_store(tmp_path_factory.mktemp("ui") / "ui.db")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def page(server: str, playwright_api):
    local = urlsplit(server).netloc
    requests: list[str] = []
    foreign: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 850}, service_workers="block")

            def route(r) -> None:
                url = r.request.url
                requests.append(url)
                parts = urlsplit(url)
                if parts.scheme == "data" or (parts.scheme in ("http", "https") and parts.netloc == local):
                    r.continue_()
                else:
                    foreign.append(url)
                    r.abort()

            context.route("**/*", route)
            pg = context.new_page()
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            pg.requests, pg.foreign, pg.errors, pg.dialogs = requests, foreign, errors, dialogs  # type: ignore[attr-defined]
            yield pg
        finally:
            browser.close()
    assert not foreign, f"requests left the machine: {foreign}"
    assert not errors, f"JavaScript errors: {errors}"
    assert not dialogs, f"a dialog opened (script injection?): {dialogs}"


def _ready(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('body[data-ready="1"]', timeout=30_000)


def test_page_shows_map_timeline_network_and_event_evidence(server, page):
    _ready(page, server + "/")
    # markers: 5 located events drawn (some clustered)
    assert int(page.get_attribute("#map", "data-events")) == 5
    assert int(page.get_attribute("#map", "data-markers")) >= 3
    # timeline: stacked bars
    assert int(page.get_attribute("#timeline", "data-bars")) >= 4
    assert page.locator("#event-list li").count() == 5
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-map.png"))

    # the network tab: nodes and typed edges; click a node -> actor page
    page.click('#tabs button[data-tab="network"]')
    page.wait_for_selector("#network circle.node")
    assert page.locator("#network circle.node").count() == 5
    assert page.locator('#network line.edge[data-kind="hostile"]').count() == 2
    page.screenshot(path=str(ARTIFACTS / "ui-network.png"))
    page.click('#network circle.node[data-id="islamic_state"]')
    page.wait_for_selector('.actor-page[data-id="islamic_state"]')
    assert "Islamic State of Iraq and Syria" in page.inner_text(".actor-page")
    page.wait_for_url(re.compile(r".*sel=actor%3Aislamic_state"))

    # an event: its evidence highlighted, the <script> text shown literally, not run
    page.click('#tabs button[data-tab="events"]')
    page.click('#event-list li[data-id="ev-xss"]')
    page.wait_for_selector('.event-detail[data-id="ev-xss"] mark.evidence')
    # The article text arrives in its own request, after the event's detail.
    page.wait_for_selector(".article-text mark.evidence:not(.other)")
    marks = page.locator(".article-text mark.evidence:not(.other)").all_inner_texts()
    assert "".join(marks).startswith("A sign reading ")
    assert XSS in page.inner_text(".article-text")
    assert XSS in page.inner_text(".event-detail")
    assert page.locator("#panel-detail script").count() == 0
    page.wait_for_url(re.compile(r".*sel=event%3Aev-xss"))
    page.screenshot(path=str(ARTIFACTS / "ui-event.png"))


def test_url_state_filters_and_brush(server, page):
    _ready(page, server + "/#type=Protests")
    assert page.input_value("#f-type") == "Protests"
    assert int(page.get_attribute("#map", "data-events")) == 1
    assert page.locator("#event-list li").count() == 1

    _ready(page, server + "/?fresh=1#since=2019-01-01&until=2019-12-31")
    assert page.input_value("#f-since") == "2019-01-01"
    assert int(page.get_attribute("#map", "data-events")) == 3
    page.wait_for_selector("#event-list li >> nth=2")
    assert page.locator("#event-list li").count() == 3

    # a click on the timeline clears the window; a drag sets one
    box = page.locator("#timeline").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"^[^#]*(#(?!.*since=).*)?$"))
    page.click("#zoom-fit")  # the list follows the map's view: show everything
    page.wait_for_selector("#event-list li >> nth=4")
    assert int(page.get_attribute("#map", "data-events")) == 5
    page.mouse.move(box["x"] + 36, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 40, steps=5)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert "since=" in page.url and "until=" in page.url
    assert int(page.get_attribute("#map", "data-events")) < 5

    # actor autocomplete over aliases
    page.click("#f-reset")
    page.fill("#f-actor", "Daesh")
    page.wait_for_selector("#actor-suggestions li")
    page.click("#actor-suggestions li >> nth=0")
    page.wait_for_timeout(300)
    page.wait_for_url(re.compile(r".*actor=islamic_state"))
    assert int(page.get_attribute("#map", "data-events")) == 2


def test_docs_page_is_local(server, page):
    page.goto(server + "/docs")
    page.get_by_text("/api/events", exact=True).first.wait_for(timeout=30_000)
    assert all(urlsplit(u).netloc == urlsplit(server).netloc for u in page.requests if not u.startswith("data:"))
