"""Every service module that writes has a test calling it with an invalid command (blank
required fields, a date range backwards, an unknown id, a lower role) and asserting the
refusal (issue 24: "a test per service calls it with an invalid command").

The registry below names those tests; this guard fails for a module that commits and is
neither in it nor exempt with its reason, for a named test that does not exist, does not
expect a refusal (`pytest.raises`) or does not run on both backends (the `database` fixture),
and for an entry naming a module that no longer writes. A new writing module needs its
invalid-command test here."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "deskui" / "services"

INVALID_COMMAND_TESTS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "tests/services/test_account_service.py::"
        "test_the_first_manager_needs_no_sign_in_and_the_second_account_does",
    ),
    "agents": (
        "tests/services/test_agent_service.py::"
        "test_the_first_agent_leads_and_a_second_is_not_added_anonymously",
    ),
    "attachments": (
        "tests/services/test_attachment_service.py::"
        "test_a_file_too_big_is_refused_and_a_stranger_denied_nothing_written",
    ),
    "audit": (
        "tests/services/test_command_line_services.py::"
        "test_a_search_ending_before_it_starts_is_refused",
    ),
    "backups": (
        "tests/services/test_backup_service.py::"
        "test_a_lower_role_a_file_that_is_no_backup_and_a_backup_over_a_file_are_refused",
    ),
    "calendar": (
        "tests/services/test_calendar_service.py::"
        "test_an_agent_reads_the_days_but_may_not_mark_one",
    ),
    "callbacks": (
        "tests/services/test_callback_service.py::"
        "test_invalid_bookings_and_results_are_refused_with_the_callbacks_lifes_reason",
        "tests/services/test_callback_service.py::"
        "test_a_result_its_script_does_not_reach_is_refused_and_the_callback_stays_open",
    ),
    "calls": (
        "tests/services/test_call_service.py::test_a_hostile_post_is_refused_and_nothing_is_written",
    ),
    "complaints": (
        "tests/services/test_complaint_service.py::"
        "test_a_step_left_without_its_required_answers_is_refused",
    ),
    "correspondence": (
        "tests/services/test_correspondence_service.py::"
        "test_an_invalid_register_line_is_refused_with_the_forms_reason",
    ),
    "departments": (
        "tests/services/test_department_service.py::"
        "test_an_invalid_plan_is_refused_with_the_forms_reason",
    ),
    "exports": (
        "tests/services/test_command_line_services.py::"
        "test_an_unknown_kind_is_refused_with_its_reason",
    ),
    "handover": (
        "tests/services/test_handover_service.py::"
        "test_handing_over_to_oneself_is_refused_and_nothing_moves",
    ),
    "intake": (
        "tests/services/test_intake_service.py::"
        "test_an_invalid_call_is_refused_with_the_forms_reason",
    ),
    "notifications": (
        "tests/services/test_desk_service.py::"
        "test_a_notice_not_ones_own_or_none_at_all_is_refused_and_nothing_is_marked",
    ),
    "orders": ("tests/services/test_order_service.py::test_an_order_is_recorded_once_per_shop",),
    "phone_desk": (
        "tests/services/test_phone_desk_service.py::"
        "test_a_readiness_that_is_no_reason_or_from_a_department_member_is_refused",
    ),
    "pauses": (
        "tests/services/test_pause_service.py::"
        "test_a_pause_needs_a_reason_an_open_ticket_and_only_once",
    ),
    "profiles": ("tests/services/test_profile_service.py::test_sharing_customers_out_is_a_leads",),
    "privacy": (
        "tests/services/test_privacy_service.py::"
        "test_an_odd_number_finds_the_person_and_a_bad_request_is_refused",
    ),
    "reception": (
        "tests/services/test_reception_service.py::"
        "test_a_pass_ending_the_day_before_it_starts_is_refused_and_none_is_issued",
        "tests/services/test_reception_service.py::"
        "test_an_invalid_reception_command_is_refused_with_the_forms_reason",
    ),
    "relations": (
        "tests/services/test_relations_service.py::"
        "test_an_invalid_relations_command_is_refused_with_the_forms_reason",
    ),
    "replies": (
        "tests/services/test_reply_service.py::"
        "test_an_invalid_reply_is_refused_with_the_composers_reason",
    ),
    "site_settings": (
        "tests/services/test_site_settings_service.py::"
        "test_a_text_that_does_not_parse_is_refused_and_nothing_is_stored",
    ),
    "surveys": (
        "tests/services/test_survey_service.py::"
        "test_a_lead_records_a_form_and_it_leaves_the_missing_list",
    ),
    "team_report": (
        "tests/services/test_command_line_services.py::"
        "test_the_team_report_is_a_lead_s_over_at_most_a_year",
    ),
    "ticket_life": (
        "tests/services/test_ticket_life_service.py::"
        "test_an_invalid_command_is_refused_with_its_reason_and_nothing_written",
        "tests/services/test_ticket_life_service.py::test_who_may_not_move_a_record_is_refused",
    ),
    "tickets": (
        "tests/services/test_ticket_reassign_service.py::"
        "test_a_ticket_given_to_an_agent_no_longer_active_is_refused",
    ),
    "visits": (
        "tests/services/test_visit_service.py::"
        "test_a_visit_request_and_its_decision_are_refused_with_the_rules_reason",
    ),
    "web_desks": ("tests/test_web_desks.py::test_a_forged_name_or_id_is_refused",),
}
"""Module -> its invalid-command tests, as `path::test name`."""

NO_INVALID_COMMAND: dict[str, str] = {
    "claims": "claim_next_callback takes no command: the actor takes the next shared callback",
    "conduct": "a guardrail hit is what the screen's check found; one with no phrases writes "
    "nothing (test_measures_service)",
    "drafts": "a draft is the form as the agent left it, half typed by nature: any fields are "
    "a draft, and only the actor's own are read or written",
    "presence": "any subject is a place a desk may show; only the actor's own presence is written",
}
"""Writing modules whose commands have no invalid form, and why."""


def _writing_modules() -> set[str]:
    return {
        path.stem
        for path in SERVICES.glob("*.py")
        if path.stem != "__init__" and "uow.commit()" in path.read_text(encoding="utf-8")
    }


@cache
def _tests_in(path: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    source = (ROOT / path).read_text(encoding="utf-8")
    return {
        node.name: node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_writing_service_module_has_an_invalid_command_test_or_says_why_not() -> None:
    writing = _writing_modules()
    named = set(INVALID_COMMAND_TESTS) | set(NO_INVALID_COMMAND)
    assert not set(INVALID_COMMAND_TESTS) & set(NO_INVALID_COMMAND)
    assert sorted(writing - named) == [], "a writing service module without an invalid-command test"
    assert sorted(named - writing) == [], "an entry for a module that no longer writes"
    assert all(reason.strip() for reason in NO_INVALID_COMMAND.values())


def _expects_a_refusal(path: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`pytest.raises` in the test, or a refusal caught in a helper of its file it calls
    (tests/test_web_desks' `_start` returns the refusal's outcome for the test to assert)."""
    if "pytest.raises(" in ast.unparse(node):
        return True
    called = {
        call.func.id
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    }
    helpers = [helper for name, helper in _tests_in(path).items() if name in called]
    return any("pytest.raises(" in ast.unparse(h) or "except " in ast.unparse(h) for h in helpers)


def test_each_named_test_exists_expects_a_refusal_and_runs_on_both_backends() -> None:
    for module, tests in INVALID_COMMAND_TESTS.items():
        assert tests, module
        for test in tests:
            path, name = test.split("::")
            node = _tests_in(path).get(name)
            assert node is not None, f"{module}: {test} does not exist"
            assert _expects_a_refusal(path, node), f"{module}: {test} expects no refusal"
            arguments = {argument.arg for argument in node.args.args}
            assert "database" in arguments, f"{module}: {test} runs on one backend only"
