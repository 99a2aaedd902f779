"""The corpus store: documents, analyses and spans in SQLite or PostgreSQL, with statistics.

Modules: ``db`` (open and migrate), ``models`` (tables), ``write`` (store documents and
analyses), ``ingest`` (files into the store), ``filters``, ``stats``, ``browse`` (examples,
document lists), ``search``, ``export`` and ``plots``. This package itself imports nothing heavy.
"""

DEFAULT_DB = "sqlite:///unspin.db"
"""The database used when neither ``--db`` nor ``UNSPIN_DB`` names one."""

DEFAULT_INGEST_BATCH = 32
"""Documents stored per transaction by ``ingest``."""

DEFAULT_EXAMPLES_LIMIT = 10
"""Example spans shown per technique by ``examples``."""

DEFAULT_SEARCH_LIMIT = 20
"""Documents returned by ``search``."""

__all__ = ["DEFAULT_DB", "DEFAULT_EXAMPLES_LIMIT", "DEFAULT_INGEST_BATCH", "DEFAULT_SEARCH_LIMIT"]
