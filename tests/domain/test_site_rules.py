"""Site settings as a lead types them, and the rules they make (no database)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from deskui.domain.callbacks import CallbackRules
from deskui.domain.model import Severity
from deskui.domain.site import (
    BY_KEY,
    SETTINGS,
    SettingProblem,
    SiteRules,
    invalid_settings,
    parse_setting,
    site_rules,
)


def test_every_default_parses_and_the_defaults_are_the_code_defaults() -> None:
    for setting in SETTINGS:
        assert not isinstance(parse_setting(setting, setting.default), SettingProblem)
    rules = site_rules({})
    assert rules == SiteRules(
        policy=rules.policy, callbacks=rules.callbacks, legs=rules.legs
    )  # scalars match the dataclass defaults
    assert rules.callbacks == CallbackRules()
    assert rules.policy.first_contact[Severity.URGENT] == timedelta(hours=8)


@pytest.mark.parametrize(
    ("key", "text", "problem"),
    [
        ("callback.shared_after", "三十", "site.error.number"),
        ("callback.shared_after", "30分钟", "site.error.number"),
        ("callback.shared_after", "2", "site.error.range"),
        ("callback.shared_after", "99999", "site.error.range"),
        ("callback.period", "weekly", "site.error.choice"),
        ("callback.calling_hours", "[red]x[/]", "site.error.hours"),
        ("callback.calling_hours", "18:00-9:00", "site.error.hours"),
        ("callback.confirm_purposes", "routine,\x1b[31mgift", "site.error.purposes"),
        ("mail.sign_within", "4" * 300, "site.error.too_long"),
    ],
)
def test_bad_input_names_its_problem(key: str, text: str, problem: str) -> None:
    parsed = parse_setting(BY_KEY[key], text)
    assert isinstance(parsed, SettingProblem)
    assert parsed.key == problem


def test_typed_values_become_rules() -> None:
    rules = site_rules(
        {
            "first_contact.urgent": " 2 ",
            "callback.shared_after": "45",
            "callback.calling_hours": "10:00-12:00，15:00-17:00",
            "callback.period": "quarter",
            "callback.confirm_purposes": "new_product, routine",
            "leg.plan": "6",
            "mail.sign_within": "8",
            "attachment.limit": "25",
            "attachment.storage": "folder",
            "handover.ack": "15",
        }
    )
    assert rules.policy.first_contact[Severity.URGENT] == timedelta(hours=2)
    assert rules.policy.first_contact[Severity.NORMAL] == timedelta(hours=24)
    assert rules.callbacks.shared_after == timedelta(minutes=45)
    assert [(w.start, w.end) for w in rules.callbacks.calling_hours.windows] == [
        (time(10), time(12)),
        (time(15), time(17)),
    ]
    assert rules.callbacks.calling_hours.source == "site"
    assert rules.callbacks.period == "quarter"
    assert rules.callbacks.confirm_purposes == frozenset({"new_product", "routine"})
    assert rules.legs.plan == timedelta(hours=6)
    assert rules.sign_within_hours == 8
    assert rules.attachment_limit_bytes == 25 * 1024 * 1024
    assert rules.attachment_storage == "folder"
    assert rules.policy.handover_ack == timedelta(minutes=15)


def test_a_stored_text_that_no_longer_reads_runs_on_the_default_and_is_reported() -> None:
    stored = {"callback.shared_after": "soon", "mail.sign_within": "6", "gone.setting": "1"}
    rules = site_rules(stored)
    assert rules.callbacks.shared_after == timedelta(minutes=30)
    assert rules.sign_within_hours == 6
    assert invalid_settings(stored) == ["callback.shared_after", "gone.setting"]


def test_every_setting_has_a_name_and_a_group_in_both_catalogs() -> None:
    from deskui.i18n import catalog

    for locale in ("zh-CN", "en"):
        texts = catalog(locale)
        for setting in SETTINGS:
            assert f"site.name.{setting.key}" in texts, (locale, setting.key)
            assert f"site.group.{setting.group}" in texts
            assert f"site.unit.{setting.unit}" in texts
            for choice in setting.choices:
                assert f"site.choice.{choice}" in texts
