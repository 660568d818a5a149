"""Approximate amounts (issue 14, point 5): "ca 44 000 000 kr" while applied for, exact once granted.

The paper of 2019-09-09 (seed 001) applies for "ca 44 000 000" from ESF and "ca 25 000 000 kronor"
from Finsam: the example's lines with ``approx = true``.
"""

from __future__ import annotations

ESF_LINE = 'financier = "esf"\namount = "44 000 000 kr"\nstatus = "ansökt"'
FINSAM_LINE = 'financier = "finsam"\namount = "25 000 000 kr"\nstatus = "ansökt"'
APPROX = ((ESF_LINE, ESF_LINE + "\napprox = true"), (FINSAM_LINE, FINSAM_LINE + "\napprox = true"))
NB = "\u00a0"


def test_applied_for_roughly_reads_ca(cli, example_file):
    """ESF 44 000 000 kr and Finsam 25 000 000 kr, both applied for: "ca" before each amount."""
    assert cli("run", example_file("malmokraften-2020", *APPROX), "--quiet").exit_code == 0
    md = cli("report", "projekt").stdout
    assert (
        f"Ansökt men inte beslutat: Europeiska socialfonden (ESF) ca 44{NB}000{NB}000{NB}kr "
        f"och Finsam Malmö ca 25{NB}000{NB}000{NB}kr." in md
    )
    assert "| Europeiska socialfonden (ESF) (ca-belopp) | ansökt |" in md
    # A sum that holds a rough amount is rough too: 44 000 000 + 25 000 000 (a new user's catch).
    assert f"Finansieringsplanen omfattar ca 69{NB}000{NB}000{NB}kr i kontanta medel" in md
    rows = cli.json_report("projekt")["rows"]
    assert {r["approx"] for r in rows if r["financier_id"] in ("esf", "finsam")} == {"ca"}
    assert {r["approx"] for r in rows if r["financier_id"] == "ASN"} == {""}
    # The money itself stays exact öre: 17 600 000 + 17 600 000 + 8 800 000 = 44 000 000 kr.
    assert sum(r["amount_ore"] for r in rows if r["financier_id"] == "esf") == 44_000_000 * 100


def test_once_granted_the_amount_is_exact(cli, example_file):
    """ESF grants 44 000 000 kr: the line drops approx and reads "44 000 000 kr", no "ca"."""
    granted = ESF_LINE.replace('"ansökt"', '"beviljad"\ndecided = 2020-02-14')
    path = example_file("malmokraften-2020", (ESF_LINE, granted), APPROX[1])
    assert cli("run", path, "--quiet").exit_code == 0
    md = cli("report", "projekt").stdout
    assert (
        f"Beviljat och i budget: 44{NB}000{NB}000{NB}kr kontant, Europeiska socialfonden (ESF) 44{NB}000{NB}000{NB}kr"
        in md
    )
    assert "ca 44" not in md
    assert f"Finsam Malmö ca 25{NB}000{NB}000{NB}kr" in md
    assert f"Finansieringsplanen omfattar ca 69{NB}000{NB}000{NB}kr" in md  # Finsam is still rough


def test_approx_on_a_granted_line_is_refused(cli, example_file, watch_ledger):
    """The ESF line granted but still marked approx: one message, file and key path, nothing written."""
    ledger = watch_ledger()
    granted = ESF_LINE.replace('"ansökt"', '"beviljad"') + "\napprox = true"
    path = example_file("malmokraften-2020", (ESF_LINE, granted))
    result = cli("run", path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {path}: ") and result.stderr.count("Error: ") == 1, result.stderr
    assert "projects.malmokraften.financing[0].approx: a granted amount is exact" in result.stderr
    assert result.stdout == ""
    ledger.assert_unchanged()


def test_approx_must_be_true_or_false(cli, example_file):
    path = example_file("malmokraften-2020", (ESF_LINE, ESF_LINE + '\napprox = "ja"'))
    result = cli("run", path)
    assert result.exit_code == 1
    assert "projects.malmokraften.financing[0].approx" in result.stderr
