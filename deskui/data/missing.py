"""A record a command names that is not there (an id a caller made up, or a record deleted
since the list showed it) is a refusal with its catalog key, not a fault of the database
(issue 24: every service refuses an invalid command in words, never with the driver's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from deskui.domain.refusal import Refusal


class MissingRecord(Refusal, NoResultFound, LookupError):
    """No such record; still a `NoResultFound` (or `LookupError`) for code that expects one."""

    key = "service.missing"

    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(self.key)  # as every refusal: its catalog key
        self.entity = entity
        self.ident = ident
        self.values: dict[str, object] = {}


class DeskSession(Session):
    """The desk's session: `get_one` of a missing record raises `MissingRecord`."""

    def get_one(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        try:
            return super().get_one(entity, ident, **kwargs)
        except NoResultFound as error:
            name = getattr(entity, "__tablename__", None) or getattr(entity, "__name__", "")
            raise MissingRecord(str(name), ident) from error
