"""jobbsats: allocate and follow up labour-market money in a SQLite ledger.

Plugins write ``@jobbsats.hookimpl``. The marker is created on first use so
that ``import jobbsats`` (and so ``jobbsats --help``) does not import pluggy.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str):
    if name == "hookimpl":
        from jobbsats.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'jobbsats' has no attribute {name!r}")
