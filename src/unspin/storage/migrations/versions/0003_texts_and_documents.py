"""Syndicated copies: distinct texts apart from their occurrences (documents).

The old ``documents`` table (one row per distinct text, holding the metadata of whichever record
came first) becomes ``texts``; a new ``documents`` table holds one row per occurrence and starts
with one for each stored text, with the metadata it had and the same id, so links and exports
keep their numbers. Analyses now belong to texts (``text_id``, the old ``document_id``) and say
whether the model could read the text's language (``readable``). Full-text search indexes texts,
with diacritics kept on SQLite as PostgreSQL's ``simple`` configuration keeps them.

Revision ID: 0003
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_MOVED = ("external_id", "title", "source", "url", "author", "published", "language", "metadata")
"""Columns of the old ``documents`` table that now describe an occurrence."""
_DROPPED = ("external_id", "title", "source", "url", "author", "published", "metadata")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS documents_fts_insert")
        op.execute("DROP TRIGGER IF EXISTS documents_fts_delete")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    op.drop_index("ix_documents_source", "documents")
    op.drop_index("ix_documents_published", "documents")
    op.rename_table("documents", "texts")
    if postgres:  # the new table's constraints and sequence take the names these had
        op.execute("ALTER INDEX documents_pkey RENAME TO texts_pkey")
        op.execute("ALTER INDEX documents_content_hash_key RENAME TO texts_content_hash_key")
        op.execute("ALTER SEQUENCE documents_id_seq RENAME TO texts_id_seq")
    op.execute("ALTER TABLE analyses RENAME COLUMN document_id TO text_id")
    op.add_column("analyses", sa.Column("readable", sa.Boolean))
    _create_documents()
    _copy_occurrences()
    for column in _DROPPED:
        op.execute(f"ALTER TABLE texts DROP COLUMN {column}")
    _create_search_index(postgres)


def _create_documents() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "text_id", sa.Integer, sa.ForeignKey("texts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("occurrence_key", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(512)),
        sa.Column("title", sa.Text),
        sa.Column("source", sa.String(512)),
        sa.Column("url", sa.Text),
        sa.Column("author", sa.String(512)),
        sa.Column("published", sa.Date),
        sa.Column("language", sa.String(32)),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.UniqueConstraint("text_id", "occurrence_key"),
    )
    op.create_index("ix_documents_text_id", "documents", ["text_id"])
    op.create_index("ix_documents_source", "documents", ["source"])
    op.create_index("ix_documents_published", "documents", ["published"])


def _copy_occurrences() -> None:
    """One document per stored text, with the text's old id and metadata."""
    bind = op.get_bind()
    columns = ", ".join(_MOVED)  # constants: nothing from outside reaches this SQL
    copy = f"INSERT INTO documents (id, text_id, occurrence_key, {columns}) SELECT id, id, ''"
    op.execute(f"{copy}, {columns} FROM texts")
    rows = bind.execute(sa.text("SELECT id, source, external_id FROM documents")).all()
    keys = [
        {"id": row_id, "key": hashlib.sha256(json.dumps([source, ext]).encode()).hexdigest()}
        for row_id, source, ext in rows
    ]
    if keys:
        bind.execute(sa.text("UPDATE documents SET occurrence_key = :key WHERE id = :id"), keys)
    if bind.dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('documents', 'id'), "
            "coalesce((SELECT max(id) FROM documents), 0) + 1, false)"
        )


def _create_search_index(postgres: bool) -> None:
    if postgres:
        op.execute("CREATE INDEX ix_texts_fts ON texts USING gin (to_tsvector('simple', text))")
        return
    op.execute(
        "CREATE VIRTUAL TABLE texts_fts USING fts5(text, content='texts', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER texts_fts_insert AFTER INSERT ON texts BEGIN "
        "INSERT INTO texts_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER texts_fts_delete AFTER DELETE ON texts BEGIN "
        "INSERT INTO texts_fts(texts_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    op.execute("INSERT INTO texts_fts(texts_fts) VALUES ('rebuild')")


def downgrade() -> None:
    raise NotImplementedError("0003 is not reversible: documents of one text cannot be merged")
