"""Keys are data: bindings carry catalog keys, translated when a screen or the app is built."""

from __future__ import annotations

from dataclasses import replace

from textual.actions import parse
from textual.binding import Binding
from textual.dom import DOMNode

from deskui.i18n import t


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
