"""Security: token versions (revocation), login throttling, WeChat nonces (replay)

A staff token carries the account's token version; logout, a password reset or disabling the
account bump it, so older tokens stop working on every worker at once. Failed logins and the
WeChat nonces seen within the clock-skew window are kept in the database for the same reason.

Revision ID: 0004_security
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_security"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("password_changed_at", TZ, nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),  # "account:<name>" or "address:<ip>"
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
    )
    op.create_table(
        "wechat_nonce",
        sa.Column("key", sa.String(200), primary_key=True),  # timestamp:nonce
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("seen_at", TZ, nullable=False),
    )
    op.create_index("ix_wechat_nonce_seen_at", "wechat_nonce", ["seen_at"])


def downgrade() -> None:
    op.drop_table("wechat_nonce")
    op.drop_table("login_throttle")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("token_version")
