"""rounds are computed by a worker process: who claimed a round, at most one running

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=100), nullable=False, server_default="")
        )
    # A round left running by an earlier version has no worker to finish it.
    op.execute(
        "UPDATE match_round SET status = 'failed', progress = 'failed', "
        "error = 'Interrupted by the upgrade to the round worker; start it again.' "
        "WHERE status = 'running'"
    )
    op.create_index(
        "uq_match_round_one_running",
        "match_round",
        ["status"],
        unique=True,
        sqlite_where=_RUNNING,
        postgresql_where=_RUNNING,
    )


def downgrade() -> None:
    op.drop_index(
        "uq_match_round_one_running",
        table_name="match_round",
        sqlite_where=_RUNNING,
        postgresql_where=_RUNNING,
    )
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
