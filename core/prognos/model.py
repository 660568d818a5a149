"""A board's own forecast as the ledger view gives it back: the batch it came from, and its lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrognosBatch:
    """One imported forecast file: where it came from, who imported it when, for which scenario and year."""

    id: int
    started_at: str
    user: str
    file_path: str
    file_name: str
    file_sha256: str
    scenario: str
    run_id: int  # the run its names were checked against
    year: int
    rows_read: int
    control_total: int  # what its amounts add up to, in öre


@dataclass(frozen=True)
class BoardForecast:
    """A board's forecast for the year of one line (recipient, fund, purpose; "" is the fund's own), in öre."""

    recipient: str
    fund: str
    purpose: str
    amount: int
    comment: str
    line: int  # of its file
    batch: PrognosBatch
