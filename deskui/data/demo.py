"""A realistic, deterministic demo desk: fixed seed, every time relative to the clock."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import site_zone
from deskui.domain.deadlines import callback_due, handover_ack_due, profile_filing_due
from deskui.domain.model import (
    COMPLAINT_CATEGORIES,
    QUESTION_CATEGORIES,
    CallbackPurpose,
    Channel,
    DeadlineKind,
    Role,
    Severity,
    SubjectType,
    TicketKind,
    TicketStatus,
)
from deskui.domain.phone import reversed_digits
from deskui.domain.routing import DEFAULT_DEPARTMENTS, DEFAULT_RULES, propose_department
from deskui.domain.ticket_life import TicketMove, TicketState, Transition, next_state

SEED = 20261123


def _handed_to_department() -> Transition:
    """The status the ticket's life gives an open ticket handed to a department."""
    decided = next_state(TicketState(TicketStatus.OPEN), TicketMove.HANDED_TO_DEPARTMENT)
    assert isinstance(decided, Transition)
    return decided


_TO_DEPARTMENT = _handed_to_department()

AGENTS: tuple[tuple[str, Role, str], ...] = (
    ("王芳", Role.AGENT, "产品咨询,培训"),
    ("李娜", Role.AGENT, "报修,投诉"),
    ("陈静", Role.AGENT, "网络,系统集成"),
    ("张伟", Role.LEAD, "投诉,销售"),
    ("刘洋", Role.MANAGER, ""),
)

CITIES = ("北京", "上海", "深圳", "广州", "杭州", "成都", "南京", "武汉", "西安", "苏州")
BRANDS = (
    "华强",
    "星辰",
    "恒通",
    "宏达",
    "金桥",
    "海纳",
    "博远",
    "瑞丰",
    "嘉禾",
    "天合",
    "新元",
    "鼎盛",
    "万象",
    "东方",
    "盛世",
    "永安",
    "晨光",
    "明德",
    "蓝海",
    "汇丰",
)
TRADES = ("电子有限公司", "传媒有限公司", "商贸有限公司", "科技有限公司", "餐饮店", "服饰专卖店")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
)
POSITIONS = ("总经理", "店长", "行政主管", "市场经理", "财务", "技术负责人")
CONVENIENT = ("工作日 9:00-11:30", "工作日 14:00-17:00", "周一至周六 10:00-18:00", "")
STREETS = ("中山路", "人民路", "解放路", "建设路")
AREA_CODES = ("010", "021", "0755", "020", "0571", "028")

WORDS: dict[str, tuple[str, ...]] = {
    "product_enquiry": ("想了解新款媒体机的价格和安装周期", "问下季度广告套餐有没有优惠"),
    "training": ("新来的店员不会用后台，想约一次培训",),
    "install_maintain": ("媒体机升级后黑屏，重启也没用", "二楼的屏幕一直闪，影响营业"),
    "system_integration": ("收银系统和你们的平台对接报错",),
    "usage": ("后台导出报表一直转圈，导不出来",),
    "repair": ("铺位门口的灯箱坏了，请派人来修",),
    "help": ("商场停车卡丢了，怎么补办",),
    "enquiry": ("下个月的物业费什么时候交",),
    "product_complaint": ("刚换的设备三天坏两次，太耽误事了", "屏幕质量太差，要求换新"),
    "business_service": ("业务员答应的优惠到现在都没兑现",),
    "service_quality": ("上次来修的师傅态度很差，还没修好就走了",),
    "network_line": ("网络从早上开始断断续续，广告播不出来",),
    "sales_complaint": ("销售说好包安装，现在又要收费",),
}
EXPECT = ("今天之内给个答复", "尽快派人上门", "退还多收的费用", "换一台新的", "")


NARROW_HOURS = "工作日 15:00-16:00"
"""A contact with narrow hours: their callback is moved and says why (issue 6)."""


