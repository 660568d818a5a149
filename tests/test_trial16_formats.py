"""What a new user's trial of issue 16 found in the output formats, each fixed and held here.

Figures are worked out by hand: the example's utfall export (core/examples/malmo-2024.utfall.csv)
books arbetsmarknads- och socialnämnden (ansvar 31*, verksamhet 7150) 1 250 000 + 4 100 000 +
2 730 500,50 - 150 000 = 7 930 500,50 kr and gymnasie- och vuxenutbildningsnämnden 3 200 000 kr
(its 180 000 kr on verksamhet 2100 is other money); ASN's budget is 9 000 000 (Ung i sommar) +
13 056 000 (its 51 % of 25,6 mnkr) = 22 056 000 kr (seed 000). Seed 002's Table 3 gives
"Förstärkning personal AMA" 3 796 tkr for 2020 and 20 594 tkr for 2021.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction

import docx
import openpyxl
import pytest
from docx.shared import Pt

from jobbsats import examples
from jobbsats.document import Chart, Column, Document, Series, Table

NB = "\u00a0"
SAMPLE = examples.utfall_of("malmo-2024")


@pytest.fixture
def booked(cli):
    """The 2024 example run, and its sample utfall imported, as the trial did."""
    cli.prepare(("run", "malmo-2024", "--quiet"), ("import", "utfall", SAMPLE, "-c", "malmo-2024"))
    return cli


def written(cli, tmp_path, report: str, fmt: str, *args: str):
    path = tmp_path / f"{report}.{fmt}"
    result = cli("report", report, "-f", fmt, "-o", path, *args)
    assert result.exit_code == 0, result.output
    return path


def plain(text: str) -> str:
    return text.replace(NB, " ").replace("\u202f", " ")


# --- 1. Printed html: A4 landscape, every column on the page


def test_printed_html_is_a4_landscape_with_tables_that_fit_the_width(booked, tmp_path):
    """The CSS the page prints with. (Seen, too, through Chromium's --print-to-pdf: every column of
    "Budget och utfall per mottagare", "Övrigt utfall (kr)" last, stands whole on the page.)"""
    page = written(booked, tmp_path, "aterrapportering", "html").read_text(encoding="utf-8")
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    at_page = re.search(r"@page\s*\{([^}]*)\}", style)
    assert at_page and re.search(r"size:\s*A4\s+landscape", at_page.group(1))
    assert re.search(r"margin:\s*\d", at_page.group(1))
    printing = style[style.index("@media print") :]
    assert re.search(r"table\s*\{[^}]*width:\s*100%[^}]*table-layout:\s*auto", printing)
    assert re.search(r"table\s*\{[^}]*font-size:\s*8pt", printing)  # smaller than the page's 9.5pt
    assert re.search(r"th, th\.num\s*\{[^}]*white-space:\s*normal", printing)  # headings wrap
    assert re.search(r"tr\s*\{[^}]*break-inside:\s*avoid", printing)


# --- 2. docx: columns as wide as their content, within the page


def _widths(table) -> list[float]:
    return [column.width.pt for column in table.columns]


def _room(document) -> float:
    section = document.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / Pt(1)


@pytest.mark.parametrize(("report", "example"), [("aterrapportering", "malmo-2024"), ("fordelning", "malmo-2024")])
def test_docx_columns_are_as_wide_as_their_content_within_the_page(booked, tmp_path, report, example):
    document = docx.Document(str(written(booked, tmp_path, report, "docx")))
    room = _room(document)
    assert room == pytest.approx((29.7 - 4) / 2.54 * 72, abs=0.1)  # landscape A4, 2 cm margins: a wide table
    for table in document.tables:
        titles = [cell.text for cell in table.rows[0].cells]
        widths = dict(zip(titles, _widths(table), strict=True))
        assert sum(widths.values()) <= room, titles
        assert widths["Mottagare"] > widths["År"] * 2, widths  # the names, not the years, get the room
        # Cell widths (Word reads them) are the grid's (LibreOffice reads it).
        for row in table.rows:
            assert [cell.width.pt for cell in row.cells] == pytest.approx(_widths(table))


def test_docx_text_columns_fit_their_longest_word_and_number_columns_their_widest_figure(booked, tmp_path):
    """A lower bound any font the text is set in needs: half an em a letter or figure (Calibri's
    figures are 0,507 em, Cambria's 0,556), plus Table Grid's cell margins, 2 x 108 twips = 10,8 pt."""
    document = docx.Document(str(written(booked, tmp_path, "aterrapportering", "docx")))
    table = document.tables[1]  # Budget och utfall per mottagare
    titles = [cell.text for cell in table.rows[0].cells]
    widths = dict(zip(titles, _widths(table), strict=True))
    size = table.rows[1].cells[1].paragraphs[0].runs[0].font.size
    size = size.pt if size is not None else 11
    assert 8 <= size <= 11

    def least(text: str) -> float:
        return len(text) * size / 2 + 10.8

    assert widths["Mottagare"] >= least("vuxenutbildningsnämnden")  # of Gymnasie- och vuxenutbildningsnämnden
    assert widths["Utfall (kr)"] >= least("19 346 500,50")  # the total, the widest figure
    assert widths["Övrigt utfall (kr)"] >= least("utfall")
    # A number column is no wider than its figure needs and its heading's longest word (at 0,7 em a letter).
    assert widths["År"] <= len("2024") * size * 0.7 + 10.8 + 1


def test_fit_gives_spare_room_to_text_and_shrinks_what_cannot_fit():
    from jobbsats.reports.formats.widths import BODY, Content, fit

    name = Content("Mottagare", (("Gymnasie- och vuxenutbildningsnämnden", False),), text=True)
    year = Content("År", (("2024", False),), text=False)
    roomy = fit([name, year], 400)
    assert roomy.size == BODY
    assert roomy.widths[0] > roomy.widths[1] and sum(roomy.widths) <= 400
    # Narrow: the name wraps between words, never inside "vuxenutbildningsnämnden".
    narrow = fit([name, year], 200)
    assert sum(narrow.widths) <= 200
    assert narrow.widths[0] < roomy.widths[0]
    # Twelve long words side by side fit no page: a smaller size, then narrowed in proportion.
    crowded = fit([Content("x", (("Arbetsmarknadsförvaltningen", False),), text=True)] * 12, 500)
    assert crowded.size == 8 and sum(crowded.widths) <= 500
    assert all(isinstance(w, Fraction) and w * 20 == int(w * 20) for w in crowded.widths)  # whole twips


# --- 3. One number of decimals per money column, in every format


def test_a_money_column_with_ore_shows_ore_on_every_row_in_md_html_and_docx(booked, tmp_path):
    md = plain(booked("report", "aterrapportering").stdout)
    assert (
        "| 2024 | Arbetsmarknads- och socialnämnden | 22 056 000 | 22 056 000 | 0 | 7 930 500,50 | 14 125 499,50 "
        "| 36,0 % | 0 |"
    ) in md
    assert (
        "| 2024 | Gymnasie- och vuxenutbildningsnämnden | 6 912 000 | 6 912 000 | 0 | 3 200 000,00 | 3 712 000,00 "
        "| 46,3 % | 180 000 |"
    ) in md
    html = plain(written(booked, tmp_path, "aterrapportering", "html").read_text(encoding="utf-8"))
    assert '<td class="num">7 930 500,50</td>' in html and '<td class="num">3 200 000,00</td>' in html
    assert '<td class="num">22 056 000</td>' in html  # the budget has no öre anywhere: whole kronor
    assert "3 200 000</td>" not in html
    document = docx.Document(str(written(booked, tmp_path, "aterrapportering", "docx")))
    cells = [plain(c.text) for row in document.tables[1].rows for c in row.cells]
    assert "7 930 500,50" in cells and "3 200 000,00" in cells and "22 056 000" in cells
    assert "3 200 000" not in cells


def test_html_md_docx_and_xlsx_make_the_same_decision_per_column(booked, tmp_path):
    """xlsx's number format per column (#,##0 or #,##0.00) and the text formats agree, column by column."""
    md = plain(booked("report", "aterrapportering").stdout)
    grid = [line for line in md.split("## Budget och utfall per mottagare")[1].splitlines() if line.startswith("|")]
    titles = [t.strip() for t in grid[0].strip("|").split("|")]
    rows = [[c.strip(" *") for c in line.strip("|").split("|")] for line in grid[2:]]
    workbook = openpyxl.load_workbook(written(booked, tmp_path, "aterrapportering", "xlsx"))
    sheet = next(ws for ws in workbook.worksheets if [c.value for c in ws[1]] == titles)
    checked = 0
    for col, title in enumerate(titles, start=1):
        if not title.endswith("(kr)"):
            continue
        assert sheet.cell(1, col).value == title
        code = sheet.cell(2, col).number_format
        shown = [row[col - 1] for row in rows]
        assert all(text.endswith(",00") or text.endswith(",50") for text in shown) == code.endswith(".00"), title
        assert all("," not in text for text in shown) == (code == "#,##0"), title
        checked += 1
    assert checked == 6


def test_decimals_are_decided_from_all_a_columns_values():
    from jobbsats.reports.formats.cells import decimals, display, table_display

    kr = Column("amount_ore", "Belopp (kr)", "money")
    assert decimals(kr, [793_050_050, 320_000_000, None, "ej beslutat"]) == 2
    assert decimals(kr, [793_050_000, 320_000_000]) == 0
    tkr = Column("amount_ore", "Belopp (tkr)", "money", "tkr")
    assert decimals(tkr, [379_600_000, 75_000]) == 2  # 3 796 tkr and 0,75 tkr
    assert decimals(tkr, [379_600_000, 50_000]) == 1  # 0,5 tkr
    assert display(tkr, 379_600_000, 2) == "3 796,00".replace(" ", NB)
    table = Table("t", "T", [kr, Column("n", "Namn")], rows=[{"amount_ore": 320_000_000}], totals=[{"amount_ore": 50}])
    show = table_display(table)
    assert show(kr, 320_000_000) == f"3{NB}200{NB}000,00"  # the total's 0,50 kr gives the column öre
    assert show(table.columns[1], "x") == "x"


# --- 4. SIE: CP437 has no en dash


def test_to_cp437_gives_the_nearest_character_code_page_437_has():
    from jobbsats.export.sie import to_cp437

    assert to_cp437("Jobbsatsningar 2024–2026 — budget") == "Jobbsatsningar 2024-2026 - budget"
    assert to_cp437("”Ung i sommar“ och „x”") == '"Ung i sommar" och "x"'
    assert to_cp437("Malmö’s ‘plan’") == "Malmö's 'plan'"
    assert to_cp437("Tillväxt Malmö & Level") == "Tillväxt Malmö & Level"  # å, ä, ö are in CP437
    assert to_cp437("Cafe\u0301") == "Café"  # a decomposed é is composed first: CP437 has é
    assert to_cp437("13\u202f056\u00a0000 € \u2026\tslut") == "13 056 000 ? ... slut"
    assert to_cp437("\u2603") == "?"
    for text in ("2024–2026", "€", "x\x01y"):
        to_cp437(text).encode("cp437")  # never fails


def test_the_sie_budget_names_the_scenario_with_a_dash_not_a_question_mark(cli, scenario_file, tmp_path):
    from jobbsats.export.sie import read_budget

    path = scenario_file(('name = "Strategiska jobbsatsningar 2024"', 'name = "Jobbsatsningar 2024–2026 ”SJS”"'))
    assert cli("run", path, "--quiet").exit_code == 0
    result = cli("export", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "out" / "budget-2024.se").read_bytes()
    assert b'#FNAMN "Jobbsatsningar 2024-2026 \\"SJS\\""\r\n' in data
    assert b"?" not in data
    assert read_budget(tmp_path / "out" / "budget-2024.se").rows  # the checksum holds over the new text


# --- 5. --json: a missing value is null


def test_runs_json_gives_null_for_a_decision_date_and_a_user_not_recorded(cli, monkeypatch):
    import getpass

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login)
    cli.prepare(("run", "malmo-2024", "--quiet"))  # [decision] has a ref, no date
    [run] = json.loads(cli("runs", "--json").stdout)["runs"]
    assert run["decision_ref"] == "STK-2024-291"
    assert run["decision_date"] is None
    assert run["user"] is None


