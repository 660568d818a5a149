"""jobbsats show and jobbsats diff (issue 7): what a run did, and exactly what changed between two."""

from __future__ import annotations

from jobbsats import examples

KR = 100
KEY = "key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"


def test_diff_shows_exactly_the_changed_amounts(cli, scenario_file):
    """Moving one percentage point from ASN to GVN of 25 600 000 kr: 256 000 kr, nothing else."""
    assert cli("run", "--quiet").exit_code == 0
    changed = scenario_file((KEY, "key = { ASN = 50, GVN = 28, FSN = 16, KS = 6 }"))
    assert cli("run", changed, "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    rows = [(r["recipient_id"], r["before_ore"], r["after_ore"], r["change_ore"]) for r in report["rows"]]
    assert rows == [
        ("ASN", 13_056_000 * KR, 12_800_000 * KR, -256_000 * KR),
        ("GVN", 6_912_000 * KR, 7_168_000 * KR, 256_000 * KR),
    ]
    assert report["totals"][0]["change_ore"] == 0
    assert "2 belopp skiljer sig." in report["paragraphs"][0]


def test_diff_of_a_run_with_itself_and_an_unknown_run(cli):
    assert cli("run", "--quiet").exit_code == 0
    same = cli("diff", "1", "1")
    assert same.exit_code == 0 and "inga belopp skiljer sig." in same.stdout
    missing = cli("diff", "1", "7")
    assert missing.exit_code == 1 and "there is no run 7 in the ledger" in missing.stderr


def test_diff_follows_a_change_through_to_the_key(cli, scenario_file):
    assert cli("run", "--quiet").exit_code == 0
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
    assert cli("run", "--quiet").exit_code == 0
    report = cli.json_report_of("show", "1")
    rows = {r["rule_label"]: r for r in report["rows"]}
    assert rows["Fasta belopp på ram"]["amount_ore"] == 14_400_000 * KR  # 9 000 000 + 500 000 + 4 900 000
    assert rows["Fasta belopp på ram"]["passed_on_ore"] == 4_900_000 * KR
    assert rows["Fördelningsnyckel"]["amount_ore"] == 25_600_000 * KR
    assert rows["Fördelningsnyckel"]["allocations"] == 4
    assert any("sha256" in p for p in report["paragraphs"])