def seed_demo(uow: UnitOfWork, now: datetime) -> None:
    """Fill an empty database with the demo desk as it stands at `now`."""
    rng = random.Random(SEED)
    session = uow.session
    # migration 0012 gives every new database the seed's departments and routing table
    have = set(session.scalars(select(m.Department.code)))
    for code, name_zh, name_en in DEFAULT_DEPARTMENTS:
        if code not in have:
            session.add(m.Department(code=code, name_zh=name_zh, name_en=name_en))
    if session.scalar(select(func.count()).select_from(m.RoutingRule)) == 0:
        for rule in DEFAULT_RULES:
            session.add(
                m.RoutingRule(
                    kind=rule.kind,
                    category=rule.category,
                    department_code=rule.department,
                    also=",".join(rule.also),
                )
            )
    start = now - timedelta(days=120)
    agents = []
    for number, (name, role, skills) in enumerate(AGENTS):
        agent = m.Agent(
            name=name,
            role=role,
            skills=skills,
            created_at=start,
            extension=str(8001 + number),  # issue 25: 王芳 answers at 8001, as the lab's PBX
        )
        session.add(agent)
        agents.append(agent)
    session.flush()
    desk_agents = [a for a in agents if a.role == Role.AGENT]

    customers = _customers(rng, desk_agents, start, now)
    # the contacts whose hours the callback demo shows, set before any callback is placed
    customers[10].contacts[0].convenient_time = NARROW_HOURS
    customers[3].contacts[0].convenient_time = ""
    session.add_all(customers)
    session.flush()
    for customer in customers:
        uow.customers.index_customer_names(customer.id)

    # tickets of every kind and severity, opened at different times so countdowns vary
    severities = [Severity.NORMAL] * 6 + [Severity.URGENT] * 3 + [Severity.CRITICAL]
    for index in range(42):
        customer = customers[index % len(customers)]
        kind = TicketKind.COMPLAINT if index % 3 == 0 else TicketKind.QUESTION
        pool = COMPLAINT_CATEGORIES if kind is TicketKind.COMPLAINT else QUESTION_CATEGORIES
        category = pool[index % len(pool)]
        severity = severities[index % len(severities)]
        owner = desk_agents[index % len(desk_agents)] if index % 7 else agents[3]
        opened = now - timedelta(minutes=rng.randint(10, 60 * 30))
        proposal = propose_department(kind, category, DEFAULT_RULES)
        contact = customer.contacts[0] if customer.contacts else None
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=customer.id,
                contact_id=contact.id if contact else None,
                kind=kind,
                category=category,
                channel=rng.choice(list(Channel)),
                severity=severity,
                customer_words=rng.choice(WORDS[category]),
                expectation=rng.choice(EXPECT),
                unit_number=customer.unit_number,
                caller_phone=customer.phone_e164 or "",
            ),
            owner.id,
            opened,
            department_code=proposal.department if proposal else None,
        )
        if index % 5 == 4:  # some are already answered and closed
            ticket = session.get_one(m.Ticket, ticket_id)
            ticket.status = "closed"
            ticket.closed_at = opened + timedelta(minutes=20)
            ticket.answer = "已电话答复客户"
            uow.deadlines.meet_deadlines(SubjectType.TICKET, ticket_id, ticket.closed_at)

    # callbacks: some due today, some overdue, some next week (seed 000:2.5), each at a time
    # the customer may be called, never in their rest time or at night (seed 000:2.5.2.1)
    from deskui.data.callback_store import placement_code
    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.callbacks import Placement, calling_hours_for, last_window_start, place_call

    calendar = BusinessCalendar(uow.calendar.calendar_overrides())
    rules = uow.rules.callbacks
    purposes = list(CallbackPurpose)
    for index in range(24):
        customer = customers[(index * 3 + 1) % len(customers)]
        agent = desk_agents[index % len(desk_agents)]
        event_at = now - timedelta(hours=rng.randint(2, 8 * 24))
        wanted = callback_due(uow.policy, event_at)
        convenient = [c.convenient_time for c in customer.contacts[:1]]
        hours = calling_hours_for(convenient, rules)
        placement = place_call(wanted, hours, calendar, rules.rest_hours)
        if wanted < now and placement.at >= now:  # an overdue one stays overdue, at a callable
            earlier = last_window_start(wanted, wanted - timedelta(days=14), hours, calendar)
            placement = Placement(earlier, placement.reason) if earlier else placement
        due = placement.at
        callback = m.Callback(
            customer_id=customer.id,
            contact_id=customer.contacts[0].id if customer.contacts else None,
            agent_id=agent.id,
            purpose=purposes[index % len(purposes)],
            way="phone",
            status="pending",
            due_at=due,
            moved_from=wanted if placement.moved else None,
            moved_reason=placement_code(placement),
            created_at=event_at,
        )
        session.add(callback)
        session.flush()
        uow.deadlines.add_deadline(
            DeadlineKind.CALLBACK,
            SubjectType.CALLBACK,
            callback.id,
            agent.id,
            event_at,
            due,
            label=str(callback.purpose),  # as CallbackStore labels a callback's deadline
            customer_id=customer.id,
        )

    # new customers still to be filed by CS within 24 hours (seed 000:1.4.3)
    for customer in customers[-3:]:
        filed_from = now - timedelta(hours=rng.randint(2, 20))
        filing_id = uow.deadlines.add_deadline(
            DeadlineKind.PROFILE_FILING,
            SubjectType.CUSTOMER,
            customer.id,
            customer.assigned_agent_id,
            filed_from,
            profile_filing_due(uow.policy, "cs", filed_from),
            customer_id=customer.id,
        )
        uow.session.get_one(m.Deadline, filing_id).note = "cs"

    # a pending handover from the last shift, not yet acknowledged (seed 004)
    giver, taker = desk_agents[1], desk_agents[0]
    shift_start = now - timedelta(minutes=20)
    for title, sheet, customer in (
        ("快递未更新物流，需继续催件", "courier", customers[5]),
        ("客户要求退货，待协商", "return", customers[8]),
    ):
        item = m.HandoverItem(
            sheet=sheet,
            status="handed_over",
            customer_id=customer.id,
            from_agent_id=giver.id,
            to_agent_id=taker.id,
            title=title,
            done_so_far="已联系快递公司，暂无结果",
            next_step="今天下午再次联系并回复客户",
            note="客户比较着急",
            due_at=now + timedelta(hours=6),
            handed_over_at=shift_start,
            created_at=shift_start - timedelta(hours=3),
        )
        session.add(item)
        session.flush()
        uow.deadlines.add_deadline(
            DeadlineKind.HANDOVER_ACK,
            SubjectType.HANDOVER_ITEM,
            item.id,
            taker.id,
            shift_start,
            handover_ack_due(uow.policy, shift_start),
            label=title,
            customer_id=customer.id,
        )

    _seed_orders(uow, now, desk_agents)
    _seed_complaints(uow, now, desk_agents[0], customers)

    _seed_callbacks(uow, now, customers, desk_agents)
    _seed_department_legs(uow, now)
    _seed_reception(uow, now)
    _seed_attachment(uow, now)
    _seed_relations(uow, now)
    _seed_calls(uow, now, customers, desk_agents[0])
    uow.session.flush()
    uow.accounts.mark_demo()  # the demo's people sign in from the pick list, no password


