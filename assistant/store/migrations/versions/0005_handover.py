"""Hand-over to a person: the staff inbox, callback tasks, staff presence, staff-message deliveries

Revision ID: 0005_handover
Revises: 0004_security (0003 on the branch; chained after the security tables at the merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_handover"
down_revision = "0004_security"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handover",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversation.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("ticket_number", sa.String(20), nullable=True),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("claimed_at", TZ, nullable=True),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_handover_conversation_id", "handover", ["conversation_id"])
    op.create_index("ix_handover_status", "handover", ["status"])
    op.create_index("ix_handover_assignee_id", "handover", ["assignee_id"])
    op.create_index("ix_handover_requested_at", "handover", ["requested_at"])
    op.create_table(
        "callback_task",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("handover_id", sa.Integer(), sa.ForeignKey("handover.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("done_at", TZ, nullable=True),
    )
    op.create_index("ix_callback_task_handover_id", "callback_task", ["handover_id"])
    op.create_index("ix_callback_task_status", "callback_task", ["status"])
    op.create_index("ix_callback_task_due_at", "callback_task", ["due_at"])
    op.create_table(
        "staff_presence",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("last_seen_at", TZ, nullable=False),
    )
    op.create_table(
        "staff_delivery",
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("message.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_staff_delivery_status", "staff_delivery", ["status"])


def downgrade() -> None:
    op.drop_table("staff_delivery")
    op.drop_table("staff_presence")
    op.drop_table("callback_task")
    op.drop_table("handover")
