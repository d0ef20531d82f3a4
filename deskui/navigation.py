"""One rule for opening a screen: a screen already on the stack is brought back, never built
twice (two screens with one id end the app with DuplicateIds), and Esc goes back one step.

A screen on the stack is a *place*: the screen and the dialogs open over it. Bringing a place
back moves it, dialogs and all, to the top; what it held (cursor, typing, view) is untouched,
and every other place keeps its own. The stack then reads as the order the agent last saw
them, so Esc (a pop) returns to the screen they came from. A screen about one subject (a
complaint, a callback) that is asked for with another subject is closed, its drafts written,
and the new one is built: one complaint screen at a time, as one id allows.

A screen of work an F-key opens is a `KeptScreen`: it is not removed when the agent leaves it
with Esc but waits off the stack, and the next key that asks for it shows it again in one
frame instead of building it (issue 27: F2 took 138 ms to build the intake). Its `reopened()`
puts it as the agent expects to find it: the data as it is now, the choices the agent made
(a section, a filter, the row under the cursor) as they left them.

A dialog opens through `open_modal`, never `push_screen`: a second Enter that reaches the
list before the first dialog shows asks for it again, and a second one with its id would end
the desk (issue 23). A key that leads nowhere rings the bell through `ring_bell`: a screen
has no bell of its own, only the app has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from functools import cache
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from textual import events, messages, on
from textual.app import App
from textual.command import CommandPalette
from textual.css.match import match
from textual.css.model import RuleSet
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen, ScreenResultCallbackType
from textual.widget import Widget

from deskui.key_order import KeysInOrderApp
from deskui.widgets.shared_lines import share_identical_lines
from deskui.widgets.work_list import WorkList

S = TypeVar("S", bound=Screen[Any])

_subjects: WeakKeyDictionary[Screen[Any], Hashable] = WeakKeyDictionary()
"""What each screen opened through `navigate` is about (None: the screen has no subject)."""
_waiting: WeakKeyDictionary[App[Any], dict[str, Screen[Any]]] = WeakKeyDictionary()
"""Per app, by id: a screen built to replace one whose removal is not finished yet."""
_kept: WeakKeyDictionary[App[Any], dict[str, KeptScreen]] = WeakKeyDictionary()
"""Per app, by id: a screen left with Esc and kept to be shown again (`keep_when_left`)."""


def navigate(
    app: App[Any],
    screen_id: str,
    build: Callable[[], S],
    *,
    subject: Hashable = None,
    brought_back: Callable[[S], None] | None = None,
) -> S:
    """Show the screen with `screen_id`: the one on the stack (then `brought_back(it)`), or a
    new one from `build()`. Returns the screen now (or about to be) on top."""
    _close_palette(app)
    waiting = _waiting.setdefault(app, {})
    # the casts: one id is one place, built by one class (`build`'s), so the screen found
    # under `screen_id` is an S; Textual's stack holds screens of any class
    if screen_id in waiting:  # its predecessor is still being removed
        if _subjects.get(waiting[screen_id]) != subject:
            waiting[screen_id] = _built(build, screen_id, subject)
        return cast(S, waiting[screen_id])
    existing = find(app, screen_id)
    if existing is None and subject is None:
        kept = _take_kept(app, screen_id)
        if kept is not None:
            app.push_screen(kept)
            kept.reopened()
            if brought_back is not None:
                brought_back(kept)  # type: ignore[arg-type]
            return kept  # type: ignore[return-value]
    if existing is not None and _subjects.get(existing) == subject:
        bring_to_top(app, existing)
        if brought_back is not None:
            brought_back(cast(S, existing))
        return cast(S, existing)
    screen = _built(build, screen_id, subject)
    if existing is None:
        app.push_screen(screen)
        return screen
    # the one about another subject goes first: until it is removed its id is taken
    _push_after(app, close(app, existing), screen_id, screen)
    return screen


class KeptScreen(Screen[None]):
    """A screen of work an F-key opens (issue 27): left with Esc it is kept off the stack,
    and the key that asks for it again shows it in a frame, then calls `reopened()`."""

    _styled_under: tuple[object, ...] | None = None
    """The app's theme, classes and pseudo-classes when this screen was last styled whole."""
    _styled_rules = 0
    """How many rules the stylesheet had then (a screen opened since adds its own after)."""

    def reopened(self) -> None:
        """Shown again after Esc (each screen says what it refreshes and what it resets)."""

    def styled_whole(self) -> None:
        """Its nodes have the styles of the app as it is now (mounted now with the whole
        stylesheet): shown with the same theme and rules, it is not styled whole again."""
        app = self.app
        self._styled_under = (app.theme, app.classes, app.pseudo_classes)
        self._styled_rules = len(app.stylesheet.rules)

    _stilled: Widget | None = None
    """Its focused field whose cursor blink was stopped while it is not shown."""

    def left(self) -> None:
        """Left with Esc, to wait off the stack: its lists keep only what is on screen."""
        for work_list in self.query(WorkList):
            work_list.forget_off_screen()

    @on(events.ScreenSuspend)
    def _still_while_away(self) -> None:
        """Not shown (kept off the stack, or under another screen), nothing of it is seen:
        its focused field's cursor blink, a timer twice a second, stops until it is shown
        again (issue 27: the kept intake's phone field blinked all shift)."""
        focused = self.focused
        if focused is not None and getattr(focused, "cursor_blink", False) is True:
            focused.cursor_blink = False  # type: ignore[attr-defined]  # Input, TextArea
            self._stilled = focused
        self.call_after_refresh(self._share_lines_while_away)

    def _share_lines_while_away(self) -> None:
        """Not shown, its widgets keep the lines they last drew (its next showing draws only
        what changed): the equal ones are held once (issue 27: at 320 rows a container's
        background is one line 320 times). After the frame that showed the next screen, not
        in it; nothing when it is shown again meanwhile."""
        if self.is_attached and self.app.screen is not self:
            share_identical_lines(self)

    _waits_unshown = False
    """Built ahead (`build_ahead`) and not shown yet: laid out again, off the stack, each
    time one of its widgets asks for a layout (a list filled, a choice given its options by
    a read that lands later, the call line of a ringing call), so the frame that first shows
    it lays nothing out."""
    _lay_out_due = False

    @on(messages.Layout)
    def _lay_out_while_unshown(self) -> None:
        if self._waits_unshown and not self._lay_out_due and self not in self.app.screen_stack:
            self._lay_out_due = True
            self.call_after_refresh(_lay_out, self.app, self)

    @on(events.ScreenResume)
    def _shown_at_last(self) -> None:
        self._waits_unshown = self._lay_out_due = False

    @on(events.ScreenResume)
    def _blink_again(self) -> None:
        stilled, self._stilled = self._stilled, None
        if stilled is None or not stilled.is_attached:
            return
        if stilled is self.focused:
            stilled.cursor_blink = True  # type: ignore[attr-defined]
        else:  # focus moved on: it blinks again when it has focus (its own focus handler)
            stilled.set_reactive(type(stilled).cursor_blink, True)  # type: ignore[attr-defined]

    @on(events.ScreenResume)
    def _restyle_only_if_changed(self, event: events.ScreenResume) -> None:
        """Textual applies the whole stylesheet again to every node of a screen it shows
        again: most of a switch's frame for a screen of a hundred widgets (the intake). A
        screen's styles follow its own changes while it is away (a class set, a focus
        moved), not the app's: a theme, the terminal's focus, or a rule matching one of its
        nodes added by a screen opened since. Only then is it styled whole again."""
        if not event.refresh_styles:
            return
        app = self.app
        under = (app.theme, app.classes, app.pseudo_classes)
        rules = app.stylesheet.rules
        if under == self._styled_under and not _any_match(self, rules[self._styled_rules :]):
            event.refresh_styles = False
        self.styled_whole()


