"""The one deadline policy: when each countdown falls due, from facts and an explicit time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.countdown import paused_for
from deskui.domain.model import Role, Severity, TicketStatus

ProfileFilingKind = Literal["cs", "sales", "personal_notes"]


def _default_first_contact() -> Mapping[Severity, timedelta]:
    return MappingProxyType(
        {
            Severity.NORMAL: timedelta(hours=24),  # seed 002:2.3.2
            Severity.URGENT: timedelta(hours=8),  # seed 002:2.3.2
            Severity.CRITICAL: timedelta(hours=4),  # seed 002:2.3.2: at once, at most 4 h
        }
    )


@dataclass(frozen=True)
class DeadlinePolicy:
    """Durations a site may tune; the defaults are the seeds' own."""

    first_contact: Mapping[Severity, timedelta] = field(default_factory=_default_first_contact)
    """Time to first contact the customer, by severity (seed 002:2.3.2)."""
    repeat_contact_interval: timedelta = timedelta(hours=12)
    """Urgent tickets: contact the customer 1-2 times a day with progress (seed 002:2.3.2)."""
    callback_window: timedelta = timedelta(days=7)
    """A callback within one week (seed 000:2.5)."""
    profile_filing_cs: timedelta = timedelta(hours=24)
    """CS files or updates a profile within 24 hours (seed 000:1.4.3)."""
    profile_filing_sales: timedelta = timedelta(days=3)
    """Sales sends a new customer's profile within 3 days of contract (seed 000:1.4.1)."""
    personal_notes: timedelta = timedelta(days=30)
    """Personal notes within a month (seed 000:1.4.2)."""
    handover_ack: timedelta = timedelta(minutes=30)
    """The next shift acknowledges the handover this soon after its start (seed 004 sets no
    time: a site default)."""
    parcel_final_answer: timedelta = timedelta(hours=24)
    """A chased parcel's customer gets a final answer within 24 hours (seed 004 in-sales)."""
    gift_confirmation: timedelta = timedelta(days=3)
    """CS is told within 3 days of a gift being sent (seed 000:2.5.5.1)."""

    def __post_init__(self) -> None:
        missing = [severity for severity in Severity if severity not in self.first_contact]
        if missing:
            raise ValueError(f"first_contact has no duration for {', '.join(missing)}")


def first_contact_due(policy: DeadlinePolicy, severity: Severity, opened_at: datetime) -> datetime:
    """When the customer must first be contacted (seed 002:2.3.2)."""
    return _utc(opened_at) + policy.first_contact[severity]


def promised_reply_due(calendar: BusinessCalendar, now: datetime) -> datetime:
    """A reply promised when the resolution time is unknown: within one working day
    (seed 001:6.4)."""
    return calendar.add_working_days(_utc(now), 1)


def callback_due(policy: DeadlinePolicy, event_at: datetime) -> datetime:
    """A callback after the event that calls for it, within one week (seed 000:2.5)."""
    return _utc(event_at) + policy.callback_window


def profile_filing_due(
    policy: DeadlinePolicy, kind: ProfileFilingKind, event_at: datetime
) -> datetime:
    """Profile filing by CS, by sales, or the personal notes (seed 000:1.4.1-1.4.3)."""
    windows: dict[str, timedelta] = {
        "cs": policy.profile_filing_cs,
        "sales": policy.profile_filing_sales,
        "personal_notes": policy.personal_notes,
    }
    if kind not in windows:
        raise ValueError(f"unknown profile filing kind: {kind!r}")
    return _utc(event_at) + windows[kind]


