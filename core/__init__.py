"""jobbsats: allocate and follow up labour-market money in a SQLite ledger.

Everything a plugin needs is a name of this package: ``import jobbsats`` and
write ``@jobbsats.hookimpl``, ``jobbsats.Allocation``, ``jobbsats.Document``...
(``jobbsats.__all__`` lists them; ``docs/api.md`` describes each). Submodules are
internals that may change in any release; these names change only with
:data:`API_VERSION`.

The names are loaded on first use, so ``import jobbsats`` (and ``jobbsats
--help``) imports neither pluggy nor the rest of the package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# The plugin API's version, MAJOR.MINOR: a minor release adds names, a major one may change them.
# A plugin that needs a newer one says so with ``requires_api = "1.1"`` in its entry-point module.
API_VERSION = "1.0"

# Where each public name lives; the modules are internal and may move, these names stay.
_PUBLIC: dict[str, str] = {
    # Hooks
    "hookimpl": "jobbsats.hookspecs",
    # Rules: the two contracts, what they get and what they give back
    "FundRule": "jobbsats.contracts",
    "ProjectRule": "jobbsats.contracts",
    "FundContext": "jobbsats.allocation",
    "ProjectContext": "jobbsats.allocation",
    "Allocation": "jobbsats.allocation",
    "RuleResult": "jobbsats.allocation",
    "ProjectPeriod": "jobbsats.allocation",
    "PeriodResult": "jobbsats.allocation",
    "LedgerReader": "jobbsats.ledger.reader",
    "Scenario": "jobbsats.scenario",
    "RuleSpec": "jobbsats.scenario",
    "Fund": "jobbsats.scenario",
    "Recipient": "jobbsats.scenario",
    "Decision": "jobbsats.scenario",
    "Project": "jobbsats.projects",
    "FinancingLine": "jobbsats.projects",
    "Financier": "jobbsats.projects",
    # Rule helpers
    "largest_remainder": "jobbsats.apportion",
    "per_line": "jobbsats.apportion",
    "periodise": "jobbsats.periods",
    "MonthPiece": "jobbsats.periods",
    "unknown_recipient": "jobbsats.rulekit",
    "unknown_recipients": "jobbsats.rulekit",
    "shares_result": "jobbsats.rulekit",
    "rounding_problems": "jobbsats.rulekit",
    "years_of": "jobbsats.rulekit",
    "check_text": "jobbsats.allocation",
    # Config schema fragments (Cerberus) for a rule's keys or a plugin's own section
    "TEXT": "jobbsats.config.schema",
    "MONEY": "jobbsats.config.schema",
    "PERCENT": "jobbsats.config.schema",
    "QUANTITY": "jobbsats.config.schema",
    "SHARE": "jobbsats.config.schema",
    "DATE": "jobbsats.config.schema",
    "YEARS": "jobbsats.config.schema",
    "ROUNDING": "jobbsats.config.schema",
    "tables_by_id": "jobbsats.config.schema",
    "validate": "jobbsats.config.public",
    "in_units": "jobbsats.config.public",
    "to_date": "jobbsats.config.dates",
    # Reports and formats
    "Report": "jobbsats.contracts",
    "ReportOption": "jobbsats.contracts",
    "ReportOptions": "jobbsats.contracts",
    "RECIPIENT_OPTION": "jobbsats.contracts",
    "FUND_OPTION": "jobbsats.contracts",
    "QUARTERS_OPTION": "jobbsats.contracts",
    "OutputFormat": "jobbsats.contracts",
    "Document": "jobbsats.document",
    "Table": "jobbsats.document",
    "Column": "jobbsats.document",
    "Chart": "jobbsats.document",
    "Series": "jobbsats.document",
    "LedgerView": "jobbsats.ledger.view",
    "AllocationRow": "jobbsats.ledger.view",
    # Numbers the Swedish way, exactly
    "NBSP": "jobbsats.money",
    "format_kr": "jobbsats.money",
    "format_amount": "jobbsats.money",
    "format_units": "jobbsats.money",
    "format_count": "jobbsats.money",
    "format_percent": "jobbsats.money",
    "parse_percent": "jobbsats.money",
    "parse_quantity": "jobbsats.money",
    "round_half_up": "jobbsats.money",
    # Errors
    "Problem": "jobbsats.errors",
    "key_path": "jobbsats.errors",
    "JobbsatsError": "jobbsats.errors",
    "InputError": "jobbsats.errors",
    "PluginError": "jobbsats.errors",
}

__all__ = ["API_VERSION", "__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'jobbsats' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from jobbsats.allocation import (
        Allocation,
        FundContext,
        PeriodResult,
        ProjectContext,
        ProjectPeriod,
        RuleResult,
        check_text,
    )
    from jobbsats.apportion import largest_remainder, per_line
    from jobbsats.config.dates import to_date
    from jobbsats.config.public import in_units, validate
    from jobbsats.config.schema import DATE, MONEY, PERCENT, QUANTITY, ROUNDING, SHARE, TEXT, YEARS, tables_by_id
    from jobbsats.contracts import (
        FUND_OPTION,
        QUARTERS_OPTION,
        RECIPIENT_OPTION,
        FundRule,
        OutputFormat,
        ProjectRule,
        Report,
        ReportOption,
        ReportOptions,
    )
    from jobbsats.document import Chart, Column, Document, Series, Table
    from jobbsats.errors import InputError, JobbsatsError, PluginError, Problem, key_path
    from jobbsats.hookspecs import hookimpl
    from jobbsats.ledger.reader import LedgerReader
    from jobbsats.ledger.view import AllocationRow, LedgerView
    from jobbsats.money import (
        NBSP,
        format_amount,
        format_count,
        format_kr,
        format_percent,
        format_units,
        parse_percent,
        parse_quantity,
        round_half_up,
    )
    from jobbsats.periods import MonthPiece, periodise
    from jobbsats.projects import Financier, FinancingLine, Project
    from jobbsats.rulekit import rounding_problems, shares_result, unknown_recipient, unknown_recipients, years_of
    from jobbsats.scenario import Decision, Fund, Recipient, RuleSpec, Scenario
