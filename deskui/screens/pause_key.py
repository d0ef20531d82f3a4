"""The one key that pauses or resumes a ticket (DESIGN.md 2), on its own so the desk can bind
it without importing the pause dialog (and its drafts and guarded text) before first paint."""

from __future__ import annotations

from textual.binding import Binding

PAUSE_BINDING = Binding("w", "wait_customer", "keys.ticket_wait", id="ticket_wait")
"""The one key that pauses or resumes a ticket, on the desk and on the ticket detail."""
