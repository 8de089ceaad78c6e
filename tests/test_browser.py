"""What a person sees, in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright; .ci/install-system-deps.sh installs it): the GCIM page shows the quote that says
when the Commission was established, its passage link opens the quote highlighted in the
document, and the query page loads a library query into YASGUI, runs it on /sparql and shows
the members of the Geneva Migration Group. No request may leave this machine."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kg.server import RunningServer, ServerConfig

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# The machine has no network beyond the package registries: nothing that phones home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-proxy-server", "--disable-dev-shm-usage"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(full_build):
    with RunningServer(ServerConfig(build_dir=full_build.out_dir, port=0)) as running:
        yield running


@pytest.fixture(scope="module")
def browser_context():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (bash .ci/install-system-deps.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright
    profile = tempfile.mkdtemp(prefix="migkg-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            yield context
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context, server):
    """A fresh tab that records every request going to a host other than the server's."""
    tab = browser_context.new_page()
    own = urlparse(server.url).netloc
    tab.elsewhere = []
    tab.on("request", lambda r: tab.elsewhere.append(r.url)
           if urlparse(r.url).scheme in ("http", "https", "ws", "wss") and urlparse(r.url).netloc != own else None)
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    yield tab
    tab.close()


def test_entity_page_shows_the_evidence_quote_and_opens_its_passage(page, server):
    page.goto(server.url + "migration-kg/id/organization/gcim")
    assert page.locator("h1").inner_text() == "Global Commission on International Migration"
    quote = page.locator("blockquote.quote", has_text="established the Commission in December 2003").first
    assert quote.is_visible()
    source = quote.locator("xpath=following-sibling::div[contains(@class, 'source')]")
    source.locator("a.passage-link").click()
    page.wait_for_url("**/passage/*")
    mark = page.locator("div.context mark#quote")
    assert mark.is_visible()
    assert "December 2003" in " ".join(mark.inner_text().split())
    # the highlight sits in its context: the document's text continues before and after it
    assert len(page.locator("div.context span.before").inner_text()) > 100
    assert len(page.locator("div.context span.after").inner_text()) > 100
    assert page.elsewhere == [] and page.console_errors == []


def test_query_page_loads_and_runs_a_library_query(page, server):
    page.goto(server.url + "query")
    page.wait_for_function("() => window.migkgYasgui && document.querySelector('.yasqe .CodeMirror')")
    page.locator("button.library-query[data-name='group-members']").click()
    assert "group-members" in page.locator("#loaded-query").inner_text()
    editor_text = page.evaluate("() => window.migkgYasgui.getTab().getQuery()")
    assert "geneva-migration-group" in editor_text and "SELECT" in editor_text
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST") as response:
        page.locator(".yasqe_queryButton").click()
    assert response.value.status == 200
    table = page.locator(".yasr table.dataTable")
    table.locator("td", has_text="International Organization for Migration").first.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 6
    assert "id:organization/iom" in table.inner_text()
    assert page.elsewhere == [] and page.console_errors == []


def test_unknown_iri_shows_a_not_found_page(page, server):
    response = page.goto(server.url + "migration-kg/id/organization/no-such-thing")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert "https://w3id.org/migration-kg/id/organization/no-such-thing" in page.locator("main").inner_text()
