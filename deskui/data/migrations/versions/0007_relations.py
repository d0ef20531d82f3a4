"""prospects, gifts, customer events and their invitees (issue 8)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prospect",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("interest", sa.Text(), nullable=False),
        sa.Column("source_callback_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_at", TZ, nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("department_person", sa.String(length=80), nullable=False),
        sa.Column("handed_at", TZ, nullable=True),
        sa.Column("handed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["source_callback_id"], ["callback.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["handed_by_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["closed_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_prospect_customer_id", "prospect", ["customer_id"])
    op.create_index("ix_prospect_status", "prospect", ["status"])
    op.create_table(
        "prospect_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["prospect_id"], ["prospect.id"]),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_prospect_event_prospect_id", "prospect_event", ["prospect_id"])
    op.create_table(
        "gift",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("gift", sa.String(length=200), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("sent_by", sa.String(length=80), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("callback_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("arrived", sa.Boolean(), nullable=True),
        sa.Column("confirmed_at", TZ, nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirm_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["callback_id"], ["callback.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gift_customer_id", "gift", ["customer_id"])
    op.create_index("ix_gift_callback_id", "gift", ["callback_id"])
    op.create_index("ix_gift_sent_at", "gift", ["sent_at"])
    op.create_table(
        "customer_event",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("plan_due_on", sa.Date(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("plan_by", sa.String(length=80), nullable=False),
        sa.Column("plan_at", TZ, nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customer_event_event_on", "customer_event", ["event_on"])
    op.create_table(
        "event_invitee",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
        sa.Column("invited_at", TZ, nullable=True),
        sa.Column("invited_via", sa.String(length=20), nullable=False),
        sa.Column("invited_by", sa.String(length=80), nullable=False),
        sa.Column("attendance", sa.String(length=20), nullable=True),
        sa.Column("attendance_at", TZ, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["customer_event.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["added_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_invitee_event_id", "event_invitee", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_event_invitee_event_id", table_name="event_invitee")
    op.drop_table("event_invitee")
    op.drop_index("ix_customer_event_event_on", table_name="customer_event")
    op.drop_table("customer_event")
    op.drop_index("ix_gift_sent_at", table_name="gift")
    op.drop_index("ix_gift_callback_id", table_name="gift")
    op.drop_index("ix_gift_customer_id", table_name="gift")
    op.drop_table("gift")
    op.drop_index("ix_prospect_event_prospect_id", table_name="prospect_event")
    op.drop_table("prospect_event")
    op.drop_index("ix_prospect_status", table_name="prospect")
    op.drop_index("ix_prospect_customer_id", table_name="prospect")
    op.drop_table("prospect")
