"""join requests (the public "Daftar" form) and the curation workflow: a 'verified' step
between registered and curated, and who took each step when (curation_change)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_OLD = ("registered", "curated_domestic", "curated_modern_retail", "export_ready")
_NEW = ("registered", "verified", "curated_domestic", "curated_modern_retail", "export_ready")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("pesantren", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pesantren_curation_status"), type_="check")
        batch_op.create_check_constraint("curation_status", _in("curation_status", _NEW))
    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("nspp", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("regency_code", sa.String(length=4), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("whatsapp", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("unit_size", sa.Numeric(precision=12, scale=3), nullable=True),
        sa.Column("period", sa.String(length=5), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("pesantren_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("state", ("pending", "approved", "rejected")),
                           name=op.f("ck_join_request_state")),
        sa.CheckConstraint(_in("language", ("id", "en")), name=op.f("ck_join_request_language")),
        sa.CheckConstraint(_in("period", ("day", "week", "month", "year")),
                           name=op.f("ck_join_request_period")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_join_request_quantity_positive")),
        sa.CheckConstraint("price > 0", name=op.f("ck_join_request_price_positive")),
        sa.CheckConstraint("unit_size IS NULL OR unit_size > 0",
                           name=op.f("ck_join_request_unit_size_positive")),
        sa.CheckConstraint("state <> 'rejected' OR reason <> ''",
                           name=op.f("ck_join_request_rejected_with_reason")),
        sa.ForeignKeyConstraint(["regency_code"], ["regency.code"],
                                name=op.f("fk_join_request_regency_code_regency")),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"],
                                name=op.f("fk_join_request_product_id_product")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"],
                                name=op.f("fk_join_request_decided_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pesantren_id"], ["pesantren.id"],
                                name=op.f("fk_join_request_pesantren_id_pesantren"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_request")),
    )  # fmt: skip
    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_request_state"), ["state"])
        batch_op.create_index(batch_op.f("ix_join_request_nspp"), ["nspp"])
    op.create_table(
        "curation_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pesantren_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=False),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_in("from_status", _NEW), name=op.f("ck_curation_change_from_status")),
        sa.CheckConstraint(_in("to_status", _NEW), name=op.f("ck_curation_change_to_status")),
        sa.ForeignKeyConstraint(["pesantren_id"], ["pesantren.id"],
                                name=op.f("fk_curation_change_pesantren_id_pesantren"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_id"], ["user_account.id"],
                                name=op.f("fk_curation_change_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_change")),
    )  # fmt: skip
    with op.batch_alter_table("curation_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_curation_change_pesantren_id"), ["pesantren_id"])


def downgrade() -> None:
    op.drop_table("curation_change")
    op.drop_table("join_request")
    # A verified pesantren was registered before the step existed.
    op.execute("UPDATE pesantren SET curation_status = 'registered' "
               "WHERE curation_status = 'verified'")  # fmt: skip
    with op.batch_alter_table("pesantren", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pesantren_curation_status"), type_="check")
        batch_op.create_check_constraint("curation_status", _in("curation_status", _OLD))
