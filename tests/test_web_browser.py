"""The web view in a real browser (issue 17, point 4 and the acceptance): ``jobbsats serve`` as a real process on a
free loopback port, pages fetched over HTTP, and a department's start page loaded in headless Chromium.

Hand-worked figures of the bundled 2024 decision (core/examples/malmo-2024.toml) and its sample utfall
(core/examples/malmo-2024.utfall.csv, ISO-8859-1, ';'-separated):

Budget. The fund has 40 000 000 kr. Fixed lines on ram first: ASN 9 000 000 (Ung i sommar), KS 500 000
(Ung i sommar), KS 4 900 000 (Tillväxt Malmö & Level): 14 400 000. The key splits the rest,
40 000 000 - 14 400 000 = 25 600 000, and gives ASN 51 %: 25 600 000 * 0,51 = 13 056 000 kr (no purpose:
the fund's own, "Strategiska jobbsatsningar"). ASN in all: 9 000 000 + 13 056 000 = 22 056 000 kr.

Utfall. [utfall]: accounts 4*-7* only; ansvar 31* is ASN; verksamhet 7150 is the fund's money (no purpose, so
set against the key's line). The CSV's rows with ansvar 31*:
    2024-01-31 5010 3110 7150   1 250 000,00  Lön, anställningar inom jobbsatsningen
    2024-03-28 5010 3110 7150   4 100 000,00  Lön, anställningar inom jobbsatsningen
    2024-06-30 4010 3120 7150   2 730 500,50  Köpta arbetsmarknadstjänster
    2024-12-31 5010 3110 7150    -150 000,00  Rättelse av felbokning
  1 250 000 + 4 100 000 = 5 350 000; + 2 730 500,50 = 8 080 500,50; - 150 000 = 7 930 500,50 kr.
Remaining: key line 13 056 000 - 7 930 500,50 = 5 125 499,50 kr; Ung i sommar 9 000 000 - 0 = 9 000 000 kr;
in all 22 056 000 - 7 930 500,50 = 14 125 499,50 kr.

A second decision recorded while the server runs, the total raised to 50 000 000 kr: the key splits
50 000 000 - 14 400 000 = 35 600 000, ASN 51 %: 35 600 000 * 0,51 = 18 156 000 kr; ASN in all
9 000 000 + 18 156 000 = 27 156 000 kr; the utfall is the same batch, 7 930 500,50, so the key line has
18 156 000 - 7 930 500,50 = 10 225 499,50 left and ASN 27 156 000 - 7 930 500,50 = 19 225 499,50.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # server processes and a browser: seconds

pytest.importorskip("datasette")
openpyxl = pytest.importorskip("openpyxl")

NBSP = "\u00a0"
MAIN = "import sys; from jobbsats.cli import main; sys.argv[0] = 'jobbsats'; main()"
EXAMPLES = Path(__file__).resolve().parent.parent / "core" / "examples"
SCENARIO = EXAMPLES / "malmo-2024.toml"
UTFALL = EXAMPLES / "malmo-2024.utfall.csv"
NAME = "Arbetsmarknads- och socialnämnden"
ASN_PAGE = "/-/jobbsats/jobbsats/ASN"  # the database is named after the ledger file's stem, jobbsats.db

# Every format registered (built in), every built-in report, and reports the plugins in plugins/ add (the
# README's test command installs them): stadskontoret's arshjul and avtal, asf's iop.
FORMATS = {"md", "csv", "csv-sv", "json", "xlsx", "html", "docx"}
REPORTS = {"aterrapportering", "beslut", "fordelning", "prognos", "projekt"}
PLUGIN_REPORTS = {"arshjul", "avtal", "iop"}

# The hand figures above, in öre.
KR = 100
ASN_SUMMER = 9_000_000 * KR
ASN_KEY = 13_056_000 * KR
ASN_TOTAL = 22_056_000 * KR
ASN_UTFALL = 7_930_500_50
ASN_KEY_RAISED = 18_156_000 * KR
ASN_TOTAL_RAISED = 27_156_000 * KR


def kr(ore: int) -> str:
    """The Swedish way, written out independently of jobbsats.money: 793050050 -> '7 930 500,50 kr' (NBSP)."""
    sign, ore = ("-", -ore) if ore < 0 else ("", ore)
    whole, cents = divmod(ore, 100)
    digits = f"{whole:,}".replace(",", NBSP)
    return f"{sign}{digits}{f',{cents:02d}' if cents else ''}{NBSP}kr"


def asn_rows() -> list[dict[str, str]]:
    """The sample utfall's rows that the [utfall] mapping gives ASN's fund money (ansvar 31*, verksamhet 7150,
    accounts 4*-7*), in file order."""
    with UTFALL.open(encoding="latin-1", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return [r for r in rows if r["Ansvar"].startswith("31") and r["Verksamhet"] == "7150" and r["Konto"][:1] in "4567"]


ASN_TEXTS = sorted({r["Text"] for r in asn_rows()})
FIRST_ASN_TEXT = asn_rows()[0]["Text"]  # "Lön, anställningar inom jobbsatsningen"
GVN_TEXT = "Yrkesutbildning för vuxna"  # a GVN row's text (ansvar 3210)


def test_the_hand_figures_match_the_sample_file():
    """Guards the comment's arithmetic against a changed example file (the pages are checked against constants)."""
    assert FIRST_ASN_TEXT == "Lön, anställningar inom jobbsatsningen"
    amounts = [int(r["Belopp"].replace(NBSP, "").replace(" ", "").replace(",", "")) for r in asn_rows()]
    assert amounts == [1_250_000_00, 4_100_000_00, 2_730_500_50, -150_000_00]
    assert sum(amounts) == ASN_UTFALL
    assert kr(ASN_UTFALL) == "7\u00a0930\u00a0500,50\u00a0kr" and kr(ASN_TOTAL) == "22\u00a0056\u00a0000\u00a0kr"


