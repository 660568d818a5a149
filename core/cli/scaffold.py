"""``jobbsats new-plugin``: a package skeleton for a rule or a report, ready to install and test."""

from __future__ import annotations

import re
from pathlib import Path

import click

# Words of lower case letters and digits joined by single underscores, so the distribution name
# (with hyphens) is a valid one: "jobbsats-x-" is not.
_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


@click.command("new-plugin")
@click.argument("name")
@click.option("--rule", "kind", flag_value="rule", help="A rule plugin (an allocation rule).")
@click.option("--report", "kind", flag_value="report", default=True, help="A report plugin (the default).")
@click.option("--dir", "parent", type=click.Path(file_okay=False, path_type=Path), default=".", help="Where to put it.")
def new_plugin(name: str, kind: str, parent: Path) -> None:
    """Write a plugin package NAME/ with one rule or report, a passing test and a README.

    NAME is the rule's or report's name (lower case letters, digits and _).
    Then: pip install -e ./NAME && pytest NAME, and `jobbsats plugins` lists it.
    """
    from importlib.resources import files
    from string import Template

    from jobbsats.errors import JobbsatsError

    if not _NAME.fullmatch(name) or len(name) > 40:
        raise JobbsatsError(
            f"{name!r}: a plugin name is lower case letters and digits, words joined by single _, "
            "starting with a letter (at most 40 characters)"
        )
    from jobbsats.registry import get_registry

    registry = get_registry()
    taken = {**{n: "rule" for n in registry.rules}, **{n: "report" for n in registry.reports}}
    if name in taken:
        owner = registry.owner[(taken[name], name)]
        raise JobbsatsError(f"{name!r} is a {taken[name]} already (from {owner}); two of one name cannot both load")
    folder = parent / name
    if folder.exists():
        raise JobbsatsError(f"{folder}: exists already; choose another name or folder")
    from jobbsats import API_VERSION

    module = f"jobbsats_{name}"
    values = {
        "name": name,
        "kind": kind,
        "module": module,
        "dist": f"jobbsats-{name.replace('_', '-')}",
        "cls": "".join(part.title() for part in name.split("_")),
        "api": API_VERSION,
        "usage": (
            f"After `jobbsats run`, `jobbsats report {name}` shows what each recipient ends up with per year."
            if kind == "report"
            else f'In a scenario: `[[rules]]` with `rule = "{name}"` and `to = ["ASN", "GVN"]` splits what is left.'
        ),
    }
    templates = files("jobbsats.scaffold")

    def render(template: str) -> str:
        return Template(templates.joinpath(template).read_text(encoding="utf-8")).substitute(values)

    try:
        (folder / "tests").mkdir(parents=True)
    except OSError as exc:
        raise JobbsatsError(f"{folder}: cannot create the folder: {exc.strerror}") from exc
    written = {
        folder / "pyproject.toml": render("pyproject.toml.tmpl"),
        folder / f"{module}.py": render(f"{kind}.py.tmpl"),
        folder / "tests" / f"test_{name}.py": render(f"test_{kind}.py.tmpl"),
        folder / "README.md": render("README.md.tmpl"),
    }
    for path, text in written.items():
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:  # a full disk: the error of a write names no file by itself
            raise JobbsatsError(f"{path}: cannot write: {exc.strerror}") from exc
    click.echo(f"Wrote the {kind} plugin {name} in {folder}/. Next:")
    click.echo(f"  pip install -e '{folder}[test]' && pytest {folder} && jobbsats plugins")
