"""security: personal data encrypted at rest, single-use login hand-off, files by draft

- ``flow_session.identity``, ``flow_draft.values``, ``flow_application.values``,
  ``flow_checkout.snapshot``/``delivery``, ``flow_delivery.details``: JSON columns become text holding Fernet tokens (``app.security.crypto``); existing rows are encrypted
  with the first key of ``YIWANG_DATA_KEYS`` (or the development key file);
- ``flow_session.handoff``: a session whose secret is still the single-use login ticket;
- ``flow_file.item_code``: the draft (item) a material was uploaded for (per-draft limits,
  orphan clean-up).

Revision ID: e5a7c9d1b3f2
Revises: 1b2aef3f13ff
Create Date: 2026-12-01 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e5a7c9d1b3f2"
down_revision: str | Sequence[str] | None = "1b2aef3f13ff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("flow_session", "id_hash", "identity"),
    ("flow_draft", "id", "values"),
    ("flow_application", "id", "values"),
    # payment and delivery (1b2aef3f13ff): the answers taken at checkout, the delivery
    # address and phone
    ("flow_checkout", "id", "snapshot"),
    ("flow_checkout", "id", "delivery"),
    ("flow_delivery", "id", "details"),
)


def _retype(table: str, column: str, new: sa.types.TypeEngine, old: sa.types.TypeEngine):
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        cast = "text" if isinstance(new, sa.Text) else "json"
        op.alter_column(
            table,
            column,
            type_=new,
            existing_type=old,
            postgresql_using=f'"{column}"::{cast}',
        )
    else:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=new, existing_type=old)


def _rewrite(convert) -> None:
    bind = op.get_bind()
    for table, key, column in _COLUMNS:
        t = sa.table(table, sa.column(key), sa.column(column, sa.Text))
        for pk, value in bind.execute(sa.select(t.c[key], t.c[column])).all():
            if value is not None:
                bind.execute(sa.update(t).where(t.c[key] == pk).values({column: convert(value)}))


def upgrade() -> None:
    import json

    from app.security.crypto import PREFIX, encrypt_json

    for table, _key, column in _COLUMNS:
        _retype(table, column, sa.Text(), sa.JSON())
    _rewrite(lambda v: v if v.startswith(PREFIX) else encrypt_json(json.loads(v)))
    with op.batch_alter_table("flow_session") as batch:
        batch.add_column(
            sa.Column("handoff", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("flow_file") as batch:
        batch.add_column(
            sa.Column(
                "item_code",
                sqlmodel.sql.sqltypes.AutoString(length=80),
                nullable=True,
            )
        )
        batch.create_index("ix_flow_file_item_code", ["item_code"])
        batch.create_index("ix_flow_file_created_at", ["created_at"])


def downgrade() -> None:
    import json

    from app.security.crypto import decrypt_json

    with op.batch_alter_table("flow_file") as batch:
        batch.drop_index("ix_flow_file_created_at")
        batch.drop_index("ix_flow_file_item_code")
        batch.drop_column("item_code")
    with op.batch_alter_table("flow_session") as batch:
        batch.drop_column("handoff")
    _rewrite(lambda v: json.dumps(decrypt_json(v), ensure_ascii=False))
    for table, _key, column in _COLUMNS:
        _retype(table, column, sa.JSON(), sa.Text())