def test_runs_json_gives_null_for_a_run_without_a_decision(cli, scenario_file):
    path = scenario_file(('ref = "STK-2024-291"\n', ""))
    assert cli("run", path, "--quiet").exit_code == 0
    [run] = json.loads(cli("runs", "--json").stdout)["runs"]
    assert run["decision_ref"] is None and run["decision_date"] is None
    assert run["user"]  # this machine knows who ran it


# --- 6. The chart in the unit the fund is shown in


def test_a_fund_shown_in_tkr_is_charted_in_tkr(cli, tmp_path):
    cli.prepare(("run", "kostnader-2020-2021", "--quiet"))
    page = plain(written(cli, tmp_path, "fordelning", "html").read_text(encoding="utf-8"))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "Belopp i tkr" in svg and "Belopp i kr<" not in svg
    assert ">20 594<" in svg and ">9 796<" in svg  # AMA 2021; the year 2020 in all (seed 002, Table 3)
    assert "20 594 000" not in svg
    assert '<td class="num">20 594</td>' in page  # as the table says it


def test_a_chart_shown_in_tkr_labels_ticks_and_tooltips_in_tkr():
    from jobbsats.reports.formats.charts import axis_range, layout

    chart = Chart("C", ("ASF",), (Series("2021", (20_594_000_00,)),), shown_in="tkr")
    drawing = layout(chart, "c")
    texts = [plain(line) for label in drawing.labels for line in label.lines]
    assert "20 594" in texts and "Belopp i tkr" in texts
    assert [b.tip for b in drawing.boxes if b.tip] == [f"ASF: 20{NB}594 tkr"]
    # Ticks every 5 000 tkr (500 000 000 öre) up to 25 000 tkr.
    assert axis_range(0, 20_594_000_00, "kr", "tkr") == (0, 25_000_000_00, 5_000_000_00)
    with pytest.raises(ValueError, match="shown_in"):
        Chart("C", ("ASF",), (Series("2021", (1,)),), shown_in="kronor")


