"""a visit request states its confirmation form's contents and the feedback's frequency and
times (seed 000:2.5.4); a customer's founding date, for its anniversary callback (seed
000:2.5.1.2) (issue 26)

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit_request") as batch:
        batch.add_column(
            sa.Column("confirmation_form", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("feedback_frequency", sa.String(80), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("feedback_times", sa.String(80), nullable=False, server_default="")
        )
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("founded_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("founded_on")
    with op.batch_alter_table("visit_request") as batch:
        batch.drop_column("feedback_times")
        batch.drop_column("feedback_frequency")
        batch.drop_column("confirmation_form")
