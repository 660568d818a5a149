"""``jobbsats backup``: a consistent copy of the ledger, safe while others read and write it."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.options import db_option, json_option, print_json


@click.command()
@click.argument("target", type=click.Path(path_type=Path))
@db_option
@json_option
def backup(target: Path, db: Path, as_json: bool) -> None:
    """Copy the ledger to TARGET, a new file: one snapshot, whatever is written meanwhile.

    Copying the file itself can miss the newest runs (they may still be in the
    ledger's write-ahead log beside it). The copy is then verified, and its last
    link printed, to keep with it.
    """
    import os  # here, not above: `jobbsats --help` imports every command's module
    import sqlite3
    import tempfile

    from jobbsats.cli.verify import covered
    from jobbsats.errors import JobbsatsError, LedgerError, clip
    from jobbsats.files import can_create, look_up, sync_file, sync_folder, temp_prefix
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.chain import verify
    from jobbsats.ledger.db import failure, side_names_too_long

    shown = clip(str(target))
    if look_up(target) is not None:
        raise JobbsatsError(f"{shown}: exists already; a backup goes to a new file")
    if not target.parent.is_dir():
        raise JobbsatsError(f"{shown}: the folder {clip(str(target.parent))} does not exist")
    if too_long := side_names_too_long(target):  # a copy no one could open after
        raise JobbsatsError(f"{shown}: {too_long}")
    can_create(target)  # a read-only file system or /proc is said before the copy, not after
    ledger = open_ledger(db, must_exist=True)
    try:
        handle, name = tempfile.mkstemp(prefix=temp_prefix(target), dir=target.parent)
    except OSError as exc:
        raise JobbsatsError(f"{shown}: cannot create a file in {clip(str(target.parent))}: {exc.strerror}") from exc
    os.close(handle)
    temp = Path(name)
    try:
        copy = sqlite3.connect(temp)
        try:
            ledger.conn.backup(copy)  # SQLite's online backup: page by page, from one snapshot
        finally:
            copy.close()
        checked = open_ledger(temp, must_exist=True)
        try:
            found = verify(checked)
        finally:
            checked.close()  # and with it the copy's -wal and -shm files
        if found.findings:
            raise LedgerError(f"{db}: the copy does not verify ({found.findings[0].message}); run `jobbsats verify`")
        os.chmod(temp, db.stat().st_mode & 0o777)  # as the ledger is, not a temporary file's 0600
        sync_file(temp)  # on the disk before its name is: a power cut leaves no half a backup
        os.replace(temp, target)
        sync_folder(target.parent)
    except sqlite3.Error as exc:
        raise failure(target, exc, "the backup failed") from exc
    except OSError as exc:
        raise JobbsatsError(f"{shown}: the backup failed: {exc.strerror}") from exc
    finally:
        temp.unlink(missing_ok=True)
        for side in ("-wal", "-shm", "-journal"):
            Path(f"{temp}{side}").unlink(missing_ok=True)
    if as_json:
        print_json(
            {
                "ledger": str(db),
                "target": str(target),
                "runs": found.runs,
                "import_batches": found.batches,
                "forecast_batches": found.forecasts,
                "last_link": found.last_link,
            }
        )
        return
    click.echo(f"{db} copied to {target}: {covered(found)}, verified.")
    click.echo(f"Last link: {found.last_link}")
