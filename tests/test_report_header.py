"""Issue 16, point 6: the line a report starts with, as people keep it in their paper.

"Körning 2, 2 december 2026 kl. 17.24, från malmo-2024.toml.": Stockholm's local time written the
Swedish way (the ledger keeps UTC), the scenario file's name (not a path on someone's disk), and
``--no-header`` to leave the line out. The times are worked by hand: Sweden keeps CET (UTC+1) in
winter and CEST (UTC+2) from the last Sunday of March to the last Sunday of October, switching at
01.00 UTC (in 2026 on 29 March and 25 October).
"""

from __future__ import annotations

import datetime as real
import tomllib
import zoneinfo
from pathlib import Path

import pytest

from jobbsats.reports.header import file_name, swedish_time


@pytest.mark.parametrize(
    ("started_at", "shown"),
    [
        ("2026-07-01T10:00:00+00:00", "1 juli 2026 kl. 12.00"),  # summer: CEST, UTC+2
        ("2026-12-02T16:24:14+00:00", "2 december 2026 kl. 17.24"),  # winter: CET, UTC+1
        ("2026-03-29T00:59:00+00:00", "29 mars 2026 kl. 1.59"),  # the last minute of CET in spring
        ("2026-03-29T01:00:00+00:00", "29 mars 2026 kl. 3.00"),  # the clocks go forward an hour
        ("2026-10-25T00:30:00+00:00", "25 oktober 2026 kl. 2.30"),  # still CEST
        ("2026-10-25T01:30:00+00:00", "25 oktober 2026 kl. 2.30"),  # CET again: the hour comes twice
        ("2026-12-31T23:30:00+00:00", "1 januari 2027 kl. 0.30"),  # already the new year in Malmö
        ("2026-12-02T16:24:14", "2 december 2026 kl. 17.24"),  # no offset: the ledger's UTC
        ("2026-12-02T18:24:14+02:00", "2 december 2026 kl. 17.24"),  # another offset, the same instant
    ],
)
def test_a_start_is_stockholms_time_written_the_swedish_way(started_at, shown):
    assert swedish_time(started_at) == shown


def test_the_time_does_not_follow_the_machines_time_zone():
    import os
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        assert real.datetime(2026, 12, 2, 16, 24, tzinfo=real.UTC).astimezone().hour == 11  # the machine's zone
        assert swedish_time("2026-12-02T16:24:14+00:00") == "2 december 2026 kl. 17.24"
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_stockholm_is_found_without_a_system_time_zone_database():
    # The tzdata package (a dependency) holds the zone where the system has none (Windows, slim images).
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.startswith("tzdata") for d in project["dependencies"])
    try:
        zoneinfo.reset_tzpath([])  # no system database
        zone = zoneinfo.ZoneInfo.no_cache("Europe/Stockholm")
        assert real.datetime(2026, 7, 1, 10, tzinfo=real.UTC).astimezone(zone).hour == 12
        from jobbsats.reports.header import swedish_time

        assert swedish_time("2026-07-01T10:00:00+00:00") == "1 juli 2026 kl. 12.00"  # CEST, worked by hand
    finally:
        zoneinfo.reset_tzpath()


def test_the_file_is_named_without_its_folders():
    assert file_name("/work/main/core/examples/malmo-2024.toml") == "malmo-2024.toml"
    assert file_name(r"C:\Users\ekonom\Beslut\malmo-2024.toml") == "malmo-2024.toml"
    assert file_name("malmo-2024.toml") == "malmo-2024.toml"


@pytest.fixture
def clock(monkeypatch):
    """Sets the instant the ledger stamps a run with: ``clock("2026-07-01T10:00:00+00:00")``."""
    from jobbsats.ledger import write

    def set_to(instant: str) -> None:
        class Moment(real.datetime):
            @classmethod
            def now(cls, tz=None):
                return real.datetime.fromisoformat(instant)

        fake = type("datetime_module", (), {"datetime": Moment, "UTC": real.UTC, "date": real.date})
        monkeypatch.setattr(write, "datetime", fake)

    return set_to


def first_paragraph(cli, report: str, *args: str) -> str:
    return cli.json_report(report, *args)["paragraphs"][0]


def test_fordelning_starts_with_run_local_time_and_file_name(cli, clock, scenario_file):
    clock("2026-07-01T10:00:00+00:00")
    cli.prepare(("run", "--quiet"))  # the bundled example, by its absolute path
    clock("2026-12-02T16:24:14+00:00")
    assert cli("run", scenario_file(), "--quiet").exit_code == 0
    assert first_paragraph(cli, "fordelning", "--run", "1") == "Körning 1, 1 juli 2026 kl. 12.00, från malmo-2024.toml."
    assert first_paragraph(cli, "fordelning") == "Körning 2, 2 december 2026 kl. 17.24, från scenario.toml."
    md = cli("report", "fordelning").stdout
    assert "\n\nKörning 2, 2 december 2026 kl. 17.24, från scenario.toml.\n\n" in md
    assert "+00:00" not in md and str(Path.cwd()) not in md


def test_no_header_leaves_the_line_out_and_nothing_else(cli, clock):
    clock("2026-12-02T16:24:14+00:00")
    cli.prepare(("run", "--quiet"))
    with_header = cli.json_report("fordelning")
    without = cli.json_report("fordelning", "--no-header")
    assert with_header["paragraphs"][0] == "Körning 1, 2 december 2026 kl. 17.24, från malmo-2024.toml."
    assert without["paragraphs"] == with_header["paragraphs"][1:]
    assert without["rows"] == with_header["rows"]
    assert "Körning 1," not in cli("report", "fordelning", "--no-header").stdout
    # Every report takes the switch, and none of them writes the line with it.
    for report in ("fordelning", "beslut", "aterrapportering", "prognos", "projekt"):
        result = cli("report", report, "--no-header")
        assert result.exit_code == 0, (report, result.output)
    assert "--no-header" in cli("report", "beslut", "--help").stdout


def test_the_test_kit_builds_a_report_without_its_header(cli, clock):
    clock("2026-07-01T10:00:00+00:00")
    cli.prepare(("run", "--quiet"))
    assert cli.kit.build("fordelning").paragraphs[0] == "Körning 1, 1 juli 2026 kl. 12.00, från malmo-2024.toml."
    assert not any(p.startswith("Körning 1,") for p in cli.kit.build("fordelning", no_header=True).paragraphs)


def test_projekt_starts_with_the_same_header(cli, clock):
    clock("2026-12-02T16:24:14+00:00")
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    assert first_paragraph(cli, "projekt") == "Körning 1, 2 december 2026 kl. 17.24, från malmokraften-2020.toml."
    assert not any(p.startswith("Körning 1,") for p in cli.kit.build("projekt", no_header=True).paragraphs)
