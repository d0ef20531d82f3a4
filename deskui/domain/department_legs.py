"""The record's round trip through a department (seed 002:2.3.2, 2.4.2, 2.5).

A ticket handed to a department is accepted, given a plan (the expected resolution time and
the measures, both written into the record), given a result, and returned to the CS owner or
team lead, who tells the customer. Each leg is timed against the site's limits. Pure: every
function takes the facts and an explicit `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem

MAX_TEXT = limit(FieldKind.NOTE)  # measures and result: a long paste stays in the form
MAX_NAME = limit(FieldKind.NAME)  # the department person's name, as Agent.name
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d")


class LegStage(StrEnum):
    """What the leg waits for next."""

    ACCEPT = "accept"  # handed over, not yet accepted by the department
    PLAN = "plan"  # accepted: the department owes the expected time and measures
    RESULT = "result"  # planned: the department works towards the expected time
    RETURN = "return"  # result written: the record goes back to CS
    INFORM = "inform"  # returned: the CS owner tells the customer
    DONE = "done"  # the customer was told


@dataclass(frozen=True)
class LegPolicy:
    """Site limits on each leg; the seeds set none, so these are site defaults."""

    accept: timedelta = timedelta(hours=2)
    """The department accepts a handed-over record this soon."""
    plan: timedelta = timedelta(hours=4)
    """After accepting, the department head states the expected time and measures
    (seed 002:2.3.2)."""
    longest_resolution: timedelta = timedelta(days=30)
    """An expected resolution time further out than this is a typing mistake."""
    return_after_result: timedelta = timedelta(hours=1)
    """Once handled, the record goes back to the CS team lead (seed 002:2.4.2)."""
    inform: timedelta = timedelta(hours=4)
    """The CS owner tells the customer the result this soon after the record returns."""


@dataclass(frozen=True, slots=True)
class LegFacts:
    """What is recorded of one leg; `None` means the step has not happened."""

    handed_at: datetime
    accepted_at: datetime | None = None
    planned_at: datetime | None = None
    expected_at: datetime | None = None
    result_at: datetime | None = None
    returned_at: datetime | None = None
    informed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LegTime:
    """One timed step of a leg: from `started_at`, due at `due_at`, done at `ended_at`."""

    stage: LegStage
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    took: timedelta
    """Time spent so far (to `now` while the step is open)."""
    late: bool
    """Ended after its due time, or still open past it."""


def stage(facts: LegFacts) -> LegStage:
    """The step the leg waits for."""
    if facts.accepted_at is None:
        return LegStage.ACCEPT
    if facts.planned_at is None:
        return LegStage.PLAN
    if facts.result_at is None:
        return LegStage.RESULT
    if facts.returned_at is None:
        return LegStage.RETURN
    if facts.informed_at is None:
        return LegStage.INFORM
    return LegStage.DONE


def stage_window(policy: LegPolicy, facts: LegFacts) -> tuple[datetime, datetime] | None:
    """(starts_at, due_at) of the step the leg waits for; None once the customer was told."""
    current = stage(facts)
    if current is LegStage.ACCEPT:
        return _utc(facts.handed_at), _utc(facts.handed_at) + policy.accept
    if current is LegStage.PLAN:
        assert facts.accepted_at is not None
        return _utc(facts.accepted_at), _utc(facts.accepted_at) + policy.plan
    if current is LegStage.RESULT:
        assert facts.planned_at is not None and facts.expected_at is not None
        return _utc(facts.planned_at), _utc(facts.expected_at)
    if current is LegStage.RETURN:
        assert facts.result_at is not None
        return _utc(facts.result_at), _utc(facts.result_at) + policy.return_after_result
    if current is LegStage.INFORM:
        assert facts.returned_at is not None
        return _utc(facts.returned_at), _utc(facts.returned_at) + policy.inform
    return None


def leg_times(policy: LegPolicy, facts: LegFacts, now: datetime) -> list[LegTime]:
    """Every step reached so far, each with how long it took against its limit."""
    steps: list[tuple[LegStage, datetime | None, datetime | None, datetime | None]] = [
        (LegStage.ACCEPT, facts.handed_at, None, facts.accepted_at),
        (LegStage.PLAN, facts.accepted_at, None, facts.planned_at),
        (LegStage.RESULT, facts.planned_at, facts.expected_at, facts.result_at),
        (LegStage.RETURN, facts.result_at, None, facts.returned_at),
        (LegStage.INFORM, facts.returned_at, None, facts.informed_at),
    ]
    limits = {
        LegStage.ACCEPT: policy.accept,
        LegStage.PLAN: policy.plan,
        LegStage.RETURN: policy.return_after_result,
        LegStage.INFORM: policy.inform,
    }
    now = _utc(now)
    out: list[LegTime] = []
    for name, started, promised, ended in steps:
        if started is None:
            break
        started = _utc(started)
        due = _utc(promised) if promised is not None else started + limits[name]
        finish = _utc(ended) if ended is not None else None
        took = (finish or now) - started
        late = (finish or now) > due
        out.append(LegTime(name, started, due, finish, max(took, timedelta(0)), late))
    return out


def check_plan(
    policy: LegPolicy,
    expected: str,
    measures: str,
    on_behalf_of: str | None,
    now: datetime,
    zone: ZoneInfo,
) -> tuple[datetime | None, list[FieldProblem]]:
    """The expected resolution time read in the site's zone, and what is wrong with the plan.

    `on_behalf_of` is the department person's name when CS records it for them (else None).
    """
    expected_at = parse_local_time(expected, zone)
    if not expected.strip():
        problems = [FieldProblem("expected", "department.legs.error.expected_required")]
        problems += plan_problems(policy, None, measures, on_behalf_of, now, read=False)
    elif expected_at is None:
        problems = [FieldProblem("expected", "department.legs.error.expected_format")]
        problems += plan_problems(policy, None, measures, on_behalf_of, now, read=False)
    else:
        problems = plan_problems(policy, expected_at, measures, on_behalf_of, now)
    return (expected_at if not problems else None), problems


def plan_problems(
    policy: LegPolicy,
    expected_at: datetime | None,
    measures: str,
    on_behalf_of: str | None,
    now: datetime,
    *,
    read: bool = True,
) -> list[FieldProblem]:
    """What is wrong with a plan whose time is read (`read` False: the form said why it
    is not): the time after now and within the longest resolution, the measures, the name."""
    problems: list[FieldProblem] = []
    if expected_at is None:
        if read:
            problems.append(FieldProblem("expected", "department.legs.error.expected_required"))
    elif expected_at.tzinfo is None:  # a time without its zone is no time at all
        problems.append(FieldProblem("expected", "department.legs.error.expected_format"))
    elif expected_at <= _utc(now):
        problems.append(FieldProblem("expected", "department.legs.error.expected_past"))
    elif expected_at > _utc(now) + policy.longest_resolution:
        days = policy.longest_resolution.days
        problems.append(
            FieldProblem("expected", "department.legs.error.expected_far", (("days", days),))
        )
    problems += _text_problems("measures", measures, "department.legs.error.measures_required")
    problems += check_name(on_behalf_of)
    return problems


def check_result(result: str, on_behalf_of: str | None) -> list[FieldProblem]:
    """What is wrong with a department's result before it is written into the record."""
    return _text_problems("result", result, "department.legs.error.result_required") + check_name(
        on_behalf_of
    )


