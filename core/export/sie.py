"""Each recipient's budget as SIE 4 ``#PBUDGET`` rows per ansvar, account and month, for the accounting system.

Where the money goes (SIE-Gruppen, "SIE filformat, utgåva 4B"):

- **Ansvar**: a recipient's code from ``[utfall.ansvar]``, the codes its utfall is booked on: its
  first exact code there, else its first prefix without the ``*`` (``"31*"`` gives ``31``, the level
  above the codes it stands for), or the code ``--ansvar ID=CODE`` gives (which ``[utfall.ansvar]``
  must map to that recipient). The object is in the SIE dimension the import reads ansvar from:
  ``[utfall.sie_dimensions].ansvar``, else 1 (*kostnadsställe / resultatenhet*, what SIE reserves it for).
- **Account**: ``--account`` (default :data:`DEFAULT_ACCOUNT`, one of the cost accounts utfall is
  read from). Money a board passes on to a recipient the accounting system has no ansvar for is the
  board's cost, booked on its own ansvar: it stays in the board's budget, on the account the
  ``[[utfall.map]]`` entry naming that recipient matches (kommunstyrelsen's grant to Tillväxt Malmö
  och Level on 4620 in the 2024 example), or else on ``--account``. Money passed on to a recipient
  with an ansvar of its own is in that recipient's budget, not the giver's.
- **Year**: every year of the run whose total is decided; a year whose total is assumed has no
  SIE budget (its allocations are a proposal, phase ``proposed`` in the tables).
- **Month**: the year's budget on an ansvar and account spread over its twelve months exactly, in
  integer öre: each month gets a twelfth rounded down to the whole krona (to the öre when the year's
  budget has öre), and December the rest besides, so that the months sum to the year's budget. 4 096 000
  kr is 341 333 kr a month, December 341 337 kr. A budget below 0 (an overspend carried) is spread the
  same way, below 0.

A file per year (``#RAR 0`` is its calendar year; SIE numbers no years ahead), of SIE type 4 as an
export (4E, ``.se``): ``#FLAGGA``, ``#KSUMMA`` (the checksum :mod:`jobbsats.utfall.sie` verifies),
``#PROGRAM``, ``#FORMAT PC8`` (the file is code page 437: :func:`to_cp437` writes "–" as "-", a
character with no near one as ``?``),
``#GEN``, ``#SIETYP 4``, ``#PROSA``, ``#FNAMN`` (the scenario's name), ``#RAR``, ``#KONTO`` and
``#DIM``/``#OBJEKT`` for what the rows use, then ``#PBUDGET 0 YYYYMM account {} amount`` for the
account as a whole and ``#PBUDGET 0 YYYYMM account {1 "31"} amount`` per ansvar, as SIE asks of
period balances with objects. :func:`read_budget` reads such a file back, through the project's own
SIE reader.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jobbsats import __version__
from jobbsats.errors import JobbsatsError, clip, shown
from jobbsats.export.csvfiles import assumed, kronor
from jobbsats.inputfile import open_file
from jobbsats.ledger.view import LedgerView
from jobbsats.money import KRONOR, format_units
from jobbsats.utfall.importer import SIE_DIMENSIONS
from jobbsats.utfall.mapping import Mapping, Pattern
from jobbsats.utfall.sie import Checksum, SieError, SieReader, fields

DEFAULT_ACCOUNT = "4000"
_ACCOUNT = re.compile(r"^[0-9]{1,10}$")
_AMOUNT = re.compile(r"^(-?)([0-9]{1,16})(?:\.([0-9]{1,2}))?$")


def spread(amount: int) -> list[int]:
    """A year's budget in öre over its twelve months, exactly: a twelfth rounded down to the krona (to the
    öre when the amount has öre) each month, and December the rest besides."""
    unit = 100 if amount % 100 == 0 else 1
    size = abs(amount)
    month = size // 12 // unit * unit
    months = [month] * 11 + [size - 11 * month]
    return [m if amount >= 0 else -m for m in months]


@dataclass
class Budget:
    """What the SIE files hold: öre by year and (ansvar, account), each ansvar's name, and what to tell."""

    amounts: dict[int, dict[tuple[str, str], int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    dimension: int = 1
    notes: list[str] = field(default_factory=list)


def _codes(section: dict, view: LedgerView, overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Each recipient's ansvar code for its budget, and a note on the codes taken from a prefix."""
    mapping = Mapping(section)
    for rid, code in overrides.items():
        if rid not in view.recipients:
            raise JobbsatsError(
                f"--ansvar {rid}={code}: run {view.run_id} has no recipient {rid!r} "
                f"(recipients: {', '.join(view.recipients)})"
            )
        owner = mapping.recipient_of(code)
        if owner != rid:
            whose = f"is {owner}'s" if owner else "belongs to no recipient"
            raise JobbsatsError(
                f"--ansvar {rid}={clip(code, 40)}: in [utfall.ansvar] the code {whose}, so utfall booked on it "
                f"would not be set against {rid}'s budget"
            )
    codes, from_prefix = {}, []
    for rid in view.recipients:
        exact = [c for c, r in section.get("ansvar", {}).items() if r == rid and not c.endswith("*")]
        prefixes = [c[:-1] for c, r in section.get("ansvar", {}).items() if r == rid and c.endswith("*")]
        if rid in overrides:
            codes[rid] = overrides[rid]
        elif exact or prefixes:
            codes[rid] = (exact or prefixes)[0]
            if not exact:
                from_prefix.append(f"{rid} {codes[rid]}")
    taken: dict[str, str] = {}
    for rid, code in codes.items():
        if code in taken:
            raise JobbsatsError(
                f"{taken[code]} and {rid} would both have their budget on ansvar {clip(code, 40)}; "
                f"give each a code of its own with --ansvar ID=CODE"
            )
        taken[code] = rid
    notes = []
    if from_prefix:
        notes.append(
            f"Ansvar from a prefix in [utfall.ansvar], without its *: {', '.join(from_prefix)} "
            "(--ansvar ID=CODE gives a code of its own)."
        )
    return codes, notes


def _grant_accounts(section: dict) -> dict[str, str]:
    """The account a ``[[utfall.map]]`` entry that names a recipient matches, when it is one exact account."""
    out: dict[str, str] = {}
    for entry in section.get("map", []):
        account = entry.get("match", {}).get("account")
        if isinstance(account, list) and len(account) == 1:
            account = account[0]
        if entry.get("recipient") and isinstance(account, str) and _ACCOUNT.match(account):
            out.setdefault(entry["recipient"], account)
    return out


def check_account(account: str, section: dict) -> None:
    """Refuse an account SIE cannot hold, or one whose rows ``[utfall]`` does not count as utfall."""
    if not _ACCOUNT.match(account):
        raise JobbsatsError(f"--account {shown(account, 40)}: an account is a number of at most 10 digits")
    accounts = section.get("accounts")
    if accounts and not Pattern(accounts)(account):
        listed = ", ".join([accounts] if isinstance(accounts, str) else accounts)
        raise JobbsatsError(
            f"--account {account}: [utfall] reads utfall from the accounts {listed} only, so a budget on "
            f"{account} could never be set against its utfall"
        )


def plan(view: LedgerView, account: str = DEFAULT_ACCOUNT, overrides: dict[str, str] | None = None) -> Budget:
    """Where each recipient's budget goes: ansvar, account and year (see the module's description)."""
    section = view.config.get("utfall", {})
    budget = Budget(dimension=int({**SIE_DIMENSIONS, **section.get("sie_dimensions", {})}["ansvar"]))
    if not section.get("ansvar"):
        budget.notes.append("No SIE budget file: the scenario has no [utfall.ansvar] to say whose ansvar is whose.")
        return budget
    check_account(account, section)
    codes, budget.notes = _codes(section, view, overrides or {})
    budget.names = {code: view.recipients[rid].name for rid, code in codes.items()}
    grant_accounts = _grant_accounts(section)
    amounts: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    left_out: dict[tuple[int, str], int] = defaultdict(int)

    def add(year: int, rid: str, amount: int, on: str = account) -> None:
        if rid in codes:
            amounts[year][(codes[rid], on)] += amount
        else:
            left_out[(year, rid)] += amount

    proposals = assumed(view)
    for a in view.allocations():
        if a.fund.unit != KRONOR or (a.fund.id, a.year) in proposals:
            continue
        if a.via is None or a.to.id in codes:
            add(a.year, a.to.id, a.amount)
            if a.via is not None:
                add(a.year, a.via.id, -a.amount)  # now the budget of the one it is passed on to
        else:  # passed on to one without an ansvar: the giver's cost, on the grant's own account
            add(a.year, a.via.id, -a.amount)
            add(a.year, a.via.id, a.amount, grant_accounts.get(a.to.id, account))
    for c in view.carried():
        if c.fund.unit == KRONOR and (c.fund.id, c.year) not in proposals:
            add(c.year, c.to.id, c.amount)
    budget.amounts = {
        year: {key: ore for key, ore in sorted(lines.items()) if ore} for year, lines in sorted(amounts.items())
    }
    budget.amounts = {year: lines for year, lines in budget.amounts.items() if lines}
    if proposals:
        years = ", ".join(sorted({str(year) for _, year in proposals}))
        budget.notes.append(f"No SIE budget for {years}: the total is assumed, not decided.")
    missing = [f"{rid} {year}: {format_units(ore)}" for (year, rid), ore in sorted(left_out.items()) if ore]
    if missing:
        budget.notes.append(
            "Not in the SIE budget, for want of an ansvar code in [utfall.ansvar]: " + "; ".join(missing) + "."
        )
    return budget


# Characters code page 437 lacks that have a near one in it: dashes, typographic quotes, spaces.
_NEAREST = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash: "2024–2026"
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark: "Ung i sommar”
        "\u201e": '"',  # low double quotation mark
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark (and apostrophe)
        "\u201a": "'",  # low single quotation mark
        "\u2026": "...",  # ellipsis
        "\u00a0": " ",  # no-break space: CP437 has it, but readers take it for a stray character
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space, between thousands
    }
)


def to_cp437(text: str) -> str:
    """``text`` as code page 437 can hold it, the nearest it has for what it lacks.

    Composed first (NFC, so an "é" written as "e" and an accent stays one letter CP437 has),
    then dashes become ``-``, typographic quotes ``"`` and ``'``, thin and no-break spaces plain
    ones and a control character a space; any other character CP437 lacks becomes ``?``.
    """
    near = unicodedata.normalize("NFC", text).translate(_NEAREST)
    plain = re.sub(r"[\x00-\x1f\x7f]", " ", near)
    return plain.encode("cp437", "replace").decode("cp437")


def _text(value: str) -> str:
    """A quoted SIE field in code page 437 (:func:`to_cp437`), its quotes and backslashes escaped."""
    return '"' + to_cp437(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def budget_file(view: LedgerView, budget: Budget, year: int, today: datetime.date | None = None) -> bytes:
    """The SIE 4 file of ``year``'s budget: every line, then the checksum over them."""
    lines = budget.amounts[year]
    dim = budget.dimension
    run = view.run
    ref = f" ({run.decision.ref})" if run.decision and run.decision.ref else ""
    funds = ", ".join(f.name for f in view.funds.values() if f.unit == KRONOR)
    records = [
        "#FLAGGA 0",
        "#KSUMMA",
        f"#PROGRAM {_text('jobbsats')} {__version__}",
        "#FORMAT PC8",
        f"#GEN {(today or datetime.date.today()):%Y%m%d}",
        "#SIETYP 4",
        f"#PROSA {_text(f'Budget {year} per ansvar och månad, körning {run.id}: {run.scenario}{ref}')}",
        f"#FNAMN {_text(run.scenario)}",
        f"#RAR 0 {year}0101 {year}1231",
    ]
    # SIE 4B requires #KONTO in a type 4E file ("Typer: 1, 2, 3, 4I*, 4E": optional only in 4I),
    # and #PBUDGET may not stand in a 4I file: so the accounts are named, here by what the budget is for.
    records += [f"#KONTO {acct} {_text(funds)}" for acct in sorted({acct for _, acct in lines})]
    records.append(f"#DIM {dim} {_text('Ansvar')}")
    records += [f"#OBJEKT {dim} {_text(code)} {_text(budget.names[code])}" for code in sorted({c for c, _ in lines})]
    months = {key: spread(ore) for key, ore in lines.items()}
    for acct in sorted({acct for _, acct in lines}):
        codes = sorted(code for code, a in lines if a == acct)
        for m in range(12):
            period = f"{year}{m + 1:02d}"
            total = sum(months[(code, acct)][m] for code in codes)
            if total:
                records.append(f"#PBUDGET 0 {period} {acct} {{}} {kronor(total)}")
            records += [
                f"#PBUDGET 0 {period} {acct} {{{dim} {_text(code)}}} {kronor(months[(code, acct)][m])}"
                for code in codes
                if months[(code, acct)][m]
            ]
    checksum = Checksum("cp437")
    checksum.mark(["#KSUMMA"], 2)
    for number, record in enumerate(records[2:], start=3):
        checksum.add(fields(record, number), number)
    records.append(f"#KSUMMA {checksum.crc}")
    return ("\r\n".join(records) + "\r\n").encode("cp437")


@dataclass(frozen=True)
class BudgetRow:
    """One ``#PBUDGET`` row: a year (0 this one), a period YYYYMM, an account, its objects and öre."""

    line: int
    year: int
    period: str
    account: str
    objects: tuple[tuple[str, str], ...]
    amount: int

    def object(self, dimension: int | str) -> str:
        """The code of the object in ``dimension``, or "" (a row for the account as a whole)."""
        return next((code for dim, code in self.objects if dim == str(dimension)), "")


@dataclass
class BudgetFile:
    """A SIE budget file read back: its rows, dimensions (#DIM), objects (#OBJEKT) and year (#RAR 0)."""

    rows: list[BudgetRow]
    dimensions: dict[str, str]
    objects: dict[tuple[str, str], str]
    year: tuple[str, str] | None


def read_budget(path: Path) -> BudgetFile:
    """Read a SIE 4 file's ``#PBUDGET`` rows, after the project's SIE reader has checked the file as an
    import would (its type, its #KSUMMA checksum, every line's fields); raises :class:`SieError`."""
    reader = SieReader(path)
    verifications = list(reader)
    if verifications:
        raise SieError(verifications[0].line, "a budget file holds no verifications (#VER)")
    rows, year = [], None
    with open_file(path, "a SIE budget file") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.decode("cp437").strip()
            if not text:
                continue
            parts = fields(text, number)
            label = parts[0].upper()
            if label == "#RAR" and len(parts) >= 4 and parts[1] == "0":
                year = (parts[2], parts[3])
            elif label == "#PBUDGET":
                rows.append(_budget_row(parts, number))
    return BudgetFile(rows, reader.dimensions, reader.objects, year)


def _budget_row(parts: list[str], number: int) -> BudgetRow:
    if len(parts) < 6:
        raise SieError(number, "#PBUDGET needs a year, a period, an account, an object list and an amount")
    _, year, period, account, objects, amount = parts[:6]
    if not re.fullmatch(r"-?[0-9]{1,3}", year):
        raise SieError(number, f"{shown(year)} is not a year number (0 this year, -1 the year before)")
    if not (re.fullmatch(r"[0-9]{6}", period) and 1 <= int(period[4:]) <= 12):
        raise SieError(number, f"{shown(period)} is not a period written YYYYMM")
    if not _ACCOUNT.match(account):
        raise SieError(number, f"{shown(account)} is not an account number")
    if not (objects.startswith("{") and objects.endswith("}")):
        raise SieError(number, f"expected an object list in braces, not {shown(objects)}")
    inner = fields(objects[1:-1], number)
    if len(inner) % 2:
        raise SieError(number, f"the object list {clip(objects, 80)} must hold pairs of dimension and object")
    match = _AMOUNT.match(amount)
    if not match:
        raise SieError(number, f"{shown(amount)} is not an amount (1234.50)")
    sign, whole, frac = match.groups()
    ore = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    pairs = tuple(zip(inner[::2], inner[1::2], strict=True))
    return BudgetRow(number, int(year), period, account, pairs, -ore if sign else ore)
