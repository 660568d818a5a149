"""The built-in output formats, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl


@hookimpl
def register_formats(register):
    from jobbsats.reports.formats.csv_sv import CsvSv
    from jobbsats.reports.formats.csvfile import Csv
    from jobbsats.reports.formats.docx import Docx
    from jobbsats.reports.formats.html import Html
    from jobbsats.reports.formats.jsonfile import Json
    from jobbsats.reports.formats.markdown import Markdown
    from jobbsats.reports.formats.xlsx import Xlsx

    register(Markdown())
    register(Csv())  # before csv-sv: a file named .csv gets the machine format unless -f says otherwise
    register(CsvSv())
    register(Json())
    register(Xlsx())
    register(Html())
    register(Docx())
