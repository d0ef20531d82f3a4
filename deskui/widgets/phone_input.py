"""The intake's phone field: what a keystroke finds is painted in the keystroke's own frame."""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Size
from textual.reactive import Reactive

from deskui.widgets.field_input import FieldInput


class PhoneInput(FieldInput):
    """An Input that hands each new value to `on_value` at once, inside the keystroke.

    Input reports a change with a `Changed` message, handled after the frame that echoes
    the digit has been painted; whatever the handler shows then needs a frame of its own.
    Called from the value's watcher instead, the screen's update (the caller's card) joins
    the echo's frame. The field is a phone number, far shorter than the field: its virtual
    width (the typed text) no longer asks for a layout of the whole screen per keystroke,
    which Input does to size a horizontally scrolling text.
    """

    DEFAULT_CSS = """
    PhoneInput {
        width: 1fr;
        height: 3;
    }
    PhoneInput.-textual-compact {
        height: 1;
    }
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(
        self,
        on_value: Callable[[str], None],
        *,
        placeholder: str = "",
        id: str | None = None,
        max_length: int = 0,
    ) -> None:
        super().__init__(placeholder=placeholder, id=id, max_length=max_length)
        self._on_value = on_value

    def watch_value(self, value: str) -> None:
        self._on_value(value)
