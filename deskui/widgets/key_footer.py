"""The footer: the screen's keys on one line, each one whole, at any width.

Textual's Footer lays its keys out side by side and docks the palette key over the right
end; with Chinese descriptions the row runs past the edge and the palette key paints over
it ("^p   令面板"). This one measures every key in cells and leaves out, from the end,
the keys that do not fit: F1 (help) and the palette key stay, and both list every key.

When the keys do not all fit, they are first drawn tighter (issue 26: the desk at 120
columns lost F9, F10 and Ctrl+K, the orders lost `t`): a key's short description where the
catalog has one (`keys.<id>_short`: 部门 for 部门待办) and no space between a key and a
Chinese description (`f7部门`: the key's own colour sets it apart). Only then do keys go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from deskui.i18n import has_key, t

KEPT_ACTIONS = frozenset({"help", "app.help", "open_screen('help')", "app.open_screen('help')"})
"""Actions whose key stays when others are left out: help lists all of them (with the
palette key, which is always kept at the right end)."""
SEPARATOR = " │ "
"""Between the screen's keys and the palette key, at the right end."""


@dataclass(frozen=True)
class FooterKey:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tight: bool = False
    """Drawn tighter: the short description, no space before a Chinese one."""

    @property
    def cells(self) -> int:
        return cell_len(self.label)

    @property
    def label(self) -> str:
        if not self.description:
            return self.display
        return f"{self.display}{self.gap}{self.description}"

    @property
    def gap(self) -> str:
        """Between the key and its description: none in a tight footer before a Chinese one."""
        tight = self.tight and cell_len(self.description[:1]) == 2
        return "" if tight else " "

    def tightened(self, short: str | None) -> FooterKey:
        return FooterKey(self.key, self.display, short or self.description, self.enabled, True)


def fitting_keys(keys: list[FooterKey], kept: set[int], width: int) -> list[FooterKey]:
    """The keys that fit in `width` cells with one space between them, in their order:
    from the end, the keys not in `kept` (indexes) go first, then kept ones if need be."""
    shown = list(range(len(keys)))

    def used() -> int:
        return sum(keys[i].cells for i in shown) + max(0, len(shown) - 1)

    for drop_kept in (False, True):
        for i in reversed(range(len(keys))):
            if used() <= width:
                break
            if (i in kept) == drop_kept and i in shown:
                shown.remove(i)
    return [keys[i] for i in shown]


def _cells(keys: list[FooterKey]) -> int:
    """Cells the keys take side by side, one space between them."""
    return sum(key.cells for key in keys) + max(0, len(keys) - 1)


def short_description(binding: Binding) -> str | None:
    """The binding's short description for a tight footer, where the catalog has one."""
    key = f"keys.{binding.id}_short" if binding.id else ""
    return t(key) if key and has_key(key) else None


class KeyFooter(Widget):
    """The keys of the screen it is on: whole keys only, the palette key at the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks
        self._shorts: list[str | None] = []
        """Each key's short description (`keys()` order), None where the catalog has none."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.refresh()

    def keys(self) -> tuple[list[FooterKey], FooterKey | None, set[int]]:
        """The shown bindings of the screen (one per action, as Textual's Footer), the
        palette key, and the indexes of the keys kept when space is short."""
        app = self.app
        active = self.screen.active_bindings
        keys: list[FooterKey] = []
        shorts: list[str | None] = []
        kept: set[int] = set()
        actions: set[str] = set()
        # the screen's own keys first, then the app's F-keys: a widget's binding of F6 that
        # the app's overrides would otherwise put F6 before the screen's keys
        app_order = {key: n for n, key in enumerate(app._bindings.key_to_bindings)}
        ordered = sorted(
            active.values(),
            key=lambda each: (each.node is app, app_order.get(each.binding.key, 0)),
        )
        for active_binding in ordered:
            binding: Binding = active_binding.binding
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            if binding.action in KEPT_ACTIONS:
                kept.add(len(keys))
            keys.append(
                FooterKey(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    active_binding.enabled,
                )
            )
            shorts.append(short_description(binding))
        palette: FooterKey | None = None
        palette_binding = active.get(app.COMMAND_PALETTE_BINDING)
        if app.ENABLE_COMMAND_PALETTE and palette_binding is not None:
            binding = palette_binding.binding
            palette = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                palette_binding.enabled,
            )
        self._shorts = shorts
        return keys, palette, kept

    def placed_keys(self, width: int | None = None) -> tuple[list[FooterKey], FooterKey | None]:
        """The keys shown at `width` (the footer's own by default), and the palette key
        when it fits at the right end."""
        width = self.size.width if width is None else width
        keys, palette, kept = self.keys()
        room = width if palette is None else width - palette.cells - cell_len(SEPARATOR)
        if room < 0:
            return [], palette if palette is not None and palette.cells <= width else None
        if _cells(keys) > room:  # tighter before any key goes
            keys = [key.tightened(short) for key, short in zip(keys, self._shorts, strict=True)]
            if palette is not None:
                palette = palette.tightened(None)
                room = width - palette.cells - cell_len(SEPARATOR)
        return fitting_keys(keys, kept, room), palette

    def shown_keys(self, width: int | None = None) -> list[FooterKey]:
        """Every key shown, the palette key last."""
        left, palette = self.placed_keys(width)
        return left if palette is None else [*left, palette]

    def render(self) -> Text:
        width = self.size.width
        left, palette = self.placed_keys(width)
        key_style = self.get_component_rich_style("key-footer--key")
        text_style = self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []

        def add(key: FooterKey) -> None:
            start = line.cell_len
            extra = Style() if key.enabled else dim
            line.append(key.display, key_style + extra)
            if key.description:
                line.append(key.gap + key.description, text_style + extra)
            spans.append((start, line.cell_len, key.key))

        for n, key in enumerate(left):
            if n:
                line.append(" ")
            add(key)
        if palette is not None:
            room = width - line.cell_len - palette.cells
            if room >= cell_len(SEPARATOR):
                line.append(" " * (room - cell_len(SEPARATOR)))
                line.append(SEPARATOR, text_style)
            add(palette)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
