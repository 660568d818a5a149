"""Other totals and other keys still conserve the total, within 1 kr of each exact share."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobbsats.config import load_scenario
from jobbsats.engine import compute
from jobbsats.registry import get_registry

FIXED_KR = 9_000_000 + 500_000 + 4_900_000  # the example's fixed lines, taken first
SEED_TOTAL = "total = { 2024 = 40_000_000 }"
SEED_KEY = "key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"

KEYS = {
    "seed": (SEED_KEY, {"ASN": Fraction(51), "GVN": Fraction(27), "FSN": Fraction(16), "KS": Fraction(6)}),
    "decimals": (
        'key = { ASN = "33,33 %", GVN = 33.33, FSN = "33.34" }',
        {"ASN": Fraction(3333, 100), "GVN": Fraction(3333, 100), "FSN": Fraction(3334, 100)},
    ),
    "thirds": ('key = { ASN = "1/3", GVN = "1/3", KS = "1/3" }', {k: Fraction(100, 3) for k in ("ASN", "GVN", "KS")}),
    "one": ("key = { FSN = 100 }", {"FSN": Fraction(100)}),
}


@pytest.mark.parametrize("total_kr", [40_000_001, 14_400_000, 14_400_001, 14_400_007, 123_456_789, 10**11 + 3])
@pytest.mark.parametrize("key_name", sorted(KEYS))
def test_other_totals_and_keys(cli, scenario_file, total_kr, key_name):
    key_toml, percents = KEYS[key_name]
    path = scenario_file((SEED_TOTAL, f"total = {{ 2024 = {total_kr} }}"), (SEED_KEY, key_toml))
    result = cli("run", path, "--quiet")
    assert result.exit_code == 0, result.output
    rows = cli.json_report("fordelning")["rows"]
    assert sum(r["amount_ore"] for r in rows) == total_kr * 100
    keyed = {r["recipient_id"]: r["amount_ore"] for r in rows if r["rule"] == "Fördelningsnyckel"}
    left = (total_kr - FIXED_KR) * 100
    assert sum(keyed.values()) == left
    assert set(keyed) <= set(percents)
    for rid, percent in percents.items():
        share = keyed.get(rid, 0)  # a share of 0 kr gets no row
        exact = Fraction(left) * percent / 100
        assert abs(share - exact) <= 100, (rid, share, exact)
        assert share % 100 == 0  # rounded to whole kronor, the default unit


def test_round_to_a_thousand_kronor(cli, scenario_file):
    # 25 600 123 kr left by 51/27/16/6, in whole thousands: quotas 13 056,06273 / 6 912,03321 /
    # 4 096,01968 / 1 536,00738 tkr -> floors 13 056 / 6 912 / 4 096 / 1 536 = 25 600 tkr, and the
    # 123 kr that are not a whole thousand go to the largest remainder (ASN).
    path = scenario_file((SEED_TOTAL, "total = { 2024 = 40_000_123 }"), (SEED_KEY, SEED_KEY + '\nround_to = "1 tkr"'))
    assert cli("run", path, "--quiet").exit_code == 0
    rows = cli.json_report("fordelning")["rows"]
    keyed = {r["recipient_id"]: r["amount_ore"] // 100 for r in rows if r["rule"] == "Fördelningsnyckel"}
    assert keyed == {"ASN": 13_056_123, "GVN": 6_912_000, "FSN": 4_096_000, "KS": 1_536_000}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total_kr=st.integers(min_value=FIXED_KR, max_value=10**12),
    cuts=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=5),
)
def test_any_total_and_integer_key(tmp_path, example_text, total_kr, cuts):
    # A random key of whole percentages summing to 100: the gaps between sorted cut points.
    points = sorted(cuts) + [100]
    percents = [b - a for a, b in zip([0] + points[:-1], points, strict=True)]
    names = ["ASN", "GVN", "FSN", "KS", "tillvaxt_level", "ASN"][: len(percents)]
    weights: dict[str, int] = {}
    for name, p in zip(names, percents, strict=True):
        weights[name] = weights.get(name, 0) + p
    key = "key = { " + ", ".join(f"{k} = {v}" for k, v in weights.items()) + " }"
    text = example_text.replace(SEED_TOTAL, f"total = {{ 2024 = {total_kr} }}").replace(SEED_KEY, key)
    path = tmp_path / "any.toml"
    path.write_text(text, encoding="utf-8")
    plan = compute(load_scenario(path, get_registry()), get_registry())
    keyed = [p.allocation for p in plan.allocations if p.rule == "percentage_key"]
    left = (total_kr - FIXED_KR) * 100
    assert sum(a.amount for a in keyed) == left
    for a in keyed:
        assert abs(a.amount - Fraction(left) * weights[a.to] / 100) <= 100
    assert plan.unallocated[("sjs", 2024)] == 0


def test_per_line_rounding_reports_its_difference(cli, scenario_file):
    # 14 400 010 kr leaves 10 kr for the key. Rounded line by line: 5,1 -> 5, 2,7 -> 3, 1,6 -> 2,
    # 0,6 -> 1, which is 11 kr: one krona more than was split, and it is shown, not absorbed.
    path = scenario_file(
        (SEED_TOTAL, "total = { 2024 = 14_400_010 }"), (SEED_KEY, SEED_KEY + '\nrounding = "per_line"')
    )
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    report = cli.json_report("fordelning")
    keyed = {r["recipient_id"]: r["amount_ore"] for r in report["rows"] if r["rule"] == "Fördelningsnyckel"}
    assert keyed == {"ASN": 500, "GVN": 300, "FSN": 200, "KS": 100}
    assert [(t["recipient"], t["amount_ore"]) for t in report["totals"]] == [
        ("Summa 2024", 1_440_001_100),
        ("Avrundningsdifferens (totalen är 14\u00a0400\u00a0010)", 100),
    ]
    assert report["totals"][0]["fund_total_ore"] == 1_440_001_000
    assert report["totals"][1]["rounding_difference"] is True
    out = result.stdout.replace("\u00a0", " ")
    assert "raderna summerar till 11 kr, 1 kr mer än de 10 kr som fördelades" in out


def test_per_line_rounding_can_fall_short(cli, scenario_file):
    # 100 kr in thirds, each rounded on its own: 33 + 33 + 33 = 99 kr, one krona short.
    path = scenario_file(
        (SEED_TOTAL, "total = { 2024 = 14_400_100 }"),
        (SEED_KEY, 'key = { ASN = "1/3", GVN = "1/3", FSN = "1/3" }\nrounding = "per_line"'),
    )
    assert cli("run", path, "--quiet").exit_code == 0
    report = cli.json_report("fordelning")
    assert [r["amount_ore"] for r in report["rows"] if r["rule"] == "Fördelningsnyckel"] == [3_300, 3_300, 3_300]
    assert report["totals"][1]["amount_ore"] == -100
    assert "1 kr mindre än de 100 kr" in cli("report", "fordelning").stdout.replace("\u00a0", " ")


def test_the_overview_of_the_years_says_where_a_rounded_krona_went(cli, scenario_file):
    # As above over two years, the second rounded exactly (300 kr in thirds): the overview's sums are
    # 14 400 099 kr and 14 400 300 kr, the first one krona short of its total, and a row says so (a trial).
    path = scenario_file(
        (SEED_TOTAL, "total = { 2024 = 14_400_100, 2025 = 14_400_300 }"),
        (SEED_KEY, 'key = { ASN = "1/3", GVN = "1/3", FSN = "1/3" }\nrounding = "per_line"'),
    )
    assert cli("run", path, "--quiet").exit_code == 0
    text = cli("report", "fordelning", "-f", "md").stdout.replace("\u00a0", " ")
    overview = text.split("## Översikt per år")[1].split("## Fördelning")[0]
    assert "| **Summa** |  |  | **14 400 099** | **14 400 300** |" in overview
    assert "| **Avrundningsdifferens** |  |  | **-1** | **0** |" in overview


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total_kr=st.integers(min_value=FIXED_KR, max_value=10**12),
    thousandths=st.lists(st.integers(min_value=0, max_value=100_000), min_size=3, max_size=3),
    weights=st.booleans(),
    unit_kr=st.sampled_from([1, 1000]),
)
def test_three_decimal_percentages_and_head_counts(tmp_path, example_text, total_kr, thousandths, weights, unit_kr):
    # Four recipients: either percentages with three decimals that sum to exactly 100,000 %
    # ("33,333 %"), or head counts normalised by their sum.
    cuts = sorted(thousandths)
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100_000], strict=True)]
    if weights:
        key = ", ".join(f"{r} = {p}" for r, p in zip(("ASN", "GVN", "FSN", "KS"), parts, strict=True))
        key = f"key = {{ {key} }}\nnormalise = true"
    else:
        written = [f'"{p // 1000},{p % 1000:03d} %"' for p in parts]
        key = "key = { " + ", ".join(f"{r} = {w}" for r, w in zip(("ASN", "GVN", "FSN", "KS"), written, strict=True))
        key += " }"
    text = example_text.replace(SEED_TOTAL, f"total = {{ 2024 = {total_kr} }}").replace(
        SEED_KEY, f"{key}\nround_to = {unit_kr}"
    )
    path = tmp_path / "any.toml"
    path.write_text(text, encoding="utf-8")
    plan = compute(load_scenario(path, get_registry()), get_registry())
    keyed = {p.allocation.to: p.allocation.amount for p in plan.allocations if p.rule == "percentage_key"}
    left = (total_kr - FIXED_KR) * 100
    assert sum(keyed.values()) == left
    unit = unit_kr * 100
    for rid, part in zip(("ASN", "GVN", "FSN", "KS"), parts, strict=True):
        exact = Fraction(left) * part / 100_000
        assert abs(keyed.get(rid, 0) - exact) < unit
