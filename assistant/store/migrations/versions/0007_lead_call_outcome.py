"""The outcome of the relationship manager's call on a lead: what happened, a note, when

``call_outcome`` is one of connected_interested | connected_not_interested | no_answer |
wrong_number (已接通-有意向 / 已接通-无意向 / 未接通 / 号码错误); each call is also in the audit log,
so the columns hold the latest and the history every one.

Revision ID: 0007_lead_call_outcome
Revises: 0006_lead_reference
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_lead_call_outcome"
down_revision = "0006_lead_reference"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("call_outcome", sa.String(32), nullable=True))
        batch.add_column(sa.Column("call_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("called_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("called_at")
        batch.drop_column("call_note")
        batch.drop_column("call_outcome")
