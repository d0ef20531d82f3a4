"""The correspondence register (seed 001:4.5-4.6): letters, parcels and faxes received or
sent, handed to whom, signed for when and by whom; faxes to archive filed by received time
and category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.reception_store import MailRow
from deskui.domain.permissions import Action
from deskui.domain.reception import mail_problems, signer_problems
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "MailPage",
    "MailRow",
    "MailSearch",
    "RegisterMail",
    "SignMail",
    "mail_count",
    "mail_page",
    "register_mail",
    "sign_mail",
]


@dataclass(frozen=True, slots=True)
class MailSearch:
    """The register as searched: words in the party, category, hand-on, note or signature;
    `archive_only` keeps the faxes to archive."""

    search: str = ""
    archive_only: bool = False


@dataclass(frozen=True, slots=True)
class MailPage:
    """A page of the register: newest first, the archive by category and received time."""

    offset: int
    limit: int
    search: str = ""
    archive_only: bool = False


def mail_count(uow: UnitOfWork, actor: Actor, query: MailSearch, now: datetime) -> int:
    """How many items the register holds for the search."""
    require(actor, Action.WORK_OWN)
    return uow.reception.mail_count(query.search, query.archive_only)


def mail_page(uow: UnitOfWork, actor: Actor, page: MailPage, now: datetime) -> list[MailRow]:
    """One page of the register."""
    require(actor, Action.WORK_OWN)
    return list(uow.reception.mail(page.offset, page.limit, page.search, page.archive_only))


@dataclass(frozen=True, slots=True)
class RegisterMail:
    """A letter, parcel or fax received or sent at `at`, from or to `party`, handed to
    whom; a fax may be copied (its thermal paper fades, seed 001:4.6) and marked to archive."""

    at: datetime
    direction: str
    kind: str
    party: str
    category: str = ""
    handed_to: str = ""
    archive: bool = False
    note: str = ""
    copy_made: bool = False


def register_mail(uow: UnitOfWork, actor: Actor, command: RegisterMail, now: datetime) -> int:
    """The new item's id, recorded by the actor; a copy of anything but a fax is refused
    (FrontDeskError on the copy field)."""
    require(actor, Action.WORK_OWN)
    refuse_problems(
        mail_problems(
            direction=command.direction,
            kind=command.kind,
            category=command.category,
            party=command.party,
            handed_to=command.handed_to,
            note=command.note,
        )
    )
    item_id = uow.reception.register_mail(
        actor.id,
        now,
        at=command.at,
        direction=command.direction,
        kind=command.kind,
        category=command.category,
        party=command.party,
        handed_to=command.handed_to,
        archive=command.archive,
        note=command.note,
        copy_made=command.copy_made,
    )
    uow.commit()
    return item_id


@dataclass(frozen=True, slots=True)
class SignMail:
    """The person an item was handed to signs for it (seed 001:4.5)."""

    item_id: int
    signed_by: str


def sign_mail(uow: UnitOfWork, actor: Actor, command: SignMail, now: datetime) -> None:
    """Signed for now; an item already signed for is refused (FrontDeskError)."""
    require(actor, Action.WORK_OWN)
    refuse_problems(signer_problems(command.signed_by))
    uow.reception.sign_mail(command.item_id, command.signed_by, now)
    uow.commit()
