"""The script engine and the packaged scripts (DESIGN.md 6), without Textual."""

from __future__ import annotations

import pytest

from deskui.domain.script_flow import ScriptError, ScriptFlow, render, salutation
from deskui.i18n import LOCALES
from deskui.scripts import available_scripts, load_script, parse_script

MINIMAL = """
[script]
id = "t"
title = "T"
start = "a"

[[step]]
id = "a"
title = "A"
say = "hello {salutation}"
ask = "ok"
options = ["yes", "no"]
[[step.branch]]
value = "yes"
next = "b"
[[step.branch]]
value = "no"
next = "c"

[[step]]
id = "b"
title = "B"
say = "fine"
requires = ["note"]
next = "c"

[[step]]
id = "c"
title = "C"
say = "bye"
final = true
"""


def test_every_packaged_script_loads_in_both_locales_with_the_same_steps() -> None:
    names = available_scripts("zh-CN")
    assert "complaint" in names and "callback_routine" in names
    assert names == available_scripts("en")
    for name in names:
        steps = [list(load_script(name, locale).steps) for locale in LOCALES]
        assert steps[0] == steps[1], name


def test_the_complaint_script_has_the_seven_steps_in_order() -> None:
    script = load_script("complaint", "zh-CN")
    titles = [
        script.steps[s].title[0]
        for s in ("calm", "thank", "apology", "commit", "gather", "fix", "confirm")
    ]
    assert titles == list("1234567")


def test_a_step_with_empty_required_fields_refuses_to_advance_and_names_them() -> None:
    flow = ScriptFlow(load_script("complaint", "zh-CN"))
    for _ in range(3):
        flow.advance({"customer_words": "x"})
    assert flow.current_id == "commit"
    flow.advance({"promised_at": "2026-11-24 18:00"})
    assert flow.current_id == "gather"
    answers = {"contact_name": "王伟", "contact_phone": "", "unit_number": "A-1"}
    assert flow.missing(answers) == ["contact_phone", "complaint", "cause"]
    assert not flow.can_advance(answers)
    with pytest.raises(ValueError, match="contact_phone"):
        flow.advance(answers)
    assert flow.current_id == "gather"


def test_branches_follow_the_answer_and_back_returns_along_the_path() -> None:
    script = parse_script(MINIMAL, "t.toml", "en")
    flow = ScriptFlow(script)
    assert flow.missing({}) == ["ok"]
    flow.advance({"ok": "no"})
    assert flow.current_id == "c" and flow.done
    flow.back()
    assert flow.current_id == "a"
    flow.advance({"ok": "yes"})
    assert flow.current_id == "b"
    assert flow.missing({"ok": "yes", "note": "  "}) == ["note"]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("{salutation}", "{nickname}"), 8, "unknown placeholder"),
        (('next = "c"\n\n[[step]]\nid = "c"', 'next = "z"\n\n[[step]]\nid = "c"'), 21, '"z"'),
        (('value = "no"\nnext = "c"', 'value = "maybe"\nnext = "c"'), 8, "unknown answer"),
        (('start = "a"', 'start = "q"'), 5, "start step"),
    ],
)
def test_a_broken_script_is_reported_with_its_file_and_line(
    change: tuple[str, str], line: int, message: str
) -> None:
    broken = MINIMAL.replace(*change)
    assert broken != MINIMAL
    with pytest.raises(ScriptError) as caught:
        parse_script(broken, "site/t.toml", "en")
    assert caught.value.source == "site/t.toml"
    assert message in caught.value.message
    assert str(caught.value).startswith("site/t.toml:")
    assert caught.value.line == line


def test_an_unreachable_step_is_refused() -> None:
    extra = MINIMAL + '\n[[step]]\nid = "lost"\ntitle = "L"\nsay = "x"\nfinal = true\n'
    with pytest.raises(ScriptError, match="cannot be reached"):
        parse_script(extra, "t.toml", "en")


def test_words_are_filled_and_unknown_values_read_as_an_ellipsis() -> None:
    assert render("{salutation}，铺位{unit_number}", {"salutation": "王先生"}) == "王先生，铺位…"


@pytest.mark.parametrize(
    ("name", "gender", "locale", "expected"),
    [
        ("王伟", "male", "zh-CN", "王先生"),
        ("李娜", "female", "zh-CN", "李女士"),
        ("陈静", "unknown", "zh-CN", "陈静"),
        ("", "male", "zh-CN", "您"),
        ("王伟", "male", "en", "Mr 王"),
        ("Anna Smith", "female", "en", "Ms Smith"),
    ],
)
def test_salutation(name: str, gender: str, locale: str, expected: str) -> None:
    assert salutation(name, gender, locale) == expected
