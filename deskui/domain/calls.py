"""Calls from the site's phone system (issue 25): what a PBX event says, and how a call's
state follows from its events.

The PBX posts Zammad's generic CTI push (`newCall`, `answer`, `hangup`, keyed by `callId`).
Its events arrive late, twice or out of order, and one may never arrive (a receiver that was
down drops it): every transition here is total, a duplicate changes nothing, and an `answer`
after its `hangup` is history, never a new state. A missed call is a state (hung up, never
answered), not a cause (DESIGN.md 12). Pure: no clock, no database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.field_problem import FieldProblem
from deskui.domain.phone import normalise_phone
from deskui.domain.refusal import Invalid


class CallEventKind(StrEnum):
    """Zammad's event names, as the PBX posts them."""

    NEW_CALL = "newCall"
    ANSWER = "answer"
    HANGUP = "hangup"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class CallState(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"


class CallOutcome(StrEnum):
    """What became of a call that ended: the caller log's and the export's `outcome`."""

    ANSWERED = "answered"
    MISSED = "missed"  # inbound, hung up before anyone answered
    CALLED_BACK = "called_back"  # a missed call whose callback was closed by a later call
    NOT_REACHED = "not_reached"  # an outbound call nobody answered
    BLOCKED = "blocked"  # a number on the site's block list: refused, never called back


class Cause(StrEnum):
    """Why a call ended, as stored: Zammad's causes in snake case."""

    NORMAL_CLEARING = "normal_clearing"
    BUSY = "busy"
    CANCEL = "cancel"  # the caller hung up while it rang
    NO_ANSWER = "no_answer"  # it rang out
    CONGESTION = "congestion"
    NOT_FOUND = "not_found"
    FORWARDED = "forwarded"
    SWEPT = "swept"  # no hangup came: closed by the sweep after the site's time
    ENDED_AT_DESK = "ended_at_desk"  # no hangup came: the agent said they were ready again
    NEXT_CALL = "next_call"  # no hangup came: the agent answered another call
    OTHER = "other"  # a cause this PBX names otherwise (the raw event keeps its word)


CAUSES: Mapping[str, Cause] = {
    "normalClearing": Cause.NORMAL_CLEARING,
    "busy": Cause.BUSY,
    "cancel": Cause.CANCEL,
    "noAnswer": Cause.NO_ANSWER,
    "congestion": Cause.CONGESTION,
    "notFound": Cause.NOT_FOUND,
    "forwarded": Cause.FORWARDED,
}


def cause_of(word: str | None) -> Cause | None:
    """The stored cause of a hangup's `cause` (None when the PBX sent none)."""
    if not word:
        return None
    return CAUSES.get(word, Cause.OTHER)


ANONYMOUS = "anonymous"
"""What a PBX sends as `from` for a withheld number."""

MAX_CALL_ID = 200
MAX_NUMBER = 32
MAX_QUEUE = 40
MAX_USERS = 20
MAX_USER = 80
_DIAL_CHARS = frozenset("0123456789+*#")


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One PBX post, checked: numbers normalised, words known, text bounded."""

    kind: CallEventKind
    call_id: str
    direction: Direction
    from_number: str
    """`+8613812345678`, a short number's digits, an extension's digits, or `anonymous`."""
    to_number: str
    queue: str = ""
    users: tuple[str, ...] = ()
    """`user[]`: extensions (or account names) the call rings or was answered at."""
    answering_number: str = ""
    cause: Cause | None = None

    @property
    def party_number(self) -> str:
        """The caller's side: whom a callback calls, whose card pops."""
        return self.from_number if self.direction is Direction.IN else self.to_number


def _one(values: Mapping[str, object], name: str) -> str:
    value = values.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else ""
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _word(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip()
    return str(value) if isinstance(value, int) else None


def _clean(text: str) -> bool:
    """No control character (ESC, NUL, CR, LF ...) and no format character (bidi marks)."""
    return all(unicodedata.category(ch)[0] != "C" for ch in text)


def dial_number(raw: str, field: str, *, caller: bool) -> str | FieldProblem:
    """A number as the PBX sent it: a phone number normalised (E.164, or a short number's
    digits), an extension's digits, or `anonymous` for a withheld caller. A `caller` number
    must be a phone number or anonymous; the other side may be an extension or a queue's
    number (95000)."""
    text = raw.strip()
    if text.lower() == ANONYMOUS and caller:
        return ANONYMOUS
    if not text or len(text) > MAX_NUMBER or not set(text) <= _DIAL_CHARS:
        return FieldProblem(field, "phone.error.number")
    parsed = normalise_phone(text)
    if parsed.valid and parsed.e164 is not None:
        return parsed.e164
    if caller:
        return FieldProblem(field, "phone.error.number")
    return text


def parse_event(values: Mapping[str, object]) -> CallEvent:
    """The checked event of a post's fields (JSON or form; `user[]` or `user`); raises
    `Invalid` with every problem (the bridge answers 422)."""
    problems: list[FieldProblem] = []
    kind_word = _one(values, "event")
    direction_word = _one(values, "direction") or Direction.IN
    kind = kind_word if kind_word in {str(k) for k in CallEventKind} else None
    if kind is None:
        problems.append(FieldProblem("event", "phone.error.event"))
    direction = direction_word if direction_word in {str(d) for d in Direction} else None
    if direction is None:
        problems.append(FieldProblem("direction", "phone.error.direction"))
    call_id = _one(values, "callId").strip()
    if not call_id or len(call_id) > MAX_CALL_ID or not _clean(call_id):
        problems.append(FieldProblem("callId", "phone.error.call_id"))
    inbound = direction != Direction.OUT
    numbers: dict[str, str] = {}
    for field, caller in (("from", inbound), ("to", not inbound)):
        number = dial_number(_one(values, field), field, caller=caller)
        if isinstance(number, FieldProblem):
            problems.append(number)
        else:
            numbers[field] = number
    queue = _one(values, "queue").strip()
    if len(queue) > MAX_QUEUE or not _clean(queue):
        problems.append(FieldProblem("queue", "phone.error.queue"))
    raw_users = values.get("user[]", values.get("user", ()))
    users_list = [raw_users] if isinstance(raw_users, str) else raw_users
    users: list[str] = []
    if not isinstance(users_list, list | tuple) or len(users_list) > MAX_USERS:
        problems.append(FieldProblem("user", "phone.error.user"))
    else:
        for user in users_list:
            word = (
                user.strip()
                if isinstance(user, str)
                else str(user)
                if isinstance(user, int)
                else None
            )
            if word is None or len(word) > MAX_USER or not _clean(word):
                problems.append(FieldProblem("user", "phone.error.user"))
                break
            if word:
                users.append(word)
    answering = _one(values, "answeringNumber").strip()
    if len(answering) > MAX_USER or not _clean(answering):
        problems.append(FieldProblem("answeringNumber", "phone.error.user"))
    cause_word = _one(values, "cause").strip()
    if len(cause_word) > MAX_USER or not _clean(cause_word):
        problems.append(FieldProblem("cause", "phone.error.cause"))
    if problems:
        raise Invalid(problems)
    assert kind is not None and direction is not None
    return CallEvent(
        kind=CallEventKind(kind),
        call_id=call_id,
        direction=Direction(direction),
        from_number=numbers["from"],
        to_number=numbers["to"],
        queue=queue,
        users=tuple(users),
        answering_number=answering,
        cause=cause_of(cause_word) if kind == CallEventKind.HANGUP else None,
    )


# -- the call's state ------------------------------------------------------------------------


class Effect(StrEnum):
    """What one event did to its call (kept on the stored event)."""

    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"  # the same event again: nothing changed
    HISTORY = "history"  # came after the call ended (an answer after its hangup): kept only


@dataclass(frozen=True, slots=True)
class CallFacts:
    """A call as its events so far make it."""

    direction: Direction
    from_number: str
    to_number: str
    queue: str
    state: CallState
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    cause: Cause | None = None
    answering_extension: str = ""
    outcome: CallOutcome | None = None

    @property
    def wait(self) -> timedelta | None:
        """From the first ring to the answer (or to the end, for a call never answered)."""
        until = self.answered_at or self.ended_at
        return until - self.started_at if until is not None else None


@dataclass(frozen=True, slots=True)
class Transition:
    facts: CallFacts
    effect: Effect
    answered: bool = False
    """This event answered the call (the agent's desk pops)."""
    ended: bool = False
    """This event ended the call."""

    @property
    def missed(self) -> bool:
        """This event made the call a missed one: a callback is due."""
        return self.ended and self.facts.outcome is CallOutcome.MISSED


def outcome_of(direction: Direction, answered: bool, *, blocked: bool = False) -> CallOutcome:
    if blocked:
        return CallOutcome.BLOCKED
    if answered:
        return CallOutcome.ANSWERED
    return CallOutcome.MISSED if direction is Direction.IN else CallOutcome.NOT_REACHED


def apply_event(
    facts: CallFacts | None, event: CallEvent, at: datetime, *, blocked: bool = False
) -> Transition:
    """The call after `event` received at `at`. A call first heard of by its `answer` or its
    `hangup` (its `newCall` lost) starts then; a later `newCall` only fills in what it knows
    and moves the start earlier."""
    answering = event.answering_number or (event.users[0] if event.users else "")
    if facts is None:
        facts = CallFacts(
            direction=event.direction,
            from_number=event.from_number,
            to_number=event.to_number,
            queue=event.queue,
            state=CallState.RINGING,
            started_at=at,
        )
        step = apply_event(facts, event, at, blocked=blocked)
        return replace(step, effect=Effect.CREATED)
    if event.kind is CallEventKind.NEW_CALL:
        filled = replace(
            facts,
            queue=facts.queue or event.queue,
            started_at=min(facts.started_at, at),
        )
        return Transition(filled, Effect.UPDATED if filled != facts else Effect.DUPLICATE)
    if event.kind is CallEventKind.ANSWER:
        if facts.state is CallState.ENDED:
            return Transition(facts, Effect.HISTORY)
        if facts.state is CallState.ANSWERED:
            return Transition(facts, Effect.DUPLICATE)
        answered = replace(
            facts, state=CallState.ANSWERED, answered_at=at, answering_extension=answering
        )
        return Transition(answered, Effect.UPDATED, answered=True)
    if facts.state is CallState.ENDED:
        if facts.cause in GUESSED_ENDS and facts.answered_at is not None:
            # the real hangup after an end the desk guessed: its time and cause are the
            # call's; what the guessed end set off (wrap-up, callbacks) is not done again
            corrected = replace(facts, ended_at=max(at, facts.answered_at), cause=event.cause)
            return Transition(corrected, Effect.UPDATED if corrected != facts else Effect.DUPLICATE)
        return Transition(facts, Effect.DUPLICATE)
    was_answered = facts.state is CallState.ANSWERED
    ended = replace(
        facts,
        state=CallState.ENDED,
        ended_at=max(at, facts.started_at),
        cause=event.cause,
        outcome=outcome_of(facts.direction, was_answered, blocked=blocked),
    )
    return Transition(ended, Effect.UPDATED, ended=True)


GUESSED_ENDS = frozenset({Cause.SWEPT, Cause.ENDED_AT_DESK, Cause.NEXT_CALL})
"""Ends the desk supposed because no hangup came: a hangup arriving later corrects them."""


def end_orphaned(facts: CallFacts, now: datetime, cause: Cause) -> Transition | None:
    """An answered call whose hangup never came, ended now because its agent's desk says it
    is over: they set themselves ready or not ready (`ENDED_AT_DESK`), or answered another
    call (`NEXT_CALL`: one handset, one call). None for a call not on (already ended)."""
    if facts.state is not CallState.ANSWERED:
        return None
    ended = replace(
        facts,
        state=CallState.ENDED,
        ended_at=max(now, facts.answered_at or now),
        cause=cause,
        outcome=outcome_of(facts.direction, True),
    )
    return Transition(ended, Effect.UPDATED, ended=True)


def sweep(
    facts: CallFacts, now: datetime, ringing_for: timedelta, talking_for: timedelta
) -> Transition | None:
    """A call whose `hangup` never came, closed: ringing longer than the site's time (a
    missed call), or answered longer than `talking_for` (its end unknown: at the sweep)."""
    if facts.state is CallState.RINGING and now - facts.started_at >= ringing_for:
        at = facts.started_at + ringing_for
    elif (
        facts.state is CallState.ANSWERED
        and facts.answered_at is not None
        and now - facts.answered_at >= talking_for
    ):
        at = now
    else:
        return None
    ended = replace(
        facts,
        state=CallState.ENDED,
        ended_at=at,
        cause=Cause.SWEPT,
        outcome=outcome_of(facts.direction, facts.state is CallState.ANSWERED),
    )
    return Transition(ended, Effect.UPDATED, ended=True)


# -- after the call: missed callbacks, agents' states ----------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneRules:
    """What a site tunes about calls (site settings, group `phone`)."""

    missed_within: timedelta = timedelta(hours=2)
    """A missed call is called back within this much working time (business calendar)."""
    ringing_sweep: timedelta = timedelta(minutes=10)
    """A call still ringing this long with no hangup is closed as missed by the sweep."""
    talking_sweep: timedelta = timedelta(hours=2)
    """An answered call with no hangup this long after its answer is closed by the sweep
    (its agent stops counting as on a call); the agent's desk can end it sooner."""
    wrap_up: timedelta = timedelta(seconds=30)
    """话后整理: after a call the agent counts as busy this long."""
    service_level: timedelta = timedelta(seconds=20)
    """The service level counts calls answered within this time."""
    block_list: tuple[str, ...] = ()
    """Normalised caller numbers the bridge answers with a reject (busy)."""


def missed_callback_due(
    ended_at: datetime, within: timedelta, calendar: BusinessCalendar
) -> datetime:
    """A missed call is called back within the site's working time (default 2 working hours):
    counted in the business calendar's working hours, so a call missed on Friday evening
    falls due on Monday morning."""
    return calendar.add_working_time(ended_at, within)


class AgentState(StrEnum):
    READY = "ready"
    NOT_READY = "not_ready"
    WRAP_UP = "wrap_up"  # 话后整理: counts as busy
    ON_CALL = "on_call"


class NotReadyReason(StrEnum):
    BUSY = "busy"  # 示忙
    BREAK = "break"  # 小休
    TRAINING = "training"  # 培训


def current_state(
    state: str, since: datetime, now: datetime, wrap_up: timedelta
) -> tuple[AgentState, datetime]:
    """An agent's state as it stands at `now`: a wrap-up ends by itself after the site's time
    (ready from then on)."""
    stored = AgentState(state) if state in {str(s) for s in AgentState} else AgentState.READY
    if stored is AgentState.WRAP_UP and now - since >= wrap_up:
        return AgentState.READY, since + wrap_up
    return stored, since


def set_state_problem(state: str, reason: str) -> FieldProblem | None:
    """Why an agent may not set themselves to `state` with `reason` (they set only ready and
    not ready; not ready needs one of the reasons)."""
    if state == AgentState.READY:
        return None if not reason else FieldProblem("reason", "phone.error.reason")
    if state != AgentState.NOT_READY:
        return FieldProblem("state", "phone.error.state")
    if reason not in {str(r) for r in NotReadyReason}:
        return FieldProblem("reason", "phone.error.reason")
    return None


MAX_EXTENSION = 8


def extension_problem(extension: str) -> str | None:
    """Why `extension` cannot be an agent's phone extension (2 to 8 digits), as a catalog
    key; None when it can."""
    if (
        not extension.isascii()
        or not extension.isdigit()
        or not 2 <= len(extension) <= MAX_EXTENSION
    ):
        return "account.error.extension"
    return None


def blocked(number: str, block_list: Sequence[str]) -> bool:
    """Whether the caller's normalised number is on the site's block list (anonymous never:
    block it in the PBX)."""
    return number != ANONYMOUS and number in block_list
