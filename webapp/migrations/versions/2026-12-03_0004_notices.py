"""prompt notices: an opt-out per account and pesantren record, and where each address's
notices stand

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("pesantren", "user_account"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("notices", sa.Boolean(), nullable=False, server_default=sa.true())
            )
    op.create_table(
        "notice_log",
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_notice_log")),
    )


def downgrade() -> None:
    op.drop_table("notice_log")
    for table in ("user_account", "pesantren"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("notices")
