"""What a transaction's NOTIFY says, and which desks look (issue 25)."""

from __future__ import annotations

from deskui.data.change_listener import MAX_NOTE, change_note, note_concerns


def test_a_note_names_the_agents_a_call_concerns() -> None:
    assert change_note([("call_agent", 3), ("call_agent", 5), ("call", 9)]) == "call:3,5"
    assert change_note([("agent_state", 3), ("call_agent", 3), ("call", 9)]) == "call:3"
    assert change_note([("call_queue", 9), ("call", 9)]) == "call:*"
    assert change_note([("call", 9)]) == "call:"  # nobody's: the floor and the log only
    # a missed call's callback is every desk's (the shared queue): no narrowing
    assert change_note([("call", 9), ("callback", 4), ("deadline", 7)]) == ""
    assert change_note([("ticket", 1)]) == ""
    assert change_note([("call_agent", n) for n in range(2000)]) == ""  # too long to send
    assert len(change_note([("call_agent", n) for n in range(1000)])) <= MAX_NOTE


def test_a_desk_looks_when_the_note_names_it_or_it_watches_calls() -> None:
    assert note_concerns("", 3, watches_calls=False)
    assert note_concerns("anything else", None, watches_calls=False)
    assert note_concerns("call:3,5", 5, watches_calls=False)
    assert not note_concerns("call:3,5", 4, watches_calls=False)
    assert not note_concerns("call:35", 3, watches_calls=False)
    assert not note_concerns("call:", 3, watches_calls=False)
    assert note_concerns("call:", 3, watches_calls=True)
    assert note_concerns("call:*", 3, watches_calls=False)
    assert not note_concerns("call:3", None, watches_calls=False)  # nobody signed in
