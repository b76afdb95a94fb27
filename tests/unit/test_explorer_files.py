"""The explorer and GraphiQL are files inside the installed package, served with a policy that keeps the
browser on this server: no page or script names another host, every file a page names is served, and
GraphiQL's preloaded examples are the README's."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.graphql.app import create_app
from graph.service import Service
from graph.settings import Settings

REPO = Path(__file__).resolve().parents[2]
STATIC = Path(str(files("api.explorer") / "static"))
_NAMED = re.compile(r"""(?:src|href)="([^"]+)"|from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)|fetch\(\s*"([^"]+)"\s*\)""")


@pytest.fixture(scope="module")
def http(bundled: Service) -> TestClient:
    return TestClient(create_app(bundled, Settings()))


def own_files() -> list[Path]:
    """The explorer's own code and pages (the vendored libraries are checked in the browser)."""
    return [p for p in STATIC.rglob("*") if p.is_file() and "vendor" not in p.parts]


def test_the_pages_are_sent_with_a_policy_that_allows_this_server_only(http: TestClient) -> None:
    for response in (http.get("/"), http.get("/graphql", headers={"Accept": "text/html"})):
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy and "script-src 'self';" in policy


def test_graphiql_is_loaded_from_the_package_not_a_cdn(http: TestClient) -> None:
    page = http.get("/graphql", headers={"Accept": "text/html"}).text
    assert "/static/vendor/graphiql.min.js" in page and "/static/vendor/react.production.min.js" in page
    assert not re.search(r"https?://", page)


def test_no_page_or_script_of_ours_names_another_host() -> None:
    for path in own_files():
        if path.suffix not in {".html", ".js", ".css"}:
            continue  # examples.json holds the README's data, an evidence URI among it
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text), path.name


def test_every_file_a_page_or_module_names_is_served(http: TestClient) -> None:
    checked = 0
    for path in own_files():
        if path.suffix not in {".html", ".js"}:
            continue
        for match in _NAMED.finditer(path.read_text(encoding="utf-8")):
            target = next(g for g in match.groups() if g)
            if target.startswith(("#", "data:")) or target == "/graphql":
                continue
            url = target if target.startswith("/") else f"/static/{path.parent.relative_to(STATIC).as_posix()}/{target}"
            url = re.sub(r"/[^/]+/\.\./", "/", url.replace("/./", "/"))
            assert http.get(url).status_code == 200, f"{path.name} names {target} ({url})"
            checked += 1
    assert checked > 20


def test_graphiql_examples_are_the_readme_s(http: TestClient) -> None:
    generated = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "readme_examples.py")], capture_output=True, text=True, check=True
    ).stdout
    served = http.get("/static/examples.json").json()
    assert served == json.loads(generated), "run scripts/readme_examples.py > api/explorer/static/examples.json"
    assert any(e["query"].startswith("mutation RenewRiskFile") and e.get("variables") for e in served)


def test_every_vendored_library_has_its_licence() -> None:
    notice = (STATIC / "vendor" / "NOTICE.txt").read_text(encoding="utf-8")
    for name in ("react", "react-dom", "cytoscape", "graphiql"):
        assert f"{name} " in notice and (STATIC / "vendor" / "licenses" / f"{name}.LICENSE").is_file()
