"""The server as it runs: many clients at once, a slow query beside fast ones, the new state after an
index run, and ``searchkit web`` itself (loopback by default, a warning otherwise, a taken port)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from searchkit.search.searcher import Searcher
from searchkit.store import store as store_module
from searchkit.web.app import make_app
from searchkit.web.library import Library
from searchkit.web.server import allowed_hosts
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # servers and threads started


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_twenty_clients_at_once_get_every_page(site: str):
    queries = ["tariffs", '"fast lanes"', "vaccine year:2020", "lanes OR sanctions", "cooperat*"]
    urls = [site + page + "?" + urllib.parse.urlencode({"q": q}) for q in queries
            for page in ("search", "api/search", "kwic")]
    urls += [site + "passage?id=markup%231", site + "cite?text=Tariffs+on+steel", site + "export?q=tariffs&format=ris"]

    def client(n: int) -> list[tuple[str, int, str]]:
        return [(url, *get(url)) for url in urls[n % len(urls):] + urls[:n % len(urls)]]

    with ThreadPoolExecutor(20) as pool:
        answers = [a for batch in pool.map(client, range(20)) for a in batch]
    assert len(answers) == 20 * len(urls)
    assert [(url, status) for url, status, _ in answers if status != 200] == []
    alone = {url: body for url, _, body in client(0)}
    assert all(body == alone[url] for url, _, body in answers if "export" in url or "api/" in url)


def test_a_slow_query_does_not_hold_up_the_others(site: str, monkeypatch):
    # A query made slow on purpose: the bounds keep every real query on these seeds fast.
    search = Searcher.search

    def slow_search(self, text, options=None):
        if text == "deliberately slow":
            time.sleep(2)
        return search(self, text, options)

    monkeypatch.setattr(Searcher, "search", slow_search)
    slow_query = "deliberately slow"
    done: list[float] = []
    started = time.perf_counter()
    slow = threading.Thread(target=lambda: (get(site + "search?" + urllib.parse.urlencode({"q": slow_query})),
                                            done.append(time.perf_counter() - started)))
    slow.start()
    time.sleep(0.2)
    fast = [get(site + "passage?id=linked%231")[0] for _ in range(3)]
    fast_seconds = time.perf_counter() - started
    slow.join(timeout=300)
    assert fast == [200, 200, 200]
    assert fast_seconds < done[0], (fast_seconds, done)  # answered while the slow one still ran


def test_the_pages_answer_from_the_new_state_after_an_index_run(tmp_path: Path, run, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Kelp farming\n\nKelp farming grew along the coast.\n", encoding="utf-8")
    index = tmp_path / "ix"
    assert run("index", str(corpus), index=index).exit_code == 0
    monkeypatch.setattr(store_module, "RESIDENT", True)
    library = Library(index)
    with TestClient(make_app(library, allowed_hosts("127.0.0.1")), base_url="http://127.0.0.1") as client:
        assert client.get("/api/search?q=kelp").json()["total"] == 2
        assert client.get("/api/search?q=seaweed").json()["total"] == 0
        (corpus / "two.txt").write_text("Seaweed\n\nSeaweed and kelp exports rose.\n", encoding="utf-8")
        assert run("index", str(corpus), index=index).exit_code == 0
        assert client.get("/api/search?q=seaweed").json()["total"] == 2
        assert client.get("/api/search?q=kelp").json()["total"] == 3
        assert client.get("/api/passage?id=two.txt").json()["passages"][0]["text"] == "Seaweed"


def web(*args: str, index: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searchkit", "--index", str(index), "web", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def stopped(proc: subprocess.Popen) -> tuple[str, str]:
    proc.terminate()
    out, err = proc.communicate(timeout=30)
    return out, err


def test_searchkit_web_serves_on_loopback_and_stops_on_sigterm(web_index: Path):
    proc = web("--port", "0", index=web_index)
    ready = proc.stderr.readline()
    assert ready.startswith(f"searchkit: serving {web_index.resolve()} at http://127.0.0.1:")
    url = ready.split(" at ")[1].split(";")[0]
    status, body = get(url + "search?q=tariffs")
    assert status == 200 and "1-3 of 3 passages" in body
    _, rest = stopped(proc)
    assert proc.returncode == 0 and rest.strip().endswith(f"stopped serving {web_index}")


def test_another_host_is_served_only_when_asked_and_with_a_warning(web_index: Path):
    proc = web("--port", "0", "--host", "0.0.0.0", index=web_index)
    warning = proc.stderr.readline()
    assert warning.startswith("searchkit: warning: serving on 0.0.0.0, not on loopback: anyone who can reach")
    ready = proc.stderr.readline()
    port = int(ready.split(" at http://")[1].split("/")[0].rsplit(":", 1)[1])
    assert get(f"http://127.0.0.1:{port}/search?q=tariffs")[0] == 200
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": "rebound.example"})
    try:
        urllib.request.urlopen(request, timeout=30)
        refused = False
    except urllib.error.HTTPError as exc:
        refused = exc.code == 400
    assert refused
    stopped(proc)


def test_a_taken_port_is_one_line_and_exit_2(web_index: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = web("--port", str(port), index=web_index)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err == f"searchkit: cannot listen on 127.0.0.1:{port} (Address already in use); give another --port, " \
                  "or stop what uses it\n"


def test_no_index_is_one_line_and_exit_2(tmp_path: Path):
    proc = web("--port", "0", index=tmp_path / "none")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and err == f"searchkit: no index at {tmp_path / 'none'}; build one with: searchkit index PATH\n"
