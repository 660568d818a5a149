"""Publishing the ledger with Datasette (``jobbsats serve``, issue 17).

Imported only by ``jobbsats serve`` (and only once Datasette is installed: ``pip install 'jobbsats[web]'``).
"""
