"""Customer profiles (客户资料, seed 000:1): the list with filing countdowns, the forms to file
and edit a customer and its contacts, assignment by the lead, and import from a sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from deskui.domain.customer_import import Problem
from deskui.domain.field_limits import input_limit
from deskui.domain.model import ContactRole, Gender
from deskui.domain.permissions import Action, may
from deskui.domain.phone import format_display
from deskui.domain.visible_text import visible
from deskui.i18n import has_key, t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.attachments import host_files
from deskui.screens.drafts import NO_DRAFT, FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service, denied_line, run_service
from deskui.services.errors import TableError
from deskui.services.profiles import (
    AssignCustomers,
    CheckImport,
    ContactDraft,
    CustomerDraft,
    CustomerPage,
    CustomerQuery,
    ImportCustomers,
    RemoveContact,
    SaveContact,
    SaveCustomer,
    assign_customers,
    check_import,
    customer_count,
    customer_detail,
    customer_history,
    customer_page,
    import_customers,
    remove_contact,
    save_contact,
    save_customer,
)
from deskui.widgets.banner import Banner
from deskui.widgets.countdown import countdown_text
from deskui.widgets.field_input import FieldInput
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.text_area import DeskTextArea
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.errors import Conflict
    from deskui.services.profiles import (
        ContactDetail,
        CustomerDetail,
        CustomerRow,
        CustomerSaved,
        ImportChecked,
        ImportOutcome,
        ImportReport,
        SaveResult,
    )

CUSTOMER_FIELDS = (
    "name",
    "address",
    "phone",
    "unit_number",
    "contract_signed_on",
    "founded_on",  # its anniversary is a special-occasion callback (seed 000:2.5.1.2)
)
CONTACT_INPUTS = ("contact", "position", "contact_phone", "email", "birthday", "convenient_time")
NEW_CONTACT = -1


def localize_profile_bindings(node: DOMNode) -> None:
    """`localize_bindings` for the `profiles.key.*` catalog keys this screen's bindings use."""
    localize_bindings(node)
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [
            replace(b, description=t(b.description), tooltip=t(f"{b.description}_tip"))
            if b.description.startswith("profiles.key.")
            else b
            for b in key_bindings
        ]
        for key, key_bindings in bindings.key_to_bindings.items()
    }


def problem_text(problem: Problem) -> str:
    return t(problem.key, **dict(problem.values))


class CustomerSource:
    """Every customer, open filings first, for the work list's worker."""

    def __init__(self, app: DeskHost) -> None:
        self._app = app

    def count(self) -> int:
        return call_service(self._app, customer_count, CustomerPage())

    def rows(self, offset: int, limit: int) -> list[CustomerRow]:
        return call_service(self._app, customer_page, CustomerPage(offset, limit))


def customer_columns(app: DeskHost) -> list[Column]:
    def filing(row: CustomerRow) -> str:
        if row.filing_due is None:
            return t("profiles.filed")
        text, _ = countdown_text(row.filing_due, app.clock.now(), starts_at=row.filing_starts)
        return text

    return [
        Column(t("profiles.column.filing"), 16, cell=filing),
        Column(t("profiles.column.name"), 0, cell=lambda row: row.name),
        Column(
            t("profiles.column.phone"),
            16,
            cell=lambda row: format_display(row.phone_e164) if row.phone_e164 else "",
        ),
        Column(t("profiles.column.unit"), 10, cell=lambda row: row.unit_number),
        Column(
            t("profiles.column.agent"),
            10,
            cell=lambda row: row.agent_name or t("profiles.no_agent"),
        ),
        Column(t("profiles.column.contacts"), 6, cell=lambda row: str(row.contacts)),
    ]


