"""`deskui export KIND [--format csv|xlsx] [--output FILE] [--words]`: the records as a
table; a lead's or manager's for the kinds holding personal data, audited."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deskui.cli.common import open_database, signed_in, write_table

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock

PERSONAL_KINDS = frozenset(
    {
        "customers",
        "visitors",
        "passes",
        "messages",
        "correspondence",
        "prospects",
        "gifts",
        "events",
    }
)
"""Exports holding phones, e-mail, birthdays or visitors' papers: a lead's or manager's."""


def export_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    from deskui.data.export import build_table, in_words
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.masking import masked_table
    from deskui.domain.permissions import Action

    kind = args.kind
    database = open_database(settings, clock, seed_demo=settings.demo)
    needed = Action.EXPORT_PERSONAL if kind in PERSONAL_KINDS else Action.EXPORT_RECORDS
    actor = signed_in(settings, clock, database, needed)
    with UnitOfWork(database) as uow:
        table = build_table(kind, uow, settings.site_timezone)
    if not actor.may(Action.EXPORT_PERSONAL):  # an agent's export never shows a whole phone
        table = masked_table(*table, sees=False)
    with UnitOfWork(database) as uow:
        uow.audit.write(
            clock.now(),
            "export",
            agent_id=actor.id,
            agent_name=actor.name,
            subject=kind,
            detail={"rows": len(table[1])},
        )
        uow.commit()
    if args.words:
        from deskui.i18n import set_locale

        set_locale(settings.locale)
        table = in_words(kind, table)
    write_table(kind, table, args.format, args.output, xlsx_to_pipe=True)
    return 0
