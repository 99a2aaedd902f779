"""Open a corpus database: normalise its URL, create the engine, migrate to the latest schema.

Writers take their locks up front, so two processes can write one store at once: on SQLite a
write transaction starts with ``BEGIN IMMEDIATE`` (see :func:`for_writing`), which waits for the
other writer instead of failing when its snapshot went stale; on PostgreSQL a migration holds
an advisory lock, so two processes opening a new database do not both create its tables.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from unspin.errors import UnspinError
from unspin.storage import DEFAULT_DB

MIGRATIONS = Path(__file__).parent / "migrations"
_BEGIN_OPTION = "unspin_sqlite_begin"
_MIGRATION_LOCK = 0x756E7370  # "unsp": the advisory lock id migrations hold on PostgreSQL


class StoreNotFoundError(UnspinError, ValueError):
    """A read-only command named a database that does not exist or holds no corpus."""


def database_url(url: str | None = None) -> str:
    """``url``, else ``$UNSPIN_DB``, else :data:`DEFAULT_DB`; ``postgresql://`` uses psycopg 3."""
    chosen = url or os.environ.get("UNSPIN_DB") or DEFAULT_DB
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


def _sqlite_connect(dbapi_connection: object, _record: ConnectionPoolEntry) -> None:
    # SQLAlchemy emits BEGIN itself (``_sqlite_begin``), so the driver must not.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # The wait first: switching a new database to WAL needs its lock, which another process
    # opening it at the same moment may hold.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def open_engine(url: str | None = None, migrate: bool = True, *, create: bool = True) -> Engine:
    """An engine on the corpus database, migrated to the latest schema unless ``migrate`` is off.

    With ``create`` off (read-only commands) a database that does not exist, or holds no corpus,
    raises :class:`StoreNotFoundError` instead of being created empty.
    """
    full = database_url(url)
    parsed = make_url(full)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and not create:
        name = parsed.database or ""
        if name in ("", ":memory:") or not Path(name).is_file():
            raise StoreNotFoundError(f"no corpus database at {name or full!r}")
    engine = create_engine(full)
    if sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    if not create and "alembic_version" not in inspect(engine).get_table_names():
        engine.dispose()
        raise StoreNotFoundError(f"{parsed.render_as_string()} holds no unspin corpus")
    if migrate:
        upgrade(engine)
    return engine


def for_writing(engine: Engine) -> Engine:
    """``engine`` for write transactions: on SQLite they lock the database when they begin."""
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


def upgrade(engine: Engine) -> None:
    """Run the packaged Alembic migrations up to ``head`` (one process at a time)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with for_writing(engine).begin() as connection:
        if is_postgres(engine):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_postgres(engine: Engine) -> bool:
    """Whether ``engine`` talks to PostgreSQL (otherwise SQLite)."""
    return engine.dialect.name == "postgresql"