class ProfilesScreen(KeptScreen):
    """The customer list; Enter edits, n files a new one, c the contacts, a assigns, i imports."""

    CSS_PATH = "profiles.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back", id="profiles.back"),
        Binding("n", "new_customer", "profiles.key.new", id="profiles.new"),
        Binding("c", "contacts", "profiles.key.contacts", id="profiles.contacts"),
        Binding("a", "assign", "profiles.key.assign", id="profiles.assign"),
        Binding("i", "import", "profiles.key.import", id="profiles.import"),
        Binding("h", "history", "keys.history", id="profiles.history"),
        Binding("r", "reload", "keys.reload", id="profiles.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="profiles")
        localize_profile_bindings(self)

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("profiles.title"), id="profiles-title", classes="section-title")
        yield Banner(id="profiles-trouble")
        yield WorkList(
            columns=customer_columns(self.desk_app),
            empty_text=t("profiles.empty"),
            row_key=lambda row: row.id,  # a customer filed moves down: the cursor with it
            id="customers",
        )
        yield Static(self._pick_hint(), id="profile-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        work_list = self.query_one("#customers", WorkList)
        work_list.set_source(CustomerSource(self.desk_app))
        work_list.focus()

    def reopened(self) -> None:
        """Ctrl+K again after Esc: the customers read again, the cursor on the same one
        where it still is; the keys go to the list."""
        work_list = self.query_one("#customers", WorkList)
        work_list.focus()
        self.call_after_refresh(work_list.reload)  # once the screen is painted as it was left

    def _is_lead(self) -> bool:
        agent = self.desk_app.agent
        return agent is not None and may(agent.role, Action.REASSIGN)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "assign":
            return self._is_lead()  # seed 000:1.3: the lead shares customers out
        if action in ("new_customer", "import", "contacts"):  # the desk's, not a department's
            return self._may_edit()
        return True

    def _pick_hint(self) -> str:
        return t("profiles.pick_hint" if self._may_edit() else "profiles.pick_hint_read_only")

    def _may_edit(self) -> bool:
        agent = self.desk_app.agent
        return agent is not None and may(agent.role, Action.EDIT_PROFILES)

    def _selected(self) -> CustomerRow | None:
        return self.query_one("#customers", WorkList).cursor_row

    # -- the list and the detail --------------------------------------------------------------

    @on(WorkList.CursorMoved, "#customers")
    def _cursor_moved(self, event: WorkList.CursorMoved) -> None:
        if event.row is None:  # no customer (any more) under the cursor
            self.query_one("#profile-detail", Static).update(self._pick_hint())
            return
        self.load_detail(event.row.id, None)

    @on(WorkList.RowSelected, "#customers")
    def _row_selected(self, event: WorkList.RowSelected) -> None:
        if event.row is None:  # the list shows another page since the key
            return
        if not self._may_edit():  # a read-only role: the detail is all it gets, and why
            self.load_detail(event.row.id, None)
            self.notify(t("profiles.read_only"), markup=False)
            return
        self.load_detail(event.row.id, "customer")

    def load_detail(self, customer_id: int, then: str | None) -> None:
        run_service(
            self,
            customer_detail,
            CustomerQuery(customer_id),
            done=lambda detail: self._show_detail(detail, then),
            trouble=self._failed,
            group="profiles-detail",
            exclusive=True,
        )

    def _show_detail(self, detail: CustomerDetail | None, then: str | None) -> None:
        self.query_one("#profile-detail", Static).update(self._describe(detail))
        if detail is None or then is None:
            return
        if then == "customer":
            open_modal(self.app, CustomerFormModal(detail), self._form_closed)
        else:
            open_modal(self.app, ContactFormModal(detail), self._form_closed)

    def _describe(self, detail: CustomerDetail | None) -> Text:
        if detail is None:
            return Text(self._pick_hint())
        none = t("profiles.none")
        text = Text()
        text.append(
            visible(
                t(
                    "profiles.detail",
                    name=detail.name,
                    phone=format_display(detail.phone_e164) if detail.phone_e164 else none,
                    unit=detail.unit_number or none,
                    agent=detail.assigned_agent or t("profiles.no_agent"),
                ),
                one_line=True,
            ),
            style="bold",
        )
        if detail.address:
            text.append("\n" + visible(t("profiles.detail_address", address=detail.address)))
        if detail.founded_on is not None:  # its anniversary is called for (seed 000:2.5.1.2)
            text.append("\n" + t("profiles.detail_founded", day=detail.founded_on.isoformat()))
        if detail.needs_sales_confirmation:
            text.append("\n" + t("profiles.detail_confirm"))
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        for kind, due_at in detail.filings:  # each open filing, personal notes too (1.4.2)
            due = due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            name = f"deadline_kind.filing.{kind}"
            if has_key(name):
                text.append("\n" + t("profiles.detail_filing_kind", kind=t(name), due=due))
            else:
                text.append("\n" + t("profiles.detail_filing", due=due))
        for contact in detail.contacts:
            line = t(
                "profiles.detail_contact",
                role=t(f"profiles.role.{contact.role}"),
                name=contact.name,
                position=contact.position,
                phone=format_display(contact.phone_e164, contact.phone_extension)
                if contact.phone_e164
                else "",
                email=contact.email,
            )
            text.append("\n" + visible(line, one_line=True))
        return text

    def _form_closed(self, name: str | None) -> None:
        if name:
            self.notify(t("profiles.saved", name=name), markup=False)
        self.action_reload()

    # -- keys -----------------------------------------------------------------------------------

    def action_new_customer(self) -> None:
        open_modal(self.app, CustomerFormModal(None), self._form_closed)

    def action_contacts(self) -> None:
        row = self._selected()
        if row is None:
            ring_bell(self)
            return
        self.load_detail(row.id, "contacts")

    def action_history(self) -> None:
        """Every change to the selected customer and its contacts, newest first."""
        from deskui.screens.history import HistoryModal

        row = self._selected()
        if row is None:
            ring_bell(self)
            return
        title = t("history.title_customer", name=row.name)
        open_modal(self.app, HistoryModal(title, customer_history, CustomerQuery(row.id)))

    def action_reload(self) -> None:
        self.query_one("#customers", WorkList).reload()
        row = self._selected()
        if row is not None:
            self.load_detail(row.id, None)

    def action_assign(self) -> None:
        if not self._is_lead():
            self.notify(t("profiles.only_leads"), severity="warning")
            return
        self.run_assignment()

    def run_assignment(self) -> None:
        run_service(
            self,
            assign_customers,
            AssignCustomers(),
            done=lambda assigned: self._assigned(assigned.count),
            trouble=self._failed,
            group="profiles-assign",
            exclusive=True,
        )

    def _assigned(self, count: int) -> None:
        message = t("profiles.assigned", count=count) if count else t("profiles.assigned_none")
        self.notify(message)
        self.action_reload()

    def action_import(self) -> None:
        open_modal(self.app, ImportModal(), self._imported)

    def _imported(self, count: int | None) -> None:
        if count:
            self.notify(t("profiles.imported", count=count))
            self.action_reload()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"customer", "contact", "deadline"}:
            self.query_one("#customers", WorkList).reload()

    def _failed(self, reason: str) -> None:
        self.query_one("#profiles-trouble", Banner).message = t("profiles.failed", reason=reason)