# -- processes


def environment() -> dict[str, str]:
    """The environment of a real user's command: every installed plugin loaded (conftest turns them off)."""
    return {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_LOAD_PLUGINS", "JOBBSATS_DB")}


def jobbsats(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", MAIN, *map(str, args)],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def get_text(url: str) -> str:
    status, _headers, body = fetch(url)
    assert status == 200, (url, status, body[:500])
    return body.decode("utf-8")


@contextmanager
def serving(db: Path, *options: str) -> Iterator[str]:
    """``jobbsats serve`` on ``db`` in its own process group on a free loopback port; yields the base URL and
    always stops the group."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = db.parent / f"serve-{port}.log"
    with log.open("w") as err:
        server = subprocess.Popen(
            [sys.executable, "-c", MAIN, "serve", "--db", str(db), "--port", str(port), *options],
            cwd=db.parent,
            env=environment(),
            stdout=err,
            stderr=err,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server stopped: {log.read_text()[-2000:]}")
            try:
                if fetch(base + "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 30 s: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    """The 2024 example run and its sample utfall imported, by the real command line; read-only from here on."""
    folder = tmp_path_factory.mktemp("web")
    db = folder / "jobbsats.db"
    jobbsats("run", "malmo-2024", "--db", db, "--quiet", cwd=folder)
    jobbsats("import", "utfall", UTFALL, "-c", "malmo-2024", "--db", db, cwd=folder)
    return db


@pytest.fixture(scope="module")
def site(ledger) -> Iterator[str]:
    """The default server (no --booked-rows) on the module's ledger."""
    with serving(ledger) as base:
        yield base


# -- reading a page


class Dom(HTMLParser):
    """A page's tables (by class: rows of cell texts), links (href, text) and headings, entities decoded."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[tuple[str, str]] = []
        self.headings: list[tuple[str, str]] = []
        self._tables: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._heading: tuple[str, list[str]] | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            name = (attributes.get("class") or "").split(" ")[0]
            self._tables.append(name)
            self.tables.setdefault(name, [])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a" and attributes.get("href") is not None:
            self._link = (attributes["href"] or "", [])
        elif tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._link[1] if self._link else None, self._heading[1] if self._heading else None):
            if part is not None:
                part.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip(" \n\t"))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._tables:
            self.tables[self._tables[-1]].append(self._row)
            self._row = None
        elif tag == "table" and self._tables:
            self._tables.pop()
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], "".join(self._link[1]).strip()))
            self._link = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append((tag, "".join(self._heading[1]).strip()))
            self._heading = None


def budget_lines(dom: Dom, columns: tuple[str, ...] = ("Budget", "Utfall", "Kvar")) -> dict[str, tuple[str, ...]]:
    """The start page's budget table: purpose (or "Summa") -> the cells under ``columns`` as shown (by the
    header's names: a revised budget adds a column)."""
    lines: dict[str, tuple[str, ...]] = {}
    header: list[str] = []
    for row in dom.tables["jobbsats-budget"]:
        if row[0] == "Fond":
            header = row
            continue
        key = "Summa" if row[0] == "Summa" else row[1]
        lines[key] = tuple(row[header.index(name)] for name in columns)
    return lines


def report_links(dom: Dom) -> dict[tuple[str, str], str]:
    """(report, format) -> href of the start page's download links: /-/jobbsats/<db>/<recipient>/rapport/..."""
    found = {}
    for href, text in dom.links:
        parts = urllib.parse.urlsplit(href).path.split("/")
        if "rapport" in parts:
            at = parts.index("rapport")
            report, fmt = parts[at + 2], parts[at + 3]
            assert text == fmt, (href, text)
            found[(report, fmt)] = href
    return found


def dump_dom(url: str, browser: list[str]) -> str:
    """The DOM after load, serialised by headless Chromium (the ``headless_chromium`` command)."""
    done = subprocess.run([*browser, "--dump-dom", url], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


# -- the tests


def test_the_index_lists_the_department_and_links_its_page(site):
    dom = Dom(get_text(site + "/-/jobbsats"))
    assert (ASN_PAGE, NAME) in dom.links
    status, _headers, body = fetch(site + ASN_PAGE)
    assert status == 200
    assert f"<h1>{NAME}</h1>" in body.decode("utf-8")


def test_the_start_page_in_chromium_and_its_xlsx_download(site, tmp_path, headless_chromium):
    dom = Dom(dump_dom(site + ASN_PAGE, headless_chromium))
    assert ("h1", NAME) in dom.headings

    assert budget_lines(dom) == {
        "Ung i sommar": (kr(ASN_SUMMER), kr(0), kr(ASN_SUMMER)),
        "Strategiska jobbsatsningar": (kr(ASN_KEY), kr(ASN_UTFALL), kr(ASN_KEY - ASN_UTFALL)),
        "Summa": (kr(ASN_TOTAL), kr(ASN_UTFALL), kr(ASN_TOTAL - ASN_UTFALL)),
    }
    assert budget_lines(dom)["Summa"] == (
        "22\u00a0056\u00a0000\u00a0kr",
        "7\u00a0930\u00a0500,50\u00a0kr",
        "14\u00a0125\u00a0499,50\u00a0kr",
    )

    # Every report, plugins' too, in every registered format, from run 1 (the only run), for ASN.
    links = report_links(dom)
    assert {report for report, _fmt in links} >= REPORTS | PLUGIN_REPORTS
    for report in REPORTS | PLUGIN_REPORTS:
        assert {fmt for r, fmt in links if r == report} >= FORMATS, report
    assert all(urllib.parse.urlsplit(h).path.startswith(ASN_PAGE + "/rapport/1/") for h in links.values())

    # A plugin's report downloads too.
    status, headers, body = fetch(urllib.parse.urljoin(site, links[("arshjul", "md")]))
    assert status == 200, body[:500]
    assert headers["content-disposition"].startswith("attachment;")

    # The återrapportering as xlsx, by the page's own link.
    status, headers, body = fetch(urllib.parse.urljoin(site, links[("aterrapportering", "xlsx")]))
    assert status == 200, body[:500]
    assert headers["content-disposition"].startswith("attachment;")
    assert ".xlsx" in headers["content-disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    by_purpose, by_recipient = {}, {}
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for at, row in enumerate(rows):
            if "Budget (kr)" in row and "Utfall (kr)" in row and "Kvar (kr)" in row:
                header = row
                for line in rows[at + 1 :]:
                    if not line or line[header.index("Mottagare")] != NAME:
                        continue
                    figures = tuple(line[header.index(c)] for c in ("Budget (kr)", "Utfall (kr)", "Kvar (kr)"))
                    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in figures), figures
                    if "Ändamål" in header:
                        by_purpose[line[header.index("Ändamål")]] = figures
                    else:
                        by_recipient[NAME] = figures
                break
    assert by_purpose == {
        "Ung i sommar": (ASN_SUMMER / KR, 0, ASN_SUMMER / KR),
        "Strategiska jobbsatsningar": (ASN_KEY / KR, ASN_UTFALL / KR, (ASN_KEY - ASN_UTFALL) / KR),
    }
    assert by_recipient == {NAME: (22_056_000, 7_930_500.5, 14_125_499.5)}


def test_writes_are_refused_and_booked_text_is_nowhere(site):
    for path in (ASN_PAGE, "/jobbsats/web_budget_utfall", "/jobbsats/web_utfall_current"):
        status, headers, _body = fetch(site + path, method="POST", data=b"sql=delete+from+runs")
        assert status == 405, path
    for path in ("/jobbsats/utfall", "/jobbsats/booked_rows", "/jobbsats/booked_rows?recipient_id=ASN"):
        assert fetch(site + path)[0] == 403, path

    page = get_text(site + ASN_PAGE)
    assert not [h for h, _t in Dom(page).links if "booked_rows" in h]
    shown = {
        "start page": page,
        "index": get_text(site + "/-/jobbsats"),
        "web_utfall_current": get_text(site + "/jobbsats/web_utfall_current"),
        "web_utfall_current.json": json.dumps(
            json.loads(get_text(site + "/jobbsats/web_utfall_current.json?_shape=array")), ensure_ascii=False
        ),
    }
    assert "Stadskontorets samordning" not in shown["web_utfall_current"]  # a KS row's text, for good measure
    for where, body in shown.items():
        for text in ASN_TEXTS:
            assert text not in html.unescape(body), (where, text)


def test_booked_rows_shows_the_text_to_whoever_asked(ledger):
    with serving(ledger, "--booked-rows") as base:
        rows = html.unescape(get_text(base + "/jobbsats/booked_rows?recipient_id=ASN"))
        assert FIRST_ASN_TEXT in rows
        assert GVN_TEXT not in rows  # the filter holds: ASN's rows only
        dom = Dom(get_text(base + ASN_PAGE))
        linked = [urllib.parse.urlsplit(h) for h, _text in dom.links]
        assert any(u.path == "/jobbsats/booked_rows" and u.query == "recipient_id=ASN" for u in linked), dom.links


def test_a_run_recorded_while_serving_shows_on_the_next_load(ledger, tmp_path):
    # A ledger of its own (this one is written to): a copy of the module's, through SQLite's backup.
    live = tmp_path / "live"
    live.mkdir()
    db = live / "jobbsats.db"
    source = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    target = sqlite3.connect(db)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    text = SCENARIO.read_text(encoding="utf-8")
    assert text.count("total = { 2024 = 40_000_000 }") == 1
    raised = live / "raised.toml"
    raised.write_text(text.replace("total = { 2024 = 40_000_000 }", "total = { 2024 = 50_000_000 }"), encoding="utf-8")

    with serving(db) as base:
        before = Dom(get_text(base + ASN_PAGE))
        assert budget_lines(before)["Summa"][0] == kr(ASN_TOTAL)
        jobbsats("run", raised, "--db", db, "--quiet", cwd=live)
        after = Dom(get_text(base + ASN_PAGE))
        assert budget_lines(after) == {
            "Ung i sommar": (kr(ASN_SUMMER), kr(0), kr(ASN_SUMMER)),
            "Strategiska jobbsatsningar": (kr(ASN_KEY_RAISED), kr(ASN_UTFALL), kr(ASN_KEY_RAISED - ASN_UTFALL)),
            "Summa": (kr(ASN_TOTAL_RAISED), kr(ASN_UTFALL), kr(ASN_TOTAL_RAISED - ASN_UTFALL)),
        }
        assert budget_lines(after)["Summa"][0] == "27\u00a0156\u00a0000\u00a0kr"
        # The page says the budget was revised, with the first decision's figures beside the new ones.
        assert budget_lines(after, ("Ursprunglig budget", "Budget"))["Summa"] == (kr(ASN_TOTAL), kr(ASN_TOTAL_RAISED))
        assert "Budgeten är reviderad" in get_text(base + ASN_PAGE)
        assert urllib.parse.urlsplit(report_links(after)[("aterrapportering", "xlsx")]).path == (
            ASN_PAGE + "/rapport/2/aterrapportering/xlsx"
        )
