"""One catalog for every visible string (DESIGN.md 8): zh-CN is the default, en complete.

Catalogs are TOML files in `deskui/i18n/<locale>/`, one per area: `desk.toml` holding
`title = "..."` gives the key `desk.title` (sections nest further). Values are `str.format`
templates.

Parsing the TOML of one locale takes some 25 ms, a tenth of the desk's start; the flat
catalog is therefore kept as JSON in the user's cache folder, named by a checksum of the TOML
it came from (so an edited catalog or a new release is parsed again), and read back in under
1 ms on every later start. A cache that cannot be read or written is only slower.
"""

from __future__ import annotations

import json
import os
import zlib
from functools import cache
from pathlib import Path

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
    folder = Path(__file__).with_name(locale)  # a folder beside this file, as pip installs it
    sources = [
        (entry.name.removesuffix(".toml"), entry.read_bytes())
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]
    checksum = 0
    for area, text in sources:
        checksum = zlib.crc32(text, zlib.crc32(area.encode("utf-8"), checksum))
    cached = cache_folder() / f"catalog-{locale}-{checksum:08x}-{len(sources)}.json"
    try:
        flat = json.loads(cached.read_text("utf-8"))
    except (OSError, ValueError):
        flat = None
    if isinstance(flat, dict):
        return flat
    flat = parse_catalog(sources)
    _keep(cached, flat)
    return flat


def parse_catalog(sources: list[tuple[str, bytes]]) -> dict[str, str]:
    """The flat mapping of `(area, TOML text)` pairs, read from the TOML itself."""
    import tomllib

    flat: dict[str, str] = {}
    for area, text in sources:
        _flatten(tomllib.loads(text.decode("utf-8")), f"{area}.", flat)
    return flat


def cache_folder() -> Path:
    """Where the parsed catalogs are kept: DESKUI_CACHE_DIR, else the user's cache folder."""
    override = os.environ.get("DESKUI_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deskui"


def _keep(path: Path, flat: dict[str, str]) -> None:
    """Writes the cache whole or not at all (a second desk may be reading it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(flat, ensure_ascii=False), "utf-8")
        os.replace(partial, path)
    except OSError:
        pass


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
