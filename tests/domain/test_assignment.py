"""Customers go to agents balancing count and skill (seed 000:1.3)."""

from __future__ import annotations

import random

from deskui.domain.assignment import (
    AgentLoad,
    CustomerNeed,
    assign_customers,
    loads_after,
    parse_skills,
)


def test_no_agents_assigns_nobody() -> None:
    assert assign_customers([], [CustomerNeed(1)]) == {}


def test_counts_are_balanced_when_no_skill_is_needed() -> None:
    agents = [AgentLoad(1), AgentLoad(2), AgentLoad(3)]
    mapping = assign_customers(agents, [CustomerNeed(i) for i in range(10, 19)])
    assert sorted(loads_after(agents, mapping).values()) == [3, 3, 3]


def test_current_load_is_counted_first() -> None:
    agents = [AgentLoad(1, load=5), AgentLoad(2, load=0)]
    mapping = assign_customers(agents, [CustomerNeed(i) for i in range(4)])
    assert list(mapping.values()) == [2, 2, 2, 2]


def test_skill_wins_over_count() -> None:
    agents = [AgentLoad(1, frozenset({"投诉"}), load=4), AgentLoad(2, load=0)]
    assert assign_customers(agents, [CustomerNeed(7, "投诉")]) == {7: 1}


def test_among_skilled_agents_the_least_loaded() -> None:
    agents = [
        AgentLoad(1, frozenset({"报修"}), load=3),
        AgentLoad(2, frozenset({"报修"}), load=1),
        AgentLoad(3, load=0),
    ]
    assert assign_customers(agents, [CustomerNeed(9, "报修")]) == {9: 2}


def test_a_skill_nobody_has_goes_to_the_least_loaded() -> None:
    agents = [AgentLoad(1, load=2), AgentLoad(2, frozenset({"培训"}), load=1)]
    assert assign_customers(agents, [CustomerNeed(3, "网络")]) == {3: 2}


def test_skilled_customers_placed_before_generalists() -> None:
    agents = [AgentLoad(1, frozenset({"销售"})), AgentLoad(2)]
    mapping = assign_customers(agents, [CustomerNeed(1), CustomerNeed(2, "销售")])
    assert mapping == {2: 1, 1: 2}


def test_ties_go_to_the_lowest_id() -> None:
    assert assign_customers([AgentLoad(5), AgentLoad(3)], [CustomerNeed(1)]) == {1: 3}


def test_same_answer_whatever_the_input_order() -> None:
    agents = [AgentLoad(i, frozenset({"投诉"} if i % 2 else set()), load=i % 3) for i in range(6)]
    customers = [CustomerNeed(i, "投诉" if i % 4 == 0 else None) for i in range(40)]
    expected = assign_customers(agents, customers)
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(agents)
        rng.shuffle(customers)
        assert assign_customers(agents, customers) == expected


def test_skills_text_as_stored_on_the_agent() -> None:
    assert parse_skills("产品咨询,培训") == {"产品咨询", "培训"}
    assert parse_skills(" 报修、投诉 ，网络 ") == {"报修", "投诉", "网络"}
    assert parse_skills("") == frozenset()