def _seed_calls(
    uow: UnitOfWork, now: datetime, customers: list[m.Customer], agent: m.Agent
) -> None:
    """This morning's calls from the phone system (issue 25): two answered at 王芳's 8001,
    one she made, and a caller nobody knows who hung up while it rang (no callback: a
    callback needs a customer), so the caller log and the floor have rows."""
    from deskui.domain.calls import CallEventKind, Direction, apply_event, parse_event

    ext = agent.extension or ""
    plans = [
        ("demo-1@pbx", customers[2].phone_e164, Direction.IN, timedelta(hours=-2), 8, 190),
        ("demo-2@pbx", customers[5].phone_e164, Direction.IN, timedelta(minutes=-75), 14, 260),
        ("demo-3@pbx", customers[7].phone_e164, Direction.OUT, timedelta(minutes=-50), 11, 95),
        ("demo-4@pbx", "+8613900139000", Direction.IN, timedelta(minutes=-40), None, 18),
    ]
    for call_id, number, direction, offset, answer_after, end_after in plans:
        start = now + offset
        party: dict[str, object] = {"from": number or "", "to": "95000"}
        if direction is Direction.OUT:
            party = {"from": ext, "to": number or ""}
        steps = [(CallEventKind.NEW_CALL, 0)]
        if answer_after is not None:
            steps.append((CallEventKind.ANSWER, answer_after))
        steps.append((CallEventKind.HANGUP, end_after))
        call = None
        facts = None
        for kind, seconds in steps:
            at = start + timedelta(seconds=seconds)
            fields: dict[str, object] = {"event": str(kind), "callId": call_id}
            fields["direction"] = str(direction)
            fields |= {**party, "user": [ext], "answeringNumber": ext}
            fields["cause"] = "normalClearing" if answer_after is not None else "cancel"
            step = apply_event(facts, parse_event(fields), at)
            facts = step.facts
            if call is None:
                call = uow.calls.new_call("cti", call_id, facts, at)
                call.customer_id = uow.calls.customer_of(call.party_number)
            else:
                uow.calls.apply(call, facts, at)
            call.rings = [agent.id]
            if step.answered:
                call.agent_id = agent.id
            uow.calls.insert_new()
            uow.calls.add_event(call.id, str(kind), at, str(step.effect), fields)
        if call is not None:
            uow.calls.call_changed(call, now)


