"""The lead's reference number XS-YYYYMMDD-NNNNNN as a column of its own: unique, indexed, searchable

Before, the reference lived only inside ``lead.slots["reference"]``; staff could not search for the
number a client reads out on the phone. Existing rows take it from their slots; a row whose slots
have none stays NULL (unique allows several NULLs on SQLite and PostgreSQL alike).

Revision ID: 0006_lead_reference
Revises: 0005_handover
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_lead_reference"
down_revision = "0005_handover"
branch_labels = None
depends_on = None

_lead = sa.table("lead", sa.column("id", sa.Integer()), sa.column("slots", sa.JSON()),
                 sa.column("reference", sa.String(32)))


def upgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("reference", sa.String(32), nullable=True))
    connection = op.get_bind()
    for lead_id, slots in connection.execute(sa.select(_lead.c.id, _lead.c.slots)).all():
        reference = (slots or {}).get("reference") if isinstance(slots, dict) else None
        if isinstance(reference, str) and reference.strip():
            connection.execute(_lead.update().where(_lead.c.id == lead_id).values(reference=reference.strip()[:32]))
    op.create_index("ix_lead_reference", "lead", ["reference"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_lead_reference", table_name="lead")
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("reference")
