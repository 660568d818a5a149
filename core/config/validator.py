"""The Cerberus validator: jobbsats's checks (:mod:`jobbsats.config.checks`) and exact-number types on
Cerberus, its messages worded for people, and its errors as flat key paths. Loaded only for a document the
quick walk cannot vouch for, or a schema it cannot (see :func:`jobbsats.config.checks.validate`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cerberus
from cerberus import TypeDefinition, errors
from cerberus.errors import ValidationError
from cerberus.schema import DefinitionSchema
from cerberus.utils import mapping_hash

from jobbsats.config import names
from jobbsats.config.checks import TYPES, Checks
from jobbsats.errors import Problem, describe, key_path, shown


class Validator(Checks, cerberus.Validator):
    """Cerberus, made strict about numbers, with jobbsats's checks.

    ``true`` is not an integer here (Cerberus counts ``bool`` as ``int``), TOML
    decimals arrive as :class:`~decimal.Decimal` and have their own type, and
    ``money`` values must convert to whole öre.
    """

    # The quick walk's table, so the two cannot drift apart.
    types_mapping = {name: TypeDefinition(name, *types) for name, types in TYPES.items()}

    def _errors_below(self, field: str, value: Any, found: list[tuple[tuple[Any, ...], str]]) -> None:
        # Each problem belongs to one entry below the table (recipients.ASN.name): Cerberus's own error there.
        self._error(
            [
                ValidationError(
                    (*self.document_path, field, *where),
                    (*self.schema_path, field, "check_with"),
                    errors.CUSTOM.code,
                    "check_with",
                    "ids",
                    value,
                    (message,),
                )
                for where, message in found
            ]
        )


def _flatten(tree: dict, prefix: str) -> Iterator[Problem]:
    for key, items in tree.items():
        # A key may hold what cannot be seen (a zero-width space): the path shows it as \u200b.
        path = names.printable(key_path(prefix, key))
        for item in items:
            if isinstance(item, dict):
                yield from _flatten(item, path)
            else:
                yield Problem(path, str(item))


_TYPE_WORDS = {
    "integer": "a whole number",
    "decimal": "a number",
    "number": "a number",
    "string": "text in quotes",
    "dict": "a table",
    "list": "a list",
    "boolean": "true or false",
}


class Messages(errors.BasicErrorHandler):
    """Cerberus's messages, worded for people editing a scenario file."""

    messages = {
        **errors.BasicErrorHandler.messages,
        errors.REQUIRED_FIELD.code: "is required but missing",
        errors.UNKNOWN_FIELD.code: "unknown key (is it misspelt?)",
        errors.EMPTY_NOT_ALLOWED.code: "must not be empty",
        errors.MIN_VALUE.code: "must be at least {constraint}",
        errors.MAX_VALUE.code: "must be at most {constraint}",
    }

    def _format_message(self, field: Any, error: Any) -> str:
        if error.code == errors.BAD_TYPE.code:
            wanted = error.constraint if isinstance(error.constraint, list) else [error.constraint]
            words = " or ".join(_TYPE_WORDS.get(t) or str(t) for t in wanted)
            return f"must be {words}, not {describe(error.value)}"
        if error.code == errors.UNALLOWED_VALUE.code:
            return f"{shown(error.value)} is not allowed (choose one of: {', '.join(map(str, error.constraint))})"
        return super()._format_message(field, error)


def _skip_schema_check(schema: dict) -> None:
    """Tell Cerberus that a schema shipped with jobbsats needs no checking.

    Cerberus checks every schema against its own rules the first time a process
    uses it; for the built-in schemas that is about 20 ms of each ``jobbsats
    run``, a large part of the command's own time. They are checked for real by
    ``tests/test_schemas.py`` instead, and entered here in the cache of valid
    schemas that Cerberus documents on ``Validator`` (and empties with
    ``Validator.clear_caches()``). Should a later Cerberus change that cache, the
    schemas are simply checked again.
    """
    try:
        key = (mapping_hash(DefinitionSchema.expand(schema)), mapping_hash(Validator.types_mapping))
        Validator._valid_schemas.add(key)
    except (AttributeError, TypeError):  # pragma: no cover - a Cerberus without this cache
        pass


def check_schema(schema: dict) -> None:
    """Have Cerberus check ``schema`` against its own rules: :class:`cerberus.SchemaError` when it is broken."""
    Validator(schema)


def problems(document: dict, schema: dict, prefix: str = "", *, trusted: bool = False) -> list[Problem]:
    """Every problem Cerberus finds in ``document`` against ``schema``, with its key path (``trusted``: a schema
    shipped with jobbsats, not checked again)."""
    if trusted:
        _skip_schema_check(schema)
    validator = Validator(schema, allow_unknown=False, error_handler=Messages)
    # No normalisation: jobbsats uses no defaults or coercion, and normalising makes
    # Cerberus re-check every sub-schema it copies, most of the cost of a run.
    if validator.validate(document, normalize=False):
        return []
    return sorted(_flatten(validator.errors, prefix), key=lambda p: p.path)
