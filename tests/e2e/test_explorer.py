"""The explorer and GraphiQL in a real headless Chromium against a real `aimsgraph serve` on 127.0.0.1.

Each test loads a view as a user would, waits for the page to say it has drawn it (no sleeps), and checks what
is shown against the GraphQL API's own answer. Every test also checks that the browser sent no request beyond
the server under test and wrote nothing to its console. With `AIMSGRAPH_SCREENSHOTS=docs/img` the views are
saved where the README shows them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.safe_text import spreadsheet_cell
from tests.conftest import AIMSGRAPH
from tests.support.browser import (
    READY,
    VIEW_ROUTES,
    Browser,
    BrowserUnavailableError,
    console_problems,
    leaving,
    load_view,
    requests_sent,
    required,
    start_chromium,
)
from tests.support.servers import start_server, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AS_OF = "2026-11-30"  # the day the README's figures are stated for
WAIT = 60


def make_key(store: Path, role: str) -> str:
    """A key made by the CLI, before a server holds the store."""
    made = subprocess.run(
        [AIMSGRAPH, "keys", "create", "--role", role, "--name", "explorer-test", "--json"],
        env={**os.environ, "AIMSGRAPH_STORE": str(store)},
        capture_output=True,
        text=True,
        check=True,
    )
    token: str = json.loads(made.stdout)["token"]
    return token


@pytest.fixture(scope="module")
def key_and_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo store with one viewer key (made by the CLI before the server holds the store), served."""
    store = tmp_path_factory.mktemp("explorer") / "store"
    token = make_key(store, "viewer")
    base, process = start_server(store)
    yield base, token
    stop(process)


@pytest.fixture(scope="module")
def base(key_and_server: tuple[str, str]) -> str:
    return key_and_server[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        started = start_chromium()
    except BrowserUnavailableError as error:
        if required():
            pytest.fail(f"CI needs the browser tests: {error}")
        pytest.skip(f"no headless browser: {error}")
    yield started
    started.close()


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Any]:
    """The browser, with its logs emptied before the test and checked after it: no request left 127.0.0.1
    and the page logged no error or warning."""
    driver = browser.driver
    driver.get(f"{base}/static/vendor/NOTICE.txt")  # on the server's origin, to start without a key
    driver.execute_script("sessionStorage.clear()")
    requests_sent(driver)
    console_problems(driver)
    yield driver
    assert leaving(requests_sent(driver), base) == []
    assert console_problems(driver) == []


def graphql(base: str, query: str, **variables: Any) -> Any:
    body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30).json()
    assert "errors" not in body, body
    return body["data"]


def open_view(driver: Any, base: str, route: str) -> dict[str, Any]:
    return load_view(driver, base, route, WAIT)


def route_number(driver: Any) -> str | None:
    """How many times the page has routed: an action that changes the view routes again."""
    number: str | None = driver.execute_script("return document.body.dataset.route || null")
    return number


