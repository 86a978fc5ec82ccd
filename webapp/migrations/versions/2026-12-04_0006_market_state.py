"""the market version: a one-row counter bumped by every change to what a market is built
from (the officer pages' cached market was keyed by table scans)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    market_state = op.create_table(
        "market_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_market_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_state")),
    )
    op.bulk_insert(market_state, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("market_state")
