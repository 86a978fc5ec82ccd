"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 22:34:24.883665
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name_id', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('parent_category', sa.String(length=40), nullable=False),
    sa.Column('base_unit', sa.String(length=12), nullable=False),
    sa.Column('alt_units', sa.String(length=200), nullable=False),
    sa.Column('shelf_life_class', sa.String(length=12), nullable=False),
    sa.Column('shelf_life', sa.String(length=80), nullable=False),
    sa.Column('price_min', sa.Double(), nullable=False),
    sa.Column('price_max', sa.Double(), nullable=False),
    sa.Column('certifications', sa.String(length=200), nullable=False),
    sa.Column('hs_code', sa.String(length=40), nullable=False),
    sa.Column('produced_in', sa.String(length=120), nullable=False),
    sa.Column('kitchen_staple', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint("shelf_life_class IN ('fresh_days', 'chilled', 'live', 'fresh_weeks', 'dry_months', 'durable', 'service')", name=op.f('ck_product_shelf_life_class')),
    sa.CheckConstraint('price_min >= 0 AND price_max >= price_min', name=op.f('ck_product_price_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('slug', name=op.f('uq_product_slug'))
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_category'), ['category'], unique=False)

    op.create_table('regency',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('capital', sa.String(length=60), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=False),
    sa.Column('longitude', sa.Double(), nullable=False),
    sa.Column('area_km2', sa.Double(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('pesantren_count', sa.Integer(), nullable=False),
    sa.Column('region_types', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regency')),
    sa.UniqueConstraint('name', name=op.f('uq_regency_name'))
    )
    op.create_table('report_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('sending', 'sent', 'failed', 'skipped')", name=op.f('ck_report_log_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_log')),
    sa.UniqueConstraint('week', 'recipient', name=op.f('uq_report_log_week'))
    )
    op.create_table('pesantren',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nspp', sa.String(length=12), nullable=True),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('regency_code', sa.String(length=4), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=False),
    sa.Column('longitude', sa.Double(), nullable=False),
    sa.Column('santri_count', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('whatsapp', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('curation_status', sa.String(length=24), nullable=False),
    sa.Column('report_frequency', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("curation_status IN ('registered', 'curated_domestic', 'curated_modern_retail', 'export_ready')", name=op.f('ck_pesantren_curation_status')),
    sa.CheckConstraint("language IN ('id', 'en')", name=op.f('ck_pesantren_language')),
    sa.CheckConstraint("report_frequency IN ('weekly', 'none')", name=op.f('ck_pesantren_report_frequency')),
    sa.CheckConstraint('santri_count >= 0', name=op.f('ck_pesantren_santri_count')),
    sa.ForeignKeyConstraint(['regency_code'], ['regency.code'], name=op.f('fk_pesantren_regency_code_regency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pesantren')),
    sa.UniqueConstraint('nspp', name=op.f('uq_pesantren_nspp'))
    )
    with op.batch_alter_table('pesantren', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pesantren_regency_code'), ['regency_code'], unique=False)

    op.create_table('product_alias',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_alias_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'alias', name=op.f('pk_product_alias'))
    )
    op.create_table('product_substitute',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_substitute_product_id_product'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['substitute_id'], ['product.id'], name=op.f('fk_product_substitute_substitute_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'substitute_id', name=op.f('pk_product_substitute'))
    )
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pesantren_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('halal', 'pirt', 'bpom_md', 'sni')", name=op.f('ck_certificate_kind')),
    sa.CheckConstraint('expires_on IS NULL OR expires_on >= issued_on', name=op.f('ck_certificate_expiry_after_issue')),
    sa.ForeignKeyConstraint(['pesantren_id'], ['pesantren.id'], name=op.f('fk_certificate_pesantren_id_pesantren'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_certificate_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('pesantren_id', 'product_id', 'kind', 'number', name=op.f('uq_certificate_pesantren_id'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_pesantren_id'), ['pesantren_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_product_id'), ['product_id'], unique=False)

    op.create_table('listing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pesantren_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('unit_size', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('period', sa.String(length=5), nullable=False),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('min_lot', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('required_certs', sa.String(length=60), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=True),
    sa.Column('available_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('last_confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('offer', 'need')", name=op.f('ck_listing_kind')),
    sa.CheckConstraint("period IN ('day', 'week', 'month', 'year')", name=op.f('ck_listing_period')),
    sa.CheckConstraint("status IN ('active', 'paused', 'archived')", name=op.f('ck_listing_status')),
    sa.CheckConstraint('available_until IS NULL OR available_from IS NULL OR available_until >= available_from', name=op.f('ck_listing_availability_window')),
    sa.CheckConstraint('min_lot >= 0', name=op.f('ck_listing_min_lot_nonnegative')),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_listing_price_nonnegative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_listing_quantity_positive')),
    sa.CheckConstraint('unit_size IS NULL OR unit_size > 0', name=op.f('ck_listing_unit_size_positive')),
    sa.ForeignKeyConstraint(['pesantren_id'], ['pesantren.id'], name=op.f('fk_listing_pesantren_id_pesantren'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_listing_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing')),
    sa.UniqueConstraint('pesantren_id', 'kind', 'product_id', name=op.f('uq_listing_pesantren_id'))
    )
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_pesantren_id'), ['pesantren_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_status'), ['status'], unique=False)

    op.create_table('pesantren_region_type',
    sa.Column('pesantren_id', sa.Integer(), nullable=False),
    sa.Column('region_type', sa.String(length=24), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.CheckConstraint("region_type IN ('highland_agriculture', 'coastal_fisheries', 'lowland_farming', 'urban', 'island')", name=op.f('ck_pesantren_region_type_region_type')),
    sa.ForeignKeyConstraint(['pesantren_id'], ['pesantren.id'], name=op.f('fk_pesantren_region_type_pesantren_id_pesantren'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pesantren_id', 'region_type', name=op.f('pk_pesantren_region_type'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('pesantren_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('report_frequency', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("language IN ('id', 'en')", name=op.f('ck_user_account_language')),
    sa.CheckConstraint("report_frequency IN ('weekly', 'none')", name=op.f('ck_user_account_report_frequency')),
    sa.CheckConstraint("role <> 'officer' OR pesantren_id IS NOT NULL", name=op.f('ck_user_account_officer_pesantren')),
    sa.CheckConstraint("role IN ('officer', 'facilitator', 'admin')", name=op.f('ck_user_account_role')),
    sa.ForeignKeyConstraint(['pesantren_id'], ['pesantren.id'], name=op.f('fk_user_account_pesantren_id_pesantren'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_pesantren_id'), ['pesantren_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    op.create_table('match_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('progress', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('running', 'draft', 'published', 'superseded', 'failed')", name=op.f('ck_match_round_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_match_round_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_round'))
    )
    with op.batch_alter_table('match_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_round_status'), ['status'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('value_idr', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('trade', 'barter_pair', 'barter_cycle')", name=op.f('ck_proposal_kind')),
    sa.CheckConstraint("state IN ('draft', 'published', 'accepted_by_some', 'confirmed', 'completed', 'declined', 'expired', 'cancelled')", name=op.f('ck_proposal_state')),
    sa.ForeignKeyConstraint(['round_id'], ['match_round.id'], name=op.f('fk_proposal_round_id_match_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_state'), ['state'], unique=False)

    op.create_table('proposal_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('pesantren_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['pesantren_id'], ['pesantren.id'], name=op.f('fk_proposal_event_pesantren_id_pesantren')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_event_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_proposal_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_event'))
    )
    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_event_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_leg',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('value_idr', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('distance_km', sa.Double(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_proposal_leg_quantity_positive')),
    sa.ForeignKeyConstraint(['giver_id'], ['pesantren.id'], name=op.f('fk_proposal_leg_giver_id_pesantren')),
    sa.ForeignKeyConstraint(['need_id'], ['listing.id'], name=op.f('fk_proposal_leg_need_id_listing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['listing.id'], name=op.f('fk_proposal_leg_offer_id_listing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_proposal_leg_product_id_product')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_leg_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receiver_id'], ['pesantren.id'], name=op.f('fk_proposal_leg_receiver_id_pesantren')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_leg'))
    )
    with op.batch_alter_table('proposal_leg', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_leg_giver_id'), ['giver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_leg_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_leg_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_leg_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_leg_receiver_id'), ['receiver_id'], unique=False)

    op.create_table('proposal_party',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('pesantren_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=8), nullable=False),
    sa.Column('decline_reason', sa.String(length=20), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("decline_reason IS NULL OR decline_reason IN ('price', 'quantity', 'distance', 'quality', 'already_supplied', 'other')", name=op.f('ck_proposal_party_decline_reason')),
    sa.CheckConstraint("response IN ('pending', 'accepted', 'declined')", name=op.f('ck_proposal_party_response')),
    sa.ForeignKeyConstraint(['pesantren_id'], ['pesantren.id'], name=op.f('fk_proposal_party_pesantren_id_pesantren')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_party_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user_account.id'], name=op.f('fk_proposal_party_responded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('proposal_id', 'pesantren_id', name=op.f('pk_proposal_party'))
    )


def downgrade() -> None:
    op.drop_table('proposal_party')
    with op.batch_alter_table('proposal_leg', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_leg_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_leg_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_leg_offer_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_leg_need_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_leg_giver_id'))

    op.drop_table('proposal_leg')
    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_event_proposal_id'))

    op.drop_table('proposal_event')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_state'))
        batch_op.drop_index(batch_op.f('ix_proposal_round_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('match_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_round_status'))

    op.drop_table('match_round')
    op.drop_table('api_token')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_pesantren_id'))

    op.drop_table('user_account')
    op.drop_table('pesantren_region_type')
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_status'))
        batch_op.drop_index(batch_op.f('ix_listing_product_id'))
        batch_op.drop_index(batch_op.f('ix_listing_pesantren_id'))
        batch_op.drop_index(batch_op.f('ix_listing_kind'))

    op.drop_table('listing')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_product_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_pesantren_id'))

    op.drop_table('certificate')
    op.drop_table('product_substitute')
    op.drop_table('product_alias')
    with op.batch_alter_table('pesantren', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pesantren_regency_code'))

    op.drop_table('pesantren')
    op.drop_table('report_log')
    op.drop_table('regency')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_category'))

    op.drop_table('product')
