"""Orders (seed 004 in-sales 1-6, pre-sales 7, after-sales 6): the morning list of unshipped
orders, the chase list, problem parcels, unpaid follow-up, void notices and the returns flow.
Also the small form dialog the handover screen shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Input, Label, Select, Static

from deskui.domain.field_limits import input_limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.orders import ReturnStep, next_return_steps
from deskui.domain.search import visible
from deskui.i18n import current_locale, t
from deskui.keys import localize_bindings
from deskui.navigation import open_modal
from deskui.screens.attachments import host_files
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount, focus_first_field
from deskui.screens.form_save import save_form
from deskui.screens.host import desk_host
from deskui.screens.runner import Service, call_service
from deskui.services.orders import (
    AddOrder,
    AnswerParcel,
    ChaseParcel,
    FollowUpUnpaid,
    ImportOrders,
    OrderView,
    RecordReturnStep,
    RegisterUnshipped,
    VoidOrder,
    add_order,
    answer_parcel,
    chase_parcel,
    follow_up_unpaid,
    import_orders,
    order_rows,
    record_return_step,
    register_unshipped,
    void_order,
)
from deskui.widgets.banner import Banner
from deskui.widgets.field_input import FieldInput
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from deskui.screens.host import DeskHost

VIEWS = ("morning", "chase", "problem", "unpaid", "all")
ORDER_FIELDS = (
    "number", "shop", "customer", "paid_at", "shipped_at", "courier", "tracking_number",
    "last_tracking_at", "problem",
)  # fmt: skip


@dataclass(frozen=True)
class FormField:
    """One field of a FormModal: an input, a choice or a tick box."""

    name: str
    label: str
    kind: str = "input"  # input | select | check
    value: str = ""
    options: Sequence[tuple[str, str]] = field(default_factory=tuple)
    placeholder: str = ""
    disabled: bool = False
    words: Sequence[tuple[str, str]] = field(default_factory=tuple)
    """How a choice not among `options` reads (what another desk picked, as a conflict
    shows it): (value, label) pairs."""


Submit = Callable[[dict[str, str], "FormModal"], None]


class FormModal(ModalScreen[bool]):
    """A small form. `submit` runs the save (in a worker); the dialog stays open, with each
    problem next to its field, until the caller says `saved()` (nothing typed is lost).
    `draft` names the form whose typing is kept as a draft (DESIGN.md 5) under `draft_key`."""

    CSS_PATH = "handover.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "keys.back", id="form_cancel"),
        Binding("ctrl+s", "submit", "keys.form_save", id="form_save", priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Submit,
        *,
        draft: str,
        draft_key: object = "",
    ) -> None:
        super().__init__(classes="form-modal")
        localize_bindings(self)
        self._title = title
        self._fields = tuple(fields)
        self._submit = submit
        self.draft = FormDraft(self, draft, draft_key, trouble=self._draft_trouble, title=title)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form-dialog", can_focus=False):
            yield Static(Text(visible(self._title, one_line=True)), classes="dialog-title")
            for spec in self._fields:
                if spec.kind == "check":
                    yield Checkbox(spec.label, spec.value == "1", id=f"f-{spec.name}")
                else:
                    yield Label(spec.label, classes="field-label")
                    if spec.kind == "select":
                        yield Select(
                            [(label, value) for value, label in spec.options],
                            value=spec.value or spec.options[0][0],
                            allow_blank=False,
                            id=f"f-{spec.name}",
                            compact=True,
                            disabled=spec.disabled,
                        )
                    else:
                        yield FieldInput(
                            spec.value,
                            placeholder=spec.placeholder,
                            id=f"f-{spec.name}",
                            compact=True,
                            disabled=spec.disabled,
                            max_length=input_limit(spec.name),
                        )
                yield Static("", id=f"err-{spec.name}", classes="field-error")
            yield Static("", id="form-trouble", classes="field-error")
            # Enter saves from a typed field; on a pick list it opens the list (交班给 said
            # "Enter 或 Ctrl+S 保存", and Enter opened the list of agents)
            choices = all(spec.kind == "select" for spec in self._fields)
            yield Static(t("handover.choice_hint" if choices else "handover.form_hint"),
                         classes="hint")  # fmt: skip

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        focus_first_field(self, [spec.name for spec in self._fields])
        self.draft.load()

    @on(Input.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _draft_trouble(self, message: str) -> None:
        self.query_one("#form-trouble", Static).update(Text(message))

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self._fields:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, Checkbox):
                out[spec.name] = "1" if widget.value else ""
            elif isinstance(widget, Select):
                out[spec.name] = str(widget.value)
            elif isinstance(widget, Input):
                out[spec.name] = widget.value
        return out

    def conflict_sides(
        self, stored: Mapping[str, str]
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """What the agent typed, each field's label and what another desk saved (`stored`,
        by field name), as the conflict view compares them: the fields one types or picks
        (a tick box and a field shown only for reference are left out), a choice by its
        label."""
        typed = self.values()
        mine: dict[str, str] = {}
        labels: dict[str, str] = {}
        theirs: dict[str, str] = {}
        for spec in self._fields:
            if spec.disabled or spec.kind == "check":
                continue
            words = dict(spec.words) | dict(spec.options) if spec.kind == "select" else {}
            labels[spec.name] = spec.label
            mine[spec.name] = words.get(typed[spec.name], typed[spec.name])
            value = stored.get(spec.name, "")
            theirs[spec.name] = words.get(value, value)
        return mine, labels, theirs

    @on(Input.Submitted)
    def action_submit(self) -> None:
        self.show_problems([])
        self.draft.hold()  # a draft written after the save would come back
        self._submit(self.values(), self)

    def show_problems(self, problems: Sequence[FieldProblem], trouble: str = "") -> None:
        for spec in self._fields:
            self.query_one(f"#err-{spec.name}", Static).update("")
        for problem in problems:
            with_field = self.query(f"#err-{problem.field}")
            target = with_field.first(Static) if with_field else None
            message = Text(t(problem.key, **dict(problem.values)))
            if target is None:
                self.query_one("#form-trouble", Static).update(message)
            else:
                target.update(message)
        self.query_one("#form-trouble", Static).update(Text(visible(trouble)) if trouble else "")
        if problems:
            first = self.query(f"#f-{problems[0].field}")
            if first:
                first.first().focus()
        if problems or trouble:
            self.draft.resume()  # not saved: the typing is kept as a draft again

    def saved(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.draft.discard()  # "Esc cancels" (handover.form_hint): the typing goes too
        self.dismiss(False)


C = TypeVar("C", bound="DataclassInstance")  # a command (`save_form`)


class OrderSource:
    """One of the order lists, computed in the work list's worker."""

    def __init__(self, app: DeskHost, view: str) -> None:
        self._app = app
        self.view = view

    def _rows(self) -> list[Any]:
        query = OrderView(self.view, self._app.settings.site_timezone)
        return call_service(self._app, order_rows, query)

    def count(self) -> int:
        return len(self._rows())

    def rows(self, offset: int, limit: int) -> Sequence[Any]:
        return self._rows()[offset : offset + limit]


