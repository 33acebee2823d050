"""Handoff to staff: staff accounts, sessions and login failures; the handoff queue and its messages.

Models: `bot/db/handoff_models.py`. A conversation has at most one open request: a partial unique index on
conversation_id WHERE status IN ('waiting', 'with_staff'), on SQLite and PostgreSQL.

Revision ID: 0002_handoff
Revises: 0001
Create Date: 2026-01-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_handoff"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
OPEN_ONLY = sa.text("status IN ('waiting', 'with_staff')")


def _create_staff() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_accounts"),
        sa.UniqueConstraint("username", name="uq_staff_accounts_username"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_accounts.id"], name="fk_staff_sessions_staff_id_staff_accounts", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
    )
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "staff_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_login_failures"),
    )
    op.create_index("ix_staff_login_failures_key_at", "staff_login_failures", ["key", "at"])


def _create_queue() -> None:
    op.create_table(
        "handoff_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("contact_name", sa.String(200)),
        sa.Column("contact_phone", sa.String(32)),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("question", sa.Text()),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("staff_id", sa.Integer()),
        sa.Column("since_ts", sa.Float(), nullable=False),
        sa.Column("reply_by", UTC),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("taken_at", UTC),
        sa.Column("closed_at", UTC),
        sa.Column("last_patient_message_at", UTC),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_requests"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_accounts.id"], name="fk_handoff_requests_staff_id_staff_accounts", ondelete="SET NULL"
        ),
        sa.CheckConstraint("status IN ('waiting', 'with_staff', 'closed')", name="ck_handoff_requests_status"),
    )
    op.create_index("ix_handoff_requests_conversation_id", "handoff_requests", ["conversation_id"])
    op.create_index("ix_handoff_requests_queue", "handoff_requests", ["status", "priority", "created_at"])
    op.create_index(
        "ux_handoff_requests_open_conversation",
        "handoff_requests",
        ["conversation_id"],
        unique=True,
        sqlite_where=OPEN_ONLY,
        postgresql_where=OPEN_ONLY,
    )
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer()),
        sa.Column("external_id", sa.String(128)),
        sa.Column("before_handoff", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("relayed_at", UTC),
        sa.Column("delivery", sa.String(32)),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_messages"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["handoff_requests.id"],
            name="fk_handoff_messages_request_id_handoff_requests",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_accounts.id"], name="fk_handoff_messages_staff_id_staff_accounts", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("request_id", "external_id", name="uq_handoff_messages_request_external"),
        sa.CheckConstraint(
            "kind IN ('patient', 'staff', 'note', 'bot', 'system')", name="ck_handoff_messages_kind"
        ),
    )
    op.create_index("ix_handoff_messages_request_id", "handoff_messages", ["request_id", "id"])


def upgrade() -> None:
    _create_staff()
    _create_queue()


def downgrade() -> None:
    for table in ("handoff_messages", "handoff_requests", "staff_login_failures", "staff_sessions", "staff_accounts"):
        op.drop_table(table)