def _seed_orders(uow: UnitOfWork, now: datetime, desk_agents: list[m.Agent]) -> None:
    """Shop orders for the follow-up lists and one hand-entered payment item (seed 004)."""
    from deskui.data.handover_store import NewHandoverItem

    zone = site_zone()
    agent = desk_agents[0]

    def local(delta: timedelta) -> str:
        return (now + delta).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    today_16 = (now.astimezone(zone)).replace(hour=16, minute=0, second=0, microsecond=0)
    in_window = today_16 - timedelta(days=1, hours=20) - now  # early in the morning list
    orders = (
        {"number": "T20261101", "shop": "按摩器旗舰店", "customer": "周女士",
         "paid_at": local(in_window)},
        {"number": "T20261102", "shop": "按摩器旗舰店", "customer": "吴先生",
         "paid_at": local(in_window + timedelta(hours=3))},
        {"number": "T20261103", "shop": "健康专营店", "customer": "郑先生",
         "paid_at": local(timedelta(days=-6)), "shipped_at": local(timedelta(days=-5)),
         "courier": "中通快递", "tracking_number": "ZT7781234501",
         "last_tracking_at": local(timedelta(days=-3))},
        {"number": "T20261104", "shop": "健康专营店", "customer": "孙女士",
         "paid_at": local(timedelta(days=-6)), "shipped_at": local(timedelta(days=-5)),
         "courier": "中国邮政", "tracking_number": "9890012345678",
         "last_tracking_at": local(timedelta(days=-4))},
        {"number": "T20261105", "shop": "按摩器旗舰店", "customer": "冯女士",
         "paid_at": local(timedelta(days=-3)), "shipped_at": local(timedelta(days=-2)),
         "courier": "圆通速递", "tracking_number": "YT5550001122",
         "last_tracking_at": local(timedelta(hours=-10)), "problem": "refused"},
        {"number": "T20261106", "shop": "按摩器旗舰店", "customer": "陈先生"},
        {"number": "T20261107", "shop": "健康专营店", "customer": "褚女士",
         "paid_at": local(timedelta(days=-12)), "shipped_at": local(timedelta(days=-11)),
         "courier": "顺丰速运", "tracking_number": "SF1234567890",
         "last_tracking_at": local(timedelta(days=-9)),
         "received_at": local(timedelta(days=-9))},
    )  # fmt: skip
    ids = [
        uow.handover.add_order(fields, agent.id, now - timedelta(hours=1), zone)
        for fields in orders
    ]
    uow.handover.record_return_step(ids[-1], "negotiate", "同意换货，颜色换成灰色", agent.id, now)
    uow.handover.add_handover_item(
        NewHandoverItem(
            sheet="payment",
            title="支付宝补差价 20 元未到账",
            customer_name="周女士",
            done_so_far="已提交财务",
            next_step="财务确认后告知顾客",
            note="顾客下午会再来问",
            due_at=now + timedelta(hours=5),
        ),
        agent.id,
        now - timedelta(hours=2),
    )