class OrdersScreen(Screen[None]):
    """The order lists an in-sales and after-sales agent works through each morning."""

    CSS_PATH = "handover.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
        Binding("tab", "next_view", "keys.orders_view", id="orders_view"),
        Binding("a", "add", "keys.orders_add", id="orders_add"),
        Binding("i", "import_file", "keys.orders_import", id="orders_import"),
        Binding("u", "unshipped", "keys.orders_reason", id="orders_reason"),
        Binding("c", "chase", "keys.orders_chase", id="orders_chase"),
        Binding("x", "answer", "keys.orders_answer", id="orders_answer"),
        Binding("f", "follow_up", "keys.orders_follow_up", id="orders_follow_up"),
        Binding("v", "void", "keys.orders_void", id="orders_void"),
        Binding("t", "return_step", "keys.orders_return", id="orders_return"),
    ]

    @dataclass
    class Done(Message):
        text: str

    def __init__(self) -> None:
        super().__init__(id="orders")
        localize_bindings(self)
        self._view = 0

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="orders-title", classes="section-title")
        yield Banner(id="orders-trouble")
        yield WorkList(columns=self._columns(), empty_text=t("orders.empty"), id="order-list")
        yield Static("", id="order-detail", classes="detail")
        yield KeyFooter()

    def _columns(self) -> list[Column]:
        zone = ZoneInfo(self.desk_app.settings.site_timezone)

        def local(value: Any) -> str:
            return value.astimezone(zone).strftime("%m-%d %H:%M") if value else ""

        def step(row: Any) -> str:
            return " → ".join(t(f"orders.step.{s}") for s in row.return_steps)

        return [
            Column(
                t("orders.col.countdown"), 14, countdown=lambda r: (r.due_at, r.starts_at, None)
            ),
            Column(t("orders.col.number"), 11, cell=lambda r: r.number),
            Column(t("orders.col.shop"), 12, cell=lambda r: r.shop),
            Column(t("orders.col.customer"), 8, cell=lambda r: r.customer),
            Column(t("orders.col.status"), 8, cell=lambda r: t(f"orders.status.{r.status}")),
            Column(t("orders.col.paid"), 11, cell=lambda r: local(r.paid_at)),
            Column(t("orders.col.courier"), 26, cell=lambda r: f"{r.courier} {r.tracking_number}"),
            Column(t("orders.col.tracking"), 11, cell=lambda r: local(r.last_tracking_at)),
            Column(t("orders.col.note"), 0, cell=lambda r: r.reason or step(r)),
        ]

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self._show_view()
        self.query_one("#order-list", WorkList).focus()

    def _show_view(self) -> None:
        view = VIEWS[self._view]
        tabs = "  ".join(
            f"[{t(f'orders.view.{v}')}]" if v == view else t(f"orders.view.{v}") for v in VIEWS
        )
        self.query_one("#orders-title", Static).update(Text(f"{t('orders.title')}  {tabs}"))
        self.query_one("#order-list", WorkList).set_source(OrderSource(self.desk_app, view))

    def action_next_view(self) -> None:
        self._view = (self._view + 1) % len(VIEWS)
        self._show_view()

    def _row(self) -> Any | None:
        row = self.query_one("#order-list", WorkList).cursor_row
        if row is None:
            self.notify(t("orders.no_row"), severity="warning")
        return row

    @on(WorkList.CursorMoved, "#order-list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        row = event.row
        text = Text()
        if row is not None:
            text.append(visible(f"{row.shop} {row.number}  {row.customer}"), style="bold")
            if row.responsible:
                text.append(f"  {t('orders.responsible')}: ")
                text.append(visible(row.responsible))
            if row.problem:
                text.append(f"  {t(f'orders.problem.{row.problem}')}")
        self.query_one("#order-detail", Static).update(text)

    def _zone(self) -> str:
        return self.desk_app.settings.site_timezone

    def _form(
        self, title: str, fields: Sequence[FormField], service: Service[C, Any],
        command: Callable[[dict[str, str]], C],
        done: Callable[[Any], None] | None = None, *, draft: str, key: object = "",
    ) -> None:  # fmt: skip
        def submit(values: dict[str, str], modal: FormModal) -> None:
            save_form(self, modal, service, command(values), done or self._saved)

        open_modal(self.app, FormModal(title, fields, submit, draft=draft, draft_key=key))

    def _saved(self, _result: object = None) -> None:
        self.notify(t("orders.saved"))
        self.query_one("#order-list", WorkList).reload()

    def action_add(self) -> None:
        problems = [("", t("orders.problem.none"))] + [
            (p, t(f"orders.problem.{p}")) for p in ("wrong_contact", "refused", "self_pickup")
        ]
        fields = [
            FormField(
                name,
                t(f"orders.field.{name}"),
                kind="select" if name == "problem" else "input",
                options=problems if name == "problem" else (),
                placeholder=t("orders.time_hint") if name.endswith("_at") else "",
            )
            for name in ORDER_FIELDS
        ]
        self._form(
            t("orders.add_title"),
            fields,
            add_order,
            lambda v: AddOrder(v, self._zone()),
            draft="order_add",
        )

    def action_import_file(self) -> None:
        def done(result: Any) -> None:
            self.notify(
                t("orders.imported", added=result.added, bad=len(result.problems)),
                severity="warning" if result.problems else "information",
            )
            for line, problem in result.problems[:5]:
                self.notify(
                    t("orders.import_line", line=line, field=t(f"orders.field.{problem.field}"),
                      problem=t(problem.key, **dict(problem.values))),
                    severity="warning",
                )  # fmt: skip
            self.query_one("#order-list", WorkList).reload()

        self._form(
            t("orders.import_title"),
            [FormField("path", t("orders.field.path"), placeholder=t("orders.path_hint"))],
            import_orders,
            lambda v: ImportOrders(v["path"], self._zone(), host_files(self.desk_app)),
            done,
            draft="order_import",
        )

    def action_unshipped(self) -> None:
        row = self._row()
        if row is None:
            return
        self._form(
            t("orders.reason_title", number=visible(row.number)),
            [
                FormField("reason", t("orders.field.reason"), value=row.reason),
                FormField("responsible", t("orders.field.responsible"), value=row.responsible),
            ],
            register_unshipped,
            lambda v: RegisterUnshipped(
                row.order_id, v["reason"], v["responsible"], row.version
            ),
            draft="order_unshipped", key=row.order_id,
        )  # fmt: skip

    def action_chase(self) -> None:
        row = self._row()
        if row is None:
            return

        def done(item: object) -> None:
            self.notify(t("orders.chase_listed") if item else t("orders.saved"))
            self.query_one("#order-list", WorkList).reload()

        self._form(
            t(
                "orders.chase_title",
                courier=visible(row.courier),
                tracking=visible(row.tracking_number),
            ),
            [
                FormField(
                    "result", t("orders.field.courier_result"), placeholder=t("orders.chase_hint")
                )
            ],
            chase_parcel,
            lambda v: ChaseParcel(row.order_id, v["result"], row.version),
            done,
            draft="order_chase",
            key=row.order_id,
        )

    def action_answer(self) -> None:
        row = self._row()
        if row is None:
            return
        self._form(
            t("orders.answer_title", number=visible(row.number)),
            [FormField("answer", t("orders.field.answer"))],
            answer_parcel,
            lambda v: AnswerParcel(row.order_id, v["answer"], current_locale(), row.version),
            draft="order_answer",
            key=row.order_id,
        )

    def action_follow_up(self) -> None:
        row = self._row()
        if row is None:
            return
        self._form(
            t("orders.follow_up_title", number=visible(row.number)),
            [
                FormField("result", t("orders.field.result")),
                FormField("close", t("orders.field.close"), kind="check"),
            ],
            follow_up_unpaid,
            lambda v: FollowUpUnpaid(
                row.order_id, v["result"], row.version, close=bool(v["close"])
            ),
            draft="order_follow_up", key=row.order_id,
        )  # fmt: skip

    def action_void(self) -> None:
        row = self._row()
        if row is None:
            return

        def done(result: Any) -> None:
            number, shop = result
            self.notify(t("orders.void_notice", number=visible(number), shop=visible(shop)))
            self.query_one("#order-list", WorkList).reload()

        self._form(
            t("orders.void_title", number=visible(row.number)),
            [
                FormField("confirmed", t("orders.field.confirmed"), kind="check"),
                FormField("refund", t("orders.field.refund")),
            ],
            void_order,
            lambda v: VoidOrder(
                row.order_id, bool(v["confirmed"]), v["refund"], row.version
            ),
            done,
            draft="order_void", key=row.order_id,
        )  # fmt: skip

    def action_return_step(self) -> None:
        row = self._row()
        if row is None:
            return
        allowed = next_return_steps([ReturnStep(s) for s in row.return_steps])
        if not allowed:
            self.notify(t("orders.return_complete"))
            return
        self._form(
            t("orders.return_title", number=visible(row.number)),
            [
                FormField(
                    "step", t("orders.field.step"), kind="select",
                    options=[(s.value, t(f"orders.step.{s.value}")) for s in allowed],
                    words=[(s.value, t(f"orders.step.{s.value}")) for s in ReturnStep],
                ),
                FormField("agreed", t("orders.field.agreed")),
            ],
            record_return_step,
            lambda v: RecordReturnStep(
                row.order_id, v["step"], v["agreed"], row.version
            ),
            draft="order_return", key=row.order_id,
        )  # fmt: skip

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"order", "deadline"}:
            self.query_one("#order-list", WorkList).reload()