def wait_ready(driver: Any, view: str, after: str | None) -> None:
    """Wait until the page has routed since `after` (a hash change is handled after the click returns) and
    has drawn the view."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(
        lambda d: (
            d.execute_script("return document.body.dataset.route || null") != after and d.execute_script(READY) == view
        )
    )


def text_of(driver: Any, css: str) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def screenshot(driver: Any, name: str) -> None:
    folder = os.environ.get("AIMSGRAPH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"explorer-{name}.png"))


def test_the_first_page_draws_the_credit_model_with_its_obligations(page: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    page.get("about:blank")
    page.get(f"{base}/")
    wait_ready(page, "assets", after=None)
    assert text_of(page, "section.asset h3").startswith("Credit scoring model")
    asset = graphql(
        base,
        'query($asOf: Date) { asset(id: "credit-model") { uses { totalCount } obligations(asOf: $asOf, first: 500) '
        "{ totalCount edges { node { status voluntary provision { framework { id } } } } } } }",
        asOf=page.execute_script("return document.querySelector('input[name=asOf]').value"),
    )["asset"]
    answer = asset["obligations"]
    gaps = [e for e in answer["edges"] if not e["node"]["voluntary"] and e["node"]["status"] in {"MISSING", "EXPIRED"}]
    frameworks = {e["node"]["provision"]["framework"]["id"] for e in answer["edges"]}
    graph = page.find_element(By.ID, "asset-graph")
    # the asset, what it uses, one hub per framework and one node per obligation
    nodes = 1 + asset["uses"]["totalCount"] + len(frameworks) + answer["totalCount"]
    assert int(graph.get_attribute("data-nodes")) == nodes
    assert int(graph.get_attribute("data-gaps")) == len(gaps) > 0
    assert len(page.find_elements(By.CSS_SELECTOR, "table.obligations tbody tr")) == answer["totalCount"]
    assert len(page.find_elements(By.CSS_SELECTOR, "table.obligations tbody tr.gap")) == len(gaps)
    assert f"{len(gaps)} gaps" in text_of(page, "section.asset .summary")


def test_clicking_an_asset_shows_what_it_uses_and_its_obligations_with_reasons(page: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    open_view(page, base, f"assets?asOf={AS_OF}")
    before = route_number(page)
    page.find_element(By.CSS_SELECTOR, 'nav.asset-list a[data-asset="support-chatbot"]').click()
    wait_ready(page, "assets", after=before)
    assert "support-chatbot" in text_of(page, "section.asset .meta")
    answer = graphql(
        base,
        'query($asOf: Date) { asset(id: "support-chatbot") { uses { edges { node { name } } } '
        'obligations(asOf: $asOf, frameworks: ["eu-ai-act"], first: 500) { edges { node { provision { ref } '
        "reasons { reason } } } } } }",
        asOf=AS_OF,
    )["asset"]
    uses = text_of(page, "section.asset")
    assert all(edge["node"]["name"] in uses for edge in answer["uses"]["edges"])
    row = page.find_element(By.ID, "ob-eu-ai-act-Article 50(1)")
    expected = next(
        e["node"] for e in answer["obligations"]["edges"] if e["node"]["provision"]["ref"] == "Article 50(1)"
    )
    assert expected["reasons"][0]["reason"] in row.text


def test_a_heat_map_cell_opens_its_mappings_with_rationale_provenance_and_path(page: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    open_view(page, base, "crosswalk?source=iso42001&target=eu-ai-act")
    cell = page.find_element(
        By.CSS_SELECTOR, 'button.cell[data-row="A.5"][data-column^="Chapter III"][aria-label*="2 asserted"]'
    )
    before = route_number(page)
    cell.click()
    wait_ready(page, "crosswalk", after=before)
    panel = text_of(page, "#cell-detail")
    mappings = graphql(
        base,
        '{ provision(framework: "iso42001", ref: "A.5.4") { mappings(targetFramework: "eu-ai-act") '
        "{ edges { node { target { ref } rationale provenance { mappingSet reviewStatus } } } } } }",
    )["provision"]["mappings"]["edges"]
    article_9 = next(m["node"] for m in mappings if m["node"]["target"]["ref"] == "Article 9(9)")
    assert "Asserted (2)" in panel
    assert article_9["rationale"] in panel
    assert f"set {article_9['provenance']['mappingSet']}" in panel
    assert "Inferred along paths" in panel and "path: ISO/IEC 42001:2023 A.5" in panel
    assert page.find_element(By.CSS_SELECTOR, 'button.cell[aria-pressed="true"]').get_attribute("data-row") == "A.5"


def test_the_provision_browser_shows_dates_as_amended_mappings_and_the_obligations_created(
    page: Any, base: str
) -> None:
    from selenium.webdriver.common.by import By

    open_view(page, base, "provisions?framework=eu-ai-act&ref=Article%209&scope=annex_iii&asOf=2026-07-01")
    assert "2026-08-02" in text_of(page, "dl.dates") and "amended" not in text_of(page, "dl.dates")
    open_view(page, base, f"provisions?framework=eu-ai-act&ref=Article%209&scope=annex_iii&asOf={AS_OF}")
    dates = text_of(page, "dl.dates")
    assert "2027-12-02" in dates and "amended; originally 2026-08-02" in dates
    detail = text_of(page, "section.detail")
    bound = graphql(
        base,
        'query($asOf: Date) { assets(first: 40) { edges { node { name obligations(frameworks: ["eu-ai-act"], '
        "asOf: $asOf, first: 200) { edges { node { provision { ref } } } } } } } }",
        asOf=AS_OF,
    )["assets"]["edges"]
    binds = [
        a["node"]["name"]
        for a in bound
        if any(o["node"]["provision"]["ref"] == "Article 9" for o in a["node"]["obligations"]["edges"])
    ]
    assert binds and all(name in detail for name in binds)  # the assets Article 9 binds, as the API says
    assert f"Obligations it creates ({len(binds)})" in detail
    assert page.find_element(By.CSS_SELECTOR, 'nav.tree a[aria-current="true"]').text.startswith("Article 9")
    box = page.find_element(By.CSS_SELECTOR, "input[name=q]")
    before = route_number(page)
    box.send_keys("impact assessment\n")
    wait_ready(page, "provisions", after=before)
    found = graphql(base, '{ search(text: "impact assessment", framework: "eu-ai-act") { totalCount } }')
    assert f"{found['search']['totalCount']} matches" in text_of(page, "nav.tree")


def _download(page: Any, button: str, folder: Path) -> list[list[str]]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    page.find_element(By.ID, button).click()
    WebDriverWait(page, WAIT).until(lambda _: [p for p in folder.glob("*.csv")])
    (path,) = folder.glob("*.csv")
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_coverage_and_the_soa_show_their_gaps_and_export_csv(page: Any, base: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_view(page, base, "coverage?have=iso27001&want=iso42001&org=1")
    answer = graphql(
        base,
        '{ coverage(have: "iso27001", want: "iso42001", organisation: "northwind") '
        "{ covered { status } reusable { status } partial { status } uncovered { status restsOnExpired } } }",
    )["coverage"]
    counts = {status: len(answer[status]) for status in ("covered", "reusable", "partial", "uncovered")}
    summary = text_of(page, "p.summary")
    assert all(f"{n} {status}" in summary for status, n in counts.items())
    rows = _download(page, "export-coverage", tmp_path / "coverage")
    assert rows[0] == ["unit", "title", "status", "rests_on_expired", "because"]
    assert len(rows) - 1 == sum(counts.values())

    open_view(page, base, f"soa?asOf={AS_OF}")
    soa = graphql(
        base,
        "query($asOf: Date) { statementOfApplicability(asOf: $asOf) { included evidenceStatus restsOnExpired } }",
        asOf=AS_OF,
    )["statementOfApplicability"]
    gaps = [r for r in soa if r["included"] and (r["restsOnExpired"] or r["evidenceStatus"] in {"MISSING", "EXPIRED"})]
    assert len(page.find_elements(By.CSS_SELECTOR, "table.soa tbody tr.gap")) == len(gaps) > 0
    rows = _download(page, "export-soa", tmp_path / "soa")
    assert rows[0] == ["control", "title", "included", "status", "justification", "evidence", "evidence_status", "flag"]
    assert len(rows) - 1 == len(soa) == 38


def test_csv_cells_are_neutralised_as_core_safe_text_does(page: Any, base: str) -> None:
    samples = [
        "=cmd|' /C calc'!A0",
        "+1",
        "-3",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        "＝1",
        "＋1",
        "－1",
        "＠x",
        "plain",
        "a=b",
        "",
    ]
    open_view(page, base, "soa")
    got = page.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('/static/js/csv.js').then((m) => done(arguments[0].map(m.spreadsheetCell)));",
        samples,
    )
    assert got == [spreadsheet_cell(s) for s in samples]


def test_an_api_key_is_used_for_the_session_and_forgotten_on_request(
    page: Any, key_and_server: tuple[str, str]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, token = key_and_server
    open_view(page, base, "soa")
    assert text_of(page, "#caller") == "anonymous (read-only)"
    page.find_element(By.ID, "api-key").send_keys(token + "\n")
    WebDriverWait(page, WAIT).until(lambda d: "explorer-test" in d.find_element(By.ID, "caller").text)
    assert text_of(page, "#caller") == "key explorer-test (viewer)"
    assert page.execute_script("return sessionStorage.getItem('aimsgraph.apiKey')") == token
    assert page.execute_script("return localStorage.length") == 0  # never kept beyond the tab
    open_view(page, base, "soa")  # a reload keeps it for the session
    WebDriverWait(page, WAIT).until(lambda d: "explorer-test" in d.find_element(By.ID, "caller").text)
    page.find_element(By.ID, "forget-key").click()
    WebDriverWait(page, WAIT).until(lambda d: d.find_element(By.ID, "caller").text == "anonymous (read-only)")
    assert page.execute_script("return sessionStorage.getItem('aimsgraph.apiKey')") is None


def test_the_explorer_is_keyboard_navigable(page: Any, base: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_view(page, base, "soa")

    def tab_to(check: str) -> None:
        for _ in range(200):
            ActionChains(page).send_keys(Keys.TAB).perform()
            if page.execute_script(f"const e = document.activeElement; return !!(e && ({check}));"):
                return
        raise AssertionError(f"no focusable element where {check}")

    tab_to("e.dataset.view === 'crosswalk'")
    before = route_number(page)
    ActionChains(page).send_keys(Keys.ENTER).perform()
    wait_ready(page, "crosswalk", after=before)
    tab_to("e.classList.contains('cell')")
    first_row = page.execute_script("return document.activeElement.dataset.row")
    ActionChains(page).send_keys(Keys.ARROW_DOWN).perform()  # arrows move between cells with mappings
    row = page.execute_script("return document.activeElement.dataset.row")
    assert row != first_row and page.execute_script("return document.activeElement.classList.contains('cell')")
    before = route_number(page)
    ActionChains(page).send_keys(Keys.ENTER).perform()
    wait_ready(page, "crosswalk", after=before)
    assert "Asserted (" in text_of(page, "#cell-detail")
    assert page.find_element(By.CSS_SELECTOR, 'button.cell[aria-pressed="true"]').get_attribute("data-row") == row


def test_graphiql_comes_from_the_package_with_the_readme_examples(page: Any, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page.get(f"{base}/graphql")
    WebDriverWait(page, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".graphiql-tab"))
    tabs = [t.text for t in page.find_elements(By.CSS_SELECTOR, ".graphiql-tab")]
    assert "RenewRiskFile" in tabs and "RegisterAsset" in tabs and "Provision" in tabs
    screenshot(page, "graphiql")


@pytest.mark.parametrize("route", VIEW_ROUTES.values(), ids=VIEW_ROUTES.keys())
def test_each_view_draws_at_1280x800_and_reports_its_first_paint(
    page: Any, base: str, route: str, record_property: Any
) -> None:
    timing = open_view(page, base, route)
    view = route.split("?", maxsplit=1)[0]
    assert timing["painted"] is not None and timing["ready"] is not None
    assert page.execute_script("return document.documentElement.scrollWidth") <= 1280  # no sideways scrolling
    record_property("first_paint_ms", round(timing["painted"]))
    record_property("ready_ms", round(timing["ready"]))
    screenshot(page, view)


def test_on_a_server_that_needs_a_key_the_explorer_says_so_and_works_with_one(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    store = tmp_path_factory.mktemp("keyed") / "store"
    token = make_key(store, "viewer")
    base, process = start_server(store, env={"AIMSGRAPH_ANONYMOUS_READ": "false"})
    try:
        driver = browser.driver
        driver.get(f"{base}/static/vendor/NOTICE.txt")
        driver.execute_script("sessionStorage.clear()")
        requests_sent(driver)
        console_problems(driver)
        open_view(driver, base, "soa")
        assert "Enter an API key above." in text_of(driver, "main .message.error")
        WebDriverWait(driver, WAIT).until(lambda d: "needs an API key" in d.find_element(By.ID, "caller").text)
        before = route_number(driver)
        driver.find_element(By.ID, "api-key").send_keys(token + "\n")
        wait_ready(driver, "soa", after=before)
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.soa tbody tr"))
        assert len(driver.find_elements(By.CSS_SELECTOR, "table.soa tbody tr")) == 38
        assert text_of(driver, "#caller") == "key explorer-test (viewer)"
        assert leaving(requests_sent(driver), base) == []
        assert console_problems(driver) == []  # a refused anonymous read is an answer, not a failed request
        driver.execute_script("sessionStorage.clear()")
    finally:
        stop(process)
