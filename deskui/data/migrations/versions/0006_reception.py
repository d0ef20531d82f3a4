"""visitors, contractor passes, phone messages, correspondence (issue 8)

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor", sa.String(length=80), nullable=False),
        sa.Column("company", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("host", sa.String(length=80), nullable=False),
        sa.Column("prepare", sa.Text(), nullable=False),
        sa.Column("expected_at", TZ, nullable=True),
        sa.Column("arrived_at", TZ, nullable=True),
        sa.Column("left_at", TZ, nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_expected_at", "visit", ["expected_at"])
    op.create_table(
        "contractor_pass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=120), nullable=False),
        sa.Column("people", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=False),
        sa.Column("valid_from", TZ, nullable=False),
        sa.Column("valid_to", TZ, nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contractor_pass_valid_to", "contractor_pass", ["valid_to"])
    op.create_table(
        "phone_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("for_agent_id", sa.Integer(), nullable=False),
        sa.Column("from_name", sa.String(length=80), nullable=False),
        sa.Column("from_number", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", TZ, nullable=False),
        sa.Column("done_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["for_agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["taken_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phone_message_for_agent_id", "phone_message", ["for_agent_id"])
    op.create_table(
        "correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("party", sa.String(length=120), nullable=False),
        sa.Column("handed_to", sa.String(length=80), nullable=False),
        sa.Column("archive", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", TZ, nullable=True),
        sa.Column("signed_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_correspondence_at", "correspondence", ["at"])


def downgrade() -> None:
    op.drop_index("ix_correspondence_at", table_name="correspondence")
    op.drop_table("correspondence")
    op.drop_index("ix_phone_message_for_agent_id", table_name="phone_message")
    op.drop_table("phone_message")
    op.drop_index("ix_contractor_pass_valid_to", table_name="contractor_pass")
    op.drop_table("contractor_pass")
    op.drop_index("ix_visit_expected_at", table_name="visit")
    op.drop_table("visit")
