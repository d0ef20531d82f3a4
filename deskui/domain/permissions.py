"""Who may do what: a pure table of role x action (DESIGN.md; the team issue builds on it).

Every service checks its action here before it writes; screens ask the same table to offer
only what the role may do. A role missing from an action's row may not do it.
"""

from __future__ import annotations

from enum import StrEnum

from deskui.domain.model import Role


class Action(StrEnum):
    """The business actions the table knows, named after what the agent does."""

    WORK_OWN = "work_own"  # take calls, work one's own and unassigned work
    REASSIGN = "reassign"  # hand a customer, callback or handover item to someone else
    APPROVE_VISIT = "approve_visit"  # seed 000:2.5.4: a visiting callback needs the lead
    EDIT_CALENDAR = "edit_calendar"  # holidays and make-up working days
    EDIT_SITE_SETTINGS = "edit_site_settings"  # calling hours, deadlines, limits
    SEE_TEAM = "see_team"  # the team view and every agent's callbacks
    WORK_DEPARTMENT = "work_department"  # a department's queue: accept, plan, result, return
    ADD_AGENT = "add_agent"  # accounts
    RECORD_PROMOTION = "record_promotion"  # seed 000:2.5.1.2: a lead records a promotion period
    RECORD_SURVEY = "record_survey"  # seed 000:2.5.3: a lead records a survey form received
    MANAGE_ACCOUNTS = "manage_accounts"  # add, list, disable, reset a password (issue 16)
    EXPORT_PERSONAL = "export_personal"  # phones, e-mail, birthdays leave the desk
    EXPORT_RECORDS = "export_records"  # tickets, callbacks ... without personal data
    SEE_AUDIT = "see_audit"  # sign-ins, failures, locks, denied actions, exports
    EDIT_PROFILES = "edit_profiles"  # file, edit and import customers and their contacts


_DESK = frozenset({Role.AGENT, Role.LEAD, Role.MANAGER})
_LEADS = frozenset({Role.LEAD, Role.MANAGER})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.WORK_OWN: _DESK | {Role.DEPARTMENT},
    Action.REASSIGN: _LEADS,
    Action.APPROVE_VISIT: _LEADS,
    Action.EDIT_CALENDAR: _LEADS,
    Action.EDIT_SITE_SETTINGS: _LEADS,
    Action.SEE_TEAM: _LEADS,
    Action.WORK_DEPARTMENT: frozenset({Role.DEPARTMENT, Role.LEAD, Role.MANAGER}),
    Action.ADD_AGENT: _LEADS,
    Action.RECORD_PROMOTION: _LEADS,
    Action.RECORD_SURVEY: _LEADS,
    Action.MANAGE_ACCOUNTS: _LEADS,
    Action.EXPORT_PERSONAL: _LEADS,
    Action.EXPORT_RECORDS: _DESK,
    Action.SEE_AUDIT: frozenset({Role.MANAGER}),
    Action.EDIT_PROFILES: _DESK,
}


def may(role: str, action: Action) -> bool:
    """Whether `role` may do `action` (an unknown role may do nothing)."""
    return role in PERMISSIONS[action]
