"""search index by service: search_group (one per basic code and province) carries the terms

The index is derived data: ``search_doc`` and the term index are dropped and recreated
empty, and ``sync_missing`` (run by the loader, the CLI and the evaluation) fills them again.

Revision ID: 7b3d9e2f4a61
Revises: 208f21283c3c
Create Date: 2026-11-27 09:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "7b3d9e2f4a61"
down_revision: str | Sequence[str] | None = "208f21283c3c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def _doc_columns() -> list[sa.Column]:
    return [
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
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_doc_province", table_name="search_doc")
    op.drop_table("search_doc")
    op.create_table(
        "search_group",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("province", S(length=20), nullable=False),
        sa.Column("basic_code", S(length=20), nullable=False),
        sa.Column("name", S(length=200), nullable=False),
        sa.Column("keywords", S(), nullable=False),
        sa.Column("popularity", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("group_id"),
        sa.UniqueConstraint("province", "basic_code"),
    )
    op.create_table(
        "search_doc",
        *_doc_columns()[:1],
        sa.Column("group_id", sa.Integer(), nullable=False),
        *_doc_columns()[1:],
    )
    op.create_index("ix_search_doc_province", "search_doc", ["province", "popularity"])
    op.create_index("ix_search_doc_group", "search_doc", ["group_id", "popularity"])
    if dialect == "sqlite":
        # One row per group (rowid = group_id): few rows whatever the number of items, so
        # prefix indexes for typed pinyin and initials cost little.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "name, keywords, body, pinyin, initials, scope, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3 4')"
        )
    elif dialect == "postgresql":
        op.add_column("search_group", sa.Column("body", sa.Text(), nullable=False))
        op.add_column("search_group", sa.Column("latin", sa.Text(), nullable=False))
        op.execute("ALTER TABLE search_group ADD COLUMN terms tsvector NOT NULL")
        op.execute("CREATE INDEX ix_search_group_terms ON search_group USING gin (terms)")
        op.execute(
            "CREATE INDEX ix_search_group_latin ON search_group USING gin (latin gin_trgm_ops)"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_doc_group", table_name="search_doc")
    op.drop_index("ix_search_doc_province", table_name="search_doc")
    op.drop_table("search_doc")
    op.drop_table("search_group")
    op.create_table("search_doc", *_doc_columns())
    op.create_index("ix_search_doc_province", "search_doc", ["province", "popularity"])
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "name, keywords, body, pinyin, initials, scope, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3 4')"
        )
    elif dialect == "postgresql":
        op.add_column("search_doc", sa.Column("body", sa.Text(), nullable=False))
        op.add_column("search_doc", sa.Column("latin", sa.Text(), nullable=False))
        op.execute("ALTER TABLE search_doc ADD COLUMN terms tsvector NOT NULL")
        op.execute("CREATE INDEX ix_search_doc_terms ON search_doc USING gin (terms)")
        op.execute(
            "CREATE INDEX ix_search_doc_latin ON search_doc USING gin (latin gin_trgm_ops)"
        )
