"""A ticket's attachments (seed 002:2.2.2): a fax scan, a PDF or an e-mail attached by path,
listed with size and type, saved back out to a file on request."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskui.domain.field_limits import input_limit
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service, denied_line, run_service
from deskui.screens.trouble_text import trouble_line
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.screens.runner import Service
    from deskui.services.attachments import (
        AddAttachment,
        AttachmentRecord,
        AttachmentRules,
        InboxFile,
    )
    from deskui.services.host_files import HostFiles

C = TypeVar("C")
R = TypeVar("R")


def attachment_rules(app: DeskHost) -> AttachmentRules:
    """The site's attachment setting (a lead edits it): kept in the database (default) or
    in a folder beside it, and the largest file accepted; with the host's rule for where
    files may come from and go to (a team desk: the inbox and the export folder only)."""
    from deskui.locations import export_dir, inbox_dir
    from deskui.services.attachments import AttachmentRules

    rules = app.site_rules
    return AttachmentRules(
        limit_bytes=rules.attachment_limit_bytes,
        storage=rules.attachment_storage,
        folder=attachment_folder(app),
        team=is_team_desk(app),
        inbox=inbox_dir(app.settings),
        exports=export_dir(app.settings),
    )


def host_files(app: DeskHost) -> HostFiles:
    """What of the host a sheet to import may come from (deskui/services/host_files.py)."""
    from deskui.locations import inbox_dir
    from deskui.services.host_files import HostFiles

    return HostFiles(team=is_team_desk(app), inbox=inbox_dir(app.settings))


def deliver_to_browser(app: App[object], *paths: Path) -> bool:
    """In a browser desk, each written file also downloads to the agent's own machine (the
    copy on the host is the desk account's alone); False at a terminal, nothing done."""
    if not app.is_web:
        return False
    for path in paths:
        app.deliver_binary(path)
    return True


def is_team_desk(app: DeskHost) -> bool:
    """A desk of a team host (deskui/locations.py `team_desk`) or one shown in a browser."""
    from deskui.locations import team_desk

    return team_desk(app.settings) or bool(getattr(app, "is_web", False))


def attachment_folder(app: DeskHost) -> Path:
    """Beside the SQLite file, or in the desk's files folder for a server database."""
    from deskui.locations import attachment_dir

    return attachment_dir(app.settings)


