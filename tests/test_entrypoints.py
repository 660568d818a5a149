"""jobbsats reads its plugins' entry points itself (jobbsats.entrypoints): the same answer as importlib.metadata."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

from jobbsats.entrypoints import EntryPoint, _scanned, installed


def _as_tuples(found) -> list[tuple[str, str, str, str]]:
    return [(ep.name, ep.value, ep.dist.name, ep.dist.version) for ep in found]


def test_the_scan_finds_what_importlib_metadata_finds_in_this_environment():
    for group in ("jobbsats", "console_scripts", "pytest11", "datasette"):
        assert _as_tuples(_scanned(group)) == _as_tuples(entry_points(group=group)), group


def test_a_distribution_is_counted_once_first_on_the_path_and_sections_are_read_exactly(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, version in ((first, "2.0"), (second, "1.0")):
        info = folder / f"Jobbsats_Demo-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: jobbsats-demo\nVersion: {version}\n\nName: body\n"
        )
        (info / "entry_points.txt").write_text(
            "[console_scripts]\ndemo = demo:main\n\n# a comment\n[jobbsats]\n"
            f"demo = jobbsats_demo_{version[0]}\nsub = pkg.mod:Thing.attr\n\n[other]\nx = y\n"
        )
    (first / "broken.egg-info").write_text("a file, not a folder\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second)])
    assert _as_tuples(installed()) == [
        ("demo", "jobbsats_demo_2", "jobbsats-demo", "2.0"),
        ("sub", "pkg.mod:Thing.attr", "jobbsats-demo", "2.0"),
    ]
    assert _as_tuples(installed()) == _as_tuples(entry_points(group="jobbsats"))


def test_a_zip_on_the_path_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert _scanned("jobbsats") is None
    assert installed() == []


def test_load_imports_the_module_and_follows_the_attributes():
    import jobbsats.money

    assert EntryPoint("x", "jobbsats.money", None).load() is jobbsats.money
    assert EntryPoint("x", "jobbsats.money:format_kr", None).load() is jobbsats.money.format_kr
    assert EntryPoint("x", " jobbsats.entrypoints : EntryPoint.load ", None).load() is EntryPoint.load


def test_the_scan_is_kept_for_the_process_until_plugins_are_reset(tmp_path, monkeypatch):
    """A command asks twice and scans once; a plugin installed meanwhile, even by rewriting an existing
    distribution's entry_points.txt in place (its folder's time unchanged), shows after plugins.reset()."""
    from jobbsats import plugins

    info = tmp_path / "jobbsats_demo-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: jobbsats-demo\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[jobbsats]\nfirst = demo_first\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert [ep.name for ep in installed()] == ["first"]
    (info / "entry_points.txt").write_text("[jobbsats]\nfirst = demo_first\nsecond = demo_second\n")
    assert [ep.name for ep in installed()] == ["first"]  # the process's scan
    plugins.reset()
    assert [ep.name for ep in installed()] == ["first", "second"]
