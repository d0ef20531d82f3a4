"""Who is at the desk, proved by a password (issue 16): sign in, create the first manager of
a database with no password yet, change a one-time password, and unlock an idle desk."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from deskui.domain.model import Role
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import ring_bell
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import run_service
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.accounts import SignedIn
    from deskui.services.actor import Actor

MAX_NAME = 40


class Mode(StrEnum):
    SIGN_IN = "sign_in"
    FIRST_MANAGER = "first_manager"
    CHANGE = "change"  # a one-time password is replaced before work starts
    UNLOCK = "unlock"  # the idle lock: the same agent, their password


class SignInScreen(ModalScreen["Actor | None"]):
    """Returns the signed-in actor; Esc quits (there is no desk without a sign-in), except on
    the idle lock, which only the password lifts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "keys.quit", id="sign_in_quit", show=False),
    ]

    def __init__(
        self,
        mode: Mode = Mode.SIGN_IN,
        *,
        name: str = "",
        password: str | None = None,
        actor: Actor | None = None,
        first_on_host: bool = False,
    ) -> None:
        super().__init__(id="sign-in")
        localize_bindings(self)
        self.mode = mode
        self._account_name = name
        self._given_password = password
        self._signed: SignedIn | None = None
        self._changing = actor
        """Mode.CHANGE from the palette: the signed-in agent changing their own password."""
        self._busy = False
        self._unlocking = mode is Mode.UNLOCK
        """The idle lock: Esc never leaves it, not even while a one-time password is
        changed (a reset while the desk was locked)."""
        self._first_on_host = first_on_host
        """No password anywhere yet, and the host makes the first manager: the hint says so."""

    @property
    def host(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box", classes="dialog"):
            yield Static(self._title(), id="sign-in-title", classes="dialog-title")
            yield Static(self._hint(), id="sign-in-hint", classes="hint")
            yield Static(t("signin.name"), classes="field-label")
            yield FieldInput(
                self._account_name,
                id="sign-in-name",
                compact=True,
                max_length=MAX_NAME,
                disabled=self.mode is Mode.UNLOCK,
            )
            yield Static(t("signin.password"), id="password-label", classes="field-label")
            yield FieldInput(id="sign-in-password", password=True, max_length=200, compact=True)
            yield Static(t("signin.repeat"), id="repeat-label", classes="field-label")
            yield FieldInput(id="sign-in-repeat", password=True, max_length=200, compact=True)
            yield Static("", id="sign-in-error", classes="field-error")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self._show_mode()
        if self._account_name and self._given_password is not None:
            self.query_one("#sign-in-password", Input).value = self._given_password
            self._submit()
        elif self._account_name:
            self.query_one("#sign-in-password", Input).focus()
        else:
            self.query_one("#sign-in-name", Input).focus()

    def _title(self) -> str:
        return {
            Mode.SIGN_IN: t("signin.title"),
            Mode.FIRST_MANAGER: t("signin.first_title"),
            Mode.CHANGE: t("signin.change_title"),
            Mode.UNLOCK: t("signin.locked_title"),
        }[self.mode]

    def _hint(self) -> str:
        return {
            Mode.SIGN_IN: t("signin.host_first_hint") if self._first_on_host else t("signin.hint"),
            Mode.FIRST_MANAGER: t("signin.first_hint"),
            Mode.CHANGE: t("signin.change_hint"),
            Mode.UNLOCK: t("signin.locked_hint", name=self._account_name),
        }[self.mode]

    def _show_mode(self) -> None:
        twice = self.mode in (Mode.FIRST_MANAGER, Mode.CHANGE)
        self.query_one("#sign-in-title", Static).update(Text(self._title()))
        self.query_one("#sign-in-hint", Static).update(Text(self._hint()))
        self.query_one("#repeat-label").display = twice
        self.query_one("#sign-in-repeat").display = twice
        label = t("signin.new_password") if self.mode is Mode.CHANGE else t("signin.password")
        self.query_one("#password-label", Static).update(Text(label))
        self.query_one("#sign-in-name", Input).disabled = self.mode in (Mode.UNLOCK, Mode.CHANGE)

    def action_leave(self) -> None:
        if self._unlocking:
            ring_bell(self)
            return
        if self._changing is not None:  # changing one's password from the palette: cancel
            self.dismiss(None)
            return
        self.app.exit()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "sign-in-name":
            if not event.value.strip():
                self._error(t("signin.name_empty"))
                return
            self._error("")
            self.query_one("#sign-in-password", Input).focus()
        elif event.input.id == "sign-in-password" and self.mode in (
            Mode.FIRST_MANAGER,
            Mode.CHANGE,
        ):
            if not event.value:
                self._error(t("signin.password_empty"))
                return
            self._error("")
            self.query_one("#sign-in-repeat", Input).focus()
        else:
            self._submit()

    def _error(self, message: str) -> None:
        self._busy = False
        self.query_one("#sign-in-error", Static).update(Text(message))

    def _submit(self) -> None:
        from deskui.services import accounts

        if self._busy:
            return
        name = " ".join(self.query_one("#sign-in-name", Input).value.split())
        password = self.query_one("#sign-in-password", Input).value
        repeat = self.query_one("#sign-in-repeat", Input).value
        if not name:
            self._error(t("signin.name_empty"))
            self.query_one("#sign-in-name", Input).focus()
            return
        if not password:
            self._error(t("signin.password_empty"))
            self.query_one("#sign-in-password", Input).focus()
            return
        if self.mode in (Mode.FIRST_MANAGER, Mode.CHANGE) and password != repeat:
            self._error(t("signin.mismatch"))
            self.query_one("#sign-in-repeat", Input).focus()
            return
        self._busy = True
        self.query_one("#sign-in-error", Static).update(Text(t("signin.checking")))
        if self.mode is Mode.CHANGE:
            actor = self._signed.actor if self._signed else self._changing
            assert actor is not None
            self._run(
                lambda uow, _, new, now: accounts.change_password(uow, actor, new, now),
                password,
                lambda _: self.dismiss(actor),
            )
            return
        if self.mode is Mode.FIRST_MANAGER:
            command = accounts.AddAgent(name, Role.MANAGER, password)
            self._run(accounts.add_agent, command, lambda _: self._sign_in(name, password))
            return
        self._sign_in(name, password)

    def _sign_in(self, name: str, password: str) -> None:
        from deskui.services import accounts

        self._run(accounts.sign_in, accounts.SignIn(name, password, entry="app"), self._signed_in)

    def _run(self, service: Any, command: object, done: Any) -> None:
        """Every step of signing in runs before (or as) an actor exists: anonymous."""
        run_service(
            self,
            service,
            command,
            done=done,
            refused=self._refused,
            trouble=self._error,
            group="sign_in",
            exclusive=False,  # one step starts the next while its worker is finishing
            anonymous=True,
        )

    def _signed_in(self, signed: SignedIn) -> None:
        self._busy = False
        if signed.must_change_password:  # before anything else, the idle lock's too
            self._signed = signed
            self.mode = Mode.CHANGE
            for field in ("#sign-in-password", "#sign-in-repeat"):
                self.query_one(field, Input).value = ""
            self.query_one("#sign-in-error", Static).update("")
            self._show_mode()
            self.query_one("#sign-in-password", Input).focus()
            return
        self.dismiss(signed.actor)

    def _refused(self, error: Exception) -> None:
        from deskui.services.accounts import SignInRefused

        self.query_one("#sign-in-password", Input).value = ""
        self.query_one("#sign-in-repeat", Input).value = ""
        self.query_one("#sign-in-password", Input).focus()
        if isinstance(error, SignInRefused) and error.until is not None:
            zone = ZoneInfo(self.host.settings.site_timezone)
            until = error.until.astimezone(zone).strftime("%H:%M")
            self._error(t(error.key, until=until))
            return
        key = getattr(error, "key", "signin.refused.wrong")
        self._error(t(key, **getattr(error, "values", {})))
