"""``jobbsats init``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--example", default="malmo-2024", show_default=True, help="Which bundled example to start from.")
@click.option("--force", is_flag=True, help="Replace an existing jobbsats.toml.")
def init(directory: Path, example: str, force: bool) -> None:
    """Write a bundled example as DIRECTORY/jobbsats.toml, to edit and run."""
    from jobbsats import examples
    from jobbsats.errors import JobbsatsError
    from jobbsats.files import write_atomic

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
