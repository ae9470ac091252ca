"""catalogue: which province folder's catalogue files are loaded (their digest)

``python -m app.catalogue sync`` compares a province's catalogue files with the digest stored
here and loads them again only when they changed.

Revision ID: d5a1c7e9b2f4
Revises: c4d8e1f2a9b3
Create Date: 2026-12-01 13:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5a1c7e9b2f4"
down_revision: str | Sequence[str] | None = "c4d8e1f2a9b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_source",
        sa.Column("province", sa.String(length=40), primary_key=True),
        sa.Column("folder", sa.String(length=1000), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalogue_source")
