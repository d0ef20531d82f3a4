"""the search index of tickets' words and answers, built for the tickets there are (issue 26)

Revision ID: 0023
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from deskui.domain.search import text_grams

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
"""Tickets read and indexed per round: a desk of a million tickets is built in rounds."""


def upgrade() -> None:
    op.create_table(
        "ticket_gram",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("gram", "ticket_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_ticket_gram_ticket_id", "ticket_gram", ["ticket_id"])
    op.create_index("ix_ticket_caller_phone", "ticket", ["caller_phone"])
    _build()


def _build() -> None:
    """Every ticket's pieces, in rounds by id (the same pieces the desk writes)."""
    connection = op.get_bind()
    ticket = sa.table(
        "ticket",
        sa.column("id", sa.Integer()),
        sa.column("customer_words", sa.Text()),
        sa.column("answer", sa.Text()),
    )
    gram = sa.table("ticket_gram", sa.column("gram", sa.String()), sa.column("ticket_id"))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(ticket.c.id, ticket.c.customer_words, ticket.c.answer)
            .where(ticket.c.id > last)
            .order_by(ticket.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        pieces = [
            {"gram": piece, "ticket_id": ticket_id}
            for ticket_id, words, answer in rows
            for piece in sorted(text_grams(words or "", answer or ""))
        ]
        if pieces:
            connection.execute(sa.insert(gram), pieces)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_ticket_caller_phone", table_name="ticket")
    op.drop_index("ix_ticket_gram_ticket_id", table_name="ticket_gram")
    op.drop_table("ticket_gram")
