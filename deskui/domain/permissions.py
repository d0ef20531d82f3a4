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
    RECORD_CALL = "record_call"  # issue 25: a call event from the PBX (the phone bridge only)
    SEE_CALLS = "see_calls"  # issue 25: the caller log, a call's card, one's own state
    PERSONAL_DATA = "personal_data"  # issue 28 (PIPL): a person's data shown, exported, erased
    PURGE_PERSONAL_DATA = "purge_personal_data"  # issue 28: the site's retention applied (timer)
    BACK_UP = "back_up"  # issue 28: the whole database into a file
    RESTORE = "restore"  # issue 28: a backup over the database
    TELL_COMPLAINT_RESULT = "tell_complaint_result"  # seed 002:2.4.1: the lead, personally


PHONE_SYSTEM = "phone_system"
"""The phone bridge's role (issue 25): it posts call events and nothing else; no account has
it, and no one signs in with it."""

HOST_ADMIN = "host_admin"
"""The host's administrator at the command line (issue 28): no account, no sign-in; whoever
opens the database from the host's desk account holds its password already. The table lets
it back up and restore, nothing else."""


_DESK = frozenset({Role.AGENT, Role.LEAD, Role.MANAGER})
_LEADS = frozenset({Role.LEAD, Role.MANAGER})

PERMISSIONS: dict[Action, frozenset[str]] = {
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
    Action.RECORD_CALL: frozenset({PHONE_SYSTEM}),
    Action.SEE_CALLS: _DESK,
    Action.PERSONAL_DATA: frozenset({Role.MANAGER}),
    Action.PURGE_PERSONAL_DATA: frozenset({Role.MANAGER, HOST_ADMIN}),
    Action.BACK_UP: frozenset({Role.MANAGER, HOST_ADMIN}),
    Action.RESTORE: frozenset({Role.MANAGER, HOST_ADMIN}),
    Action.TELL_COMPLAINT_RESULT: _LEADS,
}


def may(role: str, action: Action) -> bool:
    """Whether `role` may do `action` (an unknown role may do nothing)."""
    return role in PERMISSIONS[action]


SETTING_ACTIONS: dict[str, Action] = {
    "privacy.masked": Action.PERSONAL_DATA,
    "privacy.retention": Action.PERSONAL_DATA,
}
"""Site settings that decide over people's personal data (issue 28, PIPL): which roles see
numbers, and after how long the nightly purge anonymises closed records. A manager's, as a
person's data is; every other setting a lead's (Action.EDIT_SITE_SETTINGS)."""


def setting_action(key: str) -> Action:
    """What saving the site setting `key` needs of the table."""
    return SETTING_ACTIONS.get(key, Action.EDIT_SITE_SETTINGS)


PERSONAL_EXPORTS = frozenset(
    {
        "customers",
        "visitors",
        "passes",
        "messages",
        "correspondence",
        "prospects",
        "gifts",
        "events",
    }
)
"""Exports holding phones, e-mail, birthdays or visitors' papers: a lead's or manager's."""


def export_action(kind: str) -> Action:
    """What taking the records of `kind` out of the desk needs of the table."""
    return Action.EXPORT_PERSONAL if kind in PERSONAL_EXPORTS else Action.EXPORT_RECORDS


class AccountAction(StrEnum):
    """What a lead or manager does to an account (issue 23); the audit's `denied` lines name
    them (account.action.<value>)."""

    ADD = "add_account"
    RESET_PASSWORD = "reset_password"
    DISABLE = "disable_account"
    ENABLE = "enable_account"
    SET_ROLE = "set_role"
    SET_EXTENSION = "set_extension"  # issue 25: the phone extension calls pop the desk at


MANAGES: dict[str, frozenset[str]] = {
    Role.LEAD: frozenset({Role.AGENT, Role.DEPARTMENT}),
    Role.MANAGER: frozenset(Role),
}
"""Whose accounts a role manages: a lead agents' and department members', a manager all."""


def account_action_refusal(
    actor_role: str,
    actor_id: int,
    target_role: str,
    target_id: int | None,
    action: AccountAction,
    new_role: str | None = None,
    enabled_managers: int = 0,
    *,
    target_active: bool = True,
) -> str | None:
    """Why `actor` may not do `action` to the target account (the catalog key), or None.

    A lead manages agents and department members only and gives nobody the lead or manager
    role; lead and manager accounts only a manager manages; nobody resets, disables, enables
    or changes the role of their own account; the last enabled manager is neither disabled
    nor demoted. `target_id` is None for an account being added (its role is `new_role`);
    `enabled_managers` counts the enabled manager accounts, the target's included."""
    if not may(actor_role, Action.MANAGE_ACCOUNTS):
        return "account.refused.role"
    own_extension = action is AccountAction.SET_EXTENSION and target_id == actor_id
    if target_id is not None and target_id == actor_id and not own_extension:
        return "account.refused.own"
    if own_extension:
        return None
    managed = MANAGES.get(actor_role, frozenset())
    if action is not AccountAction.ADD and target_role not in managed:
        return "account.refused.only_manager"
    if (new_role is not None or action is AccountAction.ADD) and new_role not in managed:
        return "account.refused.give_role"
    last_manager = target_role == Role.MANAGER and target_active and enabled_managers <= 1
    if last_manager and action is AccountAction.DISABLE:
        return "account.refused.last_manager"
    demoted = action is AccountAction.SET_ROLE and new_role != Role.MANAGER
    if last_manager and demoted:
        return "account.refused.last_manager"
    return None
