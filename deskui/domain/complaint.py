"""Complaint rules (seed 001:6-7, seed 000:3.2.2-3.2.3): pure functions of facts and `now`.

- step 4: a resolution time committed, or a reply time no later than one working day;
- times typed by the agent, read in the site's zone;
- the written reply in the seed's order 7.1-7.8, from the recorded facts;
- the delay of a complaint forwarded by another department, and whether a repeat complaint
  falls on that department's late hand-on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.deadlines import promised_reply_due
from deskui.domain.field_limits import FieldKind, too_long
from deskui.domain.field_problem import FieldProblem
from deskui.domain.script_flow import is_filled, render

if TYPE_CHECKING:
    from deskui.domain.callbacks import CallingHours

COMMIT_RESOLUTION = "resolution"
"""Step 4: the agent knows when it will be fixed and commits that time."""
COMMIT_REPLY = "reply"
"""Step 4: the agent does not know yet and promises a reply time (seed 001:6.4)."""

COMPLAINT_FIELD_KINDS: dict[str, FieldKind] = {
    "contact_name": FieldKind.NAME,
    "contact_phone": FieldKind.PHONE,
    "unit_number": FieldKind.UNIT_NUMBER,
    "cause": FieldKind.SHORT_TEXT,
    "promised_at": FieldKind.CODE,
    "callback_time": FieldKind.CODE,
    "responsible": FieldKind.SHORT_TEXT,
    "expected_finish": FieldKind.CODE,
    "customer_words": FieldKind.NOTE,
    "complaint": FieldKind.NOTE,
    "action_taken": FieldKind.NOTE,
    "note": FieldKind.NOTE,
}
"""How long each answer of the complaint script may be (field_limits)."""


def answers_too_long(answers: Mapping[str, object]) -> tuple[str, ...]:
    """The answers past their field's limit, in the answers' order; an answer the form has
    no field for is held to a note's limit."""
    kinds = {name: COMPLAINT_FIELD_KINDS.get(name, FieldKind.NOTE) for name in answers}
    return tuple(problem.field for problem in too_long(answers, kinds))


FORWARD_GRACE_WORKING_DAYS = 1
"""seed 000:3.2.2 says "立即"; a site tolerates the hand-on reaching us the next working day."""

_TIME = re.compile(
    r"^\s*(?:(?:(?P<y>\d{4})[-/.])?(?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})\s+)?"
    r"(?P<h>\d{1,2})[:：](?P<mi>\d{2})\s*$"
)


def parse_local_time(text: str, now: datetime, tz: str) -> datetime | None:
    """`2026-11-24 10:00`, `11-24 10:00` or `10:00` (today), in the site's zone; None if not
    a time. The result is aware; a date without a year is this year's."""
    match = _TIME.match(text)
    if not match:
        return None
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    try:
        year = int(match["y"]) if match["y"] else local_now.year
        month = int(match["mo"]) if match["mo"] else local_now.month
        day = int(match["d"]) if match["d"] else local_now.day
        return datetime(year, month, day, int(match["h"]), int(match["mi"]), tzinfo=zone)
    except ValueError:  # 2026-02-30, 25:00
        return None


def check_commitment(
    mode: str,
    text: str,
    now: datetime,
    calendar: BusinessCalendar,
    hours: CallingHours | None = None,
) -> tuple[datetime | None, FieldProblem | None]:
    """Step 4 (seed 001:6.4): the time committed, or the problem to show by the field.

    A resolution time must lie ahead; a reply time must lie ahead and no later than one
    working day from now and, given the calling hours, when the customer may be called
    (seed 000:2.5.2.1: not in their rest time), else the slot to offer instead.
    """
    if not text.strip():
        return None, FieldProblem("promised_at", "complaint.err.promised_missing")
    at = parse_local_time(text, now, str(calendar.tz))
    if at is None:
        return None, FieldProblem("promised_at", "complaint.err.promised_format")
    if at <= now:
        return None, FieldProblem("promised_at", "complaint.err.promised_past")
    if mode == COMMIT_REPLY:
        latest = promised_reply_due(calendar, now)
        if at > latest:
            shown = latest.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")
            return None, FieldProblem(
                "promised_at", "complaint.err.reply_too_late", (("latest", shown),)
            )
        if hours is not None:
            return at, callable_problem("promised_at", at, now, hours, calendar, latest)
    return at, None


