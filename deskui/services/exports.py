"""`deskui export KIND` as a use case (issue 24): which kinds there are, who may take each
out of the desk (the permission table: export_action), phones and e-mail masked as the site
masks them (privacy.masked) and for anyone who may not export personal data, the export
audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.export import KINDS, build_table
from deskui.data.unit_of_work import UnitOfWork
from deskui.documents import Table
from deskui.domain.accounts import sees_personal
from deskui.domain.field_problem import FieldProblem
from deskui.domain.masking import masked_table
from deskui.domain.permissions import Action, export_action
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, require


@dataclass(frozen=True, slots=True)
class ExportRecords:
    """The records of one kind as a table, times in the site's local zone."""

    kind: str
    site_timezone: str


def export_records(uow: UnitOfWork, actor: Actor, command: ExportRecords, now: datetime) -> Table:
    """The table of `command.kind`: anyone at the desk exports records, a lead or manager the
    kinds holding personal data; phones and e-mail masked unless the actor may export them
    and the site does not mask their role. The export's `export` line names the kind and how
    many rows left."""
    require(actor, Action.EXPORT_RECORDS)  # the least any export needs
    if command.kind not in KINDS:
        refuse_problems([FieldProblem("kind", "export.refused.kind", (("kind", command.kind),))])
    require(actor, export_action(command.kind))
    headers, rows = build_table(command.kind, uow, command.site_timezone)
    sees = actor.may(Action.EXPORT_PERSONAL) and sees_personal(actor.role, uow.rules.masked_roles)
    table = masked_table(headers, rows, sees=sees)
    uow.audit.write(
        now,
        "export",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=command.kind,
        detail={"rows": len(table[1])},
    )
    uow.commit()
    return table
