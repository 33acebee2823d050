"""The language a patient agreed to reminders in (message_consents.language): their e-mails and invitations are
written in it.

Models: `bot/db/reminder_models.py` (MessageConsent.language).

Revision ID: 0005_consent_language
Revises: 0004_front_desk
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_consent_language"
down_revision = "0004_front_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message_consents", sa.Column("language", sa.String(8), nullable=False, server_default="en"))


def downgrade() -> None:
    op.execute("ALTER TABLE message_consents DROP COLUMN language")  # plain ALTER (SQLite 3.35+), as in 0004
