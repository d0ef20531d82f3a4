"""`deskui audit`: a manager searches the audit by person, action and local days, as CSV or
XLSX; reading the audit is itself audited."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from deskui.cli.common import (
    CommandRefused,
    UsageError,
    in_words,
    open_database,
    say,
    signed_in,
    write_table,
)
from deskui.domain.permissions import Action

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def audit_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """`deskui audit`: a manager searches the audit by person, action and local days, as CSV
    or XLSX; reading the audit is itself audited."""
    from datetime import date, datetime, time, timedelta

    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.clock import site_zone
    from deskui.domain.refusal import Invalid
    from deskui.services.audit import AuditQuery, search_audit

    zone = site_zone(settings.site_timezone)

    def day(text: str | None, flag: str) -> datetime | None:
        if text is None:
            return None
        try:
            return datetime.combine(date.fromisoformat(text), time(), zone)
        except ValueError as error:
            raise UsageError(f"{flag}: {text!r} is not a date like 2026-11-23") from error

    since = day(args.since, "--from")
    until = day(args.until, "--to")
    database = open_database(settings, clock, seed_demo=settings.demo)
    try:
        actor = signed_in(settings, clock, database, Action.SEE_AUDIT)
    except CommandRefused as error:
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    query = AuditQuery(
        person=args.person,
        action=args.action,
        since=since,
        until=until + timedelta(days=1) if until else None,
    )
    with UnitOfWork(database) as uow:
        try:
            lines = search_audit(uow, actor, query, clock.now())
        except Invalid as error:
            raise UsageError(say(error.key, settings, **error.values)) from error
    headers = [
        say(f"audit.head_{name}", settings)
        for name in ("at", "person", "action", "outcome", "subject", "detail")
    ]
    rows: list[list[Any]] = [
        [e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), e.agent_name,
         in_words("audit.action", e.action), in_words("audit.outcome", e.outcome),
         in_words("account.action", e.subject) if e.action == "denied" else e.subject,
         ", ".join(f"{in_words('audit.detail', k)}={_detail_value(k, v, zone)}"
                   for k, v in sorted(e.detail.items()))]
        for e in lines
    ]  # fmt: skip
    write_table("audit", (headers, rows), args.format, args.output, xlsx_to_pipe=False)
    return 0


def _detail_value(key: str, value: object, zone: Any) -> object:
    """A detail's value in words: an old -> new pair as `old → new`, a role by its name, an
    instant (stored as UTC ISO text) in the site's local time to the minute, a yes or no, a
    list joined."""
    if isinstance(value, list) and len(value) == 2 and key in _PAIRS:
        return " → ".join(str(_one_value(key, v, zone)) for v in value)
    if isinstance(value, list):
        return "、".join(map(str, value))
    return _one_value(key, value, zone)


_PAIRS = frozenset(
    {
        "role",
        "active",
        "department",
        "extension",
        "locked_until",
        "must_change_password",
        "has_password",
    }
)
"""The account changes the audit keeps as [old, new] (issue 16)."""


def _one_value(key: str, value: object, zone: Any) -> object:
    from datetime import datetime

    from deskui.i18n import t

    if value is None:
        return t("audit.value.none")
    if isinstance(value, bool):
        return t("audit.value.yes" if value else "audit.value.no")
    if key == "role" and isinstance(value, str):
        return in_words("role", value)
    if key == "department" and isinstance(value, str):
        return in_words("department", value)
    if key == "reason" and isinstance(value, str):  # a refusal's catalog line, or a code
        from deskui.i18n import has_key

        return t(value) if "." in value and has_key(value) else in_words("audit.reason", value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None:
            return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return value