def _customers(
    rng: random.Random, agents: list[m.Agent], start: datetime, now: datetime
) -> list[m.Customer]:
    customers: list[m.Customer] = []
    switchboard = "+861088886666"  # a shared switchboard number: two customers answer on it
    for index in range(80):
        city = CITIES[index % len(CITIES)]
        brand = BRANDS[(index * 7) % len(BRANDS)]
        trade = TRADES[index % len(TRADES)]
        if index in (0, 1):
            phone = switchboard
        elif index % 2:
            phone = f"+861{rng.choice('3578')}{rng.randint(100000000, 999999999)}"
        else:
            area = rng.choice(AREA_CODES)
            phone = f"+86{area[1:]}{rng.randint(20000000, 89999999)}"
        customer = m.Customer(
            name=f"{city}{brand}{trade}",
            address=f"{city}市{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            phone_e164=phone,
            phone_reversed=reversed_digits(phone),
            unit_number=f"{'ABC'[index % 3]}-{100 + index}",
            assigned_agent_id=agents[index % len(agents)].id,
            contract_signed_on=(start + timedelta(days=index)).date(),
            created_at=start + timedelta(days=index),
            updated_at=start + timedelta(days=index),
        )
        for number in range(1 + index % 3):
            surname = SURNAMES[(index + number * 5) % len(SURNAMES)]
            given = GIVEN[(index * 3 + number) % len(GIVEN)]
            mobile = f"+8613{rng.randint(100000000, 999999999)}"
            customer.contacts.append(
                m.Contact(
                    name=f"{surname}{given}",
                    role="principal" if number == 0 else "liaison",
                    position=POSITIONS[(index + number) % len(POSITIONS)],
                    gender="male" if (index + number) % 2 else "female",
                    phone_e164=mobile,
                    phone_reversed=reversed_digits(mobile),
                    email=f"contact{index}_{number}@example.cn",
                    birthday=date(1970 + index % 30, 1 + index % 12, 1 + index % 28),
                    convenient_time=CONVENIENT[(index + number) % len(CONVENIENT)],
                )
            )
        customers.append(customer)
    return customers


def _seed_callbacks(
    uow: UnitOfWork, now: datetime, customers: list[m.Customer], desk_agents: list[m.Agent]
) -> None:
    """Callbacks (issue 6): a contact with narrow hours whose callback was moved and says
    why, a routine callback due this morning, a due shared one, a visit request pending."""
    from deskui.domain.calendar import BusinessCalendar

    calendar = BusinessCalendar()
    agent = desk_agents[0]
    narrow = customers[10]
    uow.callbacks.add_callback(
        narrow.id, CallbackPurpose.ROUTINE, now, now, calendar, agent_id=agent.id,
        contact_id=narrow.contacts[0].id, due_at=now + timedelta(hours=2),
    )  # fmt: skip
    plain = customers[3]
    uow.callbacks.add_callback(
        plain.id, CallbackPurpose.ROUTINE, now, now, calendar, agent_id=agent.id,
        due_at=calendar.add_working_days(now, 0) + timedelta(minutes=40),
    )  # fmt: skip
    uow.callbacks.add_callback(
        customers[12].id, CallbackPurpose.EQUIPMENT_CHECK, now, now, calendar,
        agent_id=desk_agents[1].id, shared=True, due_at=now + timedelta(minutes=30),
    )  # fmt: skip
    today = now.astimezone(calendar.tz).date()
    uow.callbacks.request_visit(
        customers[4].id, agent.id, now, reason="客户要求上门检查二楼的媒体机",
        frequency="每月一次", first_date=today + timedelta(days=7),
        end_date=today + timedelta(days=97),
        confirmation_form="媒体机运行正常／有问题需解决；客户对产品和服务的评价与建议",
        feedback_frequency="每次回访后", feedback_times="回访当天下班前",
    )  # fmt: skip
    _seed_callback_rules(uow, now, customers, desk_agents)


def _seed_callback_rules(
    uow: UnitOfWork, now: datetime, customers: list[m.Customer], desk_agents: list[m.Agent]
) -> None:
    """A customer whose sales head confirms every callback first (with one due this
    afternoon), this quarter's survey forms with three still missing, a promotion ahead."""
    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.callbacks import CallbackRules, survey_quarter

    calendar = BusinessCalendar()
    lead = uow.session.scalars(select(m.Agent).where(m.Agent.role == Role.LEAD)).first()
    assert lead is not None
    flagged = customers[6]
    flagged.needs_sales_confirmation = True  # seed 000:2.5.2.1
    uow.callbacks.add_callback(
        flagged.id, CallbackPurpose.ROUTINE, now, now, calendar, agent_id=desk_agents[0].id,
        contact_id=flagged.contacts[0].id, due_at=now + timedelta(hours=6),
    )  # fmt: skip
    quarter = survey_quarter(now, CallbackRules())
    missing = {customers[7].id, customers[15].id, customers[23].id}
    for index, customer in enumerate(customers):
        if customer.id in missing:
            continue
        received = min(quarter.starts_at + timedelta(days=1 + index % 9, hours=2), now)
        uow.session.add(
            m.SurveyForm(
                customer_id=customer.id,
                department_code="",
                year=quarter.year,
                quarter=quarter.quarter,
                received_from=("营销中心 赵磊", "产品销售中心 孙丽", "媒体开发部 周强")[index % 3],
                submitted_at=received,
                score=(5, 4, 4, 3, 5)[index % 5],
                note="",
                received_by_id=lead.id,
                recorded_at=received,
            )
        )
    today = now.astimezone(calendar.tz).date()
    uow.session.add(
        m.Promotion(
            name="年终感恩促销",
            starts_on=today + timedelta(days=10),
            ends_on=today + timedelta(days=24),
            created_by_id=lead.id,
            created_at=now - timedelta(days=2),
        )
    )
    uow.session.flush()