def callable_problem(
    field: str,
    at: datetime,
    now: datetime,
    hours: CallingHours,
    calendar: BusinessCalendar,
    latest: datetime | None = None,
) -> FieldProblem | None:
    """A time the customer will be called at, outside their calling hours or in their rest
    time: the problem names the slot to take instead (the next one, or when that is past
    `latest`, the last window's start before it). None when `at` is fine or no slot fits."""
    from deskui.domain.callbacks import check_booking, last_window_start

    placement = check_booking(at, now, hours, calendar)
    if not placement.moved:
        return None
    slot = placement.at
    if latest is not None and slot > latest:
        earlier = last_window_start(latest, now, hours, calendar)
        if earlier is None:
            return None  # nothing callable before the limit: the promise stands as typed
        slot = earlier
    shown = slot.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")
    return FieldProblem(field, "complaint.err.out_of_hours", (("slot", shown),))


def check_future_time(
    field: str,
    text: str,
    now: datetime,
    tz: str,
    *,
    required: bool = True,
    hours: CallingHours | None = None,
    calendar: BusinessCalendar | None = None,
) -> tuple[datetime | None, FieldProblem | None]:
    """A time typed for a callback or an expected finish: a real time, not in the past; a
    callback's, given the calling hours and calendar, when the customer may be called."""
    if not text.strip():
        if required:
            return None, FieldProblem(field, "complaint.err.required")
        return None, None
    at = parse_local_time(text, now, tz)
    if at is None:
        return None, FieldProblem(field, "complaint.err.time_format")
    if at <= now:
        return None, FieldProblem(field, "complaint.err.time_past")
    if hours is not None and calendar is not None:
        return at, callable_problem(field, at, now, hours, calendar)
    return at, None


# -- the written reply (seed 001:7.1-7.8) -------------------------------------------------

REPLY_PARTS: tuple[str, ...] = (
    "greeting",  # 7.5 您, brief
    "thanks",  # 7.2 thank and say why
    "done",  # 7.3 what was done
    "cause",
    "responsible",
    "action",
    "finish",
    "result",
    "agree",  # 7.4 the customer is right
    "exceed",  # 7.6 beyond expectations
    "confirm",  # 7.7 is the customer satisfied
    "closing",  # 7.8 thanks once more
    "signature",
)
"""The reply's paragraphs in the seed's order; each is a template from the catalog."""


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    salutation: str
    subject: str
    received_on: str
    cause: str
    responsible: str
    action_at: str
    expected_finish: str
    result: str
    agent_name: str
    company: str
    today: str
    by: str = ""  # how the complaint reached us, in the reply's words: a call is not a letter


def build_reply(facts: ReplyFacts, templates: Mapping[str, str]) -> str:
    """The reply built in the seed's order, skipping a fact paragraph whose fact is empty
    (an empty result still reads: it is under way)."""
    values = {f.name: getattr(facts, f.name) for f in fields(facts)}
    paragraphs: list[str] = []
    for part in REPLY_PARTS:
        template = templates.get(part, "")
        fact = part if part in ("cause", "responsible", "result") else None
        if part == "action":
            fact = "action_at"
        elif part == "finish":
            fact = "expected_finish"
        if fact and not is_filled(values.get(fact)):
            template = templates.get(f"{part}_missing", "")
        if template:
            paragraphs.append(render(template, values))
    return "\n\n".join(paragraphs) + "\n"


# -- complaints forwarded by another department (seed 000:3.2.2-3.2.3) --------------------


