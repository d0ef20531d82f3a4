"""A morning's calls for the caller log and the lead's floor (issue 25), posted through the
service as the phone bridge posts them, at fixed times before the frozen clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CustomerRecord
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.search import LookupKind, classify
from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event

EXTENSIONS = {"王芳": "8001", "李娜": "8002"}


def callers(db: Database, count: int) -> list[CustomerRecord]:
    """Demo customers each alone on their own number, in the demo's order."""
    found: list[CustomerRecord] = []
    with UnitOfWork(db) as uow:
        for customer in uow.customers.customers():
            lookup = classify(customer.phone_e164 or "")
            if lookup.kind is LookupKind.PHONE and len(uow.customers.find_callers(lookup)) == 1:
                found.append(customer)
                if len(found) == count:
                    break
    return found


def give_extensions(db: Database) -> None:
    with UnitOfWork(db) as uow:  # the demo's own extensions make way
        uow.session.execute(
            update(m.Agent)
            .where(m.Agent.extension.in_(list(EXTENSIONS.values())))
            .values(extension=None)
        )
        for name, ext in EXTENSIONS.items():
            uow.session.execute(update(m.Agent).where(m.Agent.name == name).values(extension=ext))
        uow.commit()


def post(db: Database, at: datetime, kind: str, call_id: str, number: str, **more: object) -> None:
    fields: dict[str, object] = {
        "event": kind,
        "callId": call_id,
        "from": number,
        "to": "95000",
        "direction": "in",
        "user[]": list(EXTENSIONS.values()),
    }
    fields.update(more)
    with UnitOfWork(db) as uow:
        record_call_event(uow, PHONE_ACTOR, RecordCallEvent(fields), at)


def at_desk_now(db: Database, names: tuple[str, ...], at: datetime) -> None:
    """These people's desks said they are there (the presence each desk's tick reports)."""
    with UnitOfWork(db) as uow:
        for agent in uow.agents.agents():
            if agent.name in names:
                uow.presence.touch(agent.id, "", at)
        uow.commit()


@dataclass(frozen=True)
class Morning:
    answered: CustomerRecord
    rang_out: CustomerRecord
    ringing: CustomerRecord
    talking: CustomerRecord


def without_the_demos_calls(db: Database) -> None:
    """The demo's own morning of calls goes: these tests count calls of their own."""
    with UnitOfWork(db) as uow:
        uow.session.execute(delete(m.AgentStateRow))
        uow.session.execute(delete(m.CallTicket))
        uow.session.execute(delete(m.CallEvent))
        uow.session.execute(delete(m.Call))
        uow.commit()


def a_morning(db: Database, now: datetime) -> Morning:
    """Six calls: one answered and ended (12 s wait, 3m 05s talk), one that rang out (a
    known customer: a callback), a caller who hung up after 3 s (not offered) and one after
    40 s (unknown number), one ringing for 45 s, one 李娜 is on."""
    without_the_demos_calls(db)
    give_extensions(db)
    answered, rang_out, ringing, talking = callers(db, 4)
    start = now - timedelta(minutes=30)
    post(db, start, "newCall", "m-1", answered.phone_e164 or "")
    post(db, start + timedelta(seconds=12), "answer", "m-1", answered.phone_e164 or "",
         answeringNumber="8001")  # fmt: skip
    post(db, start + timedelta(seconds=197), "hangup", "m-1", answered.phone_e164 or "",
         cause="normalClearing")  # fmt: skip
    start = now - timedelta(minutes=20)
    post(db, start, "newCall", "m-2", rang_out.phone_e164 or "")
    post(db, start + timedelta(seconds=25), "hangup", "m-2", rang_out.phone_e164 or "",
         cause="noAnswer")  # fmt: skip
    start = now - timedelta(minutes=10)
    post(db, start, "newCall", "m-3", "anonymous")
    post(db, start + timedelta(seconds=3), "hangup", "m-3", "anonymous", cause="cancel")
    start = now - timedelta(minutes=5)
    post(db, start, "newCall", "m-4", "13900001111")
    post(db, start + timedelta(seconds=40), "hangup", "m-4", "13900001111", cause="cancel")
    start = now - timedelta(minutes=2)
    post(db, start, "newCall", "m-5", talking.phone_e164 or "")
    post(db, start + timedelta(seconds=6), "answer", "m-5", talking.phone_e164 or "",
         answeringNumber="8002")  # fmt: skip
    post(db, now - timedelta(seconds=45), "newCall", "m-6", ringing.phone_e164 or "")
    return Morning(answered, rang_out, ringing, talking)