def _seed_complaints(
    uow: UnitOfWork, now: datetime, agent: m.Agent, customers: list[m.Customer]
) -> None:
    """An angry caller's complaint ready for its seven steps (seed 001:6), and a written one
    forwarded late by the business department, with the repeat it caused (seed 000:3.2.2-3)."""
    angry, writer = customers[10], customers[12]
    uow.tickets.open_ticket(
        NewTicket(
            customer_id=angry.id,
            contact_id=angry.contacts[0].id,
            kind=TicketKind.COMPLAINT,
            category="network_line",
            channel=Channel.PHONE,
            severity=Severity.NORMAL,
            customer_words="你们的网络从早上断到现在，广告一条都播不出去！"
            "打了三次电话都没人管，再这样我们就不续约了！",
            expectation="今天之内修好",
            unit_number=angry.unit_number,
            caller_phone=angry.contacts[0].phone_e164 or "",
        ),
        agent.id,
        now - timedelta(minutes=3),
        department_code="platform",
    )
    received_on = (now - timedelta(days=4)).astimezone(site_zone()).date()
    uow.tickets.open_ticket(
        NewTicket(
            customer_id=writer.id,
            contact_id=writer.contacts[0].id,
            kind=TicketKind.COMPLAINT,
            category="business_service",
            channel=Channel.PHONE,
            severity=Severity.NORMAL,
            customer_words="优惠的事还是没有人回复我",
            unit_number=writer.unit_number,
        ),
        agent.id,
        now - timedelta(days=2),
        department_code="business",
    )
    letter = uow.tickets.open_ticket(
        NewTicket(
            customer_id=writer.id,
            contact_id=writer.contacts[0].id,
            kind=TicketKind.COMPLAINT,
            category="business_service",
            channel=Channel.DEPARTMENT,
            severity=Severity.NORMAL,
            customer_words="来信：业务员答应的广告位八折优惠到现在都没有兑现，"
            "打电话给业务部也没有回音，请给个书面答复。",
            expectation="书面答复并兑现优惠",
            unit_number=writer.unit_number,
            received_by_department_on=received_on,
        ),
        agent.id,
        now - timedelta(hours=1),
        department_code="business",
    )
    uow.complaints.record_forwarded(letter, "business", received_on, now - timedelta(hours=1))


def _seed_department_legs(uow: UnitOfWork, now: datetime) -> None:
    """赵磊 of the technical department; one ticket with them awaiting its plan, one just
    handed over (seed 002:2.3.2)."""
    from sqlalchemy import select

    uow.frontdesk.add_department_member("赵磊", "technical", now - timedelta(days=120))
    member = uow.session.scalar(select(m.Agent.id).where(m.Agent.name == "赵磊"))
    assert member is not None
    query = (
        select(m.Ticket)
        .join(m.Department, m.Department.id == m.Ticket.department_id)
        .where(
            m.Department.code == "technical",
            m.Ticket.kind == TicketKind.QUESTION,  # product complaints reach them too (0012)
            m.Ticket.closed_at.is_(None),
        )
        .order_by(m.Ticket.id)
        .limit(2)
    )
    tickets = list(uow.session.scalars(query))
    if tickets:
        leg = uow.frontdesk.hand_to_department(
            tickets[0].id,
            "technical",
            tickets[0].owner_id,
            now - timedelta(hours=3),
            _TO_DEPARTMENT,
            "客户急用",
        )
        uow.frontdesk.accept_leg(leg, member, now - timedelta(hours=2))
    if len(tickets) > 1:
        uow.frontdesk.hand_to_department(
            tickets[1].id,
            "technical",
            tickets[1].owner_id,
            now - timedelta(minutes=30),
            _TO_DEPARTMENT,
        )