def forward_delay_days(received_on: date, our_received_at: datetime, tz: str) -> int:
    """Calendar days between the department's receipt and ours (0: the same day)."""
    ours = our_received_at.astimezone(ZoneInfo(tz)).date()
    return max((ours - received_on).days, 0)


def late_hand_on(received_on: date, our_received_at: datetime, calendar: BusinessCalendar) -> bool:
    """seed 000:3.2.2: a department passes a complaint on at once, in writing; reaching us
    after the next working day counts as late."""
    ours = our_received_at.astimezone(calendar.tz).date()
    allowed = received_on
    for _ in range(FORWARD_GRACE_WORKING_DAYS):
        allowed = calendar.next_working_day(allowed)
    return ours > allowed


def repeat_caused_by_late_hand_on(
    received_on: date,
    our_received_at: datetime,
    repeat_opened_at: datetime,
    calendar: BusinessCalendar,
) -> bool:
    """seed 000:3.2.3: the customer complained again while the department still held the
    first complaint, and the hand-on was late: the repeat counts against that department."""
    if not late_hand_on(received_on, our_received_at, calendar):
        return False
    opened = repeat_opened_at.astimezone(calendar.tz)
    return received_on < opened.date() and opened < our_received_at


def one_working_day(calendar: BusinessCalendar, now: datetime) -> datetime:
    """The latest reply time step 4 allows (seed 001:6.4)."""
    return promised_reply_due(calendar, now)


def default_callback_at(
    calendar: BusinessCalendar, resolved_at: datetime, hours: CallingHours | None = None
) -> datetime:
    """Step 7: the satisfaction callback, proposed for the next working day after the fix,
    moved into the calling hours when given (seed 000:2.5.2.1: not in the rest time)."""
    at = calendar.add_working_days(resolved_at, 1)
    if hours is None:
        return at
    from deskui.domain.callbacks import place_call

    return place_call(at, hours, calendar).at


# -- leaving a step: what follows from it (seed 001:6.4-6.7, seed 002:2.4.1) ---------------

ESCALATE_STEP = "escalate"
"""The step that hands the complaint to the team lead (seed 002:2.4.1)."""
RESOLVING_STEPS = ("resolved", "report")
"""Leaving these steps records the complaint as fixed, with the action taken (seed 001:6.6)."""


def closes(reached: str, final: bool) -> bool:
    """The case closes when the script ends anywhere but the hand-on to the lead (seed 001:6.7:
    only once the customer said they are satisfied, which is the only way to `closed`)."""
    return final and reached != ESCALATE_STEP


def escalates(reached: str, final: bool) -> bool:
    return final and reached == ESCALATE_STEP


def step_time_problems(
    requires: tuple[str, ...],
    now: datetime,
    *,
    commit_mode: str = "",
    promised_at: datetime | None = None,
    callback_at: datetime | None = None,
    expected_finish: datetime | None = None,
    calendar: BusinessCalendar | None = None,
) -> list[FieldProblem]:
    """The times a step requires, as read from what the agent typed: each given and ahead of
    `now`; a promised reply no later than one working day (seed 001:6.4) when the calendar
    is known. The screen checks the typed text first; this is the service's own check."""
    problems: list[FieldProblem] = []
    given = {
        "promised_at": promised_at,
        "callback_time": callback_at,
        "expected_finish": expected_finish,
    }
    for field, at in given.items():
        if field not in requires:
            continue
        if at is None:
            problems.append(FieldProblem(field, "complaint.err.required"))
        elif at <= now:
            past = "promised_past" if field == "promised_at" else "time_past"
            problems.append(FieldProblem(field, f"complaint.err.{past}"))
        elif field == "promised_at" and commit_mode != COMMIT_RESOLUTION and calendar is not None:
            latest = promised_reply_due(calendar, now)
            if at > latest:
                shown = latest.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")
                problems.append(
                    FieldProblem(field, "complaint.err.reply_too_late", (("latest", shown),))
                )
    return problems
