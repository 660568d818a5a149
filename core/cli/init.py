"""``jobbsats init``."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from jobbsats.cli.completion import examples as examples_completion


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--example",
    default="malmo-2024",
    show_default=True,
    shell_complete=examples_completion,
    help="Which bundled example to start from (see `jobbsats examples`).",
)
@click.option("--force", is_flag=True, help="Replace an existing jobbsats.toml.")
def init(directory: Path, example: str, force: bool) -> None:
    """Write a bundled example as DIRECTORY/jobbsats.toml, to edit and run.

    An example that comes with a sample utfall export (malmo-2024) gets it
    written beside, as utfall-YEAR.csv, to try `jobbsats import utfall` on.
    """
    from jobbsats import examples
    from jobbsats.errors import JobbsatsError
    from jobbsats.files import write_atomic

    given_by_default = click.get_current_context().get_parameter_source("example") == ParameterSource.DEFAULT
    named = directory.name
    if given_by_default and named in examples.names() and named != example and not directory.exists():
        # `jobbsats init malmokraften-2020` reads as "start from that example": it would write malmo-2024 into a
        # folder named after another example.
        raise JobbsatsError(
            f"{directory}: is named like the bundled example {named}, and DIRECTORY is the folder to write into; to "
            f"start from that example there: jobbsats init {directory} --example {named} (or --example {example} "
            "for the default)"
        )
    source = examples.path_of(example)
    if source is None:
        raise JobbsatsError(f"no bundled example {example!r} (examples: {', '.join(examples.names())})")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JobbsatsError(f"{directory}: cannot create the folder: {exc.strerror}") from exc
    target = directory / "jobbsats.toml"
    write_atomic(target, source.read_bytes(), force=force)
    click.echo(f"Wrote {target} from the example {example}. Edit it, then: jobbsats run {target}")
    sample = examples.utfall_of(example)
    if sample is not None:
        year = example.rsplit("-", 1)[-1]
        booked = directory / f"utfall-{year}.csv"
        write_atomic(booked, sample.read_bytes(), force=force)
        click.echo(f"Wrote {booked}, a sample export of booked utfall: jobbsats import utfall {booked} -c {target}")
