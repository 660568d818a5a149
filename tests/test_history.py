"""jobbsats show and jobbsats diff (issue 7): what a run did, and exactly what changed between two."""

from __future__ import annotations

from jobbsats import examples

KR = 100
KEY = "key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"


def test_diff_shows_exactly_the_changed_amounts(cli, scenario_file):
    """Moving one percentage point from ASN to GVN of 25 600 000 kr: 256 000 kr, nothing else."""
    cli.prepare(("run", "--quiet"))
    changed = scenario_file((KEY, "key = { ASN = 50, GVN = 28, FSN = 16, KS = 6 }"))
    assert cli("run", changed, "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    rows = [(r["recipient_id"], r["before_ore"], r["after_ore"], r["change_ore"]) for r in report["rows"]]
    assert rows == [
        ("ASN", 13_056_000 * KR, 12_800_000 * KR, -256_000 * KR),
        ("GVN", 6_912_000 * KR, 7_168_000 * KR, 256_000 * KR),
    ]
    assert report["totals"][0]["change_ore"] == 0
    assert "2 tilldelade belopp skiljer sig." in report["paragraphs"][0]
    headings = [line.lstrip("# ") for line in cli("diff", "1", "2").stdout.splitlines() if line.startswith("#")]
    assert headings[0] == "Skillnader mellan körning 1 och 2" and len(headings) == len(set(headings))  # none twice


def test_diff_sums_what_left_the_funds_not_what_was_passed_on(cli, scenario_file):
    """KS's line passed on to Tillväxt Malmö och Level, 4 900 000 -> 5 000 000 kr: the key's 25 600 000 kr
    becomes 25 500 000 (ASN 51 % = 13 005 000, GVN 27 % = 6 885 000, FSN 16 % = 4 080 000, KS 6 % = 1 530 000);
    the fund is 40 000 000 kr in both runs, so what left it changed by 0."""
    cli.prepare(("run", "--quiet"))
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    assert text.count("amount = 4_900_000") == 1
    assert cli("run", scenario_file(("amount = 4_900_000", "amount = 5_000_000")), "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    rows = {(r["recipient_id"], r["via"] != "", r["label"]): r["change_ore"] // KR for r in report["rows"]}
    assert rows == {
        ("ASN", False, ""): -51_000,
        ("GVN", False, ""): -27_000,
        ("FSN", False, ""): -16_000,
        ("KS", False, ""): -6_000,
        ("KS", False, "Tillväxt Malmö & Level"): 100_000,
        ("tillvaxt_level", True, "Tillväxt Malmö & Level"): 100_000,
    }
    assert report["totals"] == [{"recipient": "Summa ur fonderna", "change_ore": 0}]
    assert "6 tilldelade belopp skiljer sig." in report["paragraphs"][0]


def test_diff_shows_a_changed_fund_total_and_what_is_left_unallocated(cli, scenario_file):
    """40 -> 45 mnkr with every rule as before: the same allocations, 5 000 000 kr more left unallocated."""
    cli.prepare(("run", "--quiet"))
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    start, end = text.index('[[rules]]\nrule = "percentage_key"'), text.index("# --- Utfall")
    without_key = text[:start] + text[end:]
    first = scenario_file((text, without_key), name="a.toml")
    second = scenario_file((text, without_key.replace("2024 = 40_000_000", "2024 = 45_000_000")), name="b.toml")
    assert cli("run", first, "--quiet").exit_code == 0 and cli("run", second, "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "2", "3")
    assert report["rows"] == [
        {
            "table": "fondtotaler",
            "year": 2024,
            "fund_id": "sjs",
            "fund": "Strategiska jobbsatsningar",
            "what": "Total",
            "before_ore": 40_000_000 * KR,
            "after_ore": 45_000_000 * KR,
            "change_ore": 5_000_000 * KR,
        },
        {
            "table": "fondtotaler",
            "year": 2024,
            "fund_id": "sjs",
            "fund": "Strategiska jobbsatsningar",
            "what": "Ej fördelat",
            # 40 000 000 less ASN's 9 000 000, KS's 500 000 and the 4 900 000 passed on via KS
            "before_ore": 25_600_000 * KR,
            "after_ore": 30_600_000 * KR,
            "change_ore": 5_000_000 * KR,
        },
    ]
    assert (
        "inga tilldelade belopp skiljer sig; fondernas totaler skiljer sig för 1 fond och år."
        in (report["paragraphs"][0])
    )


def test_diff_of_places_keeps_places_apart_from_kronor(cli, example_file):
    """platser-2020: SBK's base 217 -> 200 employees at 5,7 % (halves up): 12,369 -> 12 and 11,4 -> 11 places."""
    cli.prepare(("run", "platser-2020", "--quiet"))
    assert cli("run", example_file("platser-2020", ("SBK = 217", "SBK = 200")), "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    changed = [r for r in report["rows"] if r["table"] == "skillnader_platser"]
    assert [(r["recipient_id"], r["before"], r["after"], r["change"]) for r in changed] == [("SBK", 12, 11, -1)]
    assert {t["name"] for t in report["tables"]} == {"skillnader_platser", "fondtotaler_platser"}
    assert all(c["kind"] != "money" for t in report["tables"] for c in t["columns"])


def test_diff_of_a_run_with_itself_and_an_unknown_run(cli):
    cli.prepare(("run", "--quiet"))
    same = cli("diff", "1", "1")
    assert same.exit_code == 0 and "inga belopp skiljer sig." in same.stdout
    missing = cli("diff", "1", "7")
    assert missing.exit_code == 1 and "there is no run 7 in the ledger" in missing.stderr


def test_diff_follows_a_change_through_to_the_key(cli, scenario_file):
    cli.prepare(("run", "--quiet"))
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    assert 'purpose = "Ung i sommar"\n\n[[rules.lines]]\nto = "KS"\namount = 500_000' in text
    dropped = scenario_file(
        (
            'purpose = "Ung i sommar"\n\n[[rules.lines]]\nto = "KS"\namount = 500_000',
            'purpose = "Ung i sommar"\n\n[[rules.lines]]\nto = "KS"\namount = 400_000',
        )
    )
    assert cli("run", dropped, "--quiet").exit_code == 0
    rows = cli.json_report_of("diff", "1", "2")["rows"]
    # KS's Ung i sommar 500 000 -> 400 000; the key then splits 100 000 more: 25 700 000 by 51/27/16/6.
    ks_uis = next(r for r in rows if r["recipient_id"] == "KS" and r["label"] == "Ung i sommar")
    assert (ks_uis["before_ore"], ks_uis["after_ore"]) == (500_000 * KR, 400_000 * KR)
    asn_key = next(r for r in rows if r["recipient_id"] == "ASN" and r["rule_label"] == "Fördelningsnyckel")
    assert asn_key["change_ore"] == 51_000 * KR  # 51 % of the 100 000 kr more


def test_show_lists_the_run_rule_by_rule(cli):
    cli.prepare(("run", "--quiet"))
    report = cli.json_report_of("show", "1")
    rows = {r["rule_label"]: r for r in report["rows"]}
    assert rows["Fasta belopp på ram"]["amount_ore"] == 14_400_000 * KR  # 9 000 000 + 500 000 + 4 900 000
    assert rows["Fasta belopp på ram"]["passed_on_ore"] == 4_900_000 * KR
    assert rows["Fördelningsnyckel"]["amount_ore"] == 25_600_000 * KR
    assert rows["Fördelningsnyckel"]["allocations"] == 4
    assert any("sha256" in p for p in report["paragraphs"])


def test_show_counts_places_as_places(cli):
    """platser-2020: 5,7 % of each administration's employees, 1 515 places in all (the paper's rows)."""
    cli.prepare(("run", "platser-2020", "--quiet"))
    report = cli.json_report_of("show", "1")
    assert [(r["allocations"], r["amount"], r["passed_on"]) for r in report["rows"]] == [(14, 1_515, 0)]
    assert report["tables"][0]["columns"][4] == {"key": "amount", "title": "Ur fonden (platser)", "kind": "int"}


class Clock:
    """Stands in for the datetime module where the ledger stamps runs and batches: the day is ours to set."""

    def __init__(self, monkeypatch):
        import datetime as real

        from jobbsats.ledger import write
        from jobbsats.utfall import importer

        clock = self

        class Moment(real.datetime):
            @classmethod
            def now(cls, tz=None):
                return real.datetime.fromisoformat(clock.day + "T12:00:00").replace(tzinfo=real.UTC)

        fake = type("datetime_module", (), {"datetime": Moment, "UTC": real.UTC, "date": real.date})
        self.day = "2025-01-10"
        monkeypatch.setattr(write, "datetime", fake)
        monkeypatch.setattr(importer, "datetime", fake)


def test_as_of_reports_the_ledger_as_it_stood_that_day(cli, monkeypatch, scenario_file, tmp_path):
    clock = Clock(monkeypatch)
    cli.prepare(("run", "--quiet"))  # 2025-01-10: the decided key
    booked = tmp_path / "utfall.csv"
    booked.write_bytes(examples.utfall_of("malmo-2024").read_bytes())
    assert cli("import", "utfall", booked, "-c", "malmo-2024").exit_code == 0  # 2025-01-10: the first export
    clock.day = "2025-02-20"
    changed = scenario_file((KEY, "key = { ASN = 50, GVN = 28, FSN = 16, KS = 6 }"))
    assert cli("run", changed, "--quiet").exit_code == 0  # 2025-02-20: a changed key
    text = booked.read_text(encoding="cp1252")
    assert "3\u00a0200\u00a0000,00" in text  # GVN's line, no-break spaces as Excel writes them
    text = text.replace("3\u00a0200\u00a0000,00", "3\u00a0000\u00a0000,00")
    booked.write_text(text, encoding="cp1252")
    assert cli("import", "utfall", booked, "-c", changed, "--replace").exit_code == 0  # a corrected export

    def asn_and_gvn(*args):
        rows = {r["recipient_id"]: r for r in cli.json_report("aterrapportering", *args)["rows"]}
        return rows["ASN"]["budget_ore"], rows["GVN"]["utfall_ore"]

    # Then: the first key (ASN 9 000 000 + 13 056 000) and GVN's first figure; now: the new key and the correction.
    assert asn_and_gvn("--as-of", "2025-01-31") == (22_056_000 * KR, 3_200_000 * KR)
    assert asn_and_gvn() == ((9_000_000 + 12_800_000) * KR, 3_000_000 * KR)
    header, then = cli.json_report("aterrapportering", "--as-of", "2025-01-31")["paragraphs"][:2]
    assert header.startswith("Körning 1, ")  # which run, then where the ledger stood
    assert then == (
        "Ställning per 2025-01-31 (dagen räknad i UTC): körning 1 och utfall importerat till och med den dagen; "
        "senare finns körning 2."
    )
    assert not any(p.startswith("Ställning") for p in cli.json_report("aterrapportering")["paragraphs"])
    early = cli("report", "fordelning", "--as-of", "2024-12-31")
    assert early.exit_code == 1 and "no run made on or before 2024-12-31" in early.stderr  # a user mistake
    wrong_days = [("2025-02-30", "2025-02-30 is not a day of the calendar"), ("25-1-1", "is not written YYYY-MM-DD")]
    wrong_days += [(day, "is not written YYYY-MM-DD") for day in ("20250131", "2025-W05-1", "２０２５-01-31")]
    for day, says in wrong_days:
        wrong = cli("report", "fordelning", "--as-of", day)
        assert wrong.exit_code == 2 and says in wrong.stderr
    both = cli("report", "fordelning", "--as-of", "2025-01-31", "--run", "1")
    assert both.exit_code == 1 and "give --run or --as-of, not both" in both.stderr


def test_a_fund_whose_unit_changed_is_two_funds_in_the_diff(cli, example_file):
    """platser-2020 counted in places, then the same fund in kronor: SBK's 12 places and 12 kr never mix."""
    cli.prepare(("run", "platser-2020", "--quiet"))
    assert cli("run", example_file("platser-2020", ('unit = "platser"', 'unit = "kr"')), "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    sbk = {r["table"]: r for r in report["rows"] if r.get("recipient_id") == "SBK"}
    assert (sbk["skillnader_platser"]["before"], sbk["skillnader_platser"]["after"]) == (12, 0)
    assert (sbk["skillnader"]["before_ore"], sbk["skillnader"]["after_ore"]) == (0, 12 * KR)
    totals = {(t["table"], t["recipient"]): t for t in report["totals"]}
    assert totals[("skillnader_platser", "Summa ur fonderna")]["change"] == -1_515
    assert totals[("skillnader", "Summa ur fonderna")]["change_ore"] == 1_515 * KR


def test_show_gives_a_places_rounding_difference_in_places(cli):
    cli.prepare(("run", "platser-2020", "--quiet"))
    paragraphs = cli.json_report_of("show", "1")["paragraphs"]
    assert "Avrundning 2020 (5,7 % av antal anställda): -1 platser mot 1 516 platser fördelat." in paragraphs


def test_diff_marks_a_total_that_was_assumed_and_is_now_decided(cli, example_file):
    """2025's 40 mnkr, assumed in run 1, decided by KF at the same amount in run 2: a row, no amounts changed."""
    assumed = '2025 = { amount = 40_000_000, assumed = true, note = "samma som 2024 i väntan på KF:s budget" }'
    cli.prepare(("run", "malmo-2024-2026", "--quiet"))
    assert cli("run", example_file("malmo-2024-2026", (assumed, "2025 = 40_000_000")), "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    assert [(r["year"], r["what"], r["before_ore"], r["after_ore"], r["change_ore"]) for r in report["rows"]] == [
        (2025, "Total (antagen i körning 1)", 40_000_000 * KR, 40_000_000 * KR, 0)
    ]
    assert (
        "inga tilldelade belopp skiljer sig; fondernas totaler skiljer sig för 1 fond och år."
        in (report["paragraphs"][0])
    )