_KINDS: tuple[tuple[str, str], ...] = (
    ("application/pdf", "pdf"),
    ("image/tiff", "fax"),
    ("image/", "image"),
    ("message/", "email"),
    ("application/msword", "word"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml", "word"),
    ("application/vnd.ms-excel", "sheet"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml", "sheet"),
    ("text/csv", "sheet"),
    ("application/vnd.ms-powerpoint", "slides"),
    ("application/vnd.openxmlformats-officedocument.presentationml", "slides"),
    ("text/", "text"),
    ("application/zip", "archive"),
    ("application/x-7z", "archive"),
    ("application/x-rar", "archive"),
    ("application/gzip", "archive"),
)
"""A file's media type, by its start, as the kind of file people name (issue 26: the
attachments said application/pdf on a zh-CN screen)."""


def file_kind(media_type: str) -> str:
    """'application/pdf' -> 'PDF 文档': the kind of file in the desk's words."""
    kind = next((k for prefix, k in _KINDS if media_type.startswith(prefix)), "other")
    return t(f"attachments.kind.{kind}")


def shown_name(item: AttachmentRecord) -> str:
    """The file's name painted literally, or that it was erased on the person's request."""
    if item.storage == "erased":  # deskui/data/frontdesk_store.ERASED_STORAGE (issue 28)
        return t("attachments.erased")
    return visible(item.filename)


def attachments_table(attachments: list[AttachmentRecord], zone: ZoneInfo) -> Table | Text:
    """Name, type, size, who and when: every name painted literally."""
    from deskui.services.attachments import human_size

    if not attachments:
        return Text(t("attachments.none"), style="dim")
    grid = Table.grid(padding=(0, 2))
    for _ in range(4):
        grid.add_column(no_wrap=True)
    grid.add_column()
    for item in attachments:
        grid.add_row(
            Text(shown_name(item)),
            Text(file_kind(item.media_type)),
            Text(human_size(item.size)),
            Text(visible(item.added_by)),
            Text(_local(item.added_at, zone)),
        )
    return grid


class AttachmentsModal(ModalScreen[None]):
    """On a person's own desk: Enter in the path field attaches that file; Ctrl+O saves the
    selected one to it. On a team desk no path is typed (issue 23): Enter on a file of the
    site's inbox attaches it; Ctrl+O saves the selected attachment into the export folder,
    or, in a browser, downloads it to the agent's own machine."""

    CSS_PATH = "attachments.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "save_out", "keys.attach_save_out", id="attach_save_out", priority=True),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class Listed(Message):
        attachments: list[AttachmentRecord]

    @dataclass
    class Refused(Message):
        message: str

    @dataclass
    class Done(Message):
        message: str

    @dataclass
    class InboxListed(Message):
        files: list[InboxFile]

    def __init__(self, ticket_id: int) -> None:
        super().__init__(id="attachments")
        localize_bindings(self)
        self.ticket_id = ticket_id
        self._attachments: list[AttachmentRecord] = []
        self._inbox: list[InboxFile] = []
        self.team = False
        """Files from the site's inbox and to its export folder only (set on compose)."""

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        from deskui.services.attachments import human_size

        rules = attachment_rules(self.desk_app)
        self.team = rules.team
        with Vertical(classes="dialog attachments-dialog"):
            yield Static(t("attachments.title", id=self.ticket_id), classes="dialog-title")
            yield OptionList(id="attachment-list")
            yield Static(t("attachments.none"), id="attachment-none", classes="hint")
            if self.team:
                yield Label(t("attachments.inbox"), classes="field-label")
                yield OptionList(id="inbox-list")
                yield Static(t("attachments.inbox_empty"), id="inbox-none", classes="hint")
            else:
                yield Label(t("attachments.path"), classes="field-label")
                yield FieldInput(
                    placeholder=t("attachments.path_hint"),
                    id="path",
                    compact=True,
                    max_length=input_limit("path"),
                )
            yield Static("", id="err-path", classes="field-error")
            yield Static(
                t(
                    "attachments.limit",
                    limit=human_size(rules.limit_bytes),
                    storage=t(f"attachments.storage_{rules.storage}"),
                ),
                classes="hint",
            )
            yield Static(t(self._hint_key()), classes="hint")

    def _hint_key(self) -> str:
        if not self.team:
            return "attachments.hint"
        return "attachments.hint_web" if self.app.is_web else "attachments.hint_team"

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        if self.team:
            self.query_one("#inbox-list", OptionList).focus()
            self.load_inbox()
        else:
            self.query_one("#path", Input).focus()
        self.load_attachments()

    @work(thread=True, exclusive=True, group="attachments_inbox", exit_on_error=False)
    def load_inbox(self) -> None:
        from deskui.services.attachments import InboxListing, inbox_listing

        command = InboxListing(attachment_rules(self.desk_app))
        try:
            found = call_service(self.desk_app, inbox_listing, command)
        except Exception as error:
            self.post_message(self.Refused(_refusal_line(error)))
            return
        self.post_message(self.InboxListed(found))

    def on_attachments_modal_inbox_listed(self, message: InboxListed) -> None:
        from deskui.services.attachments import human_size

        self._inbox = message.files
        options = self.query_one("#inbox-list", OptionList)
        options.clear_options()
        for item in message.files:
            line = Text()
            line.append(visible(item.name), style="bold")
            line.append(f"  {human_size(item.size)}")
            options.add_option(Option(line))
        options.display = bool(message.files)
        if message.files:
            options.highlighted = 0
        self.query_one("#inbox-none").display = not message.files

    @on(OptionList.OptionSelected, "#inbox-list")
    def attach_from_inbox(self, event: OptionList.OptionSelected) -> None:
        from deskui.services.attachments import AddAttachment

        if not 0 <= event.option_index < len(self._inbox):
            return
        name = self._inbox[event.option_index].name
        command = AddAttachment(self.ticket_id, None, attachment_rules(self.desk_app), name)
        self._add(command)

    @work(thread=True, exclusive=True, group="attachments_load", exit_on_error=False)
    def load_attachments(self) -> None:
        from deskui.services.attachments import AttachmentsOf, ticket_attachments

        try:
            found = call_service(self.desk_app, ticket_attachments, AttachmentsOf(self.ticket_id))
        except Exception as error:
            self._trouble(trouble_line(error))
            return
        self.post_message(self.Listed(found))

    def on_attachments_modal_listed(self, message: Listed) -> None:
        from deskui.services.attachments import human_size

        self._attachments = message.attachments
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        options = self.query_one("#attachment-list", OptionList)
        options.clear_options()
        for item in message.attachments:
            line = Text()
            line.append(shown_name(item), style="bold")
            line.append(f"  {file_kind(item.media_type)}  {human_size(item.size)}  ")
            line.append(visible(item.added_by))
            line.append(f" {_local(item.added_at, zone)}")
            options.add_option(Option(line, id=str(item.id)))
        options.display = bool(message.attachments)
        if message.attachments:
            options.highlighted = len(message.attachments) - 1  # the newest, ready to save out
        self.query_one("#attachment-none").display = not message.attachments

    @on(Input.Submitted, "#path")
    def attach(self, event: Input.Submitted) -> None:
        path = self._path()
        if path is not None:
            self.add_file(path)

    def _path(self) -> Path | None:
        text = self.query_one("#path", Input).value.strip().strip("'\"")
        key = ""
        if not text:
            key = "attachments.error.path_required"
        elif any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
            key = "attachments.error.control"
        self.query_one("#err-path", Static).update(Text(t(key)) if key else "")
        return Path(text).expanduser() if not key else None

    def add_file(self, path: Path) -> None:
        from deskui.services.attachments import AddAttachment

        self._add(AddAttachment(self.ticket_id, path, attachment_rules(self.desk_app)))

    def _add(self, command: AddAttachment) -> None:
        from deskui.services.attachments import add_attachment, human_size

        def added(record: AttachmentRecord) -> None:
            name = visible(record.filename)
            size = human_size(record.size)
            self.post_message(self.Done(t("attachments.added", name=name, size=size)))

        self._run(add_attachment, command, added)

    def action_save_out(self) -> None:
        options = self.query_one("#attachment-list", OptionList)
        highlighted = options.highlighted
        if highlighted is None or not self._attachments:
            key = "attachments.pick_one" if self.team else "attachments.pick_first"
            self.query_one("#err-path", Static).update(Text(t(key)))
            return
        attachment_id = self._attachments[highlighted].id
        if not self.team:
            path = self._path()
            if path is not None:
                self.save_out(attachment_id, path)
        elif self.app.is_web:
            self.download(attachment_id)
        else:
            self.save_out(attachment_id, None)

    def save_out(self, attachment_id: int, target: Path | None) -> None:
        """To `target` on a person's own desk; into the export folder with none."""
        from deskui.services.attachments import SaveAttachmentOut, save_attachment_out

        def written(path: Path) -> None:
            if target is None:  # the export folder: its name there is what the agent needs
                line = t("attachments.exported", name=visible(path.name))
            else:
                line = t("attachments.saved", path=visible(str(path)))
            self.post_message(self.Done(line))

        command = SaveAttachmentOut(attachment_id, target, attachment_rules(self.desk_app))
        self._run(save_attachment_out, command, written)

    def download(self, attachment_id: int) -> None:
        """A browser desk: the bytes go to the agent's own machine, nothing is written on
        the host (Textual's deliver_binary over the web driver)."""
        from deskui.services.attachments import AttachmentContent, FetchAttachment
        from deskui.services.attachments import attachment_content as fetch

        def fetched(found: AttachmentContent) -> None:
            self.app.deliver_binary(
                io.BytesIO(found.content),
                save_filename=found.filename,
                mime_type=found.media_type,
            )
            self.post_message(self.Done(t("attachments.downloaded", name=visible(found.filename))))

        command = FetchAttachment(attachment_id, attachment_rules(self.desk_app))
        self._run(fetch, command, fetched)

    def _run(self, service: Service[C, R], command: C, done: Callable[[R], object]) -> None:
        """One write at a time (attaching or saving out); a refusal or a fault is said under
        the path, which stays as typed."""
        run_service(
            self,
            service,
            command,
            done=done,
            refused=lambda error: self.post_message(self.Refused(_refusal_line(error))),
            trouble=self._trouble,
            group="attachments_write",
            exclusive=True,
        )

    def _trouble(self, line: str) -> None:
        self.post_message(self.Refused(t("department.legs.trouble", reason=line)))

    def on_attachments_modal_refused(self, message: Refused) -> None:
        # the path stays as typed: the agent corrects it and presses Enter again
        self.query_one("#err-path", Static).update(Text(visible(message.message)))

    def on_attachments_modal_done(self, message: Done) -> None:
        self.query_one("#err-path", Static).update("")
        if not self.team:
            self.query_one("#path", Input).value = ""
        self.notify(visible(message.message), markup=False)
        self.load_attachments()


def _refusal_line(error: Exception) -> str:
    """A refused file in the catalog's words (missing, unreadable, too big, already there); a
    denied action as who may not do what."""
    if getattr(error, "action", None) is not None:  # a Denied
        return denied_line(error)
    key = getattr(error, "key", None)
    if isinstance(key, str):
        return t(key, **dict(getattr(error, "values", {})))
    return t("department.legs.trouble", reason=trouble_line(error))


def _local(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
