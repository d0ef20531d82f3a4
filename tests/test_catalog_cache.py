"""The parsed catalog kept in the cache folder (deskui/i18n): the same texts as the TOML, a
stale or broken cache parsed again, a cache folder that cannot be written only slower."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deskui import i18n


def _fresh(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("DESKUI_CACHE_DIR", str(folder))
    i18n.catalog.cache_clear()


def _parsed(locale: str) -> dict[str, str]:
    folder = Path(i18n.__file__).parent / locale
    return i18n.parse_catalog(
        [(p.name.removesuffix(".toml"), p.read_bytes()) for p in sorted(folder.glob("*.toml"))]
    )


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_the_cached_catalog_holds_what_the_toml_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, locale: str
) -> None:
    _fresh(monkeypatch, tmp_path)
    first = i18n.catalog(locale)
    kept = list(tmp_path.glob(f"catalog-{locale}-*.json"))
    assert len(kept) == 1
    assert json.loads(kept[0].read_text("utf-8")) == first == _parsed(locale)
    i18n.catalog.cache_clear()
    assert i18n.catalog(locale) == first  # read back from the cache
    i18n.catalog.cache_clear()


def test_a_broken_cache_is_parsed_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fresh(monkeypatch, tmp_path)
    i18n.catalog("zh-CN")
    (kept,) = tmp_path.glob("catalog-zh-CN-*.json")
    kept.write_text('{"desk.title": ', "utf-8")  # cut short, as by a kill mid-write
    i18n.catalog.cache_clear()
    assert i18n.catalog("zh-CN") == _parsed("zh-CN")
    i18n.catalog.cache_clear()


def test_a_cache_that_cannot_be_written_only_costs_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", "utf-8")
    _fresh(monkeypatch, blocker / "deskui")
    assert i18n.catalog("en") == _parsed("en")
    i18n.catalog.cache_clear()