def _seed_reception(uow: UnitOfWork, now: datetime) -> None:
    """Today's booked visitors, a walk-in, a pass that expires today, an urgent message for
    the manager, an unsigned fax (seed 001:4)."""
    from sqlalchemy import select

    from deskui.domain.reception import local_day

    ids = {name: id_ for name, id_ in uow.session.execute(select(m.Agent.name, m.Agent.id))}
    desk, lead, manager = ids["李娜"], ids["张伟"], ids["刘洋"]
    _, day_end = local_day(now, site_zone())
    for hours, visitor, company, host, prepare in (
        (1.5, "周明", "星辰科技", "张伟", "会议室 A，投影，两份合同复印件"),
        (5, "孙丽", "华强物业", "刘洋", "年度服务报告，茶水"),
        (7, "吴刚", "恒通网络", "陈静", "机房参观登记表"),
    ):
        uow.reception.add_visit(
            desk,
            now - timedelta(days=1),
            visitor=visitor,
            company=company,
            purpose="商务洽谈",
            host=host,
            prepare=prepare,
            expected_at=min(now + timedelta(hours=hours), day_end - timedelta(minutes=5)),
        )
    uow.reception.add_visit(
        desk,
        now - timedelta(minutes=20),
        visitor="郑强",
        company="宏达商贸",
        purpose="宽带经常掉线，想当面问问",
        host="李娜",
    )
    uow.reception.issue_pass(
        desk,
        now - timedelta(days=6),
        company="金桥装饰工程",
        people="马涛、何军、林东",
        area="3 楼机房走廊",
        valid_from=now - timedelta(days=6),
        valid_to=min(now + timedelta(hours=8), day_end - timedelta(minutes=1)),
        issued_by="张伟",
    )
    uow.reception.issue_pass(
        lead,
        now - timedelta(days=1),
        company="华强电力安装",
        people="赵亮、钱伟",
        area="地下配电室",
        valid_from=now - timedelta(days=1),
        valid_to=now + timedelta(days=10),
        issued_by="张伟",
    )
    uow.reception.take_message(
        desk,
        now - timedelta(minutes=10),
        for_agent_id=manager,
        from_name="星辰科技 周总",
        from_number="+8613800138000",
        message="合同条款有变，请今天上午回电",
        urgent=True,
    )
    uow.reception.take_message(
        desk,
        now - timedelta(minutes=40),
        for_agent_id=lead,
        from_name="财务部 小王",
        from_number="8021",
        message="报销单已退回，请补签字",
    )
    uow.reception.register_mail(
        desk,
        now - timedelta(hours=5),
        at=now - timedelta(hours=5),
        direction="received",
        kind="fax",
        category="合同",
        party="星辰科技",
        handed_to="刘洋",
        archive=True,
        note="原件字迹较淡，已复印一份一并转交",
    )
    uow.reception.register_mail(
        desk,
        now - timedelta(hours=1),
        at=now - timedelta(hours=1),
        direction="received",
        kind="parcel",
        category="样品",
        party="恒通网络",
        handed_to="陈静",
    )


def _seed_attachment(uow: UnitOfWork, now: datetime) -> None:
    """A complex problem sent by e-mail, kept with its ticket (seed 002:2.2.2)."""
    import hashlib

    from sqlalchemy import select

    ticket = uow.session.scalars(
        select(m.Ticket).where(m.Ticket.kind == "complaint").order_by(m.Ticket.id).limit(1)
    ).one()
    content = (
        "发件人: 客户\n主题: 设备故障说明\n\n"
        "您好，附上故障现象说明：屏幕每天下午三点左右黑屏，重启后恢复。\n"
    ).encode()
    uow.session.add(
        m.Attachment(
            ticket_id=ticket.id,
            filename="故障说明.eml",
            media_type="message/rfc822",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            storage="database",
            content=content,
            added_by_id=ticket.owner_id,
            added_at=now - timedelta(minutes=30),
        )
    )


