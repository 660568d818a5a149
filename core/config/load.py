"""Read a scenario file into a :class:`~jobbsats.scenario.Scenario`, or fail with every problem."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli

from jobbsats import guard
from jobbsats.config.checks import non_finite, validate
from jobbsats.config.dates import to_date
from jobbsats.config.names import bidi_problems, looks_like, purpose_problems
from jobbsats.config.nesting import line_too_deep
from jobbsats.config.projects import read_financiers, read_projects
from jobbsats.config.schema import CORE_SCHEMA, RULE_ENTRY_SCHEMA
from jobbsats.config.sound import surely_valid_schema
from jobbsats.config.units import fields_in_units
from jobbsats.config.utfall import check_utfall
from jobbsats.config.years import years_problems, years_text
from jobbsats.entrypoints import ALLOWLIST_ENV
from jobbsats.errors import InputError, PluginError, Problem, clip, key_path, shown
from jobbsats.inputfile import read_whole
from jobbsats.money import KRONOR, AmountError, fund_unit, to_units
from jobbsats.rulekit import years_of
from jobbsats.scenario import Decision, Fund, Recipient, RuleSpec, Scenario

if TYPE_CHECKING:
    from jobbsats.registry import Registry

BOM = "\ufeff"


def read_text(path: Path) -> tuple[str, bytes]:
    """The file's text (UTF-8, a BOM allowed) and its raw bytes.

    Read whole (TOML has to be), so at most :data:`~jobbsats.inputfile.MAX_SCENARIO_BYTES`;
    a pipe a program writes to (``<(cat scenario.toml)``) is read too, a device never.
    """
    raw = read_whole(path, "a scenario file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            str(path),
            [Problem(f"line {line}", f"is not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")],
        ) from None
    return text.removeprefix(BOM), raw


MAX_DEPTH = 32  # a scenario file needs five or six levels; Cerberus recurses on every one


def _depth(value: Any) -> int:
    """How deeply tables and lists nest in ``value`` (counted without recursion)."""
    if not isinstance(value, dict | list):
        return 0
    # Only tables and lists are stacked: a value inside one is as deep as any of its siblings, one level down.
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if children:
            deepest = max(deepest, level + 1)
            if level < MAX_DEPTH:  # deeper than that is refused anyway: no need to walk it all
                stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _line_of_long_number(text: str) -> int | None:
    """The line of the first run of digits longer than Python reads as an int (underscores apart), or None."""
    most = sys.get_int_max_str_digits() or 4300
    for match in re.finditer(rf"[0-9][0-9_]{{{most - 1},}}", text):
        if len(match.group().replace("_", "")) > most:
            return text.count("\n", 0, match.start()) + 1
    return None


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """TOML with every decimal read as an exact Decimal, never a float; nested at most MAX_DEPTH deep."""
    try:
        document = tomli.loads(text, parse_float=Decimal)
    except tomli.TOMLDecodeError as exc:
        raise InputError(source, [Problem("", f"not valid TOML: {exc}")]) from None
    except RecursionError:  # tomli's own limit (inline nesting, key parts), passed long after ours
        document = None
    except ValueError:  # Python's limit on the digits of an int read from text (4 300), hit inside tomli
        line = _line_of_long_number(text)
        raise InputError(
            source,
            [Problem(f"line {line}" if line else "", "has a number of thousands of digits; TOML integers are 64-bit")],
        ) from None
    if document is None or _depth(document) > MAX_DEPTH:
        line = line_too_deep(text, MAX_DEPTH)
        where = f"line {line}" if line else ""
        raise InputError(source, [Problem(where, f"tables or lists nest more than {MAX_DEPTH} levels deep")])
    return document


def _nfc_keys(value: Any, prefix: str, problems: list[Problem], keys: tuple[Any, ...] = ()) -> Any:
    """Normalise every key to NFC so "å" typed two ways is one name; report clashes.

    ``keys`` lead from ``prefix`` to ``value``; they are made a key path only for a clash.
    """
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            norm = key if unicodedata.is_normalized("NFC", key) else unicodedata.normalize("NFC", key)
            if norm in out:
                path = functools.reduce(key_path, (*keys, norm), prefix)
                problems.append(Problem(path, "appears twice (the same name written in two Unicode forms)"))
            # A value that is no table or list is done here: thousands of them in a large file, each spared a
            # call and its keys.
            out[norm] = (
                _nfc_keys(item, prefix, problems, (*keys, norm)) if isinstance(item, dict | list) else _nfc(item)
            )
        return out
    if isinstance(value, list):
        return [
            _nfc_keys(item, prefix, problems, (*keys, i)) if isinstance(item, dict | list) else _nfc(item)
            for i, item in enumerate(value)
        ]
    return _nfc(value)


def _nfc(value: Any) -> Any:
    """A text in NFC; any other value as it is."""
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    return value


def _genitive(name: str) -> str:
    return name if name[-1:] in "sxz" else name + "s"


def load_scenario(path: str | Path, registry: Registry) -> Scenario:
    """Load, validate and cross-check a scenario file.

    Raises :class:`~jobbsats.errors.InputError` listing every problem found,
    each with its key path, before anything touches the ledger.
    """
    scenario, problems = check_scenario(path, registry)
    if problems:
        raise InputError(scenario.source, problems)
    return scenario


def check_scenario(path: str | Path, registry: Registry) -> tuple[Scenario, list[Problem]]:
    """Like :func:`load_scenario`, but returns the problems of a file whose shape is sound.

    Rule entries with problems are left out of the scenario, so the rest can
    still be computed and every problem reported in one message. A file whose
    core sections are malformed raises :class:`~jobbsats.errors.InputError`
    (with the rule problems that could be found too).
    """
    path = Path(path)
    source = str(path)
    text, raw = read_text(path)
    document = parse_toml(text, source)

    problems: list[Problem] = []
    document = _nfc_keys(document, "", problems)
    problems += non_finite(document)
    if problems:
        raise InputError(source, problems)

    problems += _validate_core(document, registry)
    if not document.get("funds") and not document.get("projects") and not any(p.path == "funds" for p in problems):
        problems.append(Problem("funds", "is required: a scenario needs a fund to allocate or a project to follow"))
    valid_rules = []
    for index, entry in enumerate(document.get("rules") or []):
        if isinstance(entry, dict):
            entry_problems = _validate_rule_entry(entry, index, registry)
            problems += entry_problems
            if not entry_problems:
                valid_rules.append((index, entry))
    said = {p.path for p in problems}  # a name's own check has said it already
    problems += [p for p in bidi_problems(document) if p.path not in said]
    funds = document.get("funds")
    only_fund = next(iter(funds)) if isinstance(funds, dict) and len(funds) == 1 else ""
    said = {p.path for p in problems}
    problems += [p for p in purpose_problems(document.get("rules"), only_fund) if p.path not in said]
    if any(not p.path.startswith("rules[") for p in problems):
        # The rules cannot be computed, but they can still be checked against the
        # recipients and funds that are named, so those problems come in the same message.
        sketch = _sketch(document, valid_rules, source, text, raw)
        if sketch is not None:
            for spec in sketch.rules:
                if registry.is_project_rule(spec.rule):
                    continue  # the sketch has no projects to check a project rule against
                try:
                    problems += _cross_check(spec, sketch, registry)[1]
                except PluginError:
                    pass  # a plugin's check may need a sound file; the problems above come first
        raise InputError(source, problems)

    # The rest of the file is sound, so the rule entries that are well-formed can
    # be cross-checked now, and the user sees those problems in the same message.
    scenario = _build(document, valid_rules, source, text, raw)
    scenario.financiers, found = read_financiers(document, scenario.recipients)
    problems += found
    scenario.projects, found = read_projects(document, scenario.financiers, scenario.period)
    problems += found
    # Projects with problems are left out; a rule that follows projects would only add noise about them.
    projects_sound = not any(p.path.startswith(("projects.", "financiers.")) for p in problems)
    if scenario.decision.first_point <= len(scenario.decision.preamble):
        problems.append(
            Problem(
                "decision.first_point",
                f"must be at least {len(scenario.decision.preamble) + 1}: "
                f"the preamble already has points 1 to {len(scenario.decision.preamble)}",
            )
        )
    problems += _check_period(scenario)
    problems += check_utfall(document.get("utfall", {}), scenario)
    problems += [
        Problem(f"{key_path('funds', f.id)}.shown_in", f"is for funds in kronor; fund {shown(f.id)} counts {f.unit}")
        for f in scenario.funds.values()
        if f.unit != KRONOR and f.shown_in != KRONOR
    ]
    sound = []
    for spec in scenario.rules:
        if not projects_sound and registry.is_project_rule(spec.rule):
            continue
        spec, found = _cross_check(spec, scenario, registry)
        problems += found
        if not found:
            sound.append(spec)
    scenario.rules = sound
    return scenario, problems


def _schema_error() -> type[Exception]:
    """Cerberus's SchemaError, imported only when an ``except`` clause asks (Python evaluates the clause
    only for an exception that reaches it): a sound file is checked without loading Cerberus."""
    from cerberus import SchemaError

    return SchemaError


def _validate_core(document: dict, registry: Registry) -> list[Problem]:
    if not registry.config_schema:
        problems = validate(document, CORE_SCHEMA, trusted=True)
    else:
        try:
            # Each field's rules stand alone, so the plugins' part is checked on its own and the whole, with
            # the core's part that tests/test_schemas.py checks, is then trusted: checking the core's part
            # again in every process is most of what Cerberus costs a run.
            if not surely_valid_schema(registry.config_schema):
                from jobbsats.config.validator import check_schema

                check_schema(registry.config_schema)
            problems = validate(document, {**CORE_SCHEMA, **registry.config_schema}, trusted=True)
        except _schema_error() as exc:
            owners = ", ".join(sorted({registry.owner[("config", key)] for key in registry.config_schema}))
            raise PluginError(
                f"the config schema from plugin(s) {owners} is not a valid Cerberus schema: {exc}"
            ) from exc
    allow = os.environ.get(ALLOWLIST_ENV)
    if allow is None:
        return problems
    # A plugin's own section is unknown when the allowlist leaves the plugin out: say so, as for a rule.
    return [
        Problem(p.path, f"{p.message}; {ALLOWLIST_ENV}={shown(allow)} may leave out the plugin that brings it")
        if "." not in p.path and "[" not in p.path and p.message.startswith("unknown key")
        else p
        for p in problems
    ]


def _validate_rule_entry(entry: dict, index: int, registry: Registry) -> list[Problem]:
    prefix = f"rules[{index}]"
    name = entry.get("rule")
    if not isinstance(name, str):
        # Without a rule its other keys cannot be judged: report the rule alone.
        return [p for p in validate(entry, RULE_ENTRY_SCHEMA, prefix, trusted=True) if p.path == f"{prefix}.rule"]
    rule = registry.rules.get(name)
    if rule is None:
        known = ", ".join(sorted(registry.rules)) or "none"
        hint = ""
        if os.environ.get(ALLOWLIST_ENV) is not None:
            hint = f"; {ALLOWLIST_ENV}={shown(os.environ[ALLOWLIST_ENV])} may leave out the plugin that brings it"
        return [Problem(f"{prefix}.rule", f"unknown rule {shown(name)} (known rules: {clip(known, 200)}){hint}")]
    owner = registry.owner[("rule", name)]
    try:
        found = validate(entry, {**RULE_ENTRY_SCHEMA, **rule.schema}, prefix, trusted=registry.is_builtin(owner))
    except _schema_error() as exc:
        raise PluginError(f"rule {name!r} (plugin {owner!r}) has a schema Cerberus refuses: {exc}") from exc
    if registry.is_project_rule(name):
        # It follows whole projects: a fund or a part of the years would mean nothing to it.
        found += [
            Problem(f"{prefix}.{key}", f"rule {name!r} follows projects over their whole period; leave {key} out")
            for key in ("fund", "years")
            if key in entry
        ]
    return found


def _build(document: dict, rule_entries: list[tuple[int, dict]], source: str, text: str, raw: bytes) -> Scenario:
    recipients = {
        rid: Recipient(rid, r["name"], r["kind"], r.get("genitive") or _genitive(r["name"]))
        for rid, r in document["recipients"].items()
    }
    funds = {}
    for fid, f in document.get("funds", {}).items():
        totals, assumed = {}, {}
        unit = fund_unit(f.get("unit", KRONOR))
        for year, value in sorted(f["total"].items()):
            amount = value["amount"] if isinstance(value, dict) else value
            totals[int(year)] = to_units(amount, unit)
            if isinstance(value, dict) and value.get("assumed"):
                assumed[int(year)] = value.get("note", "")
        funds[fid] = Fund(fid, f["name"], f.get("wording", ""), totals, assumed, f.get("shown_in", "kr"), unit)
    decision_doc = document.get("decision", {})
    preamble = tuple(decision_doc.get("preamble", ()))
    decision = Decision(
        ref=decision_doc.get("ref", ""),
        decider=decision_doc.get("decider", ""),
        preamble=preamble,
        closing=tuple(decision_doc.get("closing", ())),
        first_point=decision_doc.get("first_point", len(preamble) + 1),
        date=to_date(decision_doc["date"]).isoformat() if "date" in decision_doc else "",
    )
    only_fund = next(iter(funds)) if len(funds) == 1 else ""
    rules = []
    for index, entry in rule_entries:
        own = {k: v for k, v in entry.items() if k not in RULE_ENTRY_SCHEMA}
        years = years_of(entry.get("years"))
        spec = RuleSpec(index, entry["rule"], entry.get("fund", only_fund), entry.get("label", ""), own)
        rules.append(dataclasses.replace(spec, years=tuple(years)) if years else spec)
    core_keys = set(CORE_SCHEMA)
    return Scenario(
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        name=document["scenario"]["name"],
        decision=decision,
        recipients=recipients,
        funds=funds,
        rules=rules,
        extra={k: v for k, v in document.items() if k not in core_keys},
        period=tuple(years_of(document["scenario"].get("years")) or ()) or None,
        utfall=document.get("utfall", {}),
    )


def _sketch(
    document: dict, rule_entries: list[tuple[int, dict]], source: str, text: str, raw: bytes
) -> Scenario | None:
    """The scenario as far as its names go (ids of recipients and funds, no amounts), or None."""
    tables = [document.get("recipients"), document.get("funds", {})]
    if not all(isinstance(t, dict) and all(isinstance(v, dict) for v in t.values()) for t in tables):
        return None
    sketched = {
        **document,
        "scenario": {"name": "", "years": _readable_years(document.get("scenario"))},
        "decision": {},
        "recipients": {
            rid: {"name": str(r.get("name", rid)), "kind": str(r.get("kind", ""))}
            for rid, r in document["recipients"].items()
        },
        "funds": {
            fid: {
                "name": str(f.get("name", fid)),
                "unit": fund_unit(f.get("unit")),
                "total": _readable_totals(f.get("total"), fund_unit(f.get("unit"))),
            }
            for fid, f in document.get("funds", {}).items()
        },
    }
    return _build(sketched, rule_entries, source, text, raw)


def _check_period(scenario: Scenario) -> list[Problem]:
    """Totals must fall inside ``[scenario].years`` when the scenario names its years."""
    if not scenario.period:
        return []
    span = years_text(scenario.period)
    return [
        Problem(f"{key_path('funds', fund.id)}.total.{year}", f"{year} is outside the scenario's years ({span})")
        for fund in scenario.funds.values()
        for year in fund.totals
        if year not in scenario.period
    ]


def _readable_years(section: Any) -> Any:
    """``[scenario].years`` if it can be read, for a sketch of a file with problems elsewhere."""
    try:
        return section["years"] if years_of(section.get("years")) else None
    except (AttributeError, ValueError):
        return None


def _readable_totals(total: Any, unit: str) -> dict:
    """The year totals that can be read, for a sketch of a file with problems elsewhere."""
    readable = {}
    for year, value in (total or {}).items() if isinstance(total, dict) else ():
        amount = value.get("amount") if isinstance(value, dict) else value
        try:
            if years_of(int(year)) and to_units(amount, unit) >= 0:
                readable[year] = amount
        except (ValueError, AmountError):
            continue
    return readable


def _cross_check(spec: RuleSpec, scenario: Scenario, registry: Registry) -> tuple[RuleSpec, list[Problem]]:
    """The entry with its amounts in its fund's unit, and its problems (the rule's own check included)."""
    problems: list[Problem] = []
    problems += years_problems(f"{spec.path}.years", spec.years, scenario.funds.get(spec.fund), scenario)
    if registry.is_project_rule(spec.rule):
        pass  # it follows projects, not a fund: whatever fund the entry names is not its business
    elif not scenario.funds:
        problems.append(Problem(f"{spec.path}.fund", f"rule {spec.rule!r} draws from a fund, and the file has none"))
    elif not spec.fund:
        problems.append(Problem(f"{spec.path}.fund", "is required when the file has more than one fund"))
    elif spec.fund not in scenario.funds:
        known = ", ".join(scenario.funds)
        problems.append(
            Problem(
                f"{spec.path}.fund",
                f"unknown fund {shown(spec.fund)} (funds: {clip(known, 200)}){looks_like(spec.fund, scenario.funds)}",
            )
        )
    fund = scenario.funds.get(spec.fund)
    unit = fund.unit if fund is not None and not registry.is_project_rule(spec.rule) else KRONOR
    converted: list[Problem] = []
    config = fields_in_units(spec.config, registry.rules[spec.rule].schema, unit, spec.path, converted)
    if converted:  # the rule's own check would see amounts it cannot read
        return spec, problems + converted
    spec = dataclasses.replace(spec, config=config)
    return spec, problems + _run_check(spec, scenario, registry)


def _run_check(spec: RuleSpec, scenario: Scenario, registry: Registry) -> list[Problem]:
    """A rule's own static check, guarded: a plugin's bug is named, never a traceback."""
    rule = registry.rules[spec.rule]
    where = f"{scenario.source}: {spec.path}: rule {spec.rule!r}"
    found = registry.call(lambda: rule.check(spec, scenario), "rule", spec.rule, "check()", where=where)
    if not isinstance(found, list) or not all(isinstance(p, Problem) for p in found):
        owner = registry.owner[("rule", spec.rule)]
        what = f"returned {type(found).__name__} from check(), not a list of Problem. {guard.NOTHING_WRITTEN}"
        raise guard.failure(owner, what, where=where, distribution=registry.distribution(owner))
    return found
