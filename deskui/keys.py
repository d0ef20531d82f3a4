"""Keys are data: bindings carry catalog keys, translated when a screen or the app is built."""

from __future__ import annotations

from dataclasses import replace

from textual.actions import parse
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from deskui.i18n import t

_TEXTUAL_KEYS: dict[str, str] = {"dismiss": "keys.select_dismiss"}
"""The one key Textual's own widgets show in the footer: an open choice's Esc ("Dismiss
menu" on a Chinese screen), by action, with its catalog key."""
_TEXTUAL_BINDINGS: dict[type[DOMNode], BindingsMap] = {}
"""Textual's own bindings of the widgets `localize_textual_keys` translates, as it made them."""


def localize_textual_keys() -> None:
    """Give the keys Textual's own widgets show their text in the current locale (the app
    calls this as it starts, after setting the locale)."""
    from textual.widgets._select import SelectOverlay  # not exported: the open choice's list

    for widget in (SelectOverlay,):
        original = _TEXTUAL_BINDINGS.setdefault(widget, widget._merged_bindings or BindingsMap())
        merged = original.copy()
        merged.key_to_bindings = {
            key: [
                replace(
                    binding,
                    description=t(_TEXTUAL_KEYS[binding.action]),
                    tooltip=t(f"{_TEXTUAL_KEYS[binding.action]}_tip"),
                )
                if binding.action in _TEXTUAL_KEYS
                else binding
                for binding in bindings
            ]
            for key, bindings in original.key_to_bindings.items()
        }
        widget._merged_bindings = merged


def localize_bindings(node: DOMNode) -> None:
    """Replace catalog keys in `node`'s bindings with text in the current locale."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [_translated(binding) for binding in key_bindings]
        for key, key_bindings in bindings.key_to_bindings.items()
    }


def _translated(binding: Binding) -> Binding:
    if not binding.description.startswith("keys."):
        return binding
    tooltip = binding.tooltip or f"{binding.description}_tip"
    return replace(binding, description=t(binding.description), tooltip=t(tooltip))


def offered(node: DOMNode, binding: Binding) -> bool:
    """Whether `node` offers `binding` now: False when its `check_action` hides it (a key
    the signed-in role may not use is not shown in the footer, help or the palette)."""
    _, action, parameters = parse(binding.action)
    return node.check_action(action, parameters) is not False
