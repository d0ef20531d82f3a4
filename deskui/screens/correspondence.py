"""F9: the correspondence register (seed 001:4.5-4.6): letters, parcels and faxes received
or sent, handed to whom, signed for when and by whom; an item not signed for within the
site's time is flagged; faxes to archive are filed by received time and category."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, Static

from deskui.domain.field_limits import input_limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.reception import (
    Direction,
    MailKind,
    check_text,
    check_time,
    sign_due,
    unsigned_late,
)
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.leg_form import LegField, LegFormModal, save_leg
from deskui.screens.runner import call_service
from deskui.services.correspondence import (
    MailPage,
    MailSearch,
    RegisterMail,
    SignMail,
    mail_count,
    mail_page,
    register_mail,
    sign_mail,
)
from deskui.widgets.field_input import FieldInput
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.correspondence import MailRow

SEARCH_DELAY = 0.3  # seconds after the last key


class MailSource:
    def __init__(self, app: DeskHost, search: str, archive_only: bool) -> None:
        self._app = app
        self.search = search
        self.archive_only = archive_only

    def count(self) -> int:
        return call_service(self._app, mail_count, MailSearch(self.search, self.archive_only))

    def rows(self, offset: int, limit: int) -> list[Any]:
        page = MailPage(offset, limit, self.search, self.archive_only)
        return list(call_service(self._app, mail_page, page))


class CorrespondenceScreen(KeptScreen):
    """Searchable register; `deskui export correspondence` writes it out."""

    CSS_PATH = "correspondence.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "new", "keys.mail_new", id="mail_new"),
        Binding("s", "sign", "keys.mail_sign", id="mail_sign"),
        Binding("x", "archive", "keys.mail_archive", id="mail_archive"),
        Binding("slash", "search", "keys.mail_search", id="mail_search"),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="correspondence")
        localize_bindings(self)
        self.archive_only = False
        self._row: MailRow | None = None
        self._search_timer: Timer | None = None

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.desk_app.settings.site_timezone)

    @property
    def sign_hours(self) -> int:
        return self.desk_app.site_rules.sign_within_hours

    def compose(self) -> ComposeResult:
        yield Static(t("correspondence.title"), id="mail-title", classes="section-title")
        yield FieldInput(
            placeholder=t("correspondence.search"),
            id="mail-search",
            compact=True,
            max_length=input_limit("search"),
        )
        yield WorkList(
            columns=self._columns(),
            empty_text=t("correspondence.empty"),
            row_key=lambda row: row.id,
            id="mail-list",
        )
        yield Static("", id="mail-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self._load()
        self.query_one("#mail-list", WorkList).focus()  # letters are keys until /

    def reopened(self) -> None:
        """F9 again after Esc: the search typed and the archive filter stay (the field
        says what the register is filtered by), the register read again with the cursor on
        the same letter where it still is; the keys go to the list, not the search."""
        work_list = self.query_one("#mail-list", WorkList)
        work_list.focus()
        self.call_after_refresh(work_list.reload)  # once the screen is painted as it was left

    def _load(self) -> None:
        search = self.query_one("#mail-search", Input).value
        work_list = self.query_one("#mail-list", WorkList)
        work_list.set_source(MailSource(self.desk_app, search, self.archive_only))
        key = "correspondence.title_archive" if self.archive_only else "correspondence.title"
        self.query_one("#mail-title", Static).update(t(key))

    def _time(self, value: datetime | None) -> str:
        return value.astimezone(self.zone).strftime("%m-%d %H:%M") if value else ""

    def _flag(self, row: MailRow) -> str:
        now = self.desk_app.clock.now()
        if row.direction == Direction.RECEIVED and unsigned_late(
            row.at, row.signed_at, now, self.sign_hours
        ):
            return t("correspondence.flag_late")
        flags = [t("correspondence.flag_copy")] if row.copy_made else []
        if row.archive:
            flags.append(t("correspondence.flag_archive"))
        return " ".join(flags)

    def _due(self, row: MailRow) -> tuple[datetime | None, datetime | None, None]:
        if row.direction != Direction.RECEIVED or row.signed_at is not None:
            return None, None, None
        return sign_due(row.at, self.sign_hours), row.at, None

    def _columns(self) -> list[Column]:
        return [
            Column(t("correspondence.col_at"), 12, cell=lambda r: self._time(r.at)),
            Column(
                t("correspondence.col_direction"),
                6,
                cell=lambda r: t(f"correspondence.direction_name.{r.direction}"),
            ),
            Column(
                t("correspondence.col_kind"),
                6,
                cell=lambda r: t(f"correspondence.kind_name.{r.kind}"),
            ),
            # on a narrow terminal the signature, category and hand-on leave (the detail says them)
            # so the deadline and its flag stay
            Column(t("correspondence.col_category"), 10, cell=lambda r: r.category, drop=2),
            Column(t("correspondence.col_party"), 20, cell=lambda r: r.party, min_width=12),
            Column(t("correspondence.col_handed"), 8, cell=lambda r: r.handed_to, drop=1),
            Column(t("correspondence.col_signed"), 16, cell=self._signed, drop=3),
            Column(t("correspondence.col_due"), 14, countdown=self._due),
            Column(t("correspondence.col_flag"), 0, cell=self._flag, min_width=8),
        ]

    def _signed(self, row: MailRow) -> str:
        return f"{row.signed_by} {self._time(row.signed_at)}" if row.signed_at else ""

    @on(Input.Changed, "#mail-search")
    def _search_changed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._load)

    @on(Input.Submitted, "#mail-search")
    def _search_submitted(self) -> None:
        self._load()
        self.query_one("#mail-list", WorkList).focus()

    @on(WorkList.CursorMoved, "#mail-list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self._row = event.row
        self.query_one("#mail-detail", Static).update(self._describe(event.row))

    def _describe(self, row: MailRow | None) -> Text:
        text = Text()
        if row is None:
            return text
        text.append(f"#{row.id}  ", style="bold")
        text.append(t(f"correspondence.kind_name.{row.kind}"))
        if row.category:
            text.append("  ")
            text.append(visible(row.category))
        text.append("  ")
        text.append(visible(row.party))
        if row.handed_to:  # the category and the hand-on leave a narrow list: said here
            text.append(f"  {t('correspondence.col_handed')} ")
            text.append(visible(row.handed_to))
        text.append("\n")
        if row.signed_at:
            who = visible(row.signed_by)
            text.append(t("correspondence.detail_signed", who=who, at=self._time(row.signed_at)))
        elif row.direction == Direction.RECEIVED:
            due = self._time(sign_due(row.at, self.sign_hours))
            text.append(t("correspondence.detail_unsigned", due=due))
        if row.copy_made:  # seed 001:4.6: the copy travels with the original
            text.append("  " + t("correspondence.detail_copy"))
        if row.note:
            text.append("\n")
            text.append(visible(row.note))
        return text

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if "correspondence" in message.entities:
            self.query_one("#mail-list", WorkList).reload()

    def action_search(self) -> None:
        self.query_one("#mail-search", Input).focus()

    def action_archive(self) -> None:
        self.archive_only = not self.archive_only
        self._load()

    def action_new(self) -> None:
        fields = [
            LegField("at", t("correspondence.at"), placeholder=t("correspondence.time_hint")),
            LegField(
                "direction",
                t("correspondence.direction"),
                kind="select",
                options=[(t(f"correspondence.direction_name.{d}"), d.value) for d in Direction],
            ),
            LegField(
                "kind",
                t("correspondence.kind"),
                kind="select",
                options=[(t(f"correspondence.kind_name.{k}"), k.value) for k in MailKind],
            ),
            LegField("category", t("correspondence.category")),
            LegField("party", t("correspondence.party")),
            LegField("handed_to", t("correspondence.handed_to")),
            LegField(
                "archive",
                t("correspondence.archive"),
                kind="select",
                options=[
                    (t("correspondence.archive_no"), "no"),
                    (t("correspondence.archive_yes"), "yes"),
                ],
            ),
            LegField(
                "copy_made",
                t("correspondence.copy_made"),
                kind="select",
                options=[
                    (t("correspondence.copy_no"), "no"),
                    (t("correspondence.copy_yes"), "yes"),
                ],
            ),
            LegField("note", t("correspondence.note")),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            now = self.desk_app.clock.now()
            at: datetime | None = now
            problems: list[FieldProblem] = []
            if values["at"].strip():
                at, problems = check_time("at", values["at"], now, self.zone)
            problems += check_text("category", values["category"], required=False, limit=40)
            problems += check_text("party", values["party"], limit=120)
            problems += check_text("handed_to", values["handed_to"], required=False, limit=80)
            problems += check_text("note", values["note"], required=False)
            if values["copy_made"] == "yes" and values["kind"] != MailKind.FAX:
                problems.append(FieldProblem("copy_made", "correspondence.error.copy_only_fax"))
            if problems or at is None:
                modal.show_problems(problems)
                return
            command = RegisterMail(
                at=at,
                direction=values["direction"],
                kind=values["kind"],
                category=values["category"],
                party=values["party"],
                handed_to=values["handed_to"],
                archive=values["archive"] == "yes",
                note=values["note"],
                copy_made=values["copy_made"] == "yes",
            )

            def done(item_id: int) -> None:
                self.notify(t("correspondence.saved", id=item_id))
                self._load()

            save_leg(self, modal, register_mail, command, done)

        title = t("correspondence.new_title")
        open_modal(self.app, LegFormModal(title, fields, submit, draft="correspondence"))

    def action_sign(self) -> None:
        row = self._row
        if row is None:
            self.notify(t("correspondence.pick_first"), severity="warning")
            return
        fields = [LegField("signed_by", t("correspondence.signed_by"), value=row.handed_to)]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_text("signed_by", values["signed_by"], limit=80)
            if problems:
                modal.show_problems(problems)
                return
            who = values["signed_by"]

            def done(_: None) -> None:
                self.notify(
                    t("correspondence.signed_ok", id=row.id, who=visible(who.strip())), markup=False
                )
                self.query_one("#mail-list", WorkList).reload()

            save_leg(self, modal, sign_mail, SignMail(row.id, who), done)

        open_modal(
            self.app,
            LegFormModal(
                t("correspondence.sign_title", id=row.id),
                fields,
                submit,
                draft="correspondence_sign",
                draft_key=row.id,
            ),
        )
