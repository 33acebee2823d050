"""Booking tables: locations, providers, working hours, appointment types, schedule exceptions, patients,
appointments, audit events and failed look-ups. Works on SQLite and PostgreSQL.

On PostgreSQL an exclusion constraint refuses two booked appointments of one provider whose holds (visit plus
buffers) overlap. SQLite has no such constraint: booking re-checks inside a BEGIN IMMEDIATE transaction, and a
partial unique index on (provider_id, start_utc) WHERE status = 'booked' (created on both) backs it up.

Revision ID: 0001
Revises:
Create Date: 2026-01-15
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
BOOKED_ONLY = sa.text("status = 'booked'")


def _create_reference_tables() -> None:
    op.create_table(
        "locations",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.PrimaryKeyConstraint("id", name="pk_locations"),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.PrimaryKeyConstraint("id", name="pk_providers"),
    )
    op.create_table(
        "working_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("start_local", sa.Time(), nullable=False),
        sa.Column("end_local", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_working_hours"),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name="fk_working_hours_provider_id_providers", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_working_hours_location_id_locations", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("provider_id", "location_id", "weekday", "start_local", name="uq_working_hours_period"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_working_hours_weekday"),
        sa.CheckConstraint("end_local > start_local", name="ck_working_hours_ends_after_start"),
    )
    op.create_index("ix_working_hours_provider_id", "working_hours", ["provider_id"])
    op.create_index("ix_working_hours_location_id", "working_hours", ["location_id"])
    op.create_table(
        "appointment_types",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_before", sa.Integer(), nullable=False),
        sa.Column("buffer_after", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_appointment_types"),
        sa.CheckConstraint("minutes > 0", name="ck_appointment_types_positive_minutes"),
        sa.CheckConstraint("buffer_before >= 0 AND buffer_after >= 0", name="ck_appointment_types_buffers"),
    )
    op.create_table(
        "schedule_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(64)),
        sa.Column("location_id", sa.String(64)),
        sa.Column("start_utc", UTC, nullable=False),
        sa.Column("end_utc", UTC, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schedule_exceptions"),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name="fk_schedule_exceptions_provider_id_providers", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_schedule_exceptions_location_id_locations", ondelete="CASCADE"
        ),
        sa.CheckConstraint("kind IN ('closed', 'extra')", name="ck_schedule_exceptions_kind"),
        sa.CheckConstraint("end_utc > start_utc", name="ck_schedule_exceptions_ends_after_start"),
    )
    op.create_index("ix_schedule_exceptions_span", "schedule_exceptions", ["start_utc", "end_utc"])


def _create_patients() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(320)),
        sa.Column("is_returning", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
    )
    op.create_index("ix_patients_phone", "patients", ["phone"])
    op.create_index("ix_patients_email", "patients", ["email"])


def _create_appointments() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("appointment_type", sa.String(64), nullable=False),
        sa.Column("start_utc", UTC, nullable=False),
        sa.Column("end_utc", UTC, nullable=False),
        sa.Column("hold_start_utc", UTC, nullable=False),
        sa.Column("hold_end_utc", UTC, nullable=False),
        sa.Column("source_channel", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(128)),
        sa.Column("policy_version", sa.String(32)),
        sa.Column("policy_accepted_at", UTC),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("rescheduled_from_id", sa.Integer()),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_appointments_patient_id_patients"),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"], name="fk_appointments_provider_id_providers"),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], name="fk_appointments_location_id_locations"),
        sa.ForeignKeyConstraint(
            ["appointment_type"], ["appointment_types.name"], name="fk_appointments_appointment_type_appointment_types"
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from_id"], ["appointments.id"], name="fk_appointments_rescheduled_from_id_appointments"
        ),
        sa.UniqueConstraint("reference", name="uq_appointments_reference"),
        sa.UniqueConstraint("idempotency_key", name="uq_appointments_idempotency_key"),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'rescheduled', 'completed')", name="ck_appointments_status"
        ),
        sa.CheckConstraint("end_utc > start_utc", name="ck_appointments_ends_after_start"),
        sa.CheckConstraint(
            "hold_start_utc <= start_utc AND hold_end_utc >= end_utc", name="ck_appointments_hold_covers_visit"
        ),
    )
    op.create_index("ix_appointments_patient_id", "appointments", ["patient_id"])
    op.create_index("ix_appointments_start_utc", "appointments", ["start_utc"])
    op.create_index("ix_appointments_provider_hold", "appointments", ["provider_id", "hold_start_utc", "hold_end_utc"])
    op.create_index(
        "ux_appointments_provider_start_booked",
        "appointments",
        ["provider_id", "start_utc"],
        unique=True,
        sqlite_where=BOOKED_ONLY,
        postgresql_where=BOOKED_ONLY,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_provider_hold_no_overlap "
            "EXCLUDE USING gist (provider_id WITH =, tstzrange(hold_start_utc, hold_end_utc, '[)') WITH &&) "
            "WHERE (status = 'booked')"
        )


def _create_audit_and_lookups() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer()),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"], name="fk_audit_events_appointment_id_appointments"
        ),
    )
    op.create_index("ix_audit_events_appointment_id", "audit_events", ["appointment_id"])
    op.create_table(
        "lookup_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lookup_failures"),
    )
    op.create_index("ix_lookup_failures_requester_at", "lookup_failures", ["requester", "at"])


def upgrade() -> None:
    _create_reference_tables()
    _create_patients()
    _create_appointments()
    _create_audit_and_lookups()


def downgrade() -> None:
    for table in ("lookup_failures", "audit_events", "appointments", "patients", "schedule_exceptions"):
        op.drop_table(table)
    for table in ("appointment_types", "working_hours", "providers", "locations"):
        op.drop_table(table)