def profile_filing_due_on(
    policy: DeadlinePolicy, kind: ProfileFilingKind, day: date, tz: str
) -> tuple[datetime, datetime]:
    """(starts_at, due_at) of a filing counted from a date, such as the contract's: dates are
    local days, so "within 3 days" of 2026-11-20 runs from that local midnight to the end of
    2026-11-23, local (seed 000:1.4.1)."""
    zone = ZoneInfo(tz)
    starts = datetime.combine(day, time(0), tzinfo=zone)
    window = profile_filing_due(policy, kind, starts.astimezone(UTC)) - starts
    last_day = day + timedelta(days=max(window.days, 0))
    due = datetime.combine(last_day, END_OF_DAY, tzinfo=zone)
    return starts.astimezone(UTC), due.astimezone(UTC)


END_OF_DAY = time(23, 59)
"""A deadline "by the end of a day" falls at this local time, shown as that day."""


def repeat_contact_due(policy: DeadlinePolicy, last_contact_at: datetime) -> datetime:
    """The next progress contact on an urgent ticket (seed 002:2.3.2)."""
    return _utc(last_contact_at) + policy.repeat_contact_interval


def handover_ack_due(policy: DeadlinePolicy, shift_start: datetime) -> datetime:
    """When the incoming shift must have acknowledged the handover (seed 004)."""
    return _utc(shift_start) + policy.handover_ack


def parcel_final_answer_due(policy: DeadlinePolicy, chased_at: datetime) -> datetime:
    """A final answer, or a message saying why not, after chasing the courier (seed 004)."""
    return _utc(chased_at) + policy.parcel_final_answer


def gift_confirmation_due(policy: DeadlinePolicy, sent_at: datetime) -> datetime:
    """CS must have been told of a gift sent by a business department (seed 000:2.5.5.1)."""
    return _utc(sent_at) + policy.gift_confirmation


def resume(due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The deadline moved later by the time spent waiting on the customer."""
    return _utc(due_at) + paused_for(paused_at, resumed_at)  # a clock set back never pulls it in


PAUSABLE_STATUSES = frozenset(
    {
        TicketStatus.OPEN,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WITH_DEPARTMENT,
        TicketStatus.WITH_LEAD,
    }
)
"""A ticket may wait on the customer from any open status; a closed one has nothing to pause."""


def may_pause(status: str) -> bool:
    """Whether a ticket in `status` may be set to wait on the customer."""
    return status in PAUSABLE_STATUSES


def may_resume(status: str) -> bool:
    """Only a ticket waiting on the customer resumes."""
    return status == TicketStatus.WAITING_CUSTOMER


PAUSE_REASON_MAX = 200


def pause_reason_problem(reason: str) -> str | None:
    """The catalog key of what is wrong with a pause reason as typed, or None."""
    if not reason.strip():
        return "pause.error.reason_required"
    if len(reason.strip()) > PAUSE_REASON_MAX:
        return "pause.error.reason_too_long"
    return None


def escalation_role(severity: Severity) -> Role | None:
    """Who must be told at once: urgent to the department supervisor, critical to the CS
    manager and leadership (seed 002:2.3.2)."""
    if severity == Severity.CRITICAL:
        return Role.MANAGER
    if severity == Severity.URGENT:
        return Role.LEAD
    return None


def escalation_recipients(
    severity: Severity,
    *,
    department_supervisors: Sequence[int],
    team_leads: Sequence[int],
    managers: Sequence[int],
    leadership: Sequence[int] = (),
) -> tuple[int, ...]:
    """Who is told of a new record at once (seed 002:2.3.2), by agent id, each once:
    urgent to the supervisor of the department handling it (`department_supervisors`: the
    routed department's people at the desk, who write its plan), the CS team's own leads
    when CS handles it or the department has nobody at the desk; critical to the CS manager
    and the company's leadership (`leadership`: none while the desk has no such account)."""
    if severity == Severity.CRITICAL:
        chosen = [*managers, *leadership]
    elif severity == Severity.URGENT:
        chosen = list(department_supervisors) or list(team_leads)
    else:
        chosen = []
    return tuple(dict.fromkeys(chosen))


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("deadlines need timezone-aware instants")
    return instant.astimezone(UTC)
