"""How the lead's measures read, on the measures screen and in `deskui report team` alike:
a share with its numerator and denominator, a deadline kind's name, no data said as such."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskui.i18n import has_key, t

if TYPE_CHECKING:
    from deskui.services.measures import GuardrailHits, MeasureRecord, Share


def share_text(share: Share) -> str:
    """'3/4 (75.0%)', or the words for no data: never 0% or 100% of nothing."""
    if share.value is None:
        return t("measures.no_data")
    return f"{share.numerator}/{share.denominator} ({share.value:.1%})"


def group_label(kind: str, group: str) -> str:
    """A deadline kind, with its severity (first contact) or filing side (profile filing)."""
    if kind == "profile_filing" and group:
        return t(f"deadline_kind.filing.{group}")
    if group:
        return f"{t(f'deadline_kind.{kind}')} · {t(f'severity.{group}')}"
    return t(f"deadline_kind.{kind}")


def key_label(prefix: str, key: str) -> str:
    """A category's or department's name; a code the catalog lacks as itself, none as such."""
    if not key:
        return t("measures.none")
    return t(f"{prefix}.{key}") if has_key(f"{prefix}.{key}") else key


def hours_text(hours: float | None) -> str:
    return t("measures.no_data") if hours is None else t("measures.hours", hours=f"{hours:.1f}")


def record_label(record: MeasureRecord) -> str:
    """What a record behind a figure is about; a callback's label is its purpose key, said in
    the catalog (as the desk's work list says it)."""
    key = f"callbacks.purpose.{record.label}"
    if record.subject_type == "callback" and has_key(key):
        return t(key)
    return record.label


def guardrail_phrases(hits: GuardrailHits) -> str:
    """`不归我们管 2、没办法 1`: an agent's forbidden phrases with their hits, most first."""
    return "、".join(f"{c.key} {c.count}" for c in hits.phrases)