def _any_match(screen: Screen[Any], rules: list[RuleSet]) -> bool:
    """Whether one of `rules` applies to a node of `screen`. The stylesheet is parsed from
    its sources in the order they were added, and a source is never taken out, so under
    the same theme the rules added since a screen was styled are those after its count."""
    if not rules:
        return False
    by_name: dict[str, list[RuleSet]] = {}
    for rule in rules:
        for name in rule.selector_names:
            by_name.setdefault(name, []).append(rule)
    for node in screen.walk_children(with_self=True):
        names = {"*", *(f".{name}" for name in node.classes), *_type_names(type(node))}
        if node.id is not None:
            names.add(f"#{node.id}")
        for name in names & by_name.keys():
            if any(match(rule.selector_set, node) for rule in by_name[name]):
                return True
    return False


@cache
def _type_names(node_type: type) -> frozenset[str]:
    """The names a node of this type answers to in a selector (its class and its bases)."""
    return frozenset(base.__name__ for base in node_type.__mro__)


def keep_when_left(app: App[Any], screen: Screen[Any]) -> None:
    """`screen` is about to be left with Esc: a `KeptScreen` (about no subject) is installed,
    so the pop suspends it instead of removing it, and lets go of what it need not keep."""
    if not isinstance(screen, KeptScreen) or screen.id is None:
        return
    if _subjects.get(screen) is not None:
        return
    kept = _kept.setdefault(app, {})
    if kept.get(screen.id) is not screen:
        if not app.is_screen_installed(screen):
            app.install_screen(screen, _kept_name(screen.id))
        kept[screen.id] = screen
    screen.left()


