"""durable proposals: response deadlines, delivered quantities, answer channels, and the
facilitator's standing vetoes and caps

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("respond_by", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("proposal_leg", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delivered_quantity", sa.Numeric(precision=14, scale=3), nullable=True)
        )
    with op.batch_alter_table("proposal_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=8), nullable=False, server_default="web")
        )
        batch_op.create_check_constraint(
            "channel", "channel IN ('web', 'api', 'link', 'cli', 'system')"
        )
    op.create_table(
        "pairing_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('veto', 'cap')", name=op.f("ck_pairing_decision_kind")),
        sa.CheckConstraint(
            "kind <> 'cap' OR quantity > 0", name=op.f("ck_pairing_decision_cap_quantity")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_pairing_decision_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"],
            ["user_account.id"],
            name=op.f("fk_pairing_decision_lifted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["listing.id"],
            name=op.f("fk_pairing_decision_need_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["listing.id"],
            name=op.f("fk_pairing_decision_offer_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_pairing_decision_proposal_id_proposal"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_decision")),
    )
    with op.batch_alter_table("pairing_decision", schema=None) as batch_op:
        batch_op.create_index("ix_pairing_decision_pairing", ["offer_id", "need_id"])
        batch_op.create_index(batch_op.f("ix_pairing_decision_proposal_id"), ["proposal_id"])


def downgrade() -> None:
    op.drop_table("pairing_decision")
    with op.batch_alter_table("proposal_event", schema=None) as batch_op:
        batch_op.drop_constraint("channel", type_="check")
        batch_op.drop_column("channel")
    with op.batch_alter_table("proposal_leg", schema=None) as batch_op:
        batch_op.drop_column("delivered_quantity")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_column("respond_by")
