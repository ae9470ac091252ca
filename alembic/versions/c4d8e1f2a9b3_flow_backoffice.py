"""flow: back-office adapter bookkeeping on applications (outbox, last applied change)

Applications that existed before the adapter were moved by the local operator tool: they get
an empty outbox (nothing to send) and no applied change.

Revision ID: c4d8e1f2a9b3
Revises: 7b3d9e2f4a61
Create Date: 2026-11-25 18:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c4d8e1f2a9b3"
down_revision: str | Sequence[str] | None = "7b3d9e2f4a61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flow_application") as batch:
        batch.add_column(
            sa.Column(
                "outbox",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(
            sa.Column("backoffice_seq", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_index("ix_flow_application_outbox", ["outbox"])
        batch.create_index("ix_flow_application_backoffice_seq", ["backoffice_seq"])


def downgrade() -> None:
    with op.batch_alter_table("flow_application") as batch:
        batch.drop_index("ix_flow_application_backoffice_seq")
        batch.drop_index("ix_flow_application_outbox")
        batch.drop_column("backoffice_seq")
        batch.drop_column("outbox")
