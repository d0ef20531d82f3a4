"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:51:07.934170
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        sa.Column("also", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "agent",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("skills", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "customer",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone_e164", sa.String(length=32), nullable=True),
        sa.Column("phone_reversed", sa.String(length=32), nullable=True),
        sa.Column("unit_number", sa.String(length=40), nullable=False),
        sa.Column("assigned_agent_id", sa.Integer(), nullable=True),
        sa.Column("contract_signed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_agent_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_assigned_agent_id"), ["assigned_agent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customer_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_phone_e164"), ["phone_e164"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_phone_reversed"), ["phone_reversed"], unique=False
        )

    op.create_table(
        "draft",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("agent_id", "form", "subject_key"),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_agent_unread", ["agent_id", "read_at"], unique=False)

    op.create_table(
        "contact",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("position", sa.String(length=80), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("phone_e164", sa.String(length=32), nullable=True),
        sa.Column("phone_extension", sa.String(length=12), nullable=True),
        sa.Column("phone_reversed", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("convenient_time", sa.String(length=80), nullable=False),
        sa.Column("personal_notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_phone_e164"), ["phone_e164"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_phone_reversed"), ["phone_reversed"], unique=False
        )

    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.create_index("ix_deadline_open_due", ["met_at", "due_at"], unique=False)
        batch_op.create_index(
            "ix_deadline_owner_open", ["owner_id", "met_at", "due_at"], unique=False
        )
        batch_op.create_index("ix_deadline_subject", ["subject_type", "subject_id"], unique=False)

    op.create_table(
        "handover_item",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("subject_type", sa.String(length=20), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("from_agent_id", sa.Integer(), nullable=False),
        sa.Column("to_agent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("done_so_far", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["from_agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_agent_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handover_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handover_item_from_agent_id"), ["from_agent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_handover_item_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handover_item_to_agent_id"), ["to_agent_id"], unique=False
        )

    op.create_table(
        "search_gram",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("gram", "customer_id"),
    )
    with op.batch_alter_table("search_gram", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_gram_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "ticket",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("unit_number", sa.String(length=40), nullable=False),
        sa.Column("customer_words", sa.Text(), nullable=False),
        sa.Column("expectation", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("caller_phone", sa.String(length=64), nullable=False),
        sa.Column("promised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by_department_on", sa.Date(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_status"), ["status"], unique=False)

    op.create_table(
        "callback",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("way", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("callback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_callback_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "ticket_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_event_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_event_ticket_id"))

    op.drop_table("ticket_event")
    with op.batch_alter_table("callback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_customer_id"))
        batch_op.drop_index(batch_op.f("ix_callback_agent_id"))

    op.drop_table("callback")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_status"))
        batch_op.drop_index(batch_op.f("ix_ticket_owner_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_customer_id"))

    op.drop_table("ticket")
    with op.batch_alter_table("search_gram", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_gram_customer_id"))

    op.drop_table("search_gram")
    with op.batch_alter_table("handover_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_item_to_agent_id"))
        batch_op.drop_index(batch_op.f("ix_handover_item_status"))
        batch_op.drop_index(batch_op.f("ix_handover_item_from_agent_id"))

    op.drop_table("handover_item")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_subject")
        batch_op.drop_index("ix_deadline_owner_open")
        batch_op.drop_index("ix_deadline_open_due")

    op.drop_table("deadline")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_phone_reversed"))
        batch_op.drop_index(batch_op.f("ix_contact_phone_e164"))
        batch_op.drop_index(batch_op.f("ix_contact_name"))
        batch_op.drop_index(batch_op.f("ix_contact_customer_id"))

    op.drop_table("contact")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_agent_unread")

    op.drop_table("notification")
    op.drop_table("draft")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_phone_reversed"))
        batch_op.drop_index(batch_op.f("ix_customer_phone_e164"))
        batch_op.drop_index(batch_op.f("ix_customer_name"))
        batch_op.drop_index(batch_op.f("ix_customer_assigned_agent_id"))

    op.drop_table("customer")
    op.drop_table("agent")
    op.drop_table("routing_rule")
    op.drop_table("department")
    op.drop_table("change")
    op.drop_table("calendar_day")
