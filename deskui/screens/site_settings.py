"""A lead's screen for the site's own limits: first-contact times, calling hours, when an
overdue personal callback goes to the shared queue, mail signing time, attachment limit.

The seeds leave these to the site; `deskui.domain.site` says which exist, their units and
bounds. Every desk picks a saved change up through the change feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Select, SelectionList, Static

from deskui.domain.field_limits import input_limit
from deskui.domain.model import CallbackPurpose
from deskui.domain.permissions import Action, may, setting_action
from deskui.domain.refusal import Invalid
from deskui.domain.search import visible
from deskui.domain.site import (
    BY_KEY,
    NUMERIC,
    SETTINGS,
    SettingProblem,
    SiteSetting,
    Unit,
    parse_setting,
)
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import ring_bell
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service, run_service
from deskui.screens.trouble_text import error_line
from deskui.services.site_settings import (
    SaveSiteSettings,
    StoredSettings,
    save_site_settings,
    stored_settings,
)
from deskui.widgets.field_input import FieldInput
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost

Field = Input | Select[str] | SelectionList[str]


def field_id(setting: SiteSetting) -> str:
    return "set-" + setting.key.replace(".", "-").replace("_", "-")


def _problem_text(problem: SettingProblem) -> str:
    return t(problem.key, **dict(problem.values))


class SiteSettingsScreen(Screen[None]):
    """Every site setting, grouped; Ctrl+S saves what changed (leads and managers)."""

    CSS_PATH = "site_settings.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.settings_save", id="settings_save", priority=True),
        Binding("ctrl+r", "defaults", "keys.settings_defaults", id="settings_defaults"),
        Binding("escape", "back", "keys.back", id="settings_back"),
    ]

    @dataclass
    class Loaded(Message):
        stored: dict[str, str]

    @dataclass
    class Failed(Message):
        reason: str

    def __init__(self) -> None:
        super().__init__(id="site-settings")
        localize_bindings(self)
        self._saved: dict[str, str] = {}
        """What the database holds (defaults filled in): the form compares against it."""
        self._warned_unsaved = False
        self.draft = FormDraft(self, "site_settings", trouble=self._status, title=t("site.title"))

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def may_edit(self) -> bool:
        agent = self.desk_app.agent
        return agent is not None and may(agent.role, Action.EDIT_SITE_SETTINGS)

    def _may_save(self, setting: SiteSetting) -> bool:
        agent = self.desk_app.agent
        return agent is not None and may(agent.role, setting_action(setting.key))

    def compose(self) -> ComposeResult:
        yield Static(t("site.title"), classes="section-title")
        yield Static("", id="settings-status", classes="field-error")
        with VerticalScroll(id="settings-form"):
            group = ""
            for setting in SETTINGS:
                if setting.group != group:
                    group = setting.group
                    yield Static(t(f"site.group.{group}"), classes="settings-group")
                with Horizontal(classes="settings-row"):
                    yield Label(t(f"site.name.{setting.key}"), classes="settings-name")
                    yield self._field(setting)
                    yield Static(
                        self._hint(setting), id=f"{field_id(setting)}-hint", classes="settings-hint"
                    )
        yield KeyFooter()

    def _field(self, setting: SiteSetting) -> Field:
        if setting.unit is Unit.CHOICE:
            return Select(
                [(t(f"site.choice.{choice}"), choice) for choice in setting.choices],
                value=setting.default,
                allow_blank=False,
                id=field_id(setting),
                compact=True,
                classes="settings-field",
            )
        if setting.unit is Unit.PURPOSES:
            return SelectionList[str](
                *[(t(f"callbacks.purpose.{p}"), str(p)) for p in CallbackPurpose],
                id=field_id(setting),
                compact=True,
                classes="settings-field -purposes",
            )
        return FieldInput(
            setting.default,
            id=field_id(setting),
            compact=True,
            classes="settings-field",
            max_length=input_limit("setting"),
        )

    @staticmethod
    def _hint(setting: SiteSetting) -> str:
        unit = t(f"site.unit.{setting.unit}")
        if setting.unit in NUMERIC:
            unit += " " + t("site.bounds", low=setting.low, high=setting.high)
        default = setting.default
        if setting.unit is Unit.CHOICE:
            default = t(f"site.choice.{default}")
        elif setting.unit in (Unit.PURPOSES, Unit.NUMBERS, Unit.NAMES) and not default:
            default = t("site.none")
        return f"{unit} · {t('site.default', value=default)}"

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        if not self.may_edit:
            self._status(t("site.lead_only"))
            for field in self.query(".settings-field"):
                field.disabled = True
        else:  # a lead's desk: the settings over personal data are a manager's
            for setting in SETTINGS:
                if not self._may_save(setting):
                    self.query_one(f"#{field_id(setting)}").disabled = True
        self.query(".settings-field").first().focus()
        self.load_settings()

    def _status(self, text: str) -> None:
        self.query_one("#settings-status", Static).update(Text(text))

    # -- load ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="site-settings", exit_on_error=False)
    def load_settings(self) -> None:
        try:
            stored = call_service(self.desk_app, stored_settings, StoredSettings())
        except Exception as error:
            self.post_message(self.Failed(error_line(error)))
            return
        self.post_message(self.Loaded(stored))

    def on_site_settings_screen_loaded(self, message: Loaded) -> None:
        self._saved = {s.key: message.stored.get(s.key, s.default) for s in SETTINGS}
        for setting in SETTINGS:
            self._show(setting, self._saved[setting.key])
            problem = parse_setting(setting, self._saved[setting.key])
            if isinstance(problem, SettingProblem):  # a stored text that no longer reads
                self._field_error(
                    setting, t("site.stored_invalid", text=visible(self._saved[setting.key]))
                )
        if self.may_edit:
            self.draft.load()  # what was typed and not saved goes over what is stored

    def on_site_settings_screen_failed(self, message: Failed) -> None:
        self._status(t("app.database_failed", reason=visible(message.reason)))

    def _show(self, setting: SiteSetting, text: str) -> None:
        field = self.query_one(f"#{field_id(setting)}")
        if isinstance(field, Input):
            field.value = text
        elif isinstance(field, Select):
            if text in setting.choices:
                field.value = text
        elif isinstance(field, SelectionList):
            chosen = {word for word in text.replace("，", ",").split(",") if word.strip()}
            field.deselect_all()
            for purpose in chosen:
                if purpose.strip() in {str(p) for p in CallbackPurpose}:
                    field.select(purpose.strip())

    # -- edit and save -------------------------------------------------------------------

    def _typed(self, setting: SiteSetting) -> str:
        field = self.query_one(f"#{field_id(setting)}")
        if isinstance(field, Input):
            return field.value.strip()
        if isinstance(field, Select):
            return str(field.value)
        assert isinstance(field, SelectionList)
        chosen = set(field.selected)
        return ",".join(str(p) for p in CallbackPurpose if str(p) in chosen)

    def _changes(self) -> dict[str, str]:
        typed = {setting.key: self._typed(setting) for setting in SETTINGS}
        return {key: text for key, text in typed.items() if text != self._saved.get(key)}

    def _field_error(self, setting: SiteSetting, text: str) -> None:
        """The message beside the field, in place of its unit and default while it stands."""
        hint = self.query_one(f"#{field_id(setting)}-hint", Static)
        hint.update(Text(text or self._hint(setting)))
        hint.set_class(bool(text), "-error")

    @on(Input.Changed, ".settings-field")
    def check_field(self, event: Input.Changed) -> None:
        self._warned_unsaved = False
        for setting in SETTINGS:
            if event.input.id == field_id(setting):
                parsed = parse_setting(setting, event.value)
                problem = _problem_text(parsed) if isinstance(parsed, SettingProblem) else ""
                self._field_error(setting, problem)

    @on(Input.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def on_screen_suspend(self) -> None:
        self.draft.flush()  # left within the half second: keep the last keys

    @on(Input.Submitted, ".settings-field")
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if not self.may_edit:
            self._status(t("site.lead_only"))
            ring_bell(self)
            return
        changes = self._changes()
        problems = 0
        for setting in SETTINGS:
            if setting.key not in changes:
                continue
            parsed = parse_setting(setting, changes[setting.key])
            if isinstance(parsed, SettingProblem):
                self._field_error(setting, _problem_text(parsed))
                if not problems:
                    self.query_one(f"#{field_id(setting)}").focus()
                problems += 1
        if problems:
            self._status(t("site.fix_first", count=problems))
            return
        if not changes:
            self._status(t("site.nothing_changed"))
            return
        self._status(t("site.saving"))
        self.draft.hold()  # a draft written after the save would come back
        self.save_settings(changes)

    def save_settings(self, changes: dict[str, str]) -> None:
        """The form keeps what was typed when the save fails; saving again retries."""
        run_service(
            self,
            save_site_settings,
            SaveSiteSettings(changes),
            done=lambda _: self._after_save(changes),
            refused=self._refused,
            trouble=self._save_failed,
            draft=self.draft,
            group="site-settings-save",
            exclusive=True,
        )

    def _refused(self, refusal: Exception) -> None:
        """A Denied (the role may no longer change these settings), or the service's own
        check finding what the form could not (a leadership name that is no account): said
        beside its setting, the form kept as typed."""
        self.draft.resume()
        if not isinstance(refusal, Invalid):
            self._status(t("site.lead_only"))
            return
        for problem in refusal.problems:
            setting = BY_KEY.get(problem.field)
            if setting is not None:
                self._field_error(setting, t(problem.key, **dict(problem.values)))
        first = BY_KEY.get(refusal.problems[0].field)
        if first is not None:
            self.query_one(f"#{field_id(first)}").focus()
        self._status(t("site.fix_first", count=len(refusal.problems)))

    def _save_failed(self, line: str) -> None:
        self._status(t("site.save_failed", reason=line))
        self.draft.resume()

    def _after_save(self, changes: dict[str, str]) -> None:
        self._saved.update(changes)
        self.draft.saved()
        self._warned_unsaved = False
        self._status(t("site.saved", count=len(changes)))
        self.desk_app.reload_site_rules()

    def action_defaults(self) -> None:
        """Put every default back in the form (saved only with Ctrl+S)."""
        if not self.may_edit:
            ring_bell(self)
            return
        for setting in SETTINGS:
            self._show(setting, setting.default)
            self._field_error(setting, "")
        self._status(t("site.defaults_shown"))

    def action_back(self) -> None:
        changes = self._changes() if self.may_edit else {}
        if changes and not self._warned_unsaved:
            self._warned_unsaved = True
            self._status(t("site.unsaved", count=len(changes)))
            return
        self.app.pop_screen()