def _seed_relations(uow: UnitOfWork, now: datetime) -> None:
    """Customer relations (seed 000:1.4.7, 2.5.5, 4): a prospect CS follows itself, found in
    a callback two days ago, and one handed to the business department; a gift sent
    yesterday with its confirmation callback due, one confirmed; an event next month with
    its plan due and invitees, and last month's with attendance recorded."""
    from sqlalchemy import select

    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.reception import local_day

    zone = site_zone()
    calendar = BusinessCalendar()
    ids = {name: id_ for name, id_ in uow.session.execute(select(m.Agent.name, m.Agent.id))}
    desk, organiser, lead = ids["李娜"], ids["陈静"], ids["张伟"]
    customers = list(uow.session.scalars(select(m.Customer).order_by(m.Customer.id)))

    def pair(index: int) -> tuple[int, int]:
        return customers[index].id, customers[index].contacts[0].id

    found_in, contact = pair(4)
    call = uow.callbacks.add_callback(
        found_in, CallbackPurpose.ROUTINE, now - timedelta(days=3), now - timedelta(days=3),
        calendar, agent_id=desk, contact_id=contact, due_at=now - timedelta(days=2),
    )  # fmt: skip
    uow.callbacks.record_callback(
        call, desk, now - timedelta(days=2), {"convenient": "yes", "satisfaction": "satisfied"}
    )
    uow.relations.record_prospect(
        desk, now - timedelta(days=2), customer_id=found_in, contact_id=contact,
        interest="想在商场中庭加投两块广告屏，问年底有没有档期", source_callback_id=call,
    )  # fmt: skip
    customer, contact = pair(13)
    uow.relations.record_prospect(
        desk, now - timedelta(hours=20), customer_id=customer, contact_id=contact,
        interest="年底想做一次促销投放，希望业务部给个方案", department_code="business",
        person="钱伟",
    )  # fmt: skip

    customer, contact = pair(7)
    uow.relations.record_gift(
        desk, now - timedelta(hours=17), calendar, customer_id=customer, contact_id=contact,
        gift="新年台历和定制保温杯", sent_at=now - timedelta(hours=18), sent_by="业务部 钱伟",
    )  # fmt: skip
    customer, contact = pair(19)
    confirmed = uow.relations.record_gift(
        desk, now - timedelta(days=5), calendar, customer_id=customer, contact_id=contact,
        gift="中秋月饼礼盒", sent_at=now - timedelta(days=5, hours=2), sent_by="业务部 孙丽",
    )  # fmt: skip
    uow.relations.confirm_gift(confirmed.gift_id, desk, now - timedelta(days=3), True, "客户已收到")

    today = local_day(now, zone)[0].astimezone(zone).date()
    coming = uow.relations.add_event(
        lead, now - timedelta(days=3), zone, name="2026 年终客户答谢会",
        event_on=today + timedelta(days=35), place="酒店三楼宴会厅", owner_id=organiser,
    )  # fmt: skip
    uow.relations.invite(
        coming, organiser, now - timedelta(days=2), [pair(i) for i in (1, 4, 7, 10)]
    )
    invitees = uow.relations.invitee_rows(coming, 0, 10)
    for invitee, way in zip(invitees[:3], ("phone", "email", "phone"), strict=True):
        uow.relations.invitation_sent(
            invitee.id, now - timedelta(days=1), at=now - timedelta(days=1), way=way,
            invited_by="业务部 钱伟",
        )  # fmt: skip
    uow.relations.record_attendance(
        invitees[2].id, now - timedelta(hours=5), zone, "declined", "年底出差"
    )

    held = today - timedelta(days=24)
    past = uow.relations.add_event(
        lead, now - timedelta(days=60), zone, name="秋季新品品鉴会", event_on=held,
        place="一楼展厅", owner_id=organiser,
    )  # fmt: skip
    uow.relations.record_plan(
        past, organiser, now - timedelta(days=56), "新品演示、茶歇、抽奖；预算一万五千元",
        "企划部 周强",
    )  # fmt: skip
    uow.relations.invite(past, organiser, now - timedelta(days=50), [pair(i) for i in (2, 5, 8)])
    after = datetime.combine(held, datetime.min.time(), tzinfo=zone) + timedelta(hours=20)
    for invitee, attendance in zip(
        uow.relations.invitee_rows(past, 0, 10), ("attended", "attended", "no_show"), strict=True
    ):
        uow.relations.invitation_sent(
            invitee.id, now - timedelta(days=45), at=now - timedelta(days=45), way="letter",
            invited_by="业务部 孙丽",
        )  # fmt: skip
        uow.relations.record_attendance(invitee.id, after, zone, attendance)