def build_ahead(app: App[Any], screen_id: str, build: Callable[[], KeptScreen]) -> None:
    """Build the kept screen `screen_id` now, off the stack, when it is neither on the
    stack nor kept (nor about to be shown): the key, or the call, that asks for it next
    shows it in a frame as if it had been left with Esc."""
    if find(app, screen_id) is not None or screen_id in _waiting.get(app, {}):
        return
    if _take_kept(app, screen_id) is not None:
        return
    screen = _built(build, screen_id, None)
    app.install_screen(screen, _kept_name(screen_id))
    # installing only names it (Textual builds an installed screen when first shown): it is
    # composed and mounted off the stack now, with its CSS, as showing it would, then laid out
    app._load_screen_css(screen)
    app._register(app, screen)
    _kept.setdefault(app, {})[screen_id] = screen
    screen._waits_unshown = True
    screen.call_after_refresh(_lay_out, app, screen)


def _lay_out(app: App[Any], screen: Screen[Any]) -> None:
    """A screen built ahead laid out at the desk's size while it waits off the stack (as a
    resize lays out the screens under the top one): its first showing is a frame, not a
    layout of every widget."""
    if isinstance(screen, KeptScreen):
        screen._lay_out_due = False
    if screen.is_attached and screen not in app.screen_stack:
        screen._refresh_layout(app.size)
        # the layout its widgets asked for is done: Textual clears this flag only in the
        # shown screen's update, and the first frame that showed the screen laid it all out
        # again (the shift's first popped call: 60-70 ms from the card's state to its frame,
        # against 15-20 ms for the calls after it)
        screen._layout_required = False
        if isinstance(screen, KeptScreen) and screen._styled_under is None:
            # each node was styled as it mounted, with the widgets' own CSS: its first
            # showing need not again (said once: a theme changed while it waits, off the
            # stack, is not applied to it, and its showing must then style it whole)
            screen.styled_whole()
        screen.call_after_refresh(_render_ahead, app, screen)


def _render_ahead(app: App[Any], screen: Screen[Any]) -> None:
    """A screen built ahead has each widget's lines drawn while it waits (nothing is sent
    to the terminal): its first showing draws only what changed since, as a screen shown
    again does (the first popped call of a shift painted its card 60-80 ms later than the
    next ones: the whole intake drawn for the first time in the answer's frame)."""
    if screen.is_attached and screen not in app.screen_stack:
        for _drawn in screen._compositor._get_renders():
            pass


def _take_kept(app: App[Any], screen_id: str) -> KeptScreen | None:
    """The screen kept under `screen_id`, if it can still be shown (not removed since); one
    kept that cannot is forgotten."""
    screen = kept_screen(app, screen_id)
    if screen is None and screen_id in _kept.get(app, {}):
        forget_kept(app, screen_id)
    return screen


def kept_screen(app: App[Any], screen_id: str) -> KeptScreen | None:
    """The screen waiting off the stack under `screen_id` (kept, or built ahead), if any.
    Only a look: a kept screen shown again (on the stack now) is forgotten by `navigate`."""
    screen = _kept.get(app, {}).get(screen_id)
    # `display` is Textual's public word for "not closing, closed or being pruned" (a screen's
    # own style never hides it)
    if screen is None or not (screen.is_attached and screen.display):
        return None
    return None if screen in app.screen_stack else screen


def is_kept(app: App[Any], screen_id: str) -> bool:
    """Whether a screen with this id waits off the stack (a second one would end the desk:
    two screens with one id)."""
    return _take_kept(app, screen_id) is not None


def forget_kept(app: App[Any], screen_id: str) -> None:
    """No longer keep the screen with this id (it goes with its next pop)."""
    screen = _kept.get(app, {}).pop(screen_id, None)
    if screen is not None and app.is_screen_installed(_kept_name(screen_id)):
        app.uninstall_screen(_kept_name(screen_id))


def every_screen(app: App[Any]) -> list[Screen[Any]]:
    """The screens on the stack and those kept off it: what a change, a landed save or a
    banner's news must reach, so a kept screen shown again is not out of date."""
    stack = list(app.screen_stack)
    kept = [s for s in _kept.get(app, {}).values() if s.is_attached and s not in stack]
    return stack + kept


def _kept_name(screen_id: str) -> str:
    return f"kept:{screen_id}"