def check_note(note: str) -> list[FieldProblem]:
    """The hand-off note is optional; when given, it must be plain text of a sane length."""
    return _text_problems("note", note, "") if note.strip() else []


def check_name(on_behalf_of: str | None) -> list[FieldProblem]:
    """CS recording for a department must name the department person (seed 002:2.3.2)."""
    if on_behalf_of is None:
        return []
    if not on_behalf_of.strip():
        return [FieldProblem("by_name", "department.legs.error.name_required")]
    if len(on_behalf_of) > MAX_NAME:
        return [_too_long("by_name", on_behalf_of, MAX_NAME)]
    if _has_control(on_behalf_of):
        return [FieldProblem("by_name", "department.legs.error.control")]
    return []


def parse_local_time(text: str, zone: ZoneInfo) -> datetime | None:
    """`2026-11-25 17:00` (or a date alone: the end of that working day) in the site's zone."""
    value = " ".join(text.split())
    for pattern in TIME_FORMATS:
        try:
            parsed = datetime.strptime(value, pattern)  # naive: the zone is set below
        except ValueError:
            continue
        if pattern == "%Y-%m-%d":
            parsed = parsed.replace(hour=18)
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    return None


def _text_problems(field: str, text: str, required: str) -> list[FieldProblem]:
    if not text.strip():
        return [FieldProblem(field, required)]
    if len(text) > MAX_TEXT:
        return [_too_long(field, text, MAX_TEXT)]
    if _has_control(text.replace("\n", "").replace("\t", "")):
        return [FieldProblem(field, "department.legs.error.control")]
    return []


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text)


def _too_long(field: str, text: str, limit: int) -> FieldProblem:
    return FieldProblem(
        field, "department.legs.error.too_long", (("limit", limit), ("length", len(text)))
    )


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("legs need timezone-aware instants")
    return instant.astimezone(UTC)
