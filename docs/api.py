"""Write docs/api.md: every name in ``jobbsats.__all__`` with its signature and docstring.

    python docs/api.py > docs/api.md

tests/test_api.py runs this and fails when the page differs, so the page and the API never drift apart.
"""

from __future__ import annotations

import inspect
import sys

import jobbsats

GROUPS = [
    ("Versions and hooks", ["API_VERSION", "__version__", "hookimpl"]),
    (
        "Rules",
        [
            "FundRule",
            "ProjectRule",
            "FundContext",
            "ProjectContext",
            "Allocation",
            "RuleResult",
            "ProjectPeriod",
            "PeriodResult",
            "LedgerReader",
            "Scenario",
            "RuleSpec",
            "Fund",
            "Recipient",
            "Decision",
            "Project",
            "FinancingLine",
            "Financier",
        ],
    ),
    (
        "Rule helpers",
        [
            "largest_remainder",
            "per_line",
            "periodise",
            "MonthPiece",
            "unknown_recipient",
            "unknown_recipients",
            "shares_result",
            "rounding_problems",
            "years_of",
            "check_text",
        ],
    ),
    (
        "Schema fragments and checks",
        [
            "TEXT",
            "MONEY",
            "PERCENT",
            "QUANTITY",
            "SHARE",
            "DATE",
            "YEARS",
            "ROUNDING",
            "tables_by_id",
            "validate", "in_units",
            "to_date",
        ],
    ),
    (
        "Reports and formats",
        [
            "Report",
            "ReportOption",
            "ReportOptions",
            "RECIPIENT_OPTION",
            "FUND_OPTION",
            "QUARTERS_OPTION",
            "OutputFormat",
            "Document",
            "Table",
            "Column",
            "Chart",
            "Series",
            "LedgerView",
            "AllocationRow",
        ],
    ),
    (
        "Numbers the Swedish way",
        [
            "NBSP",
            "format_kr",
            "format_amount",
            "format_units",
            "format_count",
            "format_percent",

            "parse_percent",
            "parse_quantity",
            "round_half_up",
        ],
    ),
    ("Errors", ["Problem", "key_path", "JobbsatsError", "InputError", "PluginError"]),
]


def _signature(name: str, value: object) -> str:
    if inspect.isclass(value) and getattr(value, "_is_protocol", False):
        return f"class {name}(Protocol)"
    if inspect.isclass(value) or inspect.isfunction(value):
        try:
            return f"{name}{inspect.signature(value)}"
        except (TypeError, ValueError):
            return name
    if isinstance(value, str | int | dict | tuple):
        return f"{name} = {value!r}"
    return f"{name}: {type(value).__module__.split('.')[0]}.{type(value).__name__}"


NOTES = {
    "hookimpl": "Marks a plugin's hook implementations: `@jobbsats.hookimpl` above `def register_rules(register)`.",
    "API_VERSION": "The plugin API's version, MAJOR.MINOR: a minor release adds names, a major one may change them.",
}


def _doc(name: str, value: object) -> str:
    if name in NOTES:
        return NOTES[name]
    if inspect.isclass(value) or inspect.isfunction(value):
        return inspect.cleandoc(value.__doc__ or "").strip()
    return ""


def _members(cls: type) -> list[str]:
    """A protocol's or a class's own public methods and properties, each with its first line."""
    lines = []
    for attr, member in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(member, property) or inspect.isfunction(member):
            target = member.fget if isinstance(member, property) else member
            first = (inspect.getdoc(target) or "").split("\n\n")[0].replace("\n", " ")
            shown = attr if isinstance(member, property) else f"{attr}{inspect.signature(member)}"
            lines.append(f"- `{shown}`: {first}" if first else f"- `{shown}`")
    return lines


def page() -> str:
    listed = [name for _, names in GROUPS for name in names]
    missing = sorted(set(jobbsats.__all__) - set(listed))
    extra = sorted(set(listed) - set(jobbsats.__all__))
    if missing or extra:
        raise SystemExit(f"docs/api.py: group every public name once (missing {missing}, not public {extra})")
    out = [
        "# The plugin API",
        "",
        "<!-- Written by `python docs/api.py > docs/api.md`; tests/test_api.py keeps it equal to jobbsats.__all__. -->",
        "",
        f"API version {jobbsats.API_VERSION}. Every name below is importable from `jobbsats` itself "
        "(`import jobbsats`, then `jobbsats.Allocation`); a plugin never imports a `jobbsats.<submodule>`, "
        "which may change in any release. A plugin that needs a newer API says so with "
        '`requires_api = "1.0"` in its entry-point module, and an older jobbsats refuses it by name.',
        "",
    ]
    for title, names in GROUPS:
        out += [f"## {title}", ""]
        for name in names:
            value = getattr(jobbsats, name)
            out += [f"### `{name}`", "", "```python", _signature(name, value), "```", ""]
            doc = _doc(name, value)
            if doc:
                out += [doc, ""]
            if inspect.isclass(value) and (members := _members(value)):
                out += [*members, ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(page())
