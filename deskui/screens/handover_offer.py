"""The desk's two handover checks that run without the handover screen (issue 27): at
sign-in, whether a handover waits for the agent; from the tick, late acknowledgements to the
lead. The screen (deskui/screens/handover.py, with the order forms, drafts and attachments it
brings, some 5 MB of an idle desk) is imported only when there is a handover to show."""

from __future__ import annotations

from typing import Any

from textual.app import App

from deskui.navigation import is_kept, open_modal
from deskui.screens.delivery import deliver
from deskui.screens.host import DeskHost, desk_host
from deskui.screens.runner import call_service


def offer_incoming_handover(app: App[Any]) -> None:
    """At sign-in: if a handover waits for this agent it is the first thing on the desk."""
    host = desk_host(app)

    def check() -> None:
        if host.agent is None:
            return
        from deskui.services.handover import INCOMING, HandoverPage, handover_count

        waiting = call_service(host, handover_count, HandoverPage(INCOMING))
        if waiting:
            import deskui.screens.handover  # noqa: F401  (here, off the UI thread)

            deliver(app, _show_incoming)

    def _show_incoming() -> None:
        from deskui.screens.handover import INCOMING, HandoverScreen

        # the agent may have opened (and left) the handover meanwhile: never a second one
        if is_kept(app, "handover"):
            return
        if not any(isinstance(screen, HandoverScreen) for screen in app.screen_stack):
            open_modal(app, HandoverScreen(INCOMING))

    app.run_worker(check, thread=True, exclusive=True, group="handover_offer", exit_on_error=False)


def flag_unacknowledged(app: DeskHost) -> None:
    """Once in a while from the app's tick: late acknowledgements go to the lead."""

    def check() -> None:
        from deskui.services.handover import flag_late_acknowledgements

        call_service(app, flag_late_acknowledgements, None, anonymous=True)

    if any(w.group == "handover_flag" and not w.is_finished for w in app.workers):
        return  # one check at a time, and a running one is never cancelled (no double notice)
    app.run_worker(check, thread=True, group="handover_flag", exit_on_error=False)
