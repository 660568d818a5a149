"""The ``iop`` report on the shipped data, against figures worked out by hand from tests/data/indikatorer-2024.csv."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jobbsats_asf.figures import share

DATA = Path(__file__).parent / "data"
NBSP = "\u00a0"
MFF = "MFF Karriärakademien"


def by_partner(rows: list[dict], **where) -> dict[str, dict]:
    return {r["partner_id"]: r for r in rows if all(r[k] == v for k, v in where.items())}


def test_quarters_as_in_the_file(ledger, iop):
    ledger.run(iop())
    rows = ledger.tables("iop")["iop_kvartal"]
    assert len(rows) == 6 * 4
    mff = [r for r in rows if r["partner_id"] == "mff"]
    assert [(r["quarter"], r["deltagare"], r["matchning"], r["anstallda"]) for r in mff] == [
        (1, 85, 78, 9),
        (2, 90, 81, 11),
        (3, 72, 70, 8),
        (4, 95, 83, 13),
    ]
    assert mff[0]["partner"] == MFF and mff[0]["year"] == 2024


def test_years_are_the_sums_of_their_quarters(ledger, iop):
    ledger.run(iop())
    tables = ledger.tables("iop")
    years = by_partner(tables["iop_ar"])
    # MFF: deltagare 85 + 90 + 72 + 95 = 342, matchning 78 + 81 + 70 + 83 = 312, anställda 9 + 11 + 8 + 13 = 41.
    assert {k: years["mff"][k] for k in ("deltagare", "matchning", "anstallda")} == {
        "deltagare": 342,
        "matchning": 312,
        "anstallda": 41,
    }
    # Botildenborg: 18 + 21 + 16 + 20 = 75 deltagare, studier 2 + 6 + 9 + 7 = 24, anställda 3 (small: "<5").
    assert {k: years["botildenborg"][k] for k in ("deltagare", "matchning", "anstallda", "studier")} == {
        "deltagare": 75,
        "matchning": 0,
        "anstallda": "<5",
        "studier": 24,
    }
    assert years["botildenborg"]["quarters"] == "1–4"
    # All six: deltagare 75 + 52 + 99 + 62 + 34 + 342 = 664; anställda 3 + 3 + 1 + 10 + 2 + 41 = 60;
    # studier 24 + 0 + 18 + 1 + 18 + 6 = 67.
    (total,) = tables["iop_ar:totals"]
    assert total["partner"] == "Summa 2024"
    assert (total["deltagare"], total["matchning"], total["anstallda"], total["studier"]) == (664, 312, 60, 67)


def test_goal_attainment(ledger, iop):
    ledger.run(iop())
    goals = ledger.tables("iop")["iop_mal"]
    # 312 of 300 = 104 %; 41 of 40 = 102,5 %. Only MFF has numeric goals.
    assert [(r["partner_id"], r["indicator_id"], r["outcome"], r["goal"], r["attainment_percent"]) for r in goals] == [
        ("mff", "matchning", 312, 300, 104.0),
        ("mff", "anstallda", 41, 40, 102.5),
    ]


def test_percent_is_rounded_half_up_to_one_decimal():
    assert share(312, 300) == Decimal("104.0")
    assert share(1, 16) == Decimal("6.3")  # 6,25 % rounds up
    assert share(1, 3) == Decimal("33.3") and share(2, 3) == Decimal("66.7")
    assert share(75, 80) == Decimal("93.8")  # 93,75 %


def test_suppressed_cells_in_the_shipped_data(ledger, iop):
    ledger.run(iop())
    tables = ledger.tables("iop")
    studier = {(r["partner_id"], r["quarter"]): r["studier"] for r in tables["iop_kvartal"]}
    # Botildenborg 2, 6, 9, 7 (= 24): the 2 is small, and 6 must go too, or 24 - 9 - 7 = 2 gives it away.
    assert [studier[("botildenborg", q)] for q in (1, 2, 3, 4)] == ["<5", "..", 9, 7]
    # Rädda Barnen 1, 1, 7, 9 (= 18): 18 - 7 - 9 = 2 would say both small ones are 1, so 7 goes too.
    assert [studier[("radda_barnen", q)] for q in (1, 2, 3, 4)] == ["<5", "<5", "..", 9]
    # Stadsmissionen 3, 4, 5, 6 (= 18): <5 + <5 = 7 leaves each 3 or 4; nothing more hidden.
    assert [studier[("stadsmissionen", q)] for q in (1, 2, 3, 4)] == ["<5", "<5", 5, 6]
    # MFF 2, 1, 0, 3: three small ones (6 in all) each 1..4.
    assert [studier[("mff", q)] for q in (1, 2, 3, 4)] == ["<5", "<5", 0, "<5"]
    years = by_partner(tables["iop_ar"])
    # Y-alla's year is 1 ("<5"); 67 - 24 - 0 - 18 - 18 - 6 = 1 would give it away, so the smallest other
    # year above 0, MFF's 6, is hidden: <5 + .. = 7.
    assert {p: r["studier"] for p, r in years.items()} == {
        "botildenborg": 24,
        "roda_korset": 0,
        "stadsmissionen": 18,
        "yalla": "<5",
        "radda_barnen": 18,
        "mff": "..",
    }
    # Anställda: four small years (3, 3, 1, 2 = 9) next to 10 and 41: each 1..4, nothing more hidden.
    assert {p: r["anstallda"] for p, r in years.items()} == {
        "botildenborg": "<5",
        "roda_korset": "<5",
        "stadsmissionen": "<5",
        "yalla": 10,
        "radda_barnen": "<5",
        "mff": 41,
    }
    # Röda Korset 0, 1, 0, 2 (= 3): the year is small too, and <5 = <5 + <5 hides all three.
    anstallda = {(r["partner_id"], r["quarter"]): r["anstallda"] for r in tables["iop_kvartal"]}
    assert [anstallda[("roda_korset", q)] for q in (1, 2, 3, 4)] == [0, "<5", 0, "<5"]


def test_attainment_never_gives_a_hidden_count_away(ledger, iop):
    scenario = iop(
        None,
        ('purpose = "Yrkesinriktad', 'goals = { studier = 10 }\npurpose = "Yrkesinriktad'),
        ("goals = { matchning = 300, anstallda = 40 }", "goals = { matchning = 300, anstallda = 40, studier = 10 }"),
        ('name = "Botildenborg"', 'name = "Botildenborg"\ngoals = { deltagare = 80 }'),
    )
    ledger.run(scenario)
    goals = {(r["partner_id"], r["indicator_id"]): r for r in ledger.tables("iop")["iop_mal"]}
    # Y-alla's 1 is "<5" and MFF's 6 is "..": 1 of 10 or 6 of 10 would give them back, so no percentage.
    assert (goals[("yalla", "studier")]["outcome"], goals[("yalla", "studier")]["attainment_percent"]) == ("<5", "..")
    assert (goals[("mff", "studier")]["outcome"], goals[("mff", "studier")]["attainment_percent"]) == ("..", "..")
    # Botildenborg's 75 deltagare of 80: 93,75 % rounds half up to 93,8 %.
    assert goals[("botildenborg", "deltagare")]["attainment_percent"] == 93.8
    text = ledger.report("iop", fmt="md")
    assert "Y-allas väg till arbete" in text
    assert "Utfall 2024 (kvartal 1–4): färre än 5 till studier av målet 10." in text
    assert "ett dolt antal till studier av målet 10." in text


def test_markdown_for_people(ledger, iop):
    ledger.run(iop())
    text = ledger.report("iop", fmt="md")  # fails the test unless the report exits 0
    assert text.startswith("# Uppföljning av idéburna offentliga partnerskap (IOP) 2024\n")
    assert f"| 2024 | {MFF} | I matchning | 1–4 | 312 | 300 | 104,0{NBSP}% |" in text
    assert f"| 2024 | {MFF} | Anställda | 1–4 | 41 | 40 | 102,5{NBSP}% |" in text
    assert "| **2024** | **Summa 2024** |  | **664** | **312** | **60** | **67** |" in text
    # The text section per partner: the agreement's målgrupp, syfte and mål, and the year against the goals.
    assert (
        f"{MFF}. Målgrupp: Deltagare med kort utbildning, bristande arbetslivserfarenhet och avsaknad av nätverk. "
        "Syfte: Matchning mellan arbetssökande och företag i MFF företagsnätverk. "
        "Mål: 300 i matchningsverksamheten (Rekryteringsträffar), 40 anställningar per år. "
        f"Utfall 2024 (kvartal 1–4): 312 i matchning av målet 300 (104,0{NBSP}%), "
        f"41 anställda av målet 40 (102,5{NBSP}%)."
    ) in text
    assert "Röda Korset. Målgrupp: Deltagare med flyktingbakgrund" in text


def test_part_of_a_year(ledger, iop):
    lines = [
        "partner;år;kvartal;deltagare;matchning;anställda;studier",
        "mff;2024;1;85;78;9;2",
        "mff;2024;2;90;81;11;1",
    ]
    ledger.run(iop("\n".join(lines) + "\n"))
    tables = ledger.tables("iop")
    # After two quarters: 78 + 81 = 159 of the year's 300 = 53 %; 9 + 11 = 20 of 40 = 50 %.
    assert [(r["quarters"], r["outcome"], r["attainment_percent"]) for r in tables["iop_mal"]] == [
        ("1–2", 159, 53.0),
        ("1–2", 20, 50.0),
    ]
    # Partners with no rows are left out of the tables, and their text says so.
    assert {r["partner_id"] for r in tables["iop_ar"]} == {"mff"}
    assert "Botildenborg. Målgrupp:" in ledger.report("iop", fmt="md")
    assert "Inga indikatorer är rapporterade." in ledger.report("iop", fmt="md")


def test_year_option_and_other_years(ledger, iop):
    data = (DATA / "indikatorer-2024.csv").read_text(encoding="utf-8")
    extra = "".join(f"mff;2023;{q};50;60;7;0\n" for q in (1, 2, 3, 4))
    ledger.run(iop(data + extra))
    both = ledger.tables("iop")
    assert [r["year"] for r in both["iop_ar:totals"]] == [2023, 2024]
    # 2023: 4 x 60 = 240 of 300 = 80 %.
    assert ("mff", 2023, 240, 80.0) in [
        (r["partner_id"], r["year"], r["outcome"], r["attainment_percent"]) for r in both["iop_mal"]
    ]
    only = ledger.tables("iop", "--year", "2024")
    assert {r["year"] for r in only["iop_kvartal"]} == {2024}
    assert [r["partner"] for r in only["iop_ar:totals"]] == ["Summa 2024"]


def test_another_threshold(ledger, iop):
    ledger.run(iop(None, ("suppress_below = 5 ", "suppress_below = 10 ")))
    tables = ledger.tables("iop")
    mff = [r["anstallda"] for r in tables["iop_kvartal"] if r["partner_id"] == "mff"]
    # 9, 11, 8, 13 with threshold 10: 9 and 8 are small; <10 + <10 = 41 - 11 - 13 = 17 leaves each 8 or 9.
    assert mff == ["<10", 11, "<10", 13]
    assert "Antal från 1 till 9 visas som ”<10”" in ledger.report("iop", fmt="md")


def test_a_run_without_the_section(ledger):
    ran = ledger.invoke("run", "malmo-2024", "--quiet")  # a bundled example, by name
    assert ran.exit_code == 0, ran.output
    result = ledger.invoke("report", "iop")
    assert result.exit_code == 1
    assert "run 1's scenario file has no [asf] section" in result.output
    assert "Traceback" not in result.output
