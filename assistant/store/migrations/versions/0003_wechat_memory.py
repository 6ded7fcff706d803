"""WeChat bridge memory in the database: handled MsgIds and the numbered choices last shown

Both lived in one process's memory; with several workers a WeChat retry or a bare "2" may reach
another worker, so they move here.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "wechat_inbound",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
    )
    op.create_index("ix_wechat_inbound_created_at", "wechat_inbound", ["created_at"])
    op.create_table(
        "wechat_choice",
        sa.Column("openid", sa.String(128), primary_key=True),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("wechat_choice")
    op.drop_table("wechat_inbound")
