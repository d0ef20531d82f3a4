"""Which department a ticket goes to: a table the site can edit, with the seeds' defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deskui.domain.model import Category, TicketKind

BUSINESS = "business"
TECHNICAL = "technical"
PLATFORM = "platform"
CUSTOMER_SERVICE = "customer_service"

DEFAULT_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    (BUSINESS, "业务部", "Business"),
    (TECHNICAL, "技术部", "Technical"),
    (PLATFORM, "平台组", "Platform"),
    (CUSTOMER_SERVICE, "客服部", "Customer service"),
)
"""(code, zh-CN name, en name) of the departments a new site starts with."""


@dataclass(frozen=True, slots=True)
class RoutingRule:
    kind: TicketKind
    category: str
    department: str
    """The department code that owns the work."""
    also: tuple[str, ...] = ()
    """Departments that work it together with the owner."""


_Q = TicketKind.QUESTION
_C = TicketKind.COMPLAINT

DEFAULT_RULES: tuple[RoutingRule, ...] = (
    # seed 002:2.3.2: product enquiries are handed to the business department
    RoutingRule(_Q, Category.PRODUCT_ENQUIRY, BUSINESS),
    # seed 002:2.3.2: training and platform questions go to the business department (or CS)
    RoutingRule(_Q, Category.TRAINING, BUSINESS),
    # seed 002:2.3.2: software products and projects go to the technical department
    RoutingRule(_Q, Category.INSTALL_MAINTAIN, TECHNICAL),
    RoutingRule(_Q, Category.SYSTEM_INTEGRATION, TECHNICAL),
    RoutingRule(_Q, Category.USAGE, TECHNICAL),
    # seed 001:1.0: property repair, help and enquiry requests stay with the desk
    RoutingRule(_Q, Category.REPAIR, CUSTOMER_SERVICE),
    RoutingRule(_Q, Category.HELP, CUSTOMER_SERVICE),
    RoutingRule(_Q, Category.ENQUIRY, CUSTOMER_SERVICE),
    # seed 002:2.4.2: product complaints, CS coordinating with the technical department:
    # the record goes to the technical department and CS (its owner) works it with them
    RoutingRule(_C, Category.PRODUCT_COMPLAINT, TECHNICAL, also=(CUSTOMER_SERVICE,)),
    # seed 002:2.1.2: business-service complaints belong to the business department
    RoutingRule(_C, Category.BUSINESS_SERVICE, BUSINESS),
    # seed 002:2.4.2: service quality goes to the departments concerned, CS coordinates
    RoutingRule(_C, Category.SERVICE_QUALITY, CUSTOMER_SERVICE),
    # seed 002:2.4.2: network-line complaints go to the platform group
    RoutingRule(_C, Category.NETWORK_LINE, PLATFORM),
    # seed 002:2.4.2: sales complaints go to the business departments
    RoutingRule(_C, Category.SALES_COMPLAINT, BUSINESS),
)


def propose_department(
    kind: TicketKind | str,
    category: str,
    rules: Iterable[RoutingRule] = DEFAULT_RULES,
) -> RoutingRule | None:
    """The first rule for this kind and category; None leaves the choice to the agent."""
    for rule in rules:
        if rule.kind == kind and rule.category == category:
            return rule
    return None


def department_leg_for(department: str | None, closed: bool) -> str | None:
    """The department a saved record lands with at once, as its first leg (seed 002:2.3.1:
    the record is handed to the department concerned, issue 26): the routed one, unless CS
    keeps it or the question was answered on the call."""
    if closed or not department or department == CUSTOMER_SERVICE:
        return None
    return department
