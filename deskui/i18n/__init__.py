"""One catalog for every visible string (DESIGN.md 8): zh-CN is the default, en complete.

Catalogs are TOML files in `deskui/i18n/<locale>/`, one per area: `desk.toml` holding
`title = "..."` gives the key `desk.title` (sections nest further). Values are `str.format`
templates.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LOCALES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"

_locale = DEFAULT_LOCALE


class UnknownLocaleError(ValueError):
    pass


def set_locale(locale: str) -> None:
    """Switch every later `t()` call to `locale`."""
    global _locale
    if locale not in LOCALES:
        raise UnknownLocaleError(locale)
    _locale = locale


def current_locale() -> str:
    return _locale


@cache
def catalog(locale: str) -> dict[str, str]:
    """The flat key -> template mapping of one locale."""
    flat: dict[str, str] = {}
    folder = resources.files(__package__).joinpath(locale)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            area = entry.name.removesuffix(".toml")
            _flatten(tomllib.loads(entry.read_text("utf-8")), f"{area}.", flat)
    return flat


def _flatten(table: dict[str, object], prefix: str, out: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            _flatten(value, f"{key}.", out)
        else:
            out[key] = str(value)


def t(key: str, /, **values: object) -> str:
    """The text of `key` in the current locale, filled with `values`."""
    template = catalog(_locale).get(key)
    if template is None:
        template = catalog("en").get(key, f"⟨{key}⟩")
    return template.format(**values) if values else template


def has_key(key: str) -> bool:
    return key in catalog(_locale)
