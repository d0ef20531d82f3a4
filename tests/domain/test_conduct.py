"""The rules of conduct as guardrails (seed 000:3.2.1.2): data, checked as typed."""

from __future__ import annotations

import pytest

from deskui.domain.conduct import (
    KINDS,
    ConductError,
    flagged_phrases,
    packaged_conduct,
    parse_conduct,
)


@pytest.mark.parametrize(
    ("text", "phrase", "kind"),
    [
        ("这个真的不行", "不行", "refusal"),
        ("我也不知道", "不知道", "refusal"),
        ("不可以退货", "不可以", "refusal"),
        ("这不是我们的责任", "这不是我们的责任", "blame"),
        ("是你自己弄坏的", "你自己", "blame"),
        ("你错了", "你错了", "argue"),
        ("不可能坏的", "不可能", "argue"),
        ("我保证明天修好", "保证", "promise"),
        ("肯定没问题", "肯定没问题", "promise"),
        ("马上就好", "马上就好", "promise"),
        ("你确定吗？", "你确定吗", "doubt"),
        ("不会吧", "不会吧", "doubt"),
    ],
)
def test_each_forbidden_phrase_is_found_with_its_kind(text: str, phrase: str, kind: str) -> None:
    hits = packaged_conduct("zh-CN").check(text)
    assert [(h.phrase, h.kind) for h in hits] == [(phrase, kind)]
    assert text[hits[0].start : hits[0].end] == phrase
    assert hits[0].suggest


def test_offsets_point_into_the_text_and_the_longest_phrase_wins() -> None:
    text = "第一行\n这个不行，肯定没问题"
    hits = packaged_conduct("zh-CN").check(text)
    assert [(text[h.start : h.end], h.kind) for h in hits] == [
        ("不行", "refusal"),
        ("肯定没问题", "promise"),
    ]


def test_clean_text_has_no_hits() -> None:
    assert packaged_conduct("zh-CN").check("王先生，给您添麻烦了，我们马上为您核实。") == []
    assert packaged_conduct("en").check("We will check it for you today.") == []


def test_english_matches_whole_words_any_case_and_apostrophe() -> None:
    rules = packaged_conduct("en")
    hits = rules.check("No WAY. I don’t  know. Impossibleness is fine; impossible is not.")
    assert [h.phrase for h in hits] == ["no way", "I don't know", "impossible"]


def test_both_locales_cover_every_kind_and_no_suggestion_is_itself_forbidden() -> None:
    for locale in ("zh-CN", "en"):
        rules = packaged_conduct(locale)
        assert {p.kind for p in rules.phrases} == KINDS
        for phrase in rules.phrases:
            assert rules.check(phrase.suggest) == [], phrase


def test_a_bad_list_names_the_file_and_line() -> None:
    good = '[[phrase]]\ntext = "不行"\nkind = "refusal"\nsuggest = "好的"\n\n'
    text = good + '[[phrase]]\ntext = "x"\nkind = "rude"\nsuggest = "y"\n'
    with pytest.raises(ConductError) as error:
        parse_conduct(text, "site/conduct.toml")
    assert str(error.value).startswith("site/conduct.toml:6:") and "rude" in str(error.value)
    with pytest.raises(ConductError, match="needs a non-empty suggest"):
        parse_conduct('[[phrase]]\ntext = "不行"\nkind = "refusal"\n', "c.toml")
    with pytest.raises(ConductError, match=r"c.toml:1: not valid TOML"):
        parse_conduct("[[phrase", "c.toml")
    with pytest.raises(ConductError, match="itself forbidden"):
        parse_conduct('[[phrase]]\ntext = "不行"\nkind = "refusal"\nsuggest = "不行"\n', "c.toml")


@pytest.mark.parametrize(
    "text",
    [
        "您说“这个根本不行”，我们已经记下，今天给您答复",
        '您来信说"你们总说不知道"，非常抱歉',
        "您提到「不可以退货」的说法，我们已核实",
        "您说『马上就好』没有兑现，是我们的疏忽",
    ],
)
def test_the_customers_own_words_quoted_back_are_not_flagged(text: str) -> None:
    """seed 000:3.2.1.2 is about what the agent says, not what the customer said."""
    assert packaged_conduct("zh-CN").check(text) == []


def test_the_agents_own_words_outside_a_quotation_are_still_flagged() -> None:
    rules = packaged_conduct("zh-CN")
    text = "您说“不行”，这个我不知道"
    assert [text[h.start : h.end] for h in rules.check(text)] == ["不知道"]
    # an opening mark never closed hides nothing
    assert [h.phrase for h in rules.check("您说“这个我不知道")] == ["不知道"]
    assert flagged_phrases(rules, "不行，真的不行，不知道") == ["不行", "不知道"]
    english = packaged_conduct("en")
    assert english.check('You wrote "that is impossible", and we are sorry') == []
