"""Keep the garbage collector's full passes off the hot path.

After start-up about 90,000 long-lived objects are alive (Textual, SQLAlchemy's mappers,
phonenumbers' metadata, the catalogs). A full collection walks all of them: 20-50 ms on this
machine kind, landing at random inside a keystroke's lookup or a frame. They will never be
garbage, so once the data layer is loaded they are moved out of the collector's reach
(`gc.freeze`); collections then walk only what the session itself allocated.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Call once, after the data layer is imported and the database opened."""
    gc.freeze()
