"""Who is acting: the signed-in agent as every service receives them."""

from __future__ import annotations

from dataclasses import dataclass

from deskui.domain.permissions import Action, may
from deskui.domain.refusal import Refusal


@dataclass(frozen=True, slots=True)
class Actor:
    """The agent a service acts for: their id, name, role and team; `must_change_password`
    while they hold a one-time password (issue 23: nothing but changing it until then)."""

    id: int
    name: str
    role: str
    team: str = "default"
    department_code: str | None = None
    must_change_password: bool = False
    active: bool = True
    """False once the account is disabled (the desk that signed it in may still be open)."""

    def may(self, action: Action) -> bool:
        return self.active and not self.must_change_password and may(self.role, action)


class Denied(Refusal):
    """The actor's role may not do this; `key` and `values` are the catalog line saying why
    (the action's words are looked up under account.action.<action>)."""

    def __init__(self, action: Action, role: str = "", key: str = "service.denied") -> None:
        super().__init__(f"{action} denied")
        self.action = action
        self.role = role
        self.key = key
        self.values: dict[str, object] = {"action": str(action), "role": role}


def require(actor: Actor, action: Action) -> None:
    """Refuse unless the actor's role may do `action` (checked by every writing service); an
    actor holding a one-time password may do nothing but change it (issue 23), from any
    entry (desk, command line, browser host)."""
    if actor.must_change_password:
        raise Denied(action, actor.role, key="account.error.change_password_first")
    if not actor.may(action):
        raise Denied(action, actor.role)