# --- 7. csv-sv with no rows still has its header


def test_csv_sv_of_a_table_without_rows_writes_its_header():
    from jobbsats.reports.formats.csv_sv import BOM, CsvSv

    table = Table("projekt", "Projekt", [Column("project", "Projekt"), Column("amount_ore", "Belopp (kr)", "money")])
    assert CsvSv().render(Document("projekt", "Projekt", tables=[table])) == BOM + "Projekt;Belopp (kr)\r\n"


def test_projekt_as_csv_sv_without_projects_writes_the_header(cli):
    cli.prepare(("run", "malmo-2024", "--quiet"))
    out = cli("report", "projekt", "-f", "csv-sv").stdout
    assert out.startswith("\ufeffProjekt;Finansiär-id;Finansiär;År;")


def test_percent_columns_keep_their_own_decimals():
    """Only money columns are decided per column: a share keeps the places it is stated with."""
    from jobbsats.reports.formats.cells import table_display

    share = Column("share", "Andel (%)", "percent")
    table = Table("t", "T", [share], rows=[{"share": Decimal("36.0")}, {"share": Fraction(1, 3) * 100}])
    show = table_display(table)
    assert show(share, Decimal("36.0")) == f"36,0{NB}%"
    assert show(share, Fraction(100, 3)) == f"33,3333{NB}%"
