"""A person's data on request (issue 28, PIPL), a manager's, from the palette: the same as
`deskui privacy show|erase`, on a screen. A contact's id or a number in any format, Enter
shows everything held about them; with how they asked typed in, Ctrl+E twice erases it.
Exporting a file for the person is the command line's (`deskui privacy export`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.phone import display_number
from deskui.domain.privacy import PERSONAL_HISTORY_KEYS
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import run_service
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.privacy import PersonErased, PersonFound, PersonQuery


class PrivacyModal(ModalScreen[None]):
    """Find a person by contact id or number, see what is held, erase it on request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: over the fields' own Ctrl+E (end of line; End does it too)
        Binding("ctrl+e", "erase", "keys.privacy_erase", id="privacy_erase", priority=True),
        Binding("escape", "app.pop_screen", "keys.back", id="privacy_back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="privacy")
        localize_bindings(self)
        self._found: PersonQuery | None = None
        self._confirming = False

    @property
    def host(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("privacy.screen.title"), classes="dialog-title")
            yield FieldInput(
                placeholder=t("privacy.screen.who"),
                id="privacy-who",
                max_length=limit(FieldKind.SHORT_TEXT),
            )
            with VerticalScroll(id="privacy-held"):
                yield Static("", id="privacy-found")
            yield FieldInput(
                placeholder=t("privacy.screen.request"),
                id="privacy-request",
                max_length=limit(FieldKind.SHORT_TEXT),
            )
            yield Static("", id="privacy-status", classes="hint")
            yield Static(t("privacy.screen.hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#privacy-who", Input).focus()

    def _status(self, text: str) -> None:
        self.query_one("#privacy-status", Static).update(Text(text))

    @on(Input.Submitted, "#privacy-who")
    def _look_up(self, event: Input.Submitted) -> None:
        from deskui.services import privacy

        typed = event.value.strip()
        if not typed:
            return
        query = (
            privacy.PersonQuery(contact_id=int(typed[1:]))
            if typed.startswith("#") and typed[1:].isdecimal() and len(typed) <= 10
            else privacy.PersonQuery(phone=typed)
        )
        self._found = None
        self._confirming = False
        self._status(t("privacy.screen.looking"))
        run_service(
            self,
            privacy.show_person,
            query,
            done=lambda found: self._shown(query, found),
            refused=self._refused,
            trouble=self._status,
            group="privacy",
            exclusive=True,
        )

    def _refused(self, error: Exception) -> None:
        values = dict(getattr(error, "values", {}))
        key = str(getattr(error, "key", "service.denied"))
        if key == "service.denied":
            from deskui.screens.runner import denied_line

            self._status(denied_line(error))
            return
        self._status(t(key, **values))

    def _shown(self, query: PersonQuery, found: PersonFound) -> None:
        self._found = None if found.shared else query
        zone = ZoneInfo(self.host.settings.site_timezone)
        text = Text()
        if found.shared:
            contacts = ", ".join(str(h.contact_id) for h in found.holders if h.contact_id)
            customers = ", ".join(str(h.customer_id) for h in found.holders if not h.contact_id)
            line = t("privacy.error.shared", contacts=contacts or "-", customers=customers or "-")
            text.append(line + "\n", style="bold")
        rows = 0
        for name, (headers, table) in found.tables.items():
            if not table:
                continue
            rows += len(table)
            text.append(f"{t(f'privacy.section.{name}')} ({len(table)})\n", style="bold")
            for row in table:
                text.append("  " + visible(_row_line(headers, row, zone), one_line=True) + "\n")
        if not rows:
            text.append(t("privacy.nothing"))
        self.query_one("#privacy-found", Static).update(text)
        self._status(t("privacy.screen.found", rows=rows))

    def action_erase(self) -> None:
        from deskui.services import privacy

        request = self.query_one("#privacy-request", Input).value
        if self._found is None:
            self._status(t("privacy.screen.find_first"))
            return
        if not request.strip():
            self._status(t("privacy.error.request"))
            self.query_one("#privacy-request", Input).focus()
            return
        if not self._confirming:
            self._confirming = True
            self._status(t("privacy.screen.confirm"))
            return
        self._confirming = False
        query = self._found
        run_service(
            self,
            privacy.erase_person,
            privacy.ErasePerson(query, request, privacy.site_folders(self.host.settings)),
            done=lambda erased: self._erased(query, erased),
            refused=self._refused,
            trouble=self._status,
            group="privacy",
            exclusive=True,
        )

    def _erased(self, query: PersonQuery, erased: PersonErased) -> None:
        from deskui.services import privacy

        self.query_one("#privacy-request", Input).value = ""
        self.query_one("#privacy-who", Input).value = ""  # the number typed goes too
        run_service(
            self,
            privacy.show_person,
            query,
            done=lambda found: self._after_erasure(query, found, erased.total),
            refused=self._refused,
            trouble=self._status,
            group="privacy",
            exclusive=True,
        )

    def _after_erasure(self, query: PersonQuery, found: PersonFound, total: int) -> None:
        self._shown(query, found)
        self._status(t("privacy.screen.erased", count=total))


SHOWN = (
    "name", "address", "position", "phone", "extension", "email", "birthday", "convenient_time",
    "personal_notes", "contact", "caller_phone", "customer_words", "expectation", "answer",
    "from", "to", "notes", "gift", "confirm_note", "interest", "event", "visitor", "company",
    "purpose", "from_name", "from_number", "message", "party", "note", "filename",
)  # fmt: skip
"""The columns a row shows: what the person said or is (codes are the command line's)."""

TIMES = (
    "at", "opened_at", "started_at", "due_at", "sent_at", "recorded_at", "event_on",
    "expected_at", "taken_at", "added_at",
)  # fmt: skip
"""The column that dates a row, the first found."""


HISTORY_SHOWN = PERSONAL_HISTORY_KEYS - {"gender"}
"""The history values a row shows: the person's own (a gender or a role is a code)."""


def _row_line(headers: list[str], row: list[Any], zone: ZoneInfo) -> str:
    """One record as a line: its number, when, and each personal value in words."""
    values = dict(zip(headers, row, strict=True))
    parts = [f"#{values['id']}"] if values.get("id") else []
    when = next((values[k] for k in TIMES if values.get(k)), None)
    if when is not None:
        parts.append(_cell(when, zone))
    parts += [
        f"{t(f'privacy.column.{name}')}：{_shown_value(name, values[name], zone)}"
        for name in SHOWN
        if values.get(name)
    ]
    detail = values.get("detail")
    if isinstance(detail, dict):
        changes = [
            " → ".join(_shown_value(key, v, zone) if v else "—" for v in pair)
            for key, pair in detail.items()
            if key in HISTORY_SHOWN and isinstance(pair, list) and len(pair) == 2 and any(pair)
        ]
        parts += changes
    return " · ".join(parts)


NUMBERS = frozenset({"phone", "contact_phone", "caller_phone", "from", "to", "from_number"})
"""The columns holding a phone number: written as the card writes numbers, never `+86…`."""


def _shown_value(name: str, value: Any, zone: ZoneInfo) -> str:
    if name in NUMBERS and isinstance(value, str):
        return display_number(value)
    return _cell(value, zone)


def _cell(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
