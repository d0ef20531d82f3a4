"""Which department a ticket goes to (deskui.domain.routing, seed 002:2.3.2, 2.4.2)."""

from __future__ import annotations

import pytest

from deskui.domain.model import COMPLAINT_CATEGORIES, QUESTION_CATEGORIES, Category, TicketKind
from deskui.domain.routing import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_RULES,
    RoutingRule,
    propose_department,
)

Q = TicketKind.QUESTION
C = TicketKind.COMPLAINT


@pytest.mark.parametrize(
    ("kind", "category", "department", "also"),
    [
        (Q, Category.PRODUCT_ENQUIRY, "business", ()),
        (Q, Category.TRAINING, "business", ()),
        (Q, Category.INSTALL_MAINTAIN, "technical", ()),
        (Q, Category.SYSTEM_INTEGRATION, "technical", ()),
        (Q, Category.USAGE, "technical", ()),
        (Q, Category.REPAIR, "customer_service", ()),
        (Q, Category.HELP, "customer_service", ()),
        (Q, Category.ENQUIRY, "customer_service", ()),
        (C, Category.PRODUCT_COMPLAINT, "technical", ("customer_service",)),
        (C, Category.BUSINESS_SERVICE, "business", ()),
        (C, Category.SERVICE_QUALITY, "customer_service", ()),
        (C, Category.NETWORK_LINE, "platform", ()),
        (C, Category.SALES_COMPLAINT, "business", ()),
    ],
)
def test_default_routing(
    kind: TicketKind, category: Category, department: str, also: tuple[str, ...]
) -> None:
    rule = propose_department(kind, category, DEFAULT_RULES)
    assert rule is not None
    assert (rule.department, rule.also) == (department, also)


def test_every_default_category_has_a_rule() -> None:
    for category in QUESTION_CATEGORIES:
        assert propose_department(Q, category, DEFAULT_RULES) is not None
    for category in COMPLAINT_CATEGORIES:
        assert propose_department(C, category, DEFAULT_RULES) is not None
    assert len(DEFAULT_RULES) == len(QUESTION_CATEGORIES) + len(COMPLAINT_CATEGORIES)


def test_rules_name_known_departments() -> None:
    codes = {code for code, _, _ in DEFAULT_DEPARTMENTS}
    for rule in DEFAULT_RULES:
        assert rule.department in codes
        assert set(rule.also) <= codes


def test_plain_strings_from_the_database_match() -> None:
    rule = propose_department("complaint", "network_line", DEFAULT_RULES)
    assert rule is not None
    assert rule.department == "platform"


def test_kind_must_match() -> None:
    assert propose_department(C, Category.TRAINING, DEFAULT_RULES) is None
    assert propose_department(Q, Category.NETWORK_LINE, DEFAULT_RULES) is None


def test_unknown_category_leaves_it_to_the_agent() -> None:
    assert propose_department(Q, "parking", DEFAULT_RULES) is None
    assert propose_department(Q, Category.USAGE, ()) is None


def test_site_rules_replace_the_defaults() -> None:
    site = (
        RoutingRule(Q, Category.TRAINING, "customer_service"),
        RoutingRule(Q, "parking", "property", also=("security",)),
        *DEFAULT_RULES,
    )
    training = propose_department(Q, Category.TRAINING, site)
    assert training is not None and training.department == "customer_service"
    parking = propose_department(Q, "parking", site)
    assert parking == RoutingRule(Q, "parking", "property", also=("security",))


def test_rules_default_to_the_seed_table() -> None:
    assert propose_department(Q, Category.USAGE) == propose_department(
        Q, Category.USAGE, DEFAULT_RULES
    )


def test_default_departments() -> None:
    assert DEFAULT_DEPARTMENTS == (
        ("business", "业务部", "Business"),
        ("technical", "技术部", "Technical"),
        ("platform", "平台组", "Platform"),
        ("customer_service", "客服部", "Customer service"),
    )


def test_rules_are_immutable_and_hashable() -> None:
    rule = DEFAULT_RULES[0]
    with pytest.raises(AttributeError):
        rule.department = "technical"  # type: ignore[misc]
    assert len(set(DEFAULT_RULES)) == len(DEFAULT_RULES)
