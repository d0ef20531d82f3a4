"""The handover's and orders' dialog (`FormModal`) running a use case of deskui/services on
the runner (issue 15). A refusal goes next to its field and the dialog stays open with what
was typed; success takes the draft with the save, closes the dialog, then calls
`done(result)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from deskui.i18n import t
from deskui.screens.runner import Service, denied_line, run_service

if TYPE_CHECKING:
    from textual.screen import Screen

    from deskui.screens.orders import FormModal

C = TypeVar("C")
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

    def refused(error: Exception) -> None:
        if isinstance(error, HandoverError):
            problems = list(error.problems)
            modal.show_problems(problems, "" if problems else t(error.key))
        elif isinstance(error, Denied):  # who may not do what, in the dialog
            modal.show_problems([], denied_line(error))
        else:
            modal.show_problems([], t("handover.save_failed", reason=_first_line(error)))

    def trouble(line: str) -> None:  # the database's fault, in plain words: keep the form
        modal.show_problems([], t("handover.save_failed", reason=line))

    def saved(result: R) -> None:
        modal.draft.saved()
        modal.saved()
        done(result)

    run_service(
        screen,
        service,
        command,
        done=saved,
        refused=refused,
        trouble=trouble,
        draft=modal.draft,
        group="form_save",
        exclusive=True,
    )


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
