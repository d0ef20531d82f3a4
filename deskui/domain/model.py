"""The glossary's enumerations (DOMAIN.md): values are stored in the database as these strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"  # 客服专员
    LEAD = "lead"  # 客服主管 / 组长
    MANAGER = "manager"  # 客服部经理
    DEPARTMENT = "department"  # a member of another department working their tickets


class ContactRole(StrEnum):
    PRINCIPAL = "principal"  # 负责人
    LIAISON = "liaison"  # 对接人


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class Channel(StrEnum):
    """How the problem reached us (seed 002:1; seed 001:8.1)."""

    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    WEB = "web"
    WALK_IN = "walk_in"
    DEPARTMENT = "department"  # forwarded by another department
    COMPANY = "company"  # forwarded by the company
    STAFF = "staff"  # reported by internal staff


class TicketKind(StrEnum):
    QUESTION = "question"  # 常规问题
    COMPLAINT = "complaint"  # 客户投诉


class Severity(StrEnum):
    """seed 002:2.2.3: 一般 / 紧迫 / 非常紧迫."""

    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WITH_DEPARTMENT = "with_department"
    WITH_LEAD = "with_lead"  # complaint taken over by the team lead (seed 002:2.4.1)
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Category(StrEnum):
    """Default categories (seed 002:2.1.1, 2.1.2, 2.4.2; seed 001:1.0). Sites may add more."""

    PRODUCT_ENQUIRY = "product_enquiry"
    TRAINING = "training"
    INSTALL_MAINTAIN = "install_maintain"
    SYSTEM_INTEGRATION = "system_integration"
    USAGE = "usage"
    REPAIR = "repair"
    HELP = "help"
    ENQUIRY = "enquiry"
    PRODUCT_COMPLAINT = "product_complaint"
    BUSINESS_SERVICE = "business_service"
    SERVICE_QUALITY = "service_quality"
    NETWORK_LINE = "network_line"
    SALES_COMPLAINT = "sales_complaint"


QUESTION_CATEGORIES: tuple[Category, ...] = (
    Category.PRODUCT_ENQUIRY,
    Category.TRAINING,
    Category.INSTALL_MAINTAIN,
    Category.SYSTEM_INTEGRATION,
    Category.USAGE,
    Category.REPAIR,
    Category.HELP,
    Category.ENQUIRY,
)
COMPLAINT_CATEGORIES: tuple[Category, ...] = (
    Category.PRODUCT_COMPLAINT,
    Category.BUSINESS_SERVICE,
    Category.SERVICE_QUALITY,
    Category.NETWORK_LINE,
    Category.SALES_COMPLAINT,
)


class DeadlineKind(StrEnum):
    """Every kind of deadline the desk counts down (DESIGN.md 2)."""

    FIRST_CONTACT = "first_contact"
    PROMISED_REPLY = "promised_reply"
    REPEAT_CONTACT = "repeat_contact"  # urgent tickets: contact the customer 1-2 times a day
    CALLBACK = "callback"
    PROFILE_FILING = "profile_filing"
    HANDOVER_ACK = "handover_ack"
    HANDOVER_FOLLOW_UP = "handover_follow_up"
    PARCEL_CHASE = "parcel_chase"
    DEPARTMENT_LEG = "department_leg"
    PROSPECT_FOLLOW_UP = "prospect_follow_up"  # CS follows a prospect itself (seed 000:1.4.7)
    EVENT_PLAN = "event_plan"  # a customer event's plan, a month ahead (seed 000:4.2)


class SubjectType(StrEnum):
    TICKET = "ticket"
    CALLBACK = "callback"
    CUSTOMER = "customer"
    HANDOVER_ITEM = "handover_item"
    PROSPECT = "prospect"
    CUSTOMER_EVENT = "customer_event"


class CallbackPurpose(StrEnum):
    """seed 000:2.3."""

    ROUTINE = "routine"
    SPECIAL_OCCASION = "special_occasion"
    NEW_PRODUCT = "new_product"
    AFTER_COMPLAINT = "after_complaint"
    EQUIPMENT_CHECK = "equipment_check"
    GIFT_ARRIVAL = "gift_arrival"


class CallbackWay(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    SMS = "sms"
    FAX = "fax"


class ContactWay(StrEnum):
    """How the customer was reached about their record (seed 002:1.1, 2.3.2): told the
    result, or kept informed of progress."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    VISIT = "visit"


class CallbackStatus(StrEnum):
    PENDING = "pending"
    BOOKED = "booked"  # customer busy, a time was booked
    DONE = "done"
    CANCELLED = "cancelled"


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"
    AVERAGE = "average"
    UNSATISFIED = "unsatisfied"


class HandoverSheet(StrEnum):
    """The seed's sheets (seed 004 after-sales 8)."""

    UNFINISHED = "unfinished"
    PAYMENT = "payment"
    RESPONSIBILITY = "responsibility"
    COURIER = "courier"
    REPAIR = "repair"
    RETURN = "return"


class HandoverStatus(StrEnum):
    OPEN = "open"
    HANDED_OVER = "handed_over"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
