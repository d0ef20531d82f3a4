"""indexes for the lead's measures: tickets by opened/closed time and open work, callbacks
and deadlines by due time (issue 17)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("ix_ticket_opened", "ticket", ["opened_at", "kind"]),
    ("ix_ticket_closed", "ticket", ["closed_at"]),
    ("ix_ticket_open_work", "ticket", ["status", "severity", "department_id"]),
    ("ix_callback_due", "callback", ["due_at"]),
    ("ix_deadline_kind_due", "deadline", ["kind", "due_at", "met_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
