"""countdown_text and the Countdown widget: text and phase from the clock at paint time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from deskui import i18n
from deskui.domain.clock import FixedClock
from deskui.domain.countdown import Phase
from deskui.widgets.countdown import Countdown, countdown_text

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due_in", "started_ago", "expected"),
    [
        (timedelta(hours=5, minutes=7), timedelta(hours=1), ("  5h 07m", Phase.CALM)),
        (timedelta(hours=3, minutes=10), timedelta(hours=5), ("! 3h 10m", Phase.NEAR)),
        (timedelta(minutes=12, seconds=9), timedelta(hours=2), ("‼ 12m", Phase.URGENT)),
        (timedelta(minutes=9, seconds=9), timedelta(hours=2), ("‼ 9m 09s", Phase.URGENT)),
        (timedelta(days=2, hours=3), None, ("  2d 03h", Phase.CALM)),
        (-timedelta(hours=1, minutes=5), timedelta(hours=2), ("+ 逾期 1h 05m", Phase.OVERDUE)),
        (timedelta(0), timedelta(hours=2), ("+ 逾期 0s", Phase.OVERDUE)),
    ],
)
def test_countdown_text(
    due_in: timedelta, started_ago: timedelta | None, expected: tuple[str, Phase]
) -> None:
    starts_at = None if started_ago is None else NOW - started_ago
    assert countdown_text(NOW + due_in, NOW, starts_at=starts_at) == expected


def test_countdown_text_paused_and_met() -> None:
    due = NOW + timedelta(hours=1)
    assert countdown_text(due, NOW, paused_at=NOW) == ("‖ 暂停 0s", Phase.PAUSED)
    # for how long it has waited on the customer, not what was left
    paused = NOW - timedelta(hours=3)
    assert countdown_text(due, NOW, paused_at=paused) == ("‖ 暂停 3h 00m", Phase.PAUSED)
    assert countdown_text(due, NOW, met_at=NOW) == ("✓ 完成", Phase.MET)


def test_countdown_text_follows_the_locale() -> None:
    i18n.set_locale("en")
    assert countdown_text(NOW, NOW + timedelta(minutes=3)) == ("+ overdue 3m 00s", Phase.OVERDUE)


class CountdownApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(NOW)

    def compose(self) -> ComposeResult:
        yield Countdown(NOW + timedelta(hours=10), starts_at=NOW)


async def test_countdown_widget_follows_the_clock_on_tick() -> None:
    app = CountdownApp()
    async with app.run_test(size=(40, 3)) as pilot:
        countdown = app.query_one(Countdown)
        assert countdown.has_class("-live", "-calm")
        assert str(countdown.render()) == "  10h 00m"
        assert countdown.size.width == len("  10h 00m")
        expected = [
            (timedelta(hours=5, minutes=1), "! 4h 59m", "-near"),
            (timedelta(hours=3), "‼ 1h 59m", "-urgent"),
            (timedelta(hours=2), "+ 逾期 1m 00s", "-overdue"),
        ]
        for delta, text, css_class in expected:
            app.clock.advance(delta)
            countdown.tick()
            await pilot.pause()
            assert str(countdown.render()) == text
            assert countdown.has_class(css_class)
            assert countdown.size.width == cell_len(text)  # relaid out as the width changes
            phases = {"-calm", "-near", "-urgent", "-overdue", "-paused", "-met"} - {css_class}
            assert not any(countdown.has_class(other) for other in phases)


async def test_countdown_widget_reacts_to_its_parent() -> None:
    app = CountdownApp()
    async with app.run_test(size=(40, 3)) as pilot:
        countdown = app.query_one(Countdown)
        countdown.paused_at = NOW
        await pilot.pause()
        assert str(countdown.render()) == "‖ 暂停 0s"
        assert countdown.has_class("-paused")
        countdown.met_at = NOW
        await pilot.pause()
        assert countdown.has_class("-met")
        assert countdown.phase is Phase.MET
        countdown.due_at = None
        await pilot.pause()
        assert str(countdown.render()) == ""
        assert countdown.phase is None


async def test_countdown_without_an_app_clock_uses_the_system_clock() -> None:
    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Countdown(datetime.now(UTC) + timedelta(hours=2, minutes=30))

    async with Bare().run_test() as pilot:
        await pilot.pause()
        assert str(pilot.app.query_one(Countdown).render()).startswith("  2h 2")


async def test_a_tick_that_would_paint_the_same_text_does_not_refresh() -> None:
    """Issue 27: a countdown hours away changes once a minute; the other 59 ticks leave it
    alone (300 of them refreshed every second before)."""
    app = CountdownApp()
    async with app.run_test(size=(40, 3)) as pilot:
        countdown = app.query_one(Countdown)
        await pilot.pause()
        refreshed: list[bool] = []
        original = countdown.refresh

        def refresh(*args: object, **kwargs: bool) -> Countdown:
            refreshed.append(bool(kwargs.get("layout")))
            return original(*args, **kwargs)  # type: ignore[arg-type]

        countdown.refresh = refresh  # type: ignore[method-assign]
        for _ in range(5):
            app.clock.advance(timedelta(seconds=10))  # 10h 00m -> 9h 59m 10s: "9h 59m"
            countdown.tick()
        assert refreshed == [True]  # once, when "10h 00m" became "9h 59m" (one cell narrower)
        await pilot.pause()
        assert str(countdown.render()) == "  9h 59m"
        refreshed.clear()  # (the layout's own refreshes)
        countdown.tick()
        assert refreshed == []
        app.clock.advance(timedelta(minutes=1))
        countdown.tick()
        assert refreshed == [False]  # "9h 58m": same width, no layout


class ClockApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(NOW)

    def compose(self) -> ComposeResult:
        from deskui.widgets.live_clock import LiveClock

        yield LiveClock("UTC")


async def test_the_desk_clock_repaints_only_when_the_time_it_shows_changed() -> None:
    from deskui.widgets.live_clock import LiveClock

    app = ClockApp()
    async with app.run_test(size=(40, 3)) as pilot:
        live = app.query_one(LiveClock)
        await pilot.pause()
        assert str(live.render()) == "2025-03-03 09:00:00"
        refreshed: list[object] = []
        original = live.refresh

        def refresh(*args: object, **kwargs: bool) -> LiveClock:
            refreshed.append(args)
            return original(*args, **kwargs)  # type: ignore[arg-type]

        live.refresh = refresh  # type: ignore[method-assign]
        live.tick()  # a tick within the same second
        assert refreshed == []
        app.clock.advance(timedelta(seconds=1))
        live.tick()
        assert len(refreshed) == 1
