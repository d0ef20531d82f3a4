"""The handover's and orders' dialog (`FormModal`) running a use case of deskui/services on
the runner (issue 15). A refusal goes next to its field and the dialog stays open with what
was typed; success takes the draft with the save, closes the dialog, then calls
`done(result)`. Another desk's save since the dialog opened (`Conflict`, issue 16) shows the
conflict view over the dialog, which keeps what was typed: Ctrl+S there saves it again over
the version now stored, Esc goes back to the dialog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from deskui.i18n import t
from deskui.navigation import open_modal
from deskui.screens.host import desk_host
from deskui.screens.runner import Service, denied_line, run_service

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from textual.screen import Screen

    from deskui.screens.orders import FormModal
    from deskui.services.errors import Conflict

C = TypeVar("C", bound="DataclassInstance")  # a command: saved again at a new version
R = TypeVar("R")


def save_form(
    screen: Screen[Any],
    modal: FormModal,
    service: Service[C, R],
    command: C,
    done: Callable[[R], object],
) -> None:
    """Run `service(uow, actor, command, now)` for the dialog `modal` of `screen`."""
    from deskui.services.actor import Denied
    from deskui.services.errors import HandoverError

    host = desk_host(screen.app)

    def show(problems: list[Any], trouble: str) -> None:
        if modal in screen.app.screen_stack:
            modal.show_problems(problems, trouble)
            return
        # the dialog was closed while it saved (Esc at once, issue 23): said on the screen
        words = [t(problem.key, **dict(problem.values)) for problem in problems]
        screen.notify(trouble or "；".join(words), severity="error", markup=False)

    def refused(error: Exception) -> None:
        if isinstance(error, HandoverError):
            problems = list(error.problems)
            show(problems, "" if problems else t(error.key))
        elif isinstance(error, Denied):  # who may not do what, in the dialog
            show([], denied_line(error))
        else:
            show([], t("handover.save_failed", reason=_first_line(error)))

    def trouble(line: str) -> None:  # the database's fault, in plain words: keep the form
        show([], t("handover.save_failed", reason=line))

    def saved(result: R) -> None:
        if modal in screen.app.screen_stack:  # not closed while it saved
            modal.draft.saved()
            if screen.app.screen is modal:
                modal.saved()
            else:  # under a screen opened while it saved: closed where it is
                host.leave(modal)
        done(result)

    def conflicted(conflict: Conflict) -> None:
        show([], t("handover.form_conflict"))  # the typing stays, as a draft
        if modal not in screen.app.screen_stack:
            return

        def again(version: int) -> None:  # the command carries the version it was loaded at
            again_command = replace(command, expected_version=version)
            save_form(screen, modal, service, again_command, done)

        show_form_conflict(screen, modal, conflict, again)

    run_service(
        screen,
        service,
        command,
        done=saved,
        refused=refused,
        trouble=trouble,
        conflict=conflicted,
        draft=modal.draft,
        group="form_save",
        exclusive=True,
    )


def show_form_conflict(
    screen: Screen[Any], modal: FormModal, conflict: Conflict, again: Callable[[int], object]
) -> None:
    """The conflict view over `modal`: their version beside the dialog's fields as typed;
    `again(version)` when the agent saves theirs over the one now stored."""
    from deskui.screens.conflict import ConflictModal

    mine, labels, theirs = modal.conflict_sides(conflict.theirs)
    host = desk_host(screen.app)

    def decided(keep_mine: bool | None) -> None:
        if keep_mine:
            modal.draft.hold()  # a draft written after the save would come back
            again(conflict.version)

    view = ConflictModal(
        replace(conflict, theirs=theirs), mine, labels, host.settings.site_timezone
    )
    open_modal(screen.app, view, decided)


def _first_line(error: Exception) -> str:
    from deskui.screens.trouble_text import error_line

    return error_line(error)  # catalog words; the raw text goes to the log
