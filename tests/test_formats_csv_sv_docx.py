"""The csv-sv and docx formats: CSV that Swedish Excel opens, and Word for a tjänsteskrivelse.

Expectations come from seed 000 (STK-2024-291, points 2-9 copied from the paper), from hand
arithmetic on the example's utfall export, and, for the machine CSV that must not change,
from the file the committed code wrote before these formats were added.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from jobbsats import examples

# Seed 000, "Förslag till beslut", points 2-9 as written in the paper.
SEED_POINTS = {
    2: "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 9 000 000 kronor årligen 2024 - 2026 för "
    "Ung i sommar från kommunstyrelsens anslag till förfogande inom finansiering.",
    3: "Kommunstyrelsen tilldelar kommunstyrelsen 500 000 kronor årligen 2024 - 2026 för Ung i sommar från "
    "kommunstyrelsens anslag till förfogande inom finansiering.",
    4: "Kommunstyrelsen överför 4 900 000 kronor årligen 2024 - 2026 från kommunstyrelsens anslag till förfogande "
    "inom finansiering till kommunstyrelsen.",
    5: "Kommunstyrelsen beviljar Tillväxt Malmö och Level 4 900 000 kronor årligen i enlighet med ingångna avtal "
    "(STK-2023-1150, STK-2023-1149) 2024 - 2026 med finansiering från kommunstyrelsens ram.",
    6: "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 13 056 000 kronor 2024 från kommunstyrelsens "
    "anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    7: "Kommunstyrelsen tilldelar gymnasie- och vuxenutbildningsnämnden 6 912 000 kronor 2024 från "
    "kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    8: "Kommunstyrelsen tilldelar funktionsstödsnämnden 4 096 000 kronor 2024 från kommunstyrelsens anslag till "
    "förfogande inom finansiering för Strategiska jobbsatsningar.",
    9: "Kommunstyrelsen tilldelar kommunstyrelsen 1 536 000 kronor 2024 från kommunstyrelsens anslag till "
    "förfogande inom finansiering för Strategiska jobbsatsningar.",
}
SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_17701ca9e38dfbc7.txt"

# The machine CSV of the 2024 example as the code wrote it before csv-sv existed: it must stay so.
MACHINE_CSV = (
    "year,fund,recipient,rule,label,amount_ore,passed_on_to,passed_on_ore,fund_id,recipient_id,source\n"
    "2024,Strategiska jobbsatsningar,Arbetsmarknads- och socialnämnden,Fasta belopp på ram,Ung i sommar,"
    "900000000,,,sjs,ASN,rules[0].lines[0]\n"
    "2024,Strategiska jobbsatsningar,Kommunstyrelsen,Fasta belopp på ram,Ung i sommar,50000000,,,sjs,KS,"
    "rules[0].lines[1]\n"
    "2024,Strategiska jobbsatsningar,Kommunstyrelsen,Fasta belopp på ram,Tillväxt Malmö & Level,490000000,"
    "Tillväxt Malmö och Level,490000000,sjs,KS,rules[0].lines[2]\n"
    "2024,Strategiska jobbsatsningar,Arbetsmarknads- och socialnämnden,Fördelningsnyckel,,1305600000,,,sjs,ASN,"
    "rules[1].key.ASN\n"
    "2024,Strategiska jobbsatsningar,Gymnasie- och vuxenutbildningsnämnden,Fördelningsnyckel,,691200000,,,sjs,GVN,"
    "rules[1].key.GVN\n"
    "2024,Strategiska jobbsatsningar,Funktionsstödsnämnden,Fördelningsnyckel,,409600000,,,sjs,FSN,"
    "rules[1].key.FSN\n"
    "2024,Strategiska jobbsatsningar,Kommunstyrelsen,Fördelningsnyckel,,153600000,,,sjs,KS,rules[1].key.KS\n"
)
BOM = b"\xef\xbb\xbf"


def same_words(text: str) -> str:
    """Whitespace of any kind (no-break and narrow no-break spaces too) as one plain space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def numbered_points(path: Path) -> dict[int, str]:
    """The List Number paragraphs of a docx file by the number Word shows, worked out from its numbering.

    Word counts the paragraphs of one list instance (numId) on from the instance's start: the
    abstract list's ``w:start``, or the instance's ``w:startOverride``.
    """
    document = docx.Document(str(path))
    numbering = document.part.numbering_part.element
    starts: dict[str, int] = {}
    for num in numbering.findall(qn("w:num")):
        override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(
            a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id
        )
        start = abstract.find(f"{qn('w:lvl')}/{qn('w:start')}")
        value = override if override is not None else start
        starts[num.get(qn("w:numId"))] = int(value.get(qn("w:val"))) if value is not None else 1
    counted: dict[str, int] = {}
    points: dict[int, str] = {}
    for paragraph in document.paragraphs:
        if paragraph.style.name != "List Number":
            continue
        num_id = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        key = num_id.get(qn("w:val")) if num_id is not None else "5"  # the style's own list otherwise
        number = starts[key] + counted.get(key, 0)
        counted[key] = counted.get(key, 0) + 1
        points[number] = same_words(paragraph.text)
    return points


