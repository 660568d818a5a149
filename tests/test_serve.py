"""``jobbsats serve`` (issue 17, points 1 and 3): Datasette on a live ledger, read-only, only the web_ views.

A real server in a subprocess on a free loopback port, fetched over HTTP. Hand-worked figures of the
bundled 2024 decision (seed 000, as tests/test_web_views.py): ASN has 9 000 000 kr (Ung i sommar) +
13 056 000 kr (the key's 51 % of 25 600 000) = 22 056 000 kr = 2 205 600 000 öre.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from jobbsats import examples

pytestmark = pytest.mark.slow  # a server process: seconds

MAIN = (
    "import sys; from jobbsats.console import main; sys.argv[0] = 'jobbsats'; main()"  # as the console script runs it
)
# The same, as if Datasette were not installed: an import of a None entry in sys.modules fails.
WITHOUT_DATASETTE = "import sys; sys.modules['datasette'] = None; " + MAIN
BOOKED_TEXT = "inom jobbsatsningen"  # in the sample utfall's Text column ("Lön, anställningar inom ...")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {server.communicate()[1]}")
        try:
            if fetch(base + "/-/versions.json")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("the server did not answer within 60 s")


def said_address(server: subprocess.Popen) -> str:
    """The address a starting server prints ("Serving ... on http://...")."""
    line = ""
    while "Serving" not in line:
        line = server.stderr.readline()
        assert line, "the server said nothing"
    return line.split(" on ")[1].split(" ")[0]


def asn_budget(base: str) -> list[dict]:
    status, body = fetch(base + "/jobbsats/web_budget_utfall.json?recipient_id=ASN&_shape=array")
    assert status == 200, body
    return json.loads(body)


@pytest.fixture
def ledger_2024(cli):
    cli.prepare(
        ("run", "malmo-2024", "--quiet"),
        ("import", "utfall", examples.utfall_of("malmo-2024"), "-c", examples.path_of("malmo-2024")),
    )
    return cli


def test_serve_publishes_the_views_read_only_and_live(ledger_2024, tmp_path):
    cli = ledger_2024
    assert cli.db.name == "jobbsats.db"  # Datasette names the database after the file's stem
    pytest.importorskip("datasette")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c", MAIN, "serve", "--db", str(cli.db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(base, server)
        status, body = fetch(base + "/-/versions.json")
        assert status == 200 and "datasette" in json.loads(body)

        rows = asn_budget(base)
        assert {r["run_id"] for r in rows} == {1}
        assert sum(r["budget_ore"] for r in rows) == (9_000_000 + 13_056_000) * 100
        assert {r["recipient"] for r in rows} == {"arbetsmarknads- och socialnämnden"}

        # Booked rows are not served: not the table, not a row, not by SQL, not their text anywhere.
        for path in ("/jobbsats/utfall.json", "/jobbsats/utfall", "/jobbsats/utfall/1.json", "/jobbsats/runs.json"):
            assert fetch(base + path)[0] == 403, path
        sql = "/jobbsats.json?sql=" + urllib.request.quote("select text from utfall")
        assert fetch(base + sql)[0] == 403
        status, download = fetch(base + "/jobbsats.db")
        assert status in (403, 404)
        for path in ("/jobbsats.json", "/jobbsats", "/jobbsats/web_utfall_current.json?_shape=array"):
            status, body = fetch(base + path)
            assert status == 200, path
            assert BOOKED_TEXT not in body, path
        tables = json.loads(fetch(base + "/jobbsats.json")[1])
        assert tables["tables"] == []
        # Every web_ view, and not booked_rows (the rows' text), which only --booked-rows shows.
        assert {v["name"] for v in tables["views"]} == {
            "web_runs",
            "web_allocations",
            "web_utfall_current",
            "web_budget_utfall",
            "web_budget",
            "web_projects",
            "web_prognos",
        }

        # No write: a POST (or any method but GET and HEAD) is refused before Datasette sees it.
        for method, path in (("POST", "/jobbsats"), ("POST", "/jobbsats/web_runs"), ("PUT", "/-/messages")):
            status, _ = fetch(base + path, method=method, data=b"sql=delete+from+runs")
            assert 400 <= status < 500, (method, path, status)

        # A run recorded while the server is up shows on the next page load.
        assert cli("run", "malmo-2024", "--quiet").exit_code == 0
        assert {r["run_id"] for r in asn_budget(base)} == {2}
        assert fetch(base + "/jobbsats/web_runs.json?_shape=array")[1].count('"run_id": 2') == 1
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_remote_host_without_allow_remote(ledger_2024):
    result = ledger_2024("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "--allow-remote" in result.output and "0.0.0.0" in result.output


def test_serve_without_datasette_says_how_to_install_it(ledger_2024):
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_DATASETTE, "serve", "--db", str(ledger_2024.db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "pip install 'jobbsats[web]'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_loopback_goes_without_allow_remote(host, expected):
    from jobbsats.cli.serve import loopback

    assert loopback(host) is expected


def test_a_ledger_path_with_uri_characters_is_read_as_a_path(cli, tmp_path):
    """'#' and '?' mean something in a SQLite URI: a ledger in "budget #2?" is still that file."""
    import shutil

    from jobbsats.ledger.db import open_read_only

    cli.prepare(("run", "malmo-2024", "--quiet"))
    folder = tmp_path / "budget #2?"
    folder.mkdir()
    shutil.copyfile(cli.db, folder / "jobbsats.db")
    db = open_read_only(folder / "jobbsats.db")  # as a report to download is read
    try:
        assert db.execute("select count(*) from runs").fetchone() == (1,)
    finally:
        db.conn.close()


def test_serve_says_so_when_the_port_is_taken_and_prints_no_address(ledger_2024):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-c", MAIN, "serve", "--db", str(ledger_2024.db), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "choose another --port" in result.stderr
    assert "Serving" not in result.stderr and "Traceback" not in result.stderr


def test_serve_on_port_0_prints_the_port_it_got(ledger_2024):
    server = subprocess.Popen(
        [sys.executable, "-c", MAIN, "serve", "--db", str(ledger_2024.db), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = said_address(server)
        assert address.startswith("http://127.0.0.1:") and address.endswith("/-/jobbsats")
        port = int(address.removeprefix("http://127.0.0.1:").split("/")[0])
        assert port != 0
        status, body = fetch(address)
        assert status == 200 and "Arbetsmarknads- och socialnämnden" in body
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_booked_rows_are_for_loopback_only(ledger_2024):
    result = subprocess.run(
        [sys.executable, "-c", MAIN, "serve", "--db", str(ledger_2024.db), "--host", "0.0.0.0", "--allow-remote",
         "--booked-rows"],
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "--booked-rows" in result.stderr and "loopback" in result.stderr


def test_a_ledger_file_no_one_may_write_is_served_without_files_beside_it(ledger_2024, tmp_path):
    """Read the usual way, SQLite would leave -wal and -shm with the file's permissions, read-only, in the next
    writer's way once the file is writable again: a file no one may write is served as immutable."""
    import shutil

    folder = tmp_path / "arkiv"
    folder.mkdir()
    ledger = folder / "jobbsats.db"
    shutil.copyfile(ledger_2024.db, ledger)
    ledger.chmod(0o444)
    server = subprocess.Popen(
        [sys.executable, "-c", MAIN, "serve", "--db", str(ledger), "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    try:
        address = said_address(server)
        status, body = fetch(address)
        assert status == 200 and "Arbetsmarknads- och socialnämnden" in body
        budget = asn_budget(address.removesuffix("/-/jobbsats"))
        assert (
            sum(row["budget_ore"] for row in budget) == 22_056_000_00
        )  # the key's 13 056 000 + Ung i sommar's 9 000 000
    finally:
        server.terminate()
        server.wait(timeout=30)
        ledger.chmod(0o644)
    assert sorted(p.name for p in folder.iterdir()) == ["jobbsats.db"]


def test_serve_runs_with_the_collector_as_python_sets_it(ledger_2024, monkeypatch):
    """The console script has the collector walk young objects less often, for a short command; a server runs
    for hours, making and dropping objects request after request, and gets Python's own setting back."""
    import gc

    import uvicorn
    from datasette.plugins import pm

    from jobbsats import console
    from jobbsats.web import safety

    seen: list[tuple[int, ...]] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self, sockets=None: seen.append((*gc.get_threshold(), gc.get_freeze_count()))
    )
    before, registered, frozen = gc.get_threshold(), pm.is_registered(safety), gc.get_freeze_count()
    gc.set_threshold(console.GC_YOUNG_THRESHOLD, *before[1:])  # as console.main() leaves it
    gc.freeze()
    try:
        result = ledger_2024("serve", "--port", "0")
    finally:
        gc.set_threshold(*before)
        if frozen:  # as this process had it
            gc.freeze()
        if pm.is_registered(safety) and not registered:  # serve's process ends; this one goes on to other tests
            pm.unregister(safety)
    assert result.exit_code == 0, result.output
    assert seen == [(*before, 0)] and before[0] < console.GC_YOUNG_THRESHOLD
