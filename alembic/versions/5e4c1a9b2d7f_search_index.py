"""search index: search_doc, plus FTS5 on SQLite or tsvector + pg_trgm on PostgreSQL

Revision ID: 5e4c1a9b2d7f
Revises: acf287545983
Create Date: 2026-11-26 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e4c1a9b2d7f"
down_revision: str | Sequence[str] | None = "acf287545983"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "search_doc",
        sa.Column("docid", sa.Integer(), nullable=False),
        sa.Column("implementation_code", S(length=80), nullable=False),
        sa.Column("basic_code", S(length=20), nullable=False),
        sa.Column("province", S(length=20), nullable=False),
        sa.Column("name", S(length=200), nullable=False),
        sa.Column("keywords", S(length=2000), nullable=False),
        sa.Column("popularity", sa.Integer(), nullable=False),
        sa.Column("area_code", S(length=12), nullable=False),
        sa.Column("audience", S(length=4), nullable=False),
        sa.Column("level", S(length=4), nullable=False),
        sa.Column("department", S(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["implementation_code"], ["catalogue_item.implementation_code"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("docid"),
        sa.UniqueConstraint("implementation_code"),
    )
    op.create_index("ix_search_doc_province", "search_doc", ["province", "popularity"])
    if dialect == "sqlite":
        # Terms are pre-segmented (jieba, n-grams, pinyin) and space separated; unicode61
        # keeps a CJK word whole. Prefix indexes serve typed pinyin and initials.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "name, keywords, body, pinyin, initials, scope, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3 4')"
        )
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.add_column("search_doc", sa.Column("body", sa.Text(), nullable=False))
        op.add_column("search_doc", sa.Column("latin", sa.Text(), nullable=False))
        op.execute("ALTER TABLE search_doc ADD COLUMN terms tsvector NOT NULL")
        op.execute("CREATE INDEX ix_search_doc_terms ON search_doc USING gin (terms)")
        op.execute(
            "CREATE INDEX ix_search_doc_latin ON search_doc USING gin (latin gin_trgm_ops)"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_doc_province", table_name="search_doc")
    op.drop_table("search_doc")