def test_the_seed_points_are_copied_as_written():
    """The points above are the seed's (when the seed papers are beside the repository)."""
    if not SEED_FILE.exists():
        pytest.skip(f"no {SEED_FILE}")
    text = SEED_FILE.read_text(encoding="utf-8")
    written = {int(n): same_words(t) for n, t in re.findall(r"^(\d+)\. (.+)$", text, re.MULTILINE)}
    assert {n: written[n] for n in SEED_POINTS} == SEED_POINTS


def test_beslut_as_docx_holds_points_2_to_9_of_the_seed(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    out = tmp_path / "b.docx"
    result = cli("report", "beslut", "-f", "docx", "-o", out)
    assert result.exit_code == 0, result.output
    points = numbered_points(out)
    assert {n: points.get(n) for n in SEED_POINTS} == SEED_POINTS
    assert sorted(points) == list(range(1, 13))  # the preamble and the closing too, numbered 1 to 12
    document = docx.Document(str(out))
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[0].text.startswith("Förslag till beslut 2024")
    assert document.core_properties.title == document.paragraphs[0].text


def test_an_extract_keeps_the_points_numbers(cli, tmp_path):
    """Arbetsmarknads- och socialnämnden's points in the seed are 2 (Ung i sommar) and 6 (the key)."""
    cli.prepare(("run", "--quiet"))
    out = tmp_path / "asn.docx"
    assert cli("report", "beslut", "--recipient", "ASN", "-f", "docx", "-o", out).exit_code == 0
    assert numbered_points(out) == {2: SEED_POINTS[2], 6: SEED_POINTS[6]}


def test_docx_tables_have_swedish_right_aligned_numbers_and_a_repeated_header(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    out = tmp_path / "f.docx"
    assert cli("report", "fordelning", "-o", out).exit_code == 0  # the format from the extension
    table = docx.Document(str(out)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    amount = header.index("Belopp (kr)")
    recipient = header.index("Mottagare")
    # No-break spaces between the thousands: a number never breaks across lines.
    column = {(r.cells[recipient].text, r.cells[amount].text.replace("\u00a0", "_")) for r in table.rows[1:]}
    for name, kronor in [
        ("Arbetsmarknads- och socialnämnden", "13_056_000"),
        ("Gymnasie- och vuxenutbildningsnämnden", "6_912_000"),
        ("Funktionsstödsnämnden", "4_096_000"),
        ("Kommunstyrelsen", "1_536_000"),
    ]:
        assert (name, kronor) in column
    assert all(r.cells[amount].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for r in table.rows)
    assert table.rows[1].cells[recipient].paragraphs[0].alignment is None  # text stays left
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    last = table.rows[-1].cells
    assert same_words(last[amount].text) == "40 000 000" and last[amount].paragraphs[0].runs[0].bold


def test_docx_is_never_written_to_standard_output(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "beslut", "-f", "docx")
    assert result.exit_code == 1 and "binary; write it to a file with -o FILE" in result.stderr


def csv_sv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline=""), delimiter=";"))


def kronor(field: str) -> Decimal:
    """A number as Swedish Excel reads it: digits, an optional sign and a decimal comma, no grouping."""
    assert re.fullmatch(r"-?[0-9]+(,[0-9]+)?", field), field
    return Decimal(field.replace(",", "."))


