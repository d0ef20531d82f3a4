"""Which special occasion a callback is for, in words (seed 000:2.5.1.2): the queue names it
so two callbacks of one customer can be told apart, and the script says it aloud."""

from __future__ import annotations

from deskui.domain.callbacks import Occasion, parse_occasion
from deskui.i18n import has_key, t


def _holiday(occasion: Occasion) -> str:
    key = f"callbacks.holiday.{occasion.holiday_key}"
    return t(key) if occasion.holiday_key and has_key(key) else t("callbacks.holiday.other")


def occasion_label(occasion: str, contact_name: str = "") -> str:
    """For lists: 国庆节 10-01, 王明生日 11-30, 合作纪念日 12-01, 公司成立纪念日 12-01,
    促销：双十一; "" for none."""
    parsed = parse_occasion(occasion)
    if parsed is None:
        return ""
    day = parsed.day.strftime("%m-%d") if parsed.day else ""
    if parsed.kind == "holiday":
        return t("callbacks.occasion.holiday", name=_holiday(parsed), day=day)
    if parsed.kind == "birthday":
        return t("callbacks.occasion.birthday", contact=contact_name, day=day)
    if parsed.kind in ("anniversary", "founding"):
        return t(f"callbacks.occasion.{parsed.kind}", day=day)
    return t("callbacks.occasion.promotion", name=parsed.name or t("callbacks.occasion.unnamed"))


def occasion_said(occasion: str) -> str:
    """For the script's {occasion} in 值此{occasion}之际: 国庆节, 您的生日, 我们的合作纪念日,
    贵公司成立纪念日."""
    parsed = parse_occasion(occasion)
    if parsed is None:
        return t("callbacks.said.none")
    if parsed.kind == "holiday":
        return _holiday(parsed)
    if parsed.kind == "promotion":
        return t("callbacks.said.promotion", name=parsed.name or t("callbacks.occasion.unnamed"))
    return t(f"callbacks.said.{parsed.kind}")
