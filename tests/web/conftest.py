"""A web application on a small index holding hostile markup, and a client for it."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from searchkit.cli.main import main
from searchkit.store import store as store_module
from searchkit.web.app import make_app
from searchkit.web.library import Library
from searchkit.web.server import allowed_hosts, bind, make_server, url_of
from tests.conftest import SEEDS, write_corpus

HOSTILE = [
    {"id": "markup", "title": "<script>alert('title')</script> Markup & more",
     "text": "Tariffs <b>rose</b> & fell; <img src=x onerror=alert(1)> said \"the minister\".\n\n"
             "<script>document.title='owned'</script> tariffs again.",
     "date": "2019-03-02", "source": "<i>Wire</i>", "speaker": "Ann <b>Lee</b>", "url": "javascript:alert(1)"},
    {"id": "linked", "title": "Tariff talks", "text": "Tariffs on steel were discussed at length.",
     "date": "2021-07-01", "source": "MFA", "speaker": "Zhao Lijian", "url": "https://example.org/linked"},
]


def write_web_corpus(root: Path) -> Path:
    write_corpus(root)
    (root / "hostile.jsonl").write_text("\n".join(json.dumps(r) for r in HOSTILE) + "\n", encoding="utf-8")
    return root


def build_web_index(root: Path) -> Path:
    index = root / "web-ix"
    args = ["--index", str(index), "index", str(write_web_corpus(root / "corpus")), str(SEEDS)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    return index


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read by the pages only: built once."""
    return build_web_index(tmp_path_factory.mktemp("web"))


@pytest.fixture
def client(web_index: Path, monkeypatch: pytest.MonkeyPatch):
    """A client of the application, resident as the server is (stores kept open between requests)."""
    monkeypatch.setattr(store_module, "RESIDENT", True)
    library = Library(web_index)
    app = make_app(library, allowed_hosts("127.0.0.1"))
    with TestClient(app, base_url="http://127.0.0.1:8080") as test_client:
        yield test_client
    library.close()


@pytest.fixture(scope="module")
def site(web_index: Path):
    """A running server (uvicorn in a thread, resident as ``searchkit web`` is) and its address."""
    saved = store_module.RESIDENT
    sock = bind("127.0.0.1", 0)
    server = make_server(web_index, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield url_of(sock)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    store_module.RESIDENT = saved
