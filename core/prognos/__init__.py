"""Year-end forecasts (helårsprognos): the arithmetic of the computed ones, and a board's own, imported.

``forecast`` projects a year's utfall to date to the whole year (linearly by days
elapsed, or by the previous year's monthly pattern); ``importer`` reads a board's
own forecast file into the ledger as one batch (``jobbsats import prognos``);
``model`` holds what the ledger view gives back of such batches. The report is
``jobbsats.reports.prognos``.
"""
