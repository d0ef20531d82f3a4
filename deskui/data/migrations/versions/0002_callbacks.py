"""callbacks: who called, follow-up ticket, moves and occasions; callback history, visit
requests and survey forms (issue 6, seed 000:2.5)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("callback") as batch:
        batch.add_column(sa.Column("done_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("follow_up_ticket_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("moved_from", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("moved_reason", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("occasion", sa.String(length=80), nullable=False, server_default="")
        )
        batch.create_foreign_key("fk_callback_done_by_id_agent", "agent", ["done_by_id"], ["id"])
        batch.create_foreign_key(
            "fk_callback_follow_up_ticket_id_ticket", "ticket", ["follow_up_ticket_id"], ["id"]
        )
    op.create_table(
        "callback_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["callback_id"], ["callback.id"]),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_callback_event_callback_id", "callback_event", ["callback_id"])
    op.create_table(
        "visit_request",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(length=80), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["callback_id"], ["callback.id"]),
        sa.ForeignKeyConstraint(["requested_by_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_request_customer_id", "visit_request", ["customer_id"])
    op.create_index("ix_visit_request_status", "visit_request", ["status"])
    op.create_table(
        "survey_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["received_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_survey_form_quarter",
        "survey_form",
        ["department_code", "year", "quarter"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_survey_form_quarter", table_name="survey_form")
    op.drop_table("survey_form")
    op.drop_index("ix_visit_request_status", table_name="visit_request")
    op.drop_index("ix_visit_request_customer_id", table_name="visit_request")
    op.drop_table("visit_request")
    op.drop_index("ix_callback_event_callback_id", table_name="callback_event")
    op.drop_table("callback_event")
    with op.batch_alter_table("callback") as batch:
        batch.drop_constraint("fk_callback_follow_up_ticket_id_ticket", type_="foreignkey")
        batch.drop_constraint("fk_callback_done_by_id_agent", type_="foreignkey")
        batch.drop_column("occasion")
        batch.drop_column("moved_reason")
        batch.drop_column("moved_from")
        batch.drop_column("follow_up_ticket_id")
        batch.drop_column("done_by_id")
