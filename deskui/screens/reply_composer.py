"""Written complaints (seed 001:7.1-7.8): the reply built from the recorded facts in the seed's
order, edited with the rules of conduct on, exported as plain text and as PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static, TextArea

from deskui.domain.complaint import REPLY_PARTS, ReplyFacts, build_reply, parse_local_time
from deskui.domain.conduct import flagged_phrases, packaged_conduct
from deskui.domain.field_limits import FieldKind, input_limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.script_flow import salutation
from deskui.domain.search import visible
from deskui.i18n import catalog, current_locale, t
from deskui.keys import localize_bindings
from deskui.locations import file_stamp, replies_dir
from deskui.navigation import open_modal
from deskui.screens.attachments import deliver_to_browser
from deskui.screens.drafts import FormDraft
from deskui.screens.example_times import example_time
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.own_saves import tell_saved_here
from deskui.screens.runner import call_service, denied_line, run_service
from deskui.screens.trouble_text import file_trouble, trouble_line
from deskui.widgets.banner import Banner
from deskui.widgets.field_input import FieldInput
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.complaints import ComplaintCase
    from deskui.services.errors import Conflict
    from deskui.services.replies import ReplySaved, SaveReply

TIME_FORMAT = "%Y-%m-%d %H:%M"
FACT_FIELDS = ("cause", "responsible", "action_at", "expected_finish")


def export_text(text: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def export_pdf(text: str, path: Path, title: str) -> Path:
    """An A4 page per screenful of reply, Chinese in an embedded font, wrapped CJK-style."""
    from deskui.documents.pdf_file import write_letter

    return write_letter(text, path, title)


class ReplyComposerScreen(Screen[None]):
    """The written reply to one complaint."""

    CSS_PATH = "reply_composer.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "build", "keys.reply_build", id="reply_build", priority=True),
        Binding("ctrl+s", "save", "keys.reply_save", id="reply_save", priority=True),
        Binding("ctrl+e", "export", "keys.reply_export", id="reply_export", priority=True),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class CaseLoaded(Message):
        case: ComplaintCase

    @dataclass
    class Saved(Message):
        version: int
        then_export: bool
        before: int | None
        """The version the save was checked against."""

    @dataclass
    class Trouble(Message):
        reason: str

    def __init__(self, ticket_id: int) -> None:
        super().__init__(id="reply-composer")
        localize_bindings(self)
        self.ticket_id = ticket_id
        self.case: ComplaintCase | None = None
        self.version: int | None = None
        self.exported: list[Path] = []
        self.draft = FormDraft(self, "reply", ticket_id, trouble=self._draft_trouble)

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("reply.loading"), id="reply-title", classes="section-title")
        yield Banner(id="reply-trouble")
        with Horizontal(id="reply-body"):
            with Vertical(id="facts"):
                yield Static("", id="reply-case")
                for name in FACT_FIELDS:
                    yield Label(t(f"reply.field.{name}"), classes="field-label")
                    timed = name.endswith(("_at", "_finish"))
                    example = example_time(self.desk_app, 10)
                    hint = t("complaint.time_hint", example=example) if timed else ""
                    yield FieldInput(
                        id=name, placeholder=hint, compact=True, max_length=input_limit(name)
                    )
                    yield Static("", id=f"err-{name}", classes="field-error")
                yield Label(t("reply.field.result"), classes="field-label")
                yield GuardedText(id="result", kind=FieldKind.NOTE)
            with Vertical(id="reply-side"):
                yield Label(t("reply.text"), classes="field-label")
                yield GuardedText(
                    id="reply", placeholder=t("reply.text_hint"), kind=FieldKind.LETTER
                )
                yield Static("", id="reply-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.load_case()

    @work(thread=True, exclusive=True, group="reply_load", exit_on_error=False)
    def load_case(self) -> None:
        from deskui.services.complaints import ComplaintOf, complaint_case

        try:
            case = call_service(self.desk_app, complaint_case, ComplaintOf(self.ticket_id))
        except Exception as error:
            self.post_message(self.Trouble(trouble_line(error)))
            return
        self.post_message(self.CaseLoaded(case))

    def on_reply_composer_screen_case_loaded(self, message: CaseLoaded) -> None:
        case = message.case
        self.case = case
        self.version = case.version  # 0 is a version too: no record yet, still checked
        zone = self.desk_app.settings.site_timezone
        self.query_one("#reply-title", Static).update(
            Text(t("reply.title", id=case.ticket_id, customer=visible(case.customer_name)))
        )
        summary = Text()
        summary.append(t("complaint.words"), style="bold")
        summary.append(" ")
        summary.append(visible(case.customer_words))
        summary.append("\n" + t(f"channel.{case.channel}"))
        if case.forwarded_by:
            summary.append(
                "  "
                + t(
                    "complaint.forwarded",
                    department=t(f"complaint.department.{case.forwarded_by}"),
                    on=case.received_by_department_on or "",
                )
            )
        self.query_one("#reply-case", Static).update(summary)
        values = {
            "cause": case.cause,
            "responsible": case.responsible,
            "action_at": _local(case.action_at, zone),
            "expected_finish": _local(case.expected_finish, zone),
        }
        for name, value in values.items():
            self.query_one(f"#{name}", Input).value = value
        self.query_one("#result", GuardedText).text = case.result
        self.query_one("#reply", GuardedText).text = case.reply_text
        self.query_one("#cause", Input).focus()
        if not case.reply_text:
            self.action_build()
        self.draft.load()  # what was typed and not saved goes over the recorded facts

    # -- building, checking, saving, exporting ------------------------------------------------

    def _facts(self) -> tuple[dict[str, datetime | None], list[FieldProblem]]:
        """The two times as typed: empty is allowed (the reply says so), garbled is not; a
        reply reports what was done, so a time may lie in the past."""
        now = self.desk_app.clock.now()
        zone = self.desk_app.settings.site_timezone
        times: dict[str, datetime | None] = {}
        problems: list[FieldProblem] = []
        for name in ("action_at", "expected_finish"):
            text = self.query_one(f"#{name}", Input).value
            times[name] = parse_local_time(text, now, zone) if text.strip() else None
            message = ""
            if text.strip() and times[name] is None:
                problems.append(FieldProblem(name, "complaint.err.time_format"))
                message = t("complaint.err.time_format")
            self.query_one(f"#err-{name}", Static).update(Text(message))
        rules = packaged_conduct(current_locale())
        for name in ("cause", "responsible"):  # both are written into the letter
            flagged = flagged_phrases(rules, self.query_one(f"#{name}", Input).value)
            message = t("reply.err.conduct", phrases="、".join(flagged)) if flagged else ""
            if flagged:
                problems.append(FieldProblem(name, "reply.err.conduct"))
            self.query_one(f"#err-{name}", Static).update(Text(message))
        return times, problems

    def action_build(self) -> None:
        """seed 001:7.1-7.8, from the facts as typed; the agent edits the result."""
        case = self.case
        if case is None:
            return
        app = self.desk_app
        zone = ZoneInfo(app.settings.site_timezone)
        locale = current_locale()
        templates = {
            key.removeprefix("reply.part."): value
            for key, value in catalog(locale).items()
            if key.startswith("reply.part.")
        }
        received = case.received_by_department_on or case.opened_at.astimezone(zone).date()
        facts = ReplyFacts(
            salutation=salutation(case.contact_name, case.contact_gender, locale),
            subject=" ".join(case.customer_words.split())[:80],
            received_on=t("reply.date", y=received.year, m=received.month, d=received.day),
            cause=self.query_one("#cause", Input).value.strip(),
            responsible=self.query_one("#responsible", Input).value.strip(),
            action_at=self.query_one("#action_at", Input).value.strip(),
            expected_finish=self.query_one("#expected_finish", Input).value.strip(),
            result=self.query_one("#result", GuardedText).text.strip(),
            agent_name=app.agent.name if app.agent else "",
            company=t("complaint.company"),
            today=app.clock.now().astimezone(zone).strftime("%Y-%m-%d"),
            by=t(f"reply.by.{case.channel}"),
        )
        assert set(REPLY_PARTS) <= set(templates), "reply.part.* missing from the catalog"
        self.query_one("#reply", GuardedText).text = build_reply(facts, templates)
        self._status(t("reply.built"))

    def action_save(self) -> None:
        self._save(then_export=False)

    def action_export(self) -> None:
        self._save(then_export=True)

    def _save(self, *, then_export: bool) -> None:
        if self.case is None:
            return
        times, problems = self._facts()
        if problems:
            self.query_one(f"#{problems[0].field}", Input).focus()
            self._status(t("reply.fix_fields"))
            return
        reply = self.query_one("#reply", GuardedText)
        if not reply.text.strip():
            self._status(t("reply.empty"))
            return
        for name in ("result", "reply"):  # past its limit: said before the save, text kept
            guarded = self.query_one(f"#{name}", GuardedText)
            refusal = guarded.refusal()
            if refusal is not None:
                guarded.focus()
                self._status(refusal)
                return
        if then_export and reply.hits:
            # the letter goes to the customer: seed 000:3.2.1.2 before it leaves the desk
            reply.focus()
            self._status(t("reply.flagged_export", count=len(reply.hits)))
            return
        from deskui.services.replies import SaveReply

        command = SaveReply(
            ticket_id=self.ticket_id,
            cause=self.query_one("#cause", Input).value.strip(),
            responsible=self.query_one("#responsible", Input).value.strip(),
            action_at=times["action_at"],
            expected_finish=times["expected_finish"],
            result=self.query_one("#result", GuardedText).text.strip(),
            reply_text=self.query_one("#reply", GuardedText).text,
            expected_version=self.version,
            locale=current_locale(),
        )
        self.draft.hold()  # a draft written after the save would come back
        self.save_reply(command, then_export)

    def save_reply(self, command: SaveReply, then_export: bool) -> None:
        from deskui.services.replies import save_reply

        def saved(result: ReplySaved) -> None:
            self.post_message(self.Saved(result.version, then_export, command.expected_version))

        def conflicted(conflict: Conflict) -> None:  # another desk saved first: show both
            self._save_conflicted(conflict, command, then_export)

        run_service(
            self,
            save_reply,
            command,
            done=saved,
            refused=self._save_refused,
            conflict=conflicted,
            trouble=self._save_trouble,
            draft=self.draft,
            group="reply_save",
            exclusive=True,
        )

    def _save_trouble(self, reason: str) -> None:
        self.post_message(self.Trouble(reason))
        self.draft.resume()

    def _save_refused(self, error: Exception) -> None:
        from deskui.services.errors import Denied

        # the form stays as typed and its draft resumes, as for any save that did not land
        self._save_trouble(denied_line(error) if isinstance(error, Denied) else str(error))

    def _save_conflicted(self, conflict: Conflict, facts: SaveReply, export: bool) -> None:
        from deskui.screens.conflict import ConflictModal
        from deskui.services.replies import REPLY_FIELDS

        self.draft.resume()
        mine = {name: str(getattr(facts, name) or "") for name in REPLY_FIELDS}
        labels = {name: t(f"reply.field.{name}") for name in REPLY_FIELDS if name != "reply_text"}
        labels["reply_text"] = t("reply.text")
        zone = self.desk_app.settings.site_timezone

        def decided(keep_mine: bool | None) -> None:
            if keep_mine:  # saved over theirs, knowingly
                self.version = conflict.version
                self._save(then_export=export)

        open_modal(self.app, ConflictModal(conflict, mine, labels, zone), decided)

    def on_reply_composer_screen_saved(self, message: Saved) -> None:
        self.version = message.version
        tell_saved_here(self, "complaint", self.ticket_id, message.before, message.version)
        self.draft.saved()
        self.query_one("#reply-trouble", Banner).message = ""
        if not message.then_export:
            self._status(t("reply.saved"))
            return
        text = self.query_one("#reply", GuardedText).text
        settings = self.desk_app.settings
        stamp = file_stamp(self.desk_app.clock.now(), settings.site_timezone)
        base = replies_dir(settings) / f"complaint-{self.ticket_id}-{stamp}"
        title = t("reply.pdf_title", id=self.ticket_id)
        try:
            txt = export_text(text, base.with_suffix(".txt"))
            pdf = export_pdf(text, base.with_suffix(".pdf"), title)
        except OSError as error:
            self.query_one("#reply-trouble", Banner).message = t(
                "reply.export_failed", reason=file_trouble(error)
            )
            return
        self.exported = [txt, pdf]
        deliver_to_browser(self.app, pdf, txt)
        self._status(t("reply.exported", txt=str(txt), pdf=str(pdf)))

    def saved_here(self, record: str, record_id: int, before: int, after: int) -> None:
        """The complaint's steps, saved on this desk, moved the record's version."""
        if record == "complaint" and record_id == self.ticket_id and self.version == before:
            self.version = after

    def on_reply_composer_screen_trouble(self, message: Trouble) -> None:
        self.query_one("#reply-trouble", Banner).message = t(
            "complaint.trouble", reason=visible(message.reason)
        )

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _draft_trouble(self, message: str) -> None:
        self.query_one("#reply-trouble", Banner).message = message

    def on_screen_suspend(self) -> None:
        self.draft.flush()  # left within the half second: keep the last keys

    @on(GuardedText.Checked, "#reply")
    def _reply_checked(self, event: GuardedText.Checked) -> None:
        self._status(t("reply.flagged", count=len(event.hits)) if event.hits else "")

    def _status(self, text: str) -> None:
        self.query_one("#reply-status", Static).update(Text(text))


def _local(at: datetime | None, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime(TIME_FORMAT) if at else ""
