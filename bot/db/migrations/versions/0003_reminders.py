"""Messages after booking: scheduled_messages, message_consents, and appointments.confirmed_at.

Models: `bot/db/reminder_models.py` and `bot/db/models.py` (Appointment.confirmed_at).

Revision ID: 0003_reminders
Revises: 0002_handoff
Create Date: 2026-02-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_reminders"
down_revision = "0002_handoff"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def _create_messages() -> None:
    op.create_table(
        "scheduled_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("next_try_at", UTC, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(200)),
        sa.Column("delivery", sa.String(64)),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("claimed_at", UTC),
        sa.Column("delivered_at", UTC),
        sa.Column("sent_at", UTC),
        sa.Column("replied_at", UTC),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_messages"),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"], name="fk_scheduled_messages_appointment_id_appointments"
        ),
        sa.UniqueConstraint("idempotency_key", name="uq_scheduled_messages_idempotency_key"),
        sa.CheckConstraint("kind IN ('reminder', 'check_in', 'touch_up')", name="ck_scheduled_messages_kind"),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped')",
            name="ck_scheduled_messages_status",
        ),
    )
    op.create_index("ix_scheduled_messages_appointment_id", "scheduled_messages", ["appointment_id"])
    op.create_index("ix_scheduled_messages_due", "scheduled_messages", ["status", "next_try_at"])
    op.create_index("ix_scheduled_messages_recipient", "scheduled_messages", ["recipient", "channel"])


def _create_consents() -> None:
    op.create_table(
        "message_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer()),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_consents"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_message_consents_patient_id_patients"),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"], name="fk_message_consents_appointment_id_appointments"
        ),
        sa.CheckConstraint("purpose IN ('reminders', 'marketing')", name="ck_message_consents_purpose"),
    )
    op.create_index("ix_message_consents_patient_id", "message_consents", ["patient_id"])
    op.create_index("ix_message_consents_appointment_id", "message_consents", ["appointment_id"])


def upgrade() -> None:
    op.add_column("appointments", sa.Column("confirmed_at", UTC))
    _create_messages()
    _create_consents()


def downgrade() -> None:
    op.drop_table("message_consents")
    op.drop_table("scheduled_messages")
    # Plain ALTER (SQLite 3.35+): a batch copy of appointments would not keep its partial unique index's WHERE.
    op.execute("ALTER TABLE appointments DROP COLUMN confirmed_at")
