"""`deskui export KIND [--format csv|xlsx] [--output FILE] [--words]`: the records as a
table, through the export service (deskui/services/exports.py: who may export which kind,
the site's masking, the audit); `--words` says the headers and codes in the --lang language."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from deskui.cli.common import open_database, signed_in, write_table

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.documents import Table
    from deskui.domain.clock import Clock


def export_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.permissions import export_action
    from deskui.services.exports import ExportRecords, export_records

    database = open_database(settings, clock, seed_demo=settings.demo)
    actor = signed_in(settings, clock, database, export_action(args.kind))
    with UnitOfWork(database) as uow:
        command = ExportRecords(args.kind, settings.site_timezone)
        table = export_records(uow, actor, command, clock.now())
    if args.words:
        from deskui.i18n import set_locale

        set_locale(settings.locale)
        table = table_in_words(args.kind, table)
    write_table(args.kind, table, args.format, args.output, xlsx_to_pipe=True)
    return 0


VALUE_WORDS: dict[str, str] = {
    "kind": "kind",
    "category": "category",
    "channel": "channel",
    "severity": "severity",
    "status": "status",
    "department": "department",
    "contact_role": "profiles.role",
    "gender": "profiles.gender",
    "purpose": "callbacks.purpose",
    "way": "callbacks.way",
    "confirmed_via": "callbacks.way",
    "outcome": "callbacks.answer",
    "sheet": "handover.sheet",
    "problem": "orders.problem",
}
"""Columns whose values are codes, and the catalog section that says them in words."""
KIND_VALUE_WORDS: dict[str, dict[str, str]] = {
    "callbacks": {"status": "export.callback_status"},
    "handover": {"status": "handover.status"},
    "orders": {"status": "orders.status"},
    "correspondence": {
        "direction": "correspondence.direction_name",
        "kind": "correspondence.kind_name",
    },
    "prospects": {"status": "relations.prospect.status"},
    "calls": {
        "outcome": "export.call_outcome",
        "state": "export.call_state",
        "direction": "export.call_direction",
        "cause": "export.call_cause",
    },
}
"""Where a kind's column holds other codes than the same name elsewhere (a ticket's status
is not a handover item's)."""


def table_in_words(kind: str, table: Table) -> Table:
    """The table as an agent reads it, in the current locale: headers in words ("快递公司",
    not `courier`) and coded values in words ("待确认", not `handed_over`); text typed by
    people, numbers and times stay as they are. The default export keeps the stable keys
    that scripts read."""
    from deskui.i18n import has_key, t

    headers, rows = table
    sections = {**VALUE_WORDS, **KIND_VALUE_WORDS.get(kind, {})}
    prefixes = [sections.get(header) for header in headers]

    def word(prefix: str | None, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        if prefix is not None and has_key(f"{prefix}.{value}"):
            return t(f"{prefix}.{value}")
        if has_key(f"export.value.{value}"):  # yes / no
            return t(f"export.value.{value}")
        return value

    words = [
        t(f"export.column.{header}") if has_key(f"export.column.{header}") else header
        for header in headers
    ]
    return words, [[word(p, v) for p, v in zip(prefixes, row, strict=True)] for row in rows]