# -- forms ------------------------------------------------------------------------------------


class ProfileFormBase(ModalScreen[str | None]):
    """What both forms share: labelled fields with their messages, save in a worker, and a
    result that either closes the form or shows what is wrong, keeping every typed character."""

    CSS_PATH = "profiles.tcss"  # its own rules, parsed when it first opens

    draft: FormDraft
    """The form's typing kept as a draft (DESIGN.md 5): set by each form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "profiles.key.save", id="profiles.save", priority=True),
        Binding("escape", "cancel", "profiles.key.cancel", id="profiles.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="profile-form")
        localize_profile_bindings(self)

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def field(self, name: str, value: str = "") -> ComposeResult:
        yield Label(t(f"profiles.field.{name}"), classes="field-label")
        yield FieldInput(value, id=f"f-{name}", compact=True, max_length=input_limit(name))
        yield Static("", id=f"err-{name}", classes="field-error")

    def choice(self, name: str, options: list[tuple[str, str]], value: str) -> ComposeResult:
        yield Label(t(f"profiles.field.{name}"), classes="field-label")
        yield Select(options, value=value, allow_blank=False, id=f"f-{name}", compact=True)
        yield Static("", id=f"err-{name}", classes="field-error")

    def notes(self, value: str) -> ComposeResult:
        yield Label(t("profiles.field.personal_notes"), classes="field-label")
        yield DeskTextArea(value, id="f-personal_notes", soft_wrap=True, compact=True)
        yield Static("", id="err-personal_notes", classes="field-error")

    def value(self, name: str) -> str:
        if name == "personal_notes":
            return self.query_one("#f-personal_notes", TextArea).text
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            return str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def show_result(self, result: SaveResult | None, problems: tuple[Problem, ...] = ()) -> None:
        """Messages next to their fields; the form stays open with what was typed."""
        for error in self.query(".field-error").results(Static):
            error.update("")
        status = self.query_one("#form-status", Static)
        for problem in problems:
            matches = self.query(f"#err-{problem.field}").results(Static)
            for error in matches:
                error.update(Text(problem_text(problem)))
        if problems:
            status.update(t("profiles.form.has_problems", count=len(problems)))
        elif result is not None and result.missing:
            status.update(t("profiles.form.missing"))
        status.set_class(True, "-error")

    def show_conflict(self, theirs: Conflict) -> None:
        """Who saved, when and what, beside what this form holds (DESIGN.md 7)."""
        from deskui.screens.conflict import ConflictModal

        names = ("name", "address", "phone", "unit_number")
        mine = {name: self.value(name) for name in names}
        labels = {name: t(f"profiles.field.{name}") for name in names}
        zone = self.desk_app.settings.site_timezone

        def decided(keep_mine: bool | None) -> None:
            if keep_mine:  # saved over theirs, knowingly
                self.conflict_kept(theirs.version)
                self.call_later(self.run_action, "save")

        open_modal(self.app, ConflictModal(theirs, mine, labels, zone), decided)

    def conflict_kept(self, version: int) -> None:
        """The agent keeps their version: the next save replaces the one now stored."""

    def save_conflicted(self, theirs: Conflict) -> None:
        """Someone else saved first: nothing was written, said on the form, the typing kept
        as a draft again."""
        self.draft.resume()
        self.show_result(None)
        status = self.query_one("#form-status", Static)
        status.update(t("profiles.form.conflict"))
        status.set_class(True, "-error")

    def save_refused(self, error: Exception) -> None:
        """Not the agent's to save (a refused role): said on the form, the typing kept."""
        self.save_trouble(denied_line(error))

    def save_trouble(self, reason: str) -> None:
        """The database failed: nothing was saved, said on the form, the typing kept."""
        self.draft.resume()
        status = self.query_one("#form-status", Static)
        status.update(Text(t("profiles.failed", reason=reason)))
        status.set_class(True, "-error")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _contact_options(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        roles = [(t(f"profiles.role.{r}"), r.value) for r in ContactRole]
        genders = [(t(f"profiles.gender.{g}"), g.value) for g in Gender]
        return roles, genders


class CustomerFormModal(ProfileFormBase):
    """File a new customer (with its principal, if known) or edit one; returns its name."""

    def __init__(self, detail: CustomerDetail | None) -> None:
        super().__init__()
        self.detail = detail
        self.draft = FormDraft(self, "customer", detail.id if detail else "new")

    @property
    def presence_subject(self) -> str | None:
        """The customer being edited, as the app's tick reports it (issue 16): a colleague
        with the same customer open is named before either saves."""
        return f"customer:{self.detail.id}" if self.detail is not None else None

    def compose(self) -> ComposeResult:
        d = self.detail
        title = (
            t("profiles.form.new_title") if d is None else t("profiles.form.edit_title", name="")
        )
        with Vertical(classes="dialog profile-dialog"):
            head = Text(title)
            if d is not None:
                head.append(visible(d.name, one_line=True))
            yield Static(head, classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                values = {
                    "name": d.name if d else "",
                    "address": d.address if d else "",
                    "phone": format_display(d.phone_e164) if d and d.phone_e164 else "",
                    "unit_number": d.unit_number if d else "",
                    "contract_signed_on": d.contract_signed_on.isoformat()
                    if d and d.contract_signed_on
                    else "",
                    "founded_on": d.founded_on.isoformat() if d and d.founded_on else "",
                }
                with Horizontal(classes="form-columns"):
                    with Vertical(classes="form-column"):
                        for name in CUSTOMER_FIELDS:
                            yield from self.field(name, values[name])
                        yield from self.choice(
                            "needs_sales_confirmation",
                            [(t(f"profiles.confirm.{v}"), v) for v in ("no", "yes")],
                            "yes" if d and d.needs_sales_confirmation else "no",
                        )
                    if d is None:
                        _, genders = self._contact_options()
                        with Vertical(classes="form-column"):
                            yield Static(t("profiles.form.principal_section"), classes="hint")
                            yield from self.field("contact")
                            yield from self.field("position")
                            yield from self.field("contact_phone")
                            yield from self.field("email")
                            yield from self.choice("gender", genders, Gender.UNKNOWN)
                            yield from self.field("birthday")
                            yield from self.field("convenient_time")
            yield Static("", id="form-status")
            yield Static(t("profiles.form.hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#f-name", Input).focus()
        self.draft.load()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def action_cancel(self) -> None:
        self.draft.discard()  # "Esc cancels": the typing goes too
        super().action_cancel()

    def conflict_kept(self, version: int) -> None:
        if self.detail is not None:
            self.detail = replace(self.detail, version=version)

    def save_conflicted(self, theirs: Conflict) -> None:
        """Beside the form's line, their save and what this form holds, side by side."""
        super().save_conflicted(theirs)
        self.show_conflict(theirs)

    def action_save(self) -> None:
        d = self.detail
        draft = CustomerDraft(
            name=self.value("name"),
            address=self.value("address"),
            phone=self.value("phone"),
            unit_number=self.value("unit_number"),
            contract_signed_on=self.value("contract_signed_on"),
            founded_on=self.value("founded_on"),
            id=d.id if d else None,
            version=d.version if d else None,
            needs_sales_confirmation=self.value("needs_sales_confirmation") == "yes",
        )
        contact = None
        if d is None and any(self.value(n).strip() for n in CONTACT_INPUTS):
            contact = ContactDraft(
                customer_id=0,
                name=self.value("contact"),
                role=ContactRole.PRINCIPAL,
                position=self.value("position"),
                phone=self.value("contact_phone"),
                email=self.value("email"),
                gender=self.value("gender"),
                birthday=self.value("birthday"),
                convenient_time=self.value("convenient_time"),
            )
        self.query_one("#form-status", Static).update(t("profiles.form.saving"))
        self.draft.hold()  # a draft written after the save would come back
        run_service(
            self,
            save_customer,
            SaveCustomer(draft, contact),
            done=lambda saved: self._saved(saved, draft.name),
            refused=self.save_refused,
            conflict=self.save_conflicted,
            trouble=self.save_trouble,
            draft=self.draft,
            group="profiles-save",
            exclusive=True,
        )

    def _saved(self, saved: CustomerSaved, name: str) -> None:
        if saved.ok:
            self.dismiss(name)
            return
        self.draft.resume()  # not saved: the typing is kept as a draft again
        self.show_result(saved.result, saved.problems)


class ContactFormModal(ProfileFormBase):
    """One customer's contacts: pick one (or a new one), edit, save or remove."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+d", "remove", "profiles.key.remove", id="profiles.remove"),
    ]

    def __init__(self, detail: CustomerDetail) -> None:
        super().__init__()
        self.detail = detail
        self.contacts: dict[int, ContactDetail] = {c.id: c for c in detail.contacts}
        self.current = detail.contacts[0].id if detail.contacts else NEW_CONTACT
        # the fields of the contact being edited; which one it is rides beside them
        self.draft = FormDraft(
            self,
            "contact",
            detail.id,
            state=lambda: self.current,
            restore_state=self._restore_contact,
        )

    def compose(self) -> ComposeResult:
        roles, genders = self._contact_options()
        choices = [
            (Text(f"{visible(c.name)}  ·  {t(f'profiles.role.{c.role}')}"), str(c.id))
            for c in self.detail.contacts
        ]
        choices.append((Text(t("profiles.field.new_contact")), str(NEW_CONTACT)))
        with Vertical(classes="dialog profile-dialog"):
            head = Text(t("profiles.form.contact_title", name=""))
            head.append(visible(self.detail.name, one_line=True))
            yield Static(head, classes="dialog-title")
            yield Label(t("profiles.field.which_contact"), classes="field-label")
            yield Select(
                choices,
                value=str(self.current),
                allow_blank=False,
                id="which",
                compact=True,
                classes=NO_DRAFT,
            )
            with (
                VerticalScroll(classes="form-body"),
                Horizontal(classes="form-columns"),
            ):
                with Vertical(classes="form-column"):
                    yield from self.field("contact")
                    yield from self.choice("role", roles, ContactRole.LIAISON)
                    yield from self.field("position")
                    yield from self.field("contact_phone")
                    yield from self.field("email")
                with Vertical(classes="form-column"):
                    yield from self.choice("gender", genders, Gender.UNKNOWN)
                    yield from self.field("birthday")
                    yield from self.field("convenient_time")
                    yield from self.notes("")
            yield Static("", id="form-status")
            yield Static(t("profiles.form.contact_hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self._fill(self.current)
        self.query_one("#f-contact", Input).focus()
        self.draft.load()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _restore_contact(self, state: object) -> None:
        if isinstance(state, int) and (state in self.contacts or state == NEW_CONTACT):
            self.current = state  # set first: the choice's change below refills nothing
            self.query_one("#which", Select).value = str(state)

    def action_cancel(self) -> None:
        self.draft.discard()  # "Esc cancels": the typing goes too
        super().action_cancel()

    @on(Select.Changed, "#which")
    def _picked(self, event: Select.Changed) -> None:
        picked = int(str(event.value))
        if picked == self.current:
            return
        self.draft.discard()  # another contact's fields: what was typed for this one goes
        self.current = picked
        self._fill(self.current)

    def _fill(self, contact_id: int) -> None:
        c = self.contacts.get(contact_id)
        birthday: date | None = c.birthday if c else None
        values = {
            "contact": c.name if c else "",
            "position": c.position if c else "",
            "contact_phone": format_display(c.phone_e164, c.phone_extension)
            if c and c.phone_e164
            else "",
            "email": c.email if c else "",
            "birthday": birthday.isoformat() if birthday else "",
            "convenient_time": c.convenient_time if c else "",
        }
        for name, value in values.items():
            self.query_one(f"#f-{name}", Input).value = value
        self.query_one("#f-role", Select).value = c.role if c else ContactRole.LIAISON.value
        self.query_one("#f-gender", Select).value = c.gender if c else Gender.UNKNOWN.value
        self.query_one("#f-personal_notes", TextArea).text = c.personal_notes if c else ""
        self.show_result(None)
        self.query_one("#form-status", Static).update("")

    def action_save(self) -> None:
        c = self.contacts.get(self.current)
        draft = ContactDraft(
            customer_id=self.detail.id,
            name=self.value("contact"),
            role=self.value("role"),
            position=self.value("position"),
            phone=self.value("contact_phone"),
            email=self.value("email"),
            gender=self.value("gender"),
            birthday=self.value("birthday"),
            convenient_time=self.value("convenient_time"),
            personal_notes=self.value("personal_notes"),
            id=c.id if c else None,
            version=c.version if c else None,
        )
        self.query_one("#form-status", Static).update(t("profiles.form.saving"))
        self.draft.hold()  # a draft written after the save would come back
        self._run(save_contact, SaveContact(draft))

    def action_remove(self) -> None:
        c = self.contacts.get(self.current)
        if c is None:
            ring_bell(self)
            return
        self._run(remove_contact, RemoveContact(c.id, c.version))

    def _run(self, service: Any, command: object) -> None:
        run_service(
            self,
            service,
            command,
            done=self._saved,
            refused=self.save_refused,
            conflict=self.save_conflicted,
            trouble=self.save_trouble,
            draft=self.draft,
            group="profiles-save",
            exclusive=True,
        )

    def _saved(self, result: SaveResult) -> None:
        if result.ok:
            self.dismiss(self.detail.name)
            return
        self.draft.resume()  # not saved: the typing is kept as a draft again
        self.show_result(result, result.problems)


# -- import -----------------------------------------------------------------------------------


class ImportModal(ModalScreen[int | None]):
    """A file path, the dry-run report, and the import only when the agent accepts it."""

    CSS_PATH = "profiles.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "accept", "profiles.key.accept", id="profiles.accept", priority=True),
        Binding("escape", "cancel", "profiles.key.cancel", id="profiles.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_profile_bindings(self)
        self.report: ImportReport | None = None

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog import-dialog"):
            yield Static(t("profiles.import.title"), classes="dialog-title")
            yield Label(t("profiles.import.path"), classes="field-label")
            yield FieldInput(id="import-path", compact=True, max_length=input_limit("path"))
            yield Static("", id="import-summary")
            with VerticalScroll(id="import-report"):
                yield Static("", id="import-bad")
            yield Static(t("profiles.import.hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _check(self, event: Input.Submitted) -> None:
        self.report = None
        self.query_one("#import-summary", Static).update(t("profiles.import.checking"))
        self.query_one("#import-bad", Static).update("")
        self.dry_run(event.value.strip())

    def dry_run(self, path: str) -> None:
        run_service(
            self,
            check_import,
            CheckImport(path, host_files(self.desk_app)),
            done=self._show_report,
            refused=self._unreadable,
            trouble=self._failed,
            group="profiles-import",
            exclusive=True,
        )

    def _unreadable(self, error: Exception) -> None:
        """The file is not a table (its catalog key), or the role may not import."""
        self._failed(t(str(error)) if isinstance(error, TableError) else denied_line(error))

    def _failed(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(Text(text))

    def _show_report(self, checked: ImportChecked) -> None:
        report, outcome = checked.report, checked.outcome
        self.report = report
        if not report.has_header or not report.rows:  # nothing to import, said as such
            key = (
                "profiles.import.empty_file" if not report.has_header else "profiles.import.no_rows"
            )
            self.query_one("#import-summary", Static).update(t(key))
            return
        summary = Text(t("profiles.import.report", ok=outcome.created, bad=len(report.bad)))
        if report.blank_lines:
            lines = ", ".join(str(n) for n in report.blank_lines)
            summary.append("\n" + t("profiles.import.blank_lines", lines=lines))
        if outcome.skipped_lines:
            lines = ", ".join(str(n) for n in outcome.skipped_lines)
            summary.append(
                "\n" + t("profiles.import.skipped", count=len(outcome.skipped_lines), lines=lines)
            )
        if report.missing_columns:
            summary.append("\n" + t("profiles.import.missing_columns"), style="bold")
        if report.unknown_columns:
            columns = "、".join(report.unknown_columns)
            summary.append("\n" + t("profiles.import.unknown_columns", columns=columns))
        self.query_one("#import-summary", Static).update(summary)
        bad = Text()
        for n, row in enumerate(report.bad):
            if n:
                bad.append("\n")
            reasons = "；".join(problem_text(p) for p in row.problems)
            bad.append(t("profiles.import.bad_line", line=row.line, name=row.name, reasons=reasons))
        self.query_one("#import-bad", Static).update(bad)

    def action_accept(self) -> None:
        if self.report is None:
            self.query_one("#import-summary", Static).update(t("profiles.import.check_first"))
            return
        if not self.report.ok:
            self.query_one("#import-summary", Static).update(t("profiles.import.nothing"))
            return
        self.accept_import(self.report)

    def accept_import(self, report: ImportReport) -> None:
        def failed(reason: str) -> None:  # nothing was imported: said, never silent
            self._failed(t("profiles.import.failed", reason=reason))

        run_service(
            self,
            import_customers,
            ImportCustomers(report),
            done=self._imported,
            refused=lambda error: failed(denied_line(error)),
            trouble=failed,
            group="profiles-import",
            exclusive=True,
        )

    def _imported(self, outcome: ImportOutcome) -> None:
        if outcome.skipped_lines:  # filed since the dry run: said before the dialog closes
            self._imported_with_skips(outcome)
            return
        self.dismiss(outcome.created)

    def _imported_with_skips(self, outcome: ImportOutcome) -> None:
        self.report = None
        lines = ", ".join(str(n) for n in outcome.skipped_lines)
        summary = Text(t("profiles.imported", count=outcome.created))
        skipped = t("profiles.import.skipped_done", count=len(outcome.skipped_lines), lines=lines)
        summary.append("\n" + skipped)
        self.query_one("#import-summary", Static).update(summary)

    def action_cancel(self) -> None:
        self.dismiss(None)
