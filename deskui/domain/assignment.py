"""Assign customers to agents, balancing how many each holds and what each knows (seed 000:1.3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AgentLoad:
    """An agent who can take customers: their skills and how many customers they hold now."""

    id: int
    skills: frozenset[str] = frozenset()
    load: int = 0


@dataclass(frozen=True, slots=True)
class CustomerNeed:
    """A customer to assign, and the skill it needs (None: any agent will do)."""

    id: int
    skill: str | None = None


def parse_skills(text: str) -> frozenset[str]:
    """`"产品咨询,培训"` (Agent.skills) -> {"产品咨询", "培训"}; 、 and ， separate too."""
    for separator in ("，", "、", ";", "；"):
        text = text.replace(separator, ",")
    return frozenset(part.strip() for part in text.split(",") if part.strip())


def assign_customers(
    agents: Iterable[AgentLoad], customers: Iterable[CustomerNeed]
) -> dict[int, int]:
    """customer id -> agent id. Each customer goes to the least-loaded agent with its skill
    (any agent when nobody has it, or none is needed); ties go to the lowest agent id.

    Deterministic: the same input gives the same mapping whatever order it came in. Customers
    needing a skill are placed first, so generalist customers fill in around them.
    """
    pool = sorted(agents, key=lambda a: a.id)
    if not pool:
        return {}
    load: dict[int, int] = {a.id: a.load for a in pool}
    wanted = sorted(customers, key=lambda c: (c.skill is None, c.skill or "", c.id))
    mapping: dict[int, int] = {}
    for customer in wanted:
        skilled = [a for a in pool if customer.skill is not None and customer.skill in a.skills]
        candidates = skilled or pool
        chosen = min(candidates, key=lambda a: (load[a.id], a.id))
        mapping[customer.id] = chosen.id
        load[chosen.id] += 1
    return mapping


def loads_after(agents: Iterable[AgentLoad], mapping: Mapping[int, int]) -> dict[int, int]:
    """Each agent's load once `mapping` is applied: what the lead sees before accepting."""
    load = {a.id: a.load for a in agents}
    for agent_id in mapping.values():
        load[agent_id] = load.get(agent_id, 0) + 1
    return load


@dataclass(frozen=True, slots=True)
class Lead:
    """An active team lead (客服主管 / 组长) and their team."""

    id: int
    team: str


def leads_for(team: str, leads: Iterable[Lead]) -> tuple[Lead, ...]:
    """Which leads a matter of `team` goes to: the team's own leads, in the order they were
    added; when the team has none, every active lead, in that order. One rule for both:
    a complaint the agent cannot fix goes to their group's lead ("将电话转交小组负责人",
    seed 002:2.4.1), and a handover item nobody acknowledged to the incoming agent's team
    lead (seed 004 after-sales 8), never to a stranger's lead while the team has its own."""
    every = sorted(leads, key=lambda lead: lead.id)
    own = tuple(lead for lead in every if lead.team == team)
    return own or tuple(every)


def lead_taking_over(team: str, leads: Iterable[Lead]) -> Lead | None:
    """The one lead who takes a complaint over (seed 002:2.4.1): the first of `leads_for`;
    None when the desk has no active lead at all."""
    chosen = leads_for(team, leads)
    return chosen[0] if chosen else None
