"""The corpus store: documents, analyses and spans in SQLite or PostgreSQL, with statistics.

Modules: ``db`` (open and migrate), ``models`` (tables), ``ingest``, ``queries`` (stats,
examples, search), ``export`` and ``plots``. This package itself imports nothing heavy.
"""

DEFAULT_DB = "sqlite:///unspin.db"
"""The database used when neither ``--db`` nor ``UNSPIN_DB`` names one."""

__all__ = ["DEFAULT_DB"]
