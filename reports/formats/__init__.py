"""The built-in output formats, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl

# Each format by name, and its class: imported only when the format is looked up (see jobbsats.registry.Deferred).
FORMATS = {
    "md": "jobbsats.reports.formats.markdown:Markdown",
    # Before csv-sv: a file named .csv gets the machine format unless -f says otherwise.
    "csv": "jobbsats.reports.formats.csvfile:Csv",
    "csv-sv": "jobbsats.reports.formats.csv_sv:CsvSv",
    "json": "jobbsats.reports.formats.jsonfile:Json",
    "xlsx": "jobbsats.reports.formats.xlsx:Xlsx",
    "html": "jobbsats.reports.formats.html:Html",
    "docx": "jobbsats.reports.formats.docx:Docx",
}


@hookimpl
def register_formats(register):
    from jobbsats.registry import Deferred

    for name, target in FORMATS.items():
        register(Deferred(name, target))
