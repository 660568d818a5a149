"""The xlsx and html formats: real numbers and plain text in Excel, a safe self-contained page with its chart."""

from __future__ import annotations

import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jobbsats.reports.formats.xlsx import sheet_names

HOSTILE = '=HYPERLINK("x")'


@pytest.fixture
def hostile(scenario_file):
    """The 2024 example with GVN named like a formula and FSN like markup."""
    return scenario_file(
        ('name = "gymnasie- och vuxenutbildningsnämnden"', f"name = '{HOSTILE}'"),
        ('name = "funktionsstödsnämnden"', 'name = "<script>alert(1)</script> & co"'),
    )


def test_xlsx_amounts_are_numbers_that_add_up_to_the_json_total(cli, tmp_path, hostile):
    assert cli("run", hostile, "--quiet").exit_code == 0
    out = tmp_path / "f.xlsx"
    assert cli("report", "fordelning", "-f", "xlsx", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Sammanfattning", "Fördelning"]
    sheet = book["Fördelning"]
    header = [c.value for c in sheet[1]]
    amount = header.index("Belopp (kr)")
    rows = list(sheet.iter_rows(min_row=2))
    json_rows = cli.json_report("fordelning")["rows"]
    data, totals = rows[: len(json_rows)], rows[len(json_rows) :]
    assert all(r[amount].data_type == "n" for r in data)
    assert sum(Decimal(str(r[amount].value)) for r in data) * 100 == sum(r["amount_ore"] for r in json_rows)
    assert sum(r["amount_ore"] for r in json_rows) == 40_000_000 * 100
    assert totals and all(r[amount].font.b for r in totals)  # the total rows, in bold
    assert data[0][amount].number_format == "#,##0"
    assert sheet.freeze_panes == "A2"
    assert sheet[1][0].font.b
    recipient = header.index("Mottagare")
    [cell] = [r[recipient] for r in data if r[recipient].value == HOSTILE][:1]
    assert cell.data_type == "s"  # text, not a formula


def test_xlsx_is_never_written_to_the_terminal_nor_over_a_file(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "-f", "xlsx")
    assert result.exit_code == 1 and "binary; write it to a file with -o FILE" in result.stderr
    out = tmp_path / "f.xlsx"
    assert cli("report", "fordelning", "-o", out).exit_code == 0  # the format from the extension
    before = out.read_bytes()
    again = cli("report", "beslut", "-o", out)
    assert again.exit_code != 0 and out.read_bytes() == before
    assert cli("report", "beslut", "-o", out, "--force").exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[1].startswith("Förslag till beslut")


def test_sheet_names_are_what_excel_accepts():
    names = sheet_names(["Översikt per år", "Översikt per år", "a/b:c*d?e[f]", "x" * 40, "", "ÖVERSIKT PER ÅR"])
    assert names[:3] == ["Översikt per år", "Översikt per år (2)", "a-b-c d e(f)"]
    assert names[3] == "x" * 30 + "…" and names[4] == "Blad"  # one word too long: cut inside, and marked
    assert names[5] == "ÖVERSIKT PER ÅR (3)"  # Excel compares names without case


def test_html_is_escaped_self_contained_and_has_its_chart(cli, tmp_path, hostile):
    assert cli("run", hostile, "--quiet").exit_code == 0
    out = tmp_path / "f.html"
    assert cli("report", "fordelning", "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert page.count("<svg") == 1 and 'id="chart-1"' in page
    assert "13\u00a0056\u00a0000" in page  # Swedish numbers in the tables
    # Nothing is fetched: no external scripts, styles or images.
    assert "src=" not in page and "<link" not in page and "@import" not in page


def test_the_html_report_renders_in_headless_chromium_with_its_chart(cli, tmp_path, headless_chromium):
    """.ci/run installs Chromium, so in CI this test runs; elsewhere it is skipped without one."""
    cli.prepare(("run", "--quiet"))
    page = tmp_path / "fordelning.html"
    assert cli("report", "fordelning", "-o", page).exit_code == 0
    common = headless_chromium
    dom = subprocess.run(
        [*common, "--enable-logging=stderr", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<figure class="chart" id="chart-1"' in dom.stdout and "<svg" in dom.stdout
    assert "Fördelning per mottagare och år" in dom.stdout
    console_errors = [line for line in dom.stderr.splitlines() if "CONSOLE" in line and "ERROR" in line]
    assert not console_errors, console_errors
    # A picture for people: kept with the test output.
    shots = Path(os.environ.get("JOBBSATS_TEST_OUTPUT", Path(__file__).resolve().parent.parent / "test-output"))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "fordelning-2024.png"
    result = subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,1800", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a page with a chart, not a blank one
    print(f"screenshot of the html report: {shot}")


def test_markdown_lets_no_html_through(cli, hostile):
    assert cli("run", hostile, "--quiet").exit_code == 0
    text = cli("report", "fordelning").stdout
    assert not re.search(r"(?<!\\)<script>", text) and "\\<script>alert(1)\\</script> & co" in text


def test_csv_of_several_tables_has_one_header(cli):
    """aterrapportering of the mandate period: two tables, one header line, a table column naming each row's."""
    cli.prepare(("run", "malmo-2024-2026", "--quiet"))
    lines = cli("report", "aterrapportering", "-f", "csv").stdout.splitlines()
    assert lines[0].startswith("table,")
    assert sum(1 for line in lines if line.startswith("table,")) == 1
    assert {line.split(",")[0] for line in lines[1:]} == {"aterrapportering", "aterrapportering_mottagare"}


def test_a_percent_as_a_fraction_is_a_number_in_xlsx(tmp_path):
    from fractions import Fraction

    from jobbsats.document import Column, Document, Table
    from jobbsats.reports.formats.xlsx import Xlsx

    table = Table("t", "Andelar", [Column("share", "Andel (%)", "percent")], rows=[{"share": Fraction(100, 3)}])
    out = tmp_path / "p.xlsx"
    out.write_bytes(Xlsx().render(Document("t", "T", [table])))
    cell = openpyxl.load_workbook(out)["Andelar"]["A2"]
    # The value is the share itself; it shows with one decimal, as every percentage (33,3 %).
    assert cell.data_type == "n" and abs(cell.value - 1 / 3) < 1e-12 and cell.number_format == "0.0%"
