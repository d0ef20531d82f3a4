"""The lead's accounts (issue 16): the same as `deskui agent add|list|disable|enable|
reset-password`, on a screen. Passwords are typed into this screen and never kept as drafts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from deskui.domain.model import Role
from deskui.domain.permissions import MANAGES, AccountAction, account_action_refusal
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import open_modal, ring_bell
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import denied_line, run_service
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.accounts import AccountRecord


class AccountsModal(ModalScreen[None]):
    """Every account with its role, state and password state; a adds, d disables or enables
    the selected one, r gives it a one-time password."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "keys.account_add", id="account_add"),
        Binding("d", "toggle_active", "keys.account_toggle", id="account_toggle"),
        Binding("r", "reset", "keys.account_reset", id="account_reset"),
        Binding("l", "history", "keys.account_history", id="account_history"),
        Binding("escape", "app.pop_screen", "keys.back", id="accounts_back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="accounts")
        localize_bindings(self)
        self._rows: list[AccountRecord] = []

    @property
    def host(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("accounts.title"), classes="dialog-title")
            yield OptionList(id="account-list")
            yield Static("", id="account-status", classes="hint")
            yield Static("", id="account-offer", classes="hint")
            yield Static(t("accounts.hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.load()

    def load(self) -> None:
        from deskui.services import accounts

        run_service(
            self,
            accounts.accounts,
            None,
            done=self._loaded,
            refused=self._refused,
            trouble=self._status,
            group="accounts",
            exclusive=True,
        )

    def _status(self, text: str) -> None:
        self.query_one("#account-status", Static).update(Text(text))

    def _loaded(self, rows: list[AccountRecord]) -> None:
        self._rows = rows
        listing = self.query_one("#account-list", OptionList)
        at = listing.highlighted
        listing.clear_options()
        listing.add_options(Option(Text(self._line(a)), id=str(a.id)) for a in rows)
        if rows:
            listing.highlighted = min(at or 0, len(rows) - 1)
        listing.focus()
        self._show_offer()

    def _refusal(self, row: AccountRecord, action: AccountAction) -> str | None:
        """What the permission table says of `action` on `row` for the signed-in agent: the
        screen offers only what it allows (the service asks it again, and decides)."""
        actor = self.host.actor
        if actor is None:
            return "account.refused.role"
        managers = sum(1 for a in self._rows if a.role == Role.MANAGER and a.active)
        return account_action_refusal(
            actor.role, actor.id, row.role, row.id, action, None, managers, target_active=row.active
        )

    @on(OptionList.OptionHighlighted, "#account-list")
    def _show_offer(self) -> None:
        """Under the list: why d and r are not offered on the highlighted account. Pressed
        anyway, the service refuses them as the table says, and the audit keeps the try."""
        row = self._selected()
        offer = self.query_one("#account-offer", Static)
        if row is None:
            offer.update("")
            return
        toggle = AccountAction.ENABLE if not row.active else AccountAction.DISABLE
        refusal = self._refusal(row, toggle) or self._refusal(row, AccountAction.RESET_PASSWORD)
        offer.update(Text(t(refusal, name=row.name) if refusal else ""))

    def _line(self, a: AccountRecord) -> str:
        now = self.host.clock.now()
        if not a.active:
            state = t("account.state_disabled")
        elif a.locked_until is not None and a.locked_until > now:
            zone = ZoneInfo(self.host.settings.site_timezone)
            until = a.locked_until.astimezone(zone).strftime("%m-%d %H:%M")
            state = t("account.state_locked", until=until)
        else:
            state = t("account.state_active")
        if a.must_change_password:
            password = t("account.password_once")
        elif a.has_password:
            password = t("account.password_set")
        else:
            password = t("account.password_none")
        role = t(f"role.{a.role}")
        from deskui.screens.measure_text import key_label

        department = f"  {key_label('department', a.department_code)}" if a.department_code else ""
        return (
            f"{a.name}  ·  {role}{department}  ·  {state}  ·  {t('accounts.password')} {password}"
        )

    def _selected(self) -> AccountRecord | None:
        at = self.query_one("#account-list", OptionList).highlighted
        return self._rows[at] if at is not None and at < len(self._rows) else None

    def _refused(self, error: Exception) -> None:
        from deskui.services.errors import Denied

        if isinstance(error, Denied):
            self._status(denied_line(error))
            return
        self._status(
            t(getattr(error, "key", "signin.refused.wrong"), **getattr(error, "values", {}))
        )

    def action_add(self) -> None:
        actor = self.host.actor
        if actor is None or actor.role not in MANAGES:  # no role to give: nothing to add
            self._status(t("account.refused.role"))
            ring_bell(self)
            return
        open_modal(self.app, AccountFormModal(), self._added)

    def _added(self, name: str | None) -> None:
        if name:
            self._status(t("accounts.added", name=name))
            self.load()

    def action_toggle_active(self) -> None:
        from deskui.services import accounts

        row = self._selected()
        if row is None:
            ring_bell(self)
            return
        key = "account.enabled" if not row.active else "account.disabled"

        def done(_: object) -> None:
            self._status(t(key, name=row.name))
            self.load()

        run_service(
            self,
            accounts.set_active,
            (row.name, not row.active),
            done=done,
            refused=self._refused,
            trouble=self._status,
            group="accounts_write",
            exclusive=True,
        )

    def action_history(self) -> None:
        """The selected account's changes, newest first: who changed what, old → new."""
        from deskui.screens.history import HistoryModal
        from deskui.services.accounts import account_history

        row = self._selected()
        if row is None:
            ring_bell(self)
            return
        title = t("history.title_account", name=row.name)
        open_modal(self.app, HistoryModal(title, account_history, row.name))

    def action_reset(self) -> None:
        from deskui.services import accounts

        row = self._selected()
        if row is None:
            ring_bell(self)
            return

        def done(once: str) -> None:
            self._status(t("account.reset", name=row.name, password=once))
            self.load()

        run_service(
            self,
            accounts.reset_password,
            row.name,
            done=done,
            refused=self._refused,
            trouble=self._status,
            group="accounts_write",
            exclusive=True,
        )


class AccountFormModal(ModalScreen["str | None"]):
    """A new account: name, role, department (for a department member), password twice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.form_save", id="account_save", priority=True),
        Binding("escape", "dismiss(None)", "keys.back", id="account_cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(id="account-form", classes="form-modal")
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("accounts.add_title"), classes="dialog-title")
            yield Label(t("signin.name"))
            yield FieldInput(id="account-name", max_length=40, compact=True)
            yield Label(t("accounts.role"))
            yield Select(  # only the roles the permission table lets this agent give
                [(t(f"role.{r}"), str(r)) for r in Role if r in self._roles()],
                value=str(Role.AGENT),
                allow_blank=False,
                id="account-role",
                compact=True,
            )
            yield Label(t("accounts.department"))
            # the departments by name, read on mount: the form asked for a code (technical)
            yield Select[str]([], prompt=t("accounts.department_none"), id="account-department",
                              compact=True)  # fmt: skip
            yield Label(t("signin.password"))
            yield FieldInput(id="account-password", password=True, max_length=200, compact=True)
            yield Label(t("signin.repeat"))
            yield FieldInput(id="account-repeat", password=True, max_length=200, compact=True)
            yield Static("", id="account-error", classes="field-error")
            yield Static(t("accounts.form_hint"), classes="hint")

    def _roles(self) -> frozenset[str]:
        actor = getattr(self.app, "actor", None)
        return MANAGES.get(actor.role, frozenset()) if actor is not None else frozenset()

    def on_mount(self) -> None:
        from deskui.services.relations import list_departments

        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#account-name", Input).focus()
        run_service(self, list_departments, None, done=self._departments_loaded,
                    trouble=self._error, group="account_departments", exclusive=True)  # fmt: skip

    def _departments_loaded(self, departments: Sequence[tuple[str, str, str]]) -> None:
        from deskui.screens.relations import department_name

        options = [(department_name(code, departments), code) for code, _, _ in departments]
        self.query_one("#account-department", Select).set_options(options)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "account-repeat":
            self.action_save()
        else:
            self.focus_next()

    def _error(self, text: str) -> None:
        self.query_one("#account-error", Static).update(Text(text))

    def action_save(self) -> None:
        from deskui.services import accounts

        name = " ".join(self.query_one("#account-name", Input).value.split())
        password = self.query_one("#account-password", Input).value
        if password != self.query_one("#account-repeat", Input).value:
            self._error(t("signin.mismatch"))
            return
        role = str(self.query_one("#account-role", Select).value)
        chosen = self.query_one("#account-department", Select).value
        department = None if chosen is Select.NULL else str(chosen)
        run_service(
            self,
            accounts.add_agent,
            accounts.AddAgent(name, role, password, department),
            done=lambda added: self.dismiss(added.name),
            refused=lambda error: self._error(
                t(getattr(error, "key", ""), **getattr(error, "values", {}))
            ),
            trouble=self._error,
            group="account_add",
            exclusive=True,
        )
