"""The core part of the scenario file's schema; rules and plugins add theirs."""

from __future__ import annotations

from jobbsats.money import SHOWN_IN
from jobbsats.projects import STATUSES
from jobbsats.scenario import RECIPIENT_KINDS

TEXT = {"type": "string", "empty": False, "check_with": "not_blank"}
# A name that reports show (a recipient's, a fund's...): text, without bidirectional controls.
NAME = {**TEXT, "check_with": "name"}
# Numbers are checked by their converters alone, whose messages say more than a
# type error would ("must be a number, not true/false", "not a whole number of öre").
MONEY = {"check_with": "money"}
PERCENT = {"check_with": "percent"}
QUANTITY = {"check_with": "quantity"}  # a plain number: a head count, a volume
SHARE = {"check_with": "share"}  # a percentage of a whole, at most 100 %
DATE = {"check_with": "date"}  # a TOML date (2020-01-01) or the same as text
YEARS = {"check_with": "years"}  # 2024, "2024-2026" or [2024, 2025]
# The keys of a rule that rounds: to what unit (an amount, arriving in the fund's unit) and how.
ROUNDING = {
    "round_to": MONEY,
    "rounding": {"type": "string", "allowed": ["largest_remainder", "per_line"]},
}
# An accounting code in quotes, a prefix ending in * ("31*"), or a list of them.
CODES = {"type": ["string", "list"], "empty": False, "schema": TEXT}


def tables_by_id(fields: dict, required: bool = True) -> dict:
    """A non-empty set of ``[section.ID]`` tables, each with ``fields``.

    Their ids, and their names, must be ones people can tell apart (``check_with: ids``).
    """
    return {
        "type": "dict",
        "required": required,
        "empty": False,
        "check_with": "ids",
        "keysrules": TEXT,
        "valuesrules": {"type": "dict", "schema": fields},
    }


CORE_SCHEMA: dict = {
    "scenario": {
        "type": "dict",
        "required": True,
        "schema": {
            "name": {**NAME, "required": True},
            "description": {"type": "string"},
            # The years the scenario covers (a mandate period); a year without a total is "not decided".
            "years": YEARS,
        },
    },
    "decision": {
        "type": "dict",
        "schema": {
            "ref": TEXT,
            "decider": TEXT,
            "date": DATE,  # the day of the decision: a revision of a budget is named by its ref and date
            "preamble": {"type": "list", "schema": TEXT},
            "closing": {"type": "list", "schema": TEXT},
            "first_point": {"type": "integer", "min": 1, "max": 10_000},
        },
    },
    "recipients": tables_by_id(
        {
            "name": {**NAME, "required": True},
            "kind": {"type": "string", "required": True, "allowed": list(RECIPIENT_KINDS)},
            "genitive": NAME,
        }
    ),
    # A scenario of projects alone needs no fund; a rule that draws from one does (load.py checks).
    "funds": tables_by_id(
        {
            "name": {**NAME, "required": True},
            "wording": TEXT,
            "shown_in": {"type": "string", "allowed": list(SHOWN_IN)},
            # What the fund counts: "kr" (the default), or whole things such as "platser".
            "unit": {"check_with": "unit"},
            "total": {
                "type": "dict",
                "required": True,
                "empty": False,
                "keysrules": {"type": "string", "check_with": "year"},
                "valuesrules": {"check_with": "total"},
            },
        },
        required=False,
    ),
    # Who pays into projects besides the recipients (which can pay too): ESF, Finsam...
    "financiers": tables_by_id(
        {
            "name": {**NAME, "required": True},
            "max_share": SHARE,  # the most of a project's budget it may pay, where a rule of its says so
            "programmes": tables_by_id({"name": {**NAME, "required": True}, "max_share": SHARE}, required=False),
            # A group (Finsam): its members and their shares, which add up to exactly 100 %.
            "members": tables_by_id(
                {"name": {**NAME, "required": True}, "share": {**SHARE, "required": True}}, required=False
            ),
        },
        required=False,
    ),
    "projects": tables_by_id(
        {
            "name": {**NAME, "required": True},
            "case": TEXT,  # diarienummer, such as ASN-2019-12911
            "owner": TEXT,  # may be outside the city: Arbetsförmedlingen
            "participants": {"type": "list", "schema": TEXT},
            "start": {**DATE, "required": True},
            "end": {**DATE, "required": True},
            "total": MONEY,
            # The decision points beslut words for the project (reports/beslut.py).
            "short": NAME,  # its name in the points: "Malmökraften"; default name
            "apply_with_owner": {"type": "boolean"},  # the deciding board applies together with the owner
            "text": TEXT,  # the wording of the point that the board takes part
            "apply_text": TEXT,  # the wording of the point that it applies with the owner
            "financing": {
                "type": "list",
                "required": True,
                "empty": False,
                "schema": {
                    "type": "dict",
                    "schema": {
                        "financier": {**TEXT, "required": True},
                        "programme": TEXT,
                        "amount": MONEY,
                        "share": SHARE,
                        "status": {"type": "string", "required": True, "allowed": list(STATUSES)},
                        "decided": DATE,
                        "reference": TEXT,
                        "condition": TEXT,  # the financier whose grant this line depends on
                        "in_kind": {"type": "boolean"},
                        "note": TEXT,
                        # The amount applied for is rough ("ca 44 000 000 kronor"); never on a granted line.
                        "approx": {"type": "boolean"},
                    },
                },
            },
        },
        required=False,
    ),
    "rules": {"type": "list", "required": True, "empty": False, "schema": {"type": "dict"}},
    # How booked utfall is read and whose money each row is (see jobbsats.utfall.mapping).
    "utfall": {
        "type": "dict",
        "schema": {
            "columns": {
                "type": "dict",
                "schema": {
                    field: {**TEXT, "required": field in ("date", "amount")}
                    for field in ("date", "amount", "account", "ansvar", "verksamhet", "project", "text")
                },
            },
            "delimiter": {"type": "string", "allowed": [";", ",", "\t"]},
            "decimal": {"type": "string", "allowed": [",", "."]},
            "sie_dimensions": {
                "type": "dict",
                "schema": {f: {"type": "integer", "min": 1} for f in ("ansvar", "verksamhet", "project")},
            },
            "accounts": CODES,
            "ansvar": {"type": "dict", "keysrules": {**TEXT, "regex": r"[^*]+\*?"}, "valuesrules": TEXT},
            "map": {
                "type": "list",
                "schema": {
                    "type": "dict",
                    "schema": {
                        "match": {
                            "type": "dict",
                            "required": True,
                            "empty": False,
                            "schema": {f: CODES for f in ("account", "ansvar", "verksamhet", "project")},
                        },
                        "fund": TEXT,
                        "project": TEXT,
                        "recipient": TEXT,
                        # Which of the fund's purposes the rows are ("Ung i sommar"); none: the fund's own.
                        "purpose": TEXT,
                    },
                },
            },
        },
    },
}

# Keys every [[rules]] entry has; a rule's own schema adds the rest.
RULE_ENTRY_SCHEMA: dict = {
    "rule": {**TEXT, "required": True},
    "fund": TEXT,
    "label": TEXT,
    # Only these years (a key that changes from 2026 is two entries); default every year.
    "years": YEARS,
}
