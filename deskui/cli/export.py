"""`deskui export KIND [--format csv|xlsx] [--output FILE] [--words]`: the records as a
table, through the export service (deskui/services/exports.py: who may export which kind,
the site's masking, the audit); `--words` says the headers and codes in the --lang language."""

from __future__ import annotations

import argparse
from collections.abc import Callable
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
    "visit_requests": {"status": "callbacks.visit_status"},
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

    said = {**CALLBACK_WORDS} if kind == "callbacks" else {}

    def cell(header: str, prefix: str | None, value: Any) -> Any:
        if header in said and isinstance(value, str) and value:
            return said[header](value)
        return word(prefix, value)

    words = [
        t(f"export.column.{header}") if has_key(f"export.column.{header}") else header
        for header in headers
    ]
    return words, [
        [cell(h, p, v) for h, p, v in zip(headers, prefixes, row, strict=True)] for row in rows
    ]


def _answers_in_words(text: str) -> str:
    """`convenient=yes; satisfaction=satisfied` as 是否方便：是 / 方便；满意度：满意 (issue
    26); what the agent typed (feedback, notes) stays as it is."""
    from deskui.i18n import has_key, t

    parts = []
    for part in text.split("; "):
        key, equals, value = part.partition("=")
        if not equals:
            parts.append(part)
            continue
        for section in ("export.question", "callbacks.field"):
            if has_key(f"{section}.{key}"):
                key = t(f"{section}.{key}")
                break
        if has_key(f"callbacks.answer.{value}"):
            value = t(f"callbacks.answer.{value}")
        parts.append(f"{key}：{value}")
    return "；".join(parts)


def _reason_in_words(code: str) -> str:
    """`contact_hours`, `holiday:National Day` as the queue says them (不在联系人方便的时间内,
    国庆节假期...)."""
    from deskui.i18n import has_key, t
    from deskui.screens.holiday_names import holiday_text

    reason, _, holiday = code.partition(":")
    key = f"callbacks.reason.{reason}"
    return t(key, holiday=holiday_text(holiday)) if has_key(key) else code


def _occasion_in_words(code: str) -> str:
    """`holiday:2026-10-01:National Day` as the queue says it (国庆节 10-01)."""
    from deskui.screens.occasion_words import occasion_label

    return occasion_label(code) or code


CALLBACK_WORDS: dict[str, Callable[[str], str]] = {
    "answers": _answers_in_words,
    "moved_reason": _reason_in_words,
    "occasion": _occasion_in_words,
}
"""A callback's columns that hold codes inside text, each said in the site's words."""
