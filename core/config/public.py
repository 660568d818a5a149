"""A plugin's own files, checked and read with the same schema language and messages as the scenario file."""

from __future__ import annotations

from typing import Any

from jobbsats.config.units import fields_in_units
from jobbsats.errors import Problem
from jobbsats.money import KRONOR


def validate(document: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> list[Problem]:
    """Every problem of ``document`` (read with :mod:`tomllib` and ``parse_float=Decimal``)
    against a Cerberus ``schema`` that may use jobbsats's checks (:data:`jobbsats.MONEY`,
    :data:`jobbsats.DATE`, ...), each with its key path; ``nan`` and ``inf`` are refused
    anywhere. An empty list means the document is sound."""
    # Loaded with the first document checked: a plugin imports this name at start-up, and most commands (a
    # report) check no plugin's file.
    from jobbsats.config.checks import non_finite
    from jobbsats.config.checks import validate as _validate

    return list(non_finite(document, prefix)) or _validate(document, schema, prefix)


def in_units(
    document: dict[str, Any], schema: dict[str, Any], unit: str = KRONOR, prefix: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """``document`` (already :func:`validate` d) with every amount its ``schema`` declares
    (:data:`jobbsats.MONEY`, or a table of amounts by year) as an integer: öre, or whole
    ``unit`` s ("platser"). Amounts are read once, here, the way a rule's keys are; the
    problems name the amounts that are not whole units."""
    problems: list[Problem] = []
    return fields_in_units(document, schema, unit, prefix, problems), problems
