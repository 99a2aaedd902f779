"""The corpus store: documents, analyses and spans in SQLite or PostgreSQL, with statistics.

Modules: ``db`` (open and migrate), ``models`` (tables), ``write`` (store documents and
analyses), ``ingest`` (files into the store), ``filters``, ``stats``, ``browse`` (examples,
document lists), ``search``, ``export`` and ``plots``. This package itself imports nothing heavy.
"""

DEFAULT_DB = "sqlite:///unspin.db"
"""The database used when neither ``--db`` nor ``UNSPIN_DB`` names one."""

__all__ = ["DEFAULT_DB"]
