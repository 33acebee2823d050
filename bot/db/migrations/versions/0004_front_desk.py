"""Front desk: appointment_outcomes (attended or no-show, one per appointment), appointments.cancelled_at and
appointments.late_cancel.

Models: `bot/db/models.py` (AppointmentOutcome, Appointment.cancelled_at and late_cancel).

Revision ID: 0004_front_desk
Revises: 0003_reminders
Create Date: 2026-03-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_front_desk"
down_revision = "0003_reminders"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("appointments", sa.Column("cancelled_at", UTC))
    op.add_column(
        "appointments", sa.Column("late_cancel", sa.Boolean(), nullable=False, server_default=sa.text("false"))
    )
    op.create_table(
        "appointment_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("staff_username", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_appointment_outcomes"),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"], name="fk_appointment_outcomes_appointment_id_appointments",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("appointment_id", name="uq_appointment_outcomes_appointment_id"),
        sa.CheckConstraint("outcome IN ('attended', 'no_show')", name="ck_appointment_outcomes_outcome"),
    )


def downgrade() -> None:
    op.drop_table("appointment_outcomes")
    # Plain ALTER (SQLite 3.35+): a batch copy of appointments would not keep its partial unique index's WHERE.
    op.execute("ALTER TABLE appointments DROP COLUMN late_cancel")
    op.execute("ALTER TABLE appointments DROP COLUMN cancelled_at")
