"""Open a corpus database: normalise its URL, create the engine, migrate to the latest schema."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from unspin.storage import DEFAULT_DB

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None = None) -> str:
    """``url``, else ``$UNSPIN_DB``, else :data:`DEFAULT_DB`; ``postgresql://`` uses psycopg 3."""
    chosen = url or os.environ.get("UNSPIN_DB") or DEFAULT_DB
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


def _sqlite_pragmas(dbapi_connection: object, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def open_engine(url: str | None = None, migrate: bool = True) -> Engine:
    """An engine on the corpus database, migrated to the latest schema unless ``migrate`` is off."""
    full = database_url(url)
    engine = create_engine(full)
    if make_url(full).get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine


def upgrade(engine: Engine) -> None:
    """Run the packaged Alembic migrations up to ``head``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_postgres(engine: Engine) -> bool:
    """Whether ``engine`` talks to PostgreSQL (otherwise SQLite)."""
    return engine.dialect.name == "postgresql"