def test_fordelning_as_csv_sv_has_a_bom_swedish_headers_and_the_seeds_kronor(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "-f", "csv-sv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(BOM + "År;Fond;Mottagare;".encode())
    rows = csv_sv_rows(result.stdout_bytes)
    header, data = rows[0], rows[1:]
    assert header == ["År", "Fond", "Mottagare", "Regel", "Ändamål", "Belopp (kr)", "Vidare till", "Varav vidare (kr)"]
    got = sorted((r[2], r[4], kronor(r[5])) for r in data)
    assert got == sorted(
        [
            ("Arbetsmarknads- och socialnämnden", "Ung i sommar", Decimal(9_000_000)),
            ("Kommunstyrelsen", "Ung i sommar", Decimal(500_000)),
            ("Kommunstyrelsen", "Tillväxt Malmö & Level", Decimal(4_900_000)),
            ("Arbetsmarknads- och socialnämnden", "", Decimal(13_056_000)),
            ("Gymnasie- och vuxenutbildningsnämnden", "", Decimal(6_912_000)),
            ("Funktionsstödsnämnden", "", Decimal(4_096_000)),
            ("Kommunstyrelsen", "", Decimal(1_536_000)),
        ]
    )
    assert result.stdout_bytes.count(b"\r\n") == len(rows)  # Excel's line ends


def test_csv_sv_writes_kronor_and_ore_with_a_decimal_comma(cli, tmp_path):
    """ASN's utfall on verksamhet 7150 in the example's export: 1 250 000 + 4 100 000 + 2 730 500,50 - 150 000."""
    path = cli.kit.example("malmo-2024")
    assert cli("run", path, "--quiet").exit_code == 0
    imported = cli("import", "utfall", path.with_name("malmo-2024.utfall.csv"), "-c", path)
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "a.csv"
    assert cli("report", "aterrapportering", "-f", "csv-sv", "-o", out).exit_code == 0
    rows = csv_sv_rows(out.read_bytes())
    header = rows[0]
    [asn] = [
        r
        for r in rows[1:]
        if r[header.index("Mottagare")] == "Arbetsmarknads- och socialnämnden"
        and r[header.index("Ändamål")] == "Strategiska jobbsatsningar"
    ]
    assert asn[header.index("Utfall (kr)")] == "7930500,50"
    assert kronor(asn[header.index("Kvar (kr)")]) == Decimal("13056000") - Decimal("7930500.50")
    assert asn[header.index("Andel använd (%)")] == "60,7"  # 7 930 500,50 / 13 056 000 = 60,74 %


def test_csv_sv_keeps_formula_like_names_as_text(cli, scenario_file):
    path = scenario_file(('name = "Tillväxt Malmö och Level"', 'name = "=HYPERLINK(\\"http://x\\",\\"klick\\")"'))
    assert cli("run", path, "--quiet").exit_code == 0
    rows = csv_sv_rows(cli("report", "fordelning", "-f", "csv-sv").stdout_bytes)
    onward = [r[6] for r in rows[1:] if r[6]]
    assert onward == ['\'=HYPERLINK("http://x","klick")']


def test_the_machine_csv_is_as_it_was(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    assert cli("report", "fordelning", "-f", "csv").stdout_bytes == MACHINE_CSV.encode()
    out = tmp_path / "f.csv"
    assert cli("report", "fordelning", "-o", out).exit_code == 0  # .csv still means the machine format
    assert out.read_bytes() == MACHINE_CSV.encode()


REPORTS = ("aterrapportering", "beslut", "fordelning", "prognos", "projekt")


@pytest.mark.parametrize("example", examples.names())
def test_every_example_renders_every_report_it_supports_in_every_format(cli, tmp_path, example):
    path = cli.kit.example(example)
    assert cli("run", path, "--quiet").exit_code == 0
    if (sample := examples.utfall_of(example)) is not None:
        assert cli("import", "utfall", path.with_name(sample.name), "-c", path).exit_code == 0
    as_json = {r: cli("report", r, "-f", "json") for r in REPORTS}
    supported = [r for r in REPORTS if as_json[r].exit_code == 0]
    assert {"beslut", "fordelning", "projekt"} <= set(supported)  # every run has these
    for report in supported:
        document = json.loads(as_json[report].stdout)  # what cli.json_report(report) would run again
        out = tmp_path / f"{report}.docx"
        result = cli("report", report, "-f", "docx", "-o", out, "--force")
        assert result.exit_code == 0, (report, result.output)
        assert docx.Document(str(out)).paragraphs[0].text == document["title"]
        result = cli("report", report, "-f", "csv-sv")
        assert result.exit_code == 0, (report, result.output)
        rows = csv_sv_rows(result.stdout_bytes)
        titles = [c["title"] for t in document["tables"] for c in t["columns"]]
        assert set(rows[0]) - {"Tabell"} == set(titles)
        assert len(rows) - 1 == len(document["rows"])
        for fmt in ("md", "csv", "html"):  # and the rest of the built-in formats, as issue 16 asks
            result = cli("report", report, "-f", fmt)
            assert result.exit_code == 0 and result.stdout, (report, fmt, result.output)
        result = cli("report", report, "-f", "xlsx", "-o", tmp_path / f"{report}.xlsx", "--force")
        assert result.exit_code == 0, (report, result.output)