def open_modal(
    app: App[Any],
    screen: Screen[Any],
    callback: ScreenResultCallbackType[Any] | None = None,
    *,
    replacing: bool = False,
) -> bool:
    """Open `screen` (a dialog, or a screen reached from another) over the one on top, with
    `callback` given its result; whether it opens. The same one (its id, or its class when it
    has none) already on top or about to be is not opened again (`replacing`: the one on top
    is closed instead); one with its id further down the stack (a dialog left open under
    another place) is closed first, drafts written."""
    _close_palette(app)
    waiting = _waiting.setdefault(app, {})
    if screen.id is not None and screen.id in waiting:
        return False  # opening already: its predecessor is being removed
    top = app.screen
    if not replacing and type(top) is type(screen) and top.id == screen.id:
        return False  # open already: the key that asked for it came twice
    existing = find(app, screen.id) if screen.id is not None else None
    if existing is None:
        app.push_screen(screen, callback)
        return True
    _push_after(app, close(app, existing), existing.id or "", screen, callback)
    return True


def _push_after(
    app: App[Any],
    removals: list[Awaitable[Any]],
    screen_id: str,
    screen: Screen[Any],
    callback: ScreenResultCallbackType[Any] | None = None,
) -> None:
    """Push `screen` once `removals` are done (its id free again); keys typed meanwhile
    wait for it (deskui/key_order.py), as they would for a screen pushed at once."""
    _waiting.setdefault(app, {})[screen_id] = screen
    if isinstance(app, KeysInOrderApp):
        app.hold_keys()

    async def push_when_removed() -> None:
        try:
            for removal in removals:
                await removal
            _close_palette(app)  # opened meanwhile (a click): not left under the new screen
            app.push_screen(_waiting[app].pop(screen_id), callback)
        finally:
            _waiting[app].pop(screen_id, None)
            if isinstance(app, KeysInOrderApp):
                app.let_keys_go()

    app.call_next(push_when_removed)


def _close_palette(app: App[Any]) -> None:
    """The palette is a passing question, not a place: a key that goes somewhere closes it,
    its search stopped first (a search left running fails on the palette's removed list)."""
    palette = app.screen
    if isinstance(palette, CommandPalette):  # as its Esc closes it, in Textual's public terms
        _stop_search(palette)
        app.post_message(CommandPalette.Closed(option_selected=False))
        palette.dismiss()


def _stop_search(palette: CommandPalette) -> None:
    """Cancel the palette's search (its only worker): a search left running fails on the
    palette's removed list."""
    palette.workers.cancel_node(palette)


def ring_bell(node: DOMNode) -> None:
    """The one way a key that leads nowhere says so: the app's bell (a Screen has none)."""
    node.app.bell()


def _built(build: Callable[[], S], screen_id: str, subject: Hashable) -> S:
    screen = build()
    if screen.id != screen_id:
        raise ValueError(f"{type(screen).__name__} has id {screen.id!r}, not {screen_id!r}")
    _subjects[screen] = subject
    return screen


def find(app: App[Any], screen_id: str) -> Screen[Any] | None:
    """The screen with this id on the current stack, if any."""
    return next((screen for screen in app.screen_stack if screen.id == screen_id), None)


def place(stack: list[Screen[Any]], screen: Screen[Any]) -> slice:
    """Where `screen` and the dialogs open over it sit in `stack`."""
    start = stack.index(screen)
    end = start + 1
    while end < len(stack) and isinstance(stack[end], ModalScreen):
        end += 1
    return slice(start, end)


def bring_to_top(app: App[Any], screen: Screen[Any]) -> None:
    """Move `screen`'s place to the top of the stack, as push_screen would show a new one."""
    stack = app._screen_stack  # Textual has no public way to reorder its stack
    where = place(stack, screen)
    if where.stop == len(stack):
        return  # already the place on top
    app.capture_mouse(None)
    top = stack[-1]
    top.post_message(events.ScreenSuspend())
    top.refresh()
    moved = stack[where]
    del stack[where]
    stack.extend(moved)
    app.screen.post_message(events.ScreenResume())
    app.screen_change_signal.publish(app.screen)


def close(app: App[Any], screen: Screen[Any]) -> list[Awaitable[Any]]:
    """Take `screen`'s place off the stack, drafts written first; what to await until its
    screens are removed (their ids free again)."""
    from deskui.screens.drafts import live_drafts

    stack = app._screen_stack
    where = place(stack, screen)
    closing = stack[where]
    for palette in closing:
        if isinstance(palette, CommandPalette):  # its search would fail on its removed list
            _stop_search(palette)
    for draft in live_drafts():
        if draft.screen in closing:
            draft.flush()
    if where.stop == len(stack):  # the place on top: ordinary pops, with their resume
        return [app.pop_screen() for _ in closing]
    del stack[where]
    removals: list[Awaitable[Any]] = []
    for gone in reversed(closing):
        gone.post_message(events.ScreenSuspend())
        removals.append(gone.remove())
    return removals
