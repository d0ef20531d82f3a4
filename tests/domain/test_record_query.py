"""How a search typed into Ctrl+F is read (issue 26): each way at once, whatever was pasted."""

from __future__ import annotations

from deskui.domain.search import (
    MAX_QUERY,
    holds_words,
    record_query,
    text_grams,
    text_runs,
)


def test_a_ticket_number_with_a_hash_is_that_ticket_alone() -> None:
    query = record_query("#54")
    assert query.ticket_id == 54 and not (query.name or query.words or query.phone)
    assert record_query("＃54").ticket_id == 54  # a full-width hash typed on a Chinese IME
    assert record_query("#99999999999").ticket_id is None  # past the column
    assert record_query("#0").empty


def test_bare_digits_are_a_ticket_number_and_words() -> None:
    query = record_query("54")
    assert query.ticket_id == 54 and query.grams == ("54",)
    last_digits = record_query("5678")
    assert last_digits.ticket_id == 5678 and last_digits.digits == "5678"


def test_a_phone_in_any_format_is_one_number() -> None:
    for typed in ("13812345678", "138 1234 5678", "+86 138-1234-5678", "（138）12345678"):
        assert record_query(typed).phone == "+8613812345678", typed
    assert record_query("021-5555 0101").phone == "+862155550101"


def test_two_chinese_characters_are_a_name_and_a_word() -> None:
    query = record_query("漏水")
    assert query.name == "漏水" and query.words == ("漏水",) and query.grams == ("漏水",)
    assert record_query("漏").empty  # one character is too little


def test_every_word_is_wanted_and_only_letters_and_digits_count() -> None:
    query = record_query("打印机  卡纸")
    assert query.words == ("打印机", "卡纸")
    assert set(query.grams) == {"打印", "印机", "卡纸"}
    hostile = record_query("[b]%_'\"\x1b[2J\x00")
    assert "%" not in "".join(hostile.grams) and "_" not in "".join(hostile.grams)
    assert "\x00" not in (hostile.name or "") and "\x1b" not in (hostile.name or "")


def test_punctuation_alone_is_nothing_to_look_for() -> None:
    for typed in ("%_%", "（）", "+" * 50, "\\\\", "''", "<>", "--"):
        assert record_query(typed).empty, typed
    assert record_query("A&B").name == "a&b"  # a name's punctuation counts beside a letter


def test_a_huge_paste_is_cut_before_it_is_read() -> None:
    query = record_query("漏水" * 1_000_000)
    assert len(query.text) <= MAX_QUERY
    assert len(query.grams) <= 12


def test_runs_fold_width_and_case_and_pieces_stay_inside_a_run() -> None:
    assert text_runs("ＨＰ－１０２０ 卡纸，OK") == ["hp", "1020", "卡纸", "ok"]
    assert text_grams("机房漏水，快") == {"机房", "房漏", "漏水"}


def test_a_text_holds_a_word_only_whole() -> None:
    assert holds_words(("漏水",), "机房空调漏水", "")
    assert holds_words(("远程",), "", "已远程重启")  # the answer counts too
    assert not holds_words(("水媒",), "漏水，媒体机", "")  # pieces apart are not the word
    assert not holds_words(("漏水", "卡纸"), "漏水", "")  # every word
