"""Reception: visitors, walk-ins, contractor passes, phone messages, correspondence
(seed 001:4). Part of Repository."""

from __future__ import annotations


class ReceptionStore:
    """Mixed into `Repository`; uses its session, `_changed` and `record_call`."""
