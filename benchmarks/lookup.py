"""Caller lookup at 1,000,000 customers: the repository beside raw sqlite3, and the
keystroke-to-painted-card time in the app beside a bare Input (issue 4, "Measured").

    /work/venv/bin/python benchmarks/lookup.py [--customers 1000000] [--queries 2000]
        [--scan-queries 60] [--numbers 30] [--key-interval 0.15] [--workdir DIR]

1. Database. `Database(url).upgrade()` creates the schema (the app's migrations), the agent
   王芳 is added with the repository (`UnitOfWork` + `uow.agents.add_agent`), then the customers,
   one contact each and their `search_gram` rows are written with raw sqlite3 `executemany`
   in big transactions, BYPASSING THE ORM for speed (same columns the ORM writes:
   phone_e164 in E.164, phone_reversed = `reversed_digits(phone_e164)`, grams =
   `name_grams(customer name) | name_grams(contact name)`, as `index_customer_names` does).
   Secondary indexes are dropped for the load and re-created from their own CREATE INDEX
   text; the file is left in WAL mode like the app's. Names are built from a city, a 字号
   drawn from a skewed character pool (so some pieces are common and many rare), an industry
   and a legal form; contacts are a frequency-weighted surname plus given name. Customers'
   phones are CN landlines (2- and 3-digit area codes) or mobiles, contacts' are mobiles, all
   distinct. The file is cached as WORKDIR/lookup-N.sqlite3 (WORKDIR defaults to
   $TMPDIR/deskui-bench) and reused when its sidecar .json says the same N and build version.

2. Lookups, same file, same run, after a warm-up pass on other queries. For each kind of
   query (exact number as typed, e.g. 13812345678 / 075526668888; last 4 digits; a name
   fragment of 2-4 characters cut from a real customer or contact name, its 字号 part
   ("rare") or its city/industry/legal-form part ("common")):
     uow, reused uow  `uow.customers.find_callers(classify(q))`, one UnitOfWork for the loop
     uow, uow/lookup  `with UnitOfWork(db) as uow: ...` per lookup, as the intake worker does
     raw, repo's SQL   the exact statements + parameters SQLAlchemy sent for that lookup
                       (captured by sqlite3's trace callback in the timed pass, values
                       bound in), replayed with sqlite3 and fetchall():
                       separates ORM/Python cost from query-shape cost
     raw baselines     exact: customer.phone_e164 = ?; last 4: phone_reversed BETWEEN ? AND ?
                       (the index) and phone_e164 LIKE '%1234' (the naive scan); name:
                       name LIKE '%华强%' (the naive scan). Scans run --scan-queries times.
   Every timing is perf_counter around one lookup; p50/p99 are nearest-rank.

3. Keystroke to painted card. The real app (`make_app(Settings(database_url, agent_name=王芳),
   FixedClock(NOW), Database(url))`) runs headless under `App.run_test`; after sign-in, F2
   opens intake. Known numbers (national digits of customers' and contacts' phones) are typed
   one digit at a time at --key-interval (a human pace, so each keystroke's lookup has
   finished before the next one; the last keystroke is what is timed). A key is sent the way
   Pilot sends it (`driver.send_message(events.Key(...))`, which is what `pilot.press` does
   before it waits for idle) with perf_counter taken just before. The paint is
   `_common.FrameProbe`: Textual hands each frame to `App._display`; the probe renders it as
   the terminal would get it and stamps perf_counter. A frame counts as "the card painted"
   when `#card`'s text holds the customer's name AND the frame's escape-sequence output
   holds the name (checked after the stamp), i.e. the bytes a terminal would receive show it.
   That path is keystroke -> PhoneInput's value watcher -> on an embedded database the
   answer looked up between the previous keys (lookup and card lines ready; without one,
   the lookup and the card on the UI thread; a server database: a thread worker) ->
   ReadyText.update without layout -> frame. The pace leaves the look-ahead its time, as a
   person's does: it answers the ten possible next digits 30-60 ms after a key.
   The phone's echo (digit painted in the Input) is measured the same way on every keystroke
   but the last (whose frame may already hold the card, so only the card is waited for).
   Between numbers ctrl+n resets the form. Baselines in the same run: a bare App with a single
   Input, the same digits at the same pace, keystroke to the Input's new value in a frame; and
   the floor: an Input and a hint line beside the same card widget (ReadyText, the intake's
   card style) showing the same customers' cards, rendered at the key before, no database,
   form, clock or tick: what Textual needs to paint this card in a key's frame at all.

Nothing here is a unit test; it prints figures and ratios against baselines of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import random
import sqlite3
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

# benchmarks/ goes last on the path: its queue.py (a benchmark the issues name) must not shadow the
# standard library's queue, which asyncio and Textual import
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.append(str(_BENCH_DIR))
from typing import Any

from _common import NOW, FrameProbe, machine, table

BUILD_VERSION = 2  # 2: local numbers start 2-7
AGENT = "王芳"
GOAL_PHONE_P99_MS = 1.0
GOAL_NAME_P99_MS = 20.0
GOAL_ECHO_RATIO = 1.5
"""Issue 27: each key's echo in the phone field within 1.5x of a bare Input's."""
GOAL_CARD_RATIO = 1.5
ONE_FRAME_MS = 1000 / 60
"""Issue 27: "the card may follow a frame later": the card's p99 within the echo's goal (1.5x
the bare Input's p99) plus one frame at Textual's default 60 fps. The card's ratio to the
bare Input alone (the goal until 2026-12-08) is printed beside it."""
SIZE = (160, 50)

# named columns: later migrations add columns with defaults, the rows here stay valid
CUSTOMER_INSERT = (
    "INSERT INTO customer (version, id, name, address, phone_e164, phone_reversed, unit_number,"
    " assigned_agent_id, contract_signed_on, notes, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
CONTACT_INSERT = (
    "INSERT INTO contact (version, id, customer_id, name, role, position, gender, phone_e164,"
    " phone_extension, phone_reversed, email, birthday, convenient_time, personal_notes)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)

# -- realistic names and numbers --------------------------------------------------------------

CITIES = [
    "深圳市",
    "广州市",
    "上海",
    "北京",
    "杭州",
    "成都",
    "武汉",
    "南京",
    "东莞市",
    "佛山市",
    "苏州",
    "天津",
    "重庆",
    "西安",
    "长沙",
    "郑州",
    "青岛",
    "厦门",
    "宁波",
    "合肥",
    "福州",
    "昆明",
    "南宁",
    "沈阳",
    "大连",
    "济南",
    "无锡",
    "珠海",
    "中山",
    "惠州",
]
BRAND = (
    "华强鑫源盛达恒通宏兴泰隆金利丰瑞祥安康德信诚永长新大中天海美佳嘉和顺昌富裕博远腾飞龙凤"
    "星辉光明亿万百合众优品创智凯捷迅威锐科精益联汇聚润泽弘毅振东南北方圆正元晟昊宇航伟业"
    "荣宝华俊杰豪邦骏驰尚雅致恒鼎晶辰启航卓越锦绣云峰林森洋湾港澳粤沪京津渝蜀湘楚赣闽浙"
    "皖鲁豫冀晋秦陇滇黔桂琼辽吉黑蒙宁青藏新疆乐福寿喜庆吉祥如意平安康泰丰收茂盛旺达发财"
)
INDUSTRIES = [
    "电子科技",
    "贸易",
    "物业管理",
    "餐饮管理",
    "建筑工程",
    "信息技术",
    "实业",
    "物流",
    "服装",
    "五金",
    "医疗器械",
    "食品",
    "文化传媒",
    "装饰工程",
    "网络科技",
    "商贸",
    "机械设备",
    "家具",
    "化工",
    "印刷",
    "汽车服务",
    "酒店管理",
    "教育咨询",
    "生物科技",
    "新能源",
    "环保科技",
    "塑胶制品",
    "电器",
    "包装材料",
    "投资管理",
    "供应链管理",
    "房地产开发",
    "光电",
]
FORMS = [
    ("有限公司", 62),
    ("股份有限公司", 8),
    ("有限责任公司", 6),
    ("商行", 8),
    ("经营部", 5),
    ("有限公司分公司", 4),
    ("店", 4),
    ("工作室", 3),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤欧阳上官司马诸葛"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文红玲"
    "斌波辉鹏飞宇浩然子轩梓涵欣怡雨萱晨阳思远佳琪"
)
POSITIONS = ("总经理", "经理", "采购", "财务", "前台", "行政主管", "店长", "老板", "")
TIMES = ("上午", "下午", "9:00-12:00", "14:00-17:00", "工作日", "")
LAND_AREAS = ("10", "20", "21", "22", "24", "25", "27", "29", "755", "571", "769", "512", "757")
MOBILE = tuple(
    [str(p) for p in range(130, 140)]
    + ["150", "151", "152", "155", "156", "157", "158", "159", "166", "176", "177", "178"]
    + [str(p) for p in range(180, 190)]
    + ["198", "199"]
)


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights (for `random.choices(cum_weights=...)`)."""
    total, out = 0.0, []
    for i in range(n):
        total += 1.0 / (i + 1) ** s
        out.append(total)
    return out


class Names:
    """Company and person names; the weights make a few pieces very common, most rare."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.brand = list(dict.fromkeys(BRAND))
        rng.shuffle(self.brand)
        self.brand_w = zipf_weights(len(self.brand), 0.9)
        self.city_w = zipf_weights(len(CITIES), 0.8)
        self.ind_w = zipf_weights(len(INDUSTRIES), 0.7)
        self.forms = [f for f, _ in FORMS]
        self.form_w = list(itertools.accumulate(w for _, w in FORMS))
        self.surnames = [SURNAMES[i] for i in range(len(SURNAMES) - 8)] + [
            "欧阳",
            "上官",
            "司马",
            "诸葛",
        ]
        self.sur_w = zipf_weights(len(self.surnames), 1.1)

    def company(self) -> tuple[str, str]:
        """(full name, its 字号)."""
        rng = self.rng
        size = 3 if rng.random() < 0.12 else 2
        brand = "".join(rng.choices(self.brand, cum_weights=self.brand_w, k=size))
        city = rng.choices(CITIES, cum_weights=self.city_w)[0] if rng.random() < 0.8 else ""
        industry = rng.choices(INDUSTRIES, cum_weights=self.ind_w)[0]
        form = rng.choices(self.forms, cum_weights=self.form_w)[0]
        return f"{city}{brand}{industry}{form}", brand

    def person(self) -> str:
        rng = self.rng
        given = "".join(rng.choices(GIVEN, k=1 if rng.random() < 0.35 else 2))
        return rng.choices(self.surnames, cum_weights=self.sur_w)[0] + given


class Phones:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            number = make()
            if number not in self.used:
                self.used.add(number)
                return number

    def landline(self) -> str:
        rng = self.rng
        return self._unique(
            # local numbers start 2-7 (phonenumbers 9.0 no longer takes e.g. Beijing 80xx)
            lambda: f"+86{rng.choice(LAND_AREAS)}{rng.randint(2, 7)}{rng.randrange(10**7):07d}"
        )

    def mobile(self) -> str:
        rng = self.rng
        return self._unique(lambda: f"+86{rng.choice(MOBILE)}{rng.randrange(10**8):08d}")


def national(e164: str) -> str:
    """What the agent types for a +86 number: 13812345678, 075526668888."""
    rest = e164[3:]
    return rest if rest.startswith("1") else "0" + rest


# -- 1. the database ----------------------------------------------------------------------------


def db_paths(workdir: Path, customers: int) -> tuple[Path, Path]:
    return workdir / f"lookup-{customers}.sqlite3", workdir / f"lookup-{customers}.json"


def build(workdir: Path, customers: int, seed: int) -> tuple[Path, dict[str, Any]]:
    path, meta_path = db_paths(workdir, customers)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("customers") == customers and meta.get("version") == BUILD_VERSION:
            meta["reused"] = True
            return path, meta
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in (path, meta_path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)

    from deskui.data.database import Database
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.model import Role
    from deskui.domain.phone import normalise_phone, reversed_digits
    from deskui.domain.search import name_grams

    started = time.perf_counter()
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    with UnitOfWork(database) as uow:  # the agent through the repository, as the brief asks
        agent_id = uow.agents.add_agent(AGENT, Role.AGENT, datetime.fromisoformat(NOW)).id
        uow.commit()
    database.dispose()
    schema_s = time.perf_counter() - started

    rng = random.Random(seed)
    names, phones = Names(rng), Phones(rng)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    con.execute("PRAGMA temp_store=MEMORY")
    index_sql = [
        (name, sql)
        for name, sql in con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            "AND tbl_name IN ('customer', 'contact', 'search_gram')"
        )
    ]
    for name, _ in index_sql:
        con.execute(f"DROP INDEX {name}")

    stamp = datetime.fromisoformat(NOW).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.000000")
    grams: dict[str, array[int]] = {}
    chunk = 50_000
    gen_s = insert_s = 0.0
    for first in range(1, customers + 1, chunk):
        t0 = time.perf_counter()
        cust_rows, contact_rows = [], []
        for cid in range(first, min(first + chunk, customers + 1)):
            name, _brand = names.company()
            phone = phones.landline() if rng.random() < 0.55 else phones.mobile()
            room = f"{rng.randint(1, 60):02d}{rng.randint(1, 99):02d}"
            unit = f"{rng.choice('ABCDEF')}区{rng.randint(1, 9)}楼{room}"
            assigned = agent_id if rng.random() < 0.05 else None
            cust_rows.append(
                (
                    1,
                    cid,
                    name,
                    "",
                    phone,
                    reversed_digits(phone),
                    unit,
                    assigned,
                    None,
                    "",
                    stamp,
                    stamp,
                )
            )
            person = names.person()
            mobile = phones.mobile()
            contact_rows.append(
                (
                    1,
                    cid,
                    cid,
                    person,
                    "principal" if rng.random() < 0.6 else "liaison",
                    rng.choice(POSITIONS),
                    "unknown",
                    mobile,
                    None,
                    reversed_digits(mobile),
                    "",
                    None,
                    rng.choice(TIMES),
                    "",
                )
            )
            for gram in name_grams(name) | name_grams(person):
                bucket = grams.get(gram)
                if bucket is None:
                    bucket = grams[gram] = array("l")
                bucket.append(cid)
        t1 = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(CUSTOMER_INSERT, cust_rows)
        con.executemany(CONTACT_INSERT, contact_rows)
        con.execute("COMMIT")
        gen_s += t1 - t0
        insert_s += time.perf_counter() - t1

    # search_gram in (gram, customer_id) order, so its primary-key index is appended to
    t0 = time.perf_counter()
    gram_rows = 0
    con.execute("BEGIN")
    for gram in sorted(grams):  # code-point order == SQLite BINARY order of UTF-8
        ids = grams[gram]
        con.executemany("INSERT INTO search_gram VALUES (?, ?)", ((gram, i) for i in ids))
        gram_rows += len(ids)
    con.execute("COMMIT")
    del grams
    gram_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _, sql in index_sql:
        con.execute(sql)  # no ANALYZE: the app never runs it, so the planner works as it does there
    index_s = time.perf_counter() - t0
    con.execute("PRAGMA journal_mode=WAL")
    con.close()

    # the numbers really are what phonenumbers calls valid (a sample: all of them is slow)
    check = sqlite3.connect(path)
    sample = [
        p for (p,) in check.execute("SELECT phone_e164 FROM customer ORDER BY random() LIMIT 500")
    ]
    sample += [
        p for (p,) in check.execute("SELECT phone_e164 FROM contact ORDER BY random() LIMIT 500")
    ]
    check.close()
    invalid = [p for p in sample if not normalise_phone(p).valid]
    if invalid:
        raise SystemExit(f"built invalid numbers, e.g. {invalid[:5]}")

    meta = {
        "customers": customers,
        "version": BUILD_VERSION,
        "seed": seed,
        "gram_rows": gram_rows,
        "schema_s": round(schema_s, 2),
        "generate_s": round(gen_s, 2),
        "insert_s": round(insert_s, 2),
        "gram_s": round(gram_s, 2),
        "index_s": round(index_s, 2),
        "total_s": round(time.perf_counter() - started, 2),
        "bytes": path.stat().st_size,
        "reused": False,
    }
    meta_path.write_text(json.dumps(meta))
    return path, meta


# -- 2. lookups -------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(value: float) -> str:
    return f"{value * 1000:.3f}" if value < 0.01 else f"{value * 1000:.2f}"


def make_queries(path: Path, count: int, rng: random.Random) -> dict[str, list[str]]:
    """Query texts drawn from rows of the file."""
    con = sqlite3.connect(path)
    total = con.execute("SELECT max(id) FROM customer").fetchone()[0]
    ids = [rng.randint(1, total) for _ in range(count * 3)]

    def rows(sql: str, wanted: list[int]) -> list[tuple[Any, ...]]:
        found = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update({r[0]: r[1:] for r in con.execute(sql.format(marks), part)})
        return [found[i] for i in wanted]

    customers = rows("SELECT id, name, phone_e164 FROM customer WHERE id IN ({})", ids)
    contacts = rows(
        "SELECT customer_id, name, phone_e164 FROM contact WHERE customer_id IN ({})", ids
    )
    con.close()
    exact, last4, rare, common = [], [], [], []
    for i in range(count):
        (cname, cphone), (pname, pphone) = customers[i], contacts[i]
        exact.append(national(cphone if rng.random() < 0.7 else pphone))
        last4.append((cphone if rng.random() < 0.7 else pphone)[-4:])
    brands = set(BRAND)
    i = count
    while len(rare) < count or len(common) < count:
        (cname, _), (pname, _) = customers[i % len(customers)], contacts[i % len(contacts)]
        i += 1
        source = pname if rng.random() < 0.2 else cname
        size = rng.choice((2, 2, 3, 4))
        if len(source) < size:
            continue
        start = rng.randrange(len(source) - size + 1)
        piece = source[start : start + size]
        is_rare = source is pname or any(ch in brands for ch in piece)
        (rare if is_rare else common).append(piece)
    half = max(1, count // 2)  # names: `count` in all, half rare pieces, half common
    return {"exact": exact, "last4": last4, "name_rare": rare[:half], "name_common": common[:half]}


def time_each(queries: Sequence[Any], run: Callable[[Any], Any]) -> list[float]:
    out = []
    clock = time.perf_counter
    for q in queries:
        t0 = clock()
        run(q)
        out.append(clock() - t0)
    return out


def measure_lookups(
    path: Path, queries: dict[str, list[str]], warm: dict[str, list[str]], scan_queries: int
) -> tuple[list[list[str]], dict[str, Any]]:
    from deskui.data.database import Database
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.search import LookupKind, classify

    database = Database(f"sqlite:///{path}")
    database.upgrade()  # a file built by an older version gets this version's columns
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA busy_timeout=5000")
    expected = {
        "exact": LookupKind.PHONE,
        "last4": LookupKind.DIGITS,
        "name_rare": LookupKind.NAME,
        "name_common": LookupKind.NAME,
    }
    for kind, texts in list(queries.items()):
        # a generated number phonenumbers calls invalid would be timed as another lookup kind
        wrong = [q for q in texts if classify(q).kind is not expected[kind]]
        if wrong:
            print(f"{kind}: dropped {len(wrong)} queries that classify otherwise, e.g. {wrong[:3]}")
            queries[kind] = [q for q in texts if q not in wrong]

    # the SQL each lookup sends, as sqlite3 runs it (its trace callback sees the statements
    # of SQLAlchemy and of the driver's cursor alike, values bound in)
    captured: list[tuple[str, Any]] = []

    def capture(statement: str) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, ()))

    sql_of: dict[str, list[list[tuple[str, Any]]]] = {}
    matches: dict[str, list[int]] = {}

    def repo_reused(texts: list[str], kind: str | None = None) -> list[float]:
        """One unit of work for the loop; with `kind`, also keep each lookup's SQL (a list
        append in sqlite3's trace callback, ~1 us against lookups of 100s of us) and match
        count."""
        with UnitOfWork(database) as uow:
            if kind is None:
                return time_each(texts, lambda q: uow.customers.find_callers(classify(q)))
            uow.customers.find_callers(classify("13800000000"))  # connection checked out first
            sql_of[kind], matches[kind] = [], []
            clock, out = time.perf_counter, []
            driver = uow.session.connection().connection.dbapi_connection
            driver.set_trace_callback(capture)  # type: ignore[union-attr]
            try:
                for q in texts:
                    captured.clear()
                    t0 = clock()
                    found = uow.customers.find_callers(classify(q))
                    out.append(clock() - t0)
                    sql_of[kind].append(list(captured))
                    matches[kind].append(len(found))
            finally:
                driver.set_trace_callback(None)  # type: ignore[union-attr]
            return out

    def repo_per_lookup(texts: list[str]) -> list[float]:
        def one(q: str) -> None:
            with UnitOfWork(database) as uow:
                uow.customers.find_callers(classify(q))

        return time_each(texts, one)

    def replay(statements: list[list[tuple[str, Any]]]) -> list[float]:
        def one(stmts: list[tuple[str, Any]]) -> None:
            for sql, params in stmts:
                raw.execute(sql, params).fetchall()

        return time_each(statements, one)

    cols = "id, name, phone_e164, unit_number"
    exact_sql = f"SELECT {cols} FROM customer WHERE phone_e164 = ?"
    range_sql = (
        f"SELECT {cols} FROM customer WHERE phone_reversed BETWEEN ? AND ? ORDER BY id LIMIT 20"
    )
    like_phone = f"SELECT {cols} FROM customer WHERE phone_e164 LIKE ?"
    like_name = f"SELECT {cols} FROM customer WHERE name LIKE ?"

    def raw_exact(q: str) -> None:
        raw.execute(exact_sql, (classify(q).value,)).fetchall()

    def raw_range(q: str) -> None:
        low = q[::-1]
        raw.execute(range_sql, (low, low + ":")).fetchall()

    def raw_like_phone(q: str) -> None:
        raw.execute(like_phone, (f"%{q}",)).fetchall()

    def raw_like_name(q: str) -> None:
        raw.execute(like_name, (f"%{q}%",)).fetchall()

    # warm-up on other queries: page cache, statement caches, lru caches of other texts
    for texts in warm.values():
        repo_reused(texts)
        repo_per_lookup(texts[:30])
    time_each(warm["exact"], raw_exact)
    time_each(warm["last4"], raw_range)
    raw_like_phone(warm["last4"][0])
    raw_like_name(warm["name_rare"][0])
    from deskui.memory import freeze_startup_objects

    freeze_startup_objects()  # as the app does once its database is open

    results: dict[str, dict[str, list[float]]] = {}
    for kind, texts in queries.items():
        r = results[kind] = {}
        r["repo, reused uow"] = repo_reused(texts, kind)
        r["repo, uow/lookup"] = repo_per_lookup(texts)
        r["raw, repo's SQL"] = replay(sql_of[kind])
        if kind == "exact":
            r["raw, phone_e164 = ?"] = time_each(texts, raw_exact)
        elif kind == "last4":
            r["raw, reversed range"] = time_each(texts, raw_range)
            r["raw, LIKE '%1234' scan"] = time_each(texts[:scan_queries], raw_like_phone)
        else:
            r["raw, LIKE '%..%' scan"] = time_each(texts[:scan_queries], raw_like_name)
    results["name (all)"] = {
        k: results["name_rare"][k] + results["name_common"][k]
        for k in results["name_rare"]
        if k in results["name_common"]
    }
    matches["name (all)"] = matches["name_rare"] + matches["name_common"]
    raw.close()
    database.dispose()

    rows: list[list[str]] = []
    summary: dict[str, Any] = {}
    for kind, by in results.items():
        base_key = (
            next(
                k for k in by if k.startswith("raw,") and k != "raw, repo's SQL" and "scan" not in k
            )
            if kind in ("exact", "last4")
            else next(k for k in by if "scan" in k)
        )
        base50, base99 = pct(by[base_key], 0.5), pct(by[base_key], 0.99)
        found = matches[kind]
        for method, values in by.items():
            p50, p99 = pct(values, 0.5), pct(values, 0.99)
            rows.append(
                [
                    kind,
                    method,
                    str(len(values)),
                    ms(p50),
                    ms(p99),
                    f"{p50 / base50:.1f}x",
                    f"{p99 / base99:.1f}x",
                ]
            )
            summary[f"{kind}/{method}"] = (p50, p99)
        rows.append(
            [
                kind,
                f"(matches: median {sorted(found)[len(found) // 2]}, "
                f"max {max(found)}, none {sum(1 for f in found if not f)})",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    return rows, summary


# -- 3. keystroke to painted card ----------------------------------------------------------------


class PaintWaiter:
    """Stamps the frame that first satisfies `check`; `verify(frame_text)` runs after the stamp."""

    def __init__(self) -> None:
        self.check: Callable[[], bool] | None = None
        self.verify: Callable[[str], bool] | None = None
        self.stamp: float | None = None
        self.verified = True
        self.event = asyncio.Event()
        self.renderable: Any = None

    def arm(self, check: Callable[[], bool], verify: Callable[[str], bool]) -> None:
        self.check, self.verify, self.stamp = check, verify, None
        self.event.clear()

    def on_frame(self, probe: FrameProbe, now: float) -> None:
        if self.check is None or not self.check():
            return
        from textual._compositor import CompositorUpdate

        text = ""
        if isinstance(self.renderable, CompositorUpdate):
            text = self.renderable.render_segments(probe.app.console)
        assert self.verify is not None
        if not self.verify(text):
            return  # the widget changed but this frame does not show it yet: wait for the next
        self.stamp = now
        self.check = None
        self.event.set()


class RecordingProbe(FrameProbe):
    def __init__(self, app: Any, waiter: PaintWaiter) -> None:
        self.waiter = waiter
        super().__init__(app, waiter.on_frame)

    def _display(self, screen: Any, renderable: Any) -> None:
        self.waiter.renderable = renderable
        super()._display(screen, renderable)


async def send_key(app: Any, key: str) -> float:
    """What `pilot.press` does before its idle waits: one Key event through the driver."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    t0 = time.perf_counter()
    app._driver.send_message(event)
    return t0


async def wait_paint(waiter: PaintWaiter, t0: float, timeout: float = 10.0) -> float:
    await asyncio.wait_for(waiter.event.wait(), timeout)
    assert waiter.stamp is not None
    return waiter.stamp - t0


PASSWORD = "bench-pass-1"
"""The agent signs in as a real account does (issue 27: without one the desk opened the
first manager's sign-in and this half never ran)."""


def _give_password(database: Any) -> None:
    """The agent's password, set through the account store (argon2id, as the desk checks)."""
    from argon2 import PasswordHasher

    from deskui.data.unit_of_work import UnitOfWork

    with UnitOfWork(database) as uow:
        account = uow.accounts.account(AGENT)
        if account is None:
            raise SystemExit(f"no account {AGENT} in the benchmark's database")
        hashed = PasswordHasher().hash(PASSWORD)
        uow.accounts.set_password(
            account.id, hashed, datetime.fromisoformat(NOW), must_change=False
        )
        uow.commit()


async def run_app(
    url: str, numbers: list[tuple[str, str]], interval: float
) -> dict[str, list[float]]:
    from textual.widgets import Input

    from deskui.app import make_app
    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.domain.clock import FixedClock
    from deskui.screens.intake import IntakeScreen

    database = Database(url)
    _give_password(database)
    app = make_app(
        Settings(database_url=url, agent_name=AGENT, agent_password=PASSWORD),
        FixedClock(datetime.fromisoformat(NOW)),
        database,
    )
    waiter = PaintWaiter()
    RecordingProbe(app, waiter)
    echo: list[float] = []
    card: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 60
        while app.agent is None:
            if time.monotonic() > deadline:
                raise SystemExit("the app did not sign in within 60 s")
            await pilot.pause(0.05)
        await pilot.press("f2")
        while not isinstance(app.screen, IntakeScreen):
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        screen = app.screen
        phone = screen.query_one("#phone", Input)
        card_widget = screen.query_one("#card")
        for n, (digits, name) in enumerate(numbers):
            await pilot.press("ctrl+n")
            await pilot.pause(0.3)
            assert phone.has_focus and phone.value == "", (phone.has_focus, phone.value)
            echoes, shown = await type_number(
                app, waiter, phone, digits, interval, card_widget, name
            )
            if n >= 2:
                echo += echoes
                card.append(shown)
    return {"echo": echo, "card": card}


async def type_number(
    app: Any,
    waiter: PaintWaiter,
    phone: Any,
    digits: str,
    interval: float,
    card: Any = None,
    name: str = "",
) -> tuple[list[float], float]:
    """Type `digits` into `phone` one key at a time, `interval` apart: each key's time to the
    frame that paints its echo, and (with a `card` widget) the last key's time to the frame
    that shows `name` on the card instead, whether or not its echo came first."""
    echoes: list[float] = []
    shown = 0.0
    for i, digit in enumerate(digits):
        typed = digits[: i + 1]
        if card is not None and typed == digits:  # the card may come in the echo's frame
            waiter.arm(lambda: name in str(card.visual), lambda text: name in text)
        else:
            waiter.arm(
                lambda typed=typed: phone.value == typed,
                lambda text, typed=typed: typed in text,
            )
        t0 = await send_key(app, digit)
        took = await wait_paint(waiter, t0)
        if card is not None and typed == digits:
            shown = took
        else:
            echoes.append(took)
        await asyncio.sleep(interval)
    return echoes, shown


async def run_bare(numbers: list[tuple[str, str]], interval: float) -> dict[str, list[float]]:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="phone")

    app = Bare()
    waiter = PaintWaiter()
    RecordingProbe(app, waiter)
    echo: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        phone = app.query_one("#phone", Input)
        phone.focus()
        for n, (digits, _name) in enumerate(numbers):
            phone.value = ""
            await pilot.pause(0.3)
            echoes, _ = await type_number(app, waiter, phone, digits, interval)
            if n >= 2:
                echo += echoes
    return {"echo": echo}


async def run_floor(
    url: str, numbers: list[tuple[str, str]], interval: float
) -> dict[str, list[float]]:
    """The least a frame that shows the card costs in Textual: an Input and a hint line beside
    the same card widget with the intake's card style, each card's lines rendered at the key
    before (as the intake's look-ahead has them), no database, form, clock or tick."""
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import Input

    from deskui.data.database import Database
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.search import classify
    from deskui.screens.intake import card_text
    from deskui.widgets.ready_text import ReadyText

    texts = []
    database = Database(url)
    with UnitOfWork(database) as uow:
        for digits, _name in numbers:
            match = uow.customers.find_callers(classify(digits))[0]
            texts.append(card_text(uow.customers.customer_card(match.customer_id)))
    database.dispose()
    hook: list[Callable[[str], None]] = []

    class Phone(Input):
        def watch_value(self, value: str) -> None:
            if hook:
                hook[0](value)

    class Floor(App[None]):
        CSS = """
        Screen { layout: horizontal; }
        #left, #right { width: 1fr; padding: 0 1; }
        #card { height: 9; padding: 0 1; margin: 1 0 0 0; border-left: thick $accent; }
        """

        def compose(self) -> ComposeResult:
            with Vertical(id="left"):
                yield Phone(id="phone")
                yield ReadyText("", id="hint")
                yield ReadyText("…", id="card")
            yield Vertical(id="right")

    app = Floor()
    waiter = PaintWaiter()
    RecordingProbe(app, waiter)
    card: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        phone = app.query_one("#phone", Input)
        card_widget = app.query_one("#card", ReadyText)
        hint = app.query_one("#hint", ReadyText)
        phone.focus()
        for n, (digits, name) in enumerate(numbers):
            ready: list[Any] = []

            def typed(
                value: str, digits: str = digits, n: int = n, ready: list[Any] = ready
            ) -> None:
                if value == digits[:-1]:
                    ready[:] = [card_widget.prepare(texts[n]), hint.prepare("✓ " + digits)]
                elif value == digits:
                    card_widget.update(ready[0])
                    hint.update(ready[1])

            hook[:] = []
            phone.value = ""
            card_widget.update("…")
            await pilot.pause(0.3)
            hook[:] = [typed]
            _, shown = await type_number(app, waiter, phone, digits, interval, card_widget, name)
            if n >= 2:
                card.append(shown)
    return {"card": card}


def pick_numbers(path: Path, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(digits as typed, customer name): customers' own numbers and their contacts'."""
    con = sqlite3.connect(path)
    total = con.execute("SELECT max(id) FROM customer").fetchone()[0]
    out = []
    for _ in range(count):
        cid = rng.randint(1, total)
        name, phone = con.execute(
            "SELECT name, phone_e164 FROM customer WHERE id = ?", (cid,)
        ).fetchone()
        if rng.random() < 0.3:
            (phone,) = con.execute(
                "SELECT phone_e164 FROM contact WHERE customer_id = ?", (cid,)
            ).fetchone()
        out.append((national(phone), name))
    con.close()
    return out


# -- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000, help="per kind of lookup")
    parser.add_argument("--scan-queries", type=int, default=10, help="for the naive LIKE scans")
    parser.add_argument(
        "--numbers", type=int, default=30, help="numbers typed in each app (first 2 are warm-up)"
    )
    parser.add_argument(
        "--key-interval", type=float, default=0.15, help="seconds between keystrokes"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "deskui-bench"
    )
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--only-app", action="store_true", help="skip the repository lookups")
    args = parser.parse_args()

    print(
        f"lookup benchmark: {args.customers:,} customers; {machine()}; "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine shows here)"
    )
    path, meta = build(args.workdir, args.customers, args.seed)
    if meta["reused"]:
        print(f"database: reused {path} (built earlier in {meta['total_s']} s)")
    else:
        print(
            f"database: built {path} in {meta['total_s']} s "
            f"(schema {meta['schema_s']}, generate {meta['generate_s']}, "
            f"customers+contacts {meta['insert_s']}, search_gram {meta['gram_s']}, "
            f"indexes {meta['index_s']}); {meta['gram_rows']:,} search_gram rows, "
            f"{meta['bytes'] / 1e6:.0f} MB"
        )

    if args.only_app:
        run_apps(path, args)
        return
    rng = random.Random(args.seed + 1)
    queries = make_queries(path, args.queries, rng)
    warm = make_queries(path, 100, random.Random(args.seed + 2))
    t0 = time.perf_counter()
    rows, summary = measure_lookups(path, queries, warm, args.scan_queries)
    print(
        f"\nlookups ({time.perf_counter() - t0:.0f} s; ms; x = against the kind's raw "
        "baseline: indexed for exact/last4, LIKE scan for names)"
    )
    print(table(["kind", "method", "n", "p50", "p99", "p50 x", "p99 x"], rows))

    LIKE_NAME = "raw, LIKE '%..%' scan"

    def ratio(kind: str, method: str, base: str) -> str:
        a, b = summary[f"{kind}/{method}"], summary[f"{kind}/{base}"]
        return f"p50 {a[0] / b[0]:.1f}x, p99 {a[1] / b[1]:.1f}x"

    print("\nrepository / raw sqlite3:")
    print(
        f"  exact: repo/indexed {ratio('exact', 'repo, reused uow', 'raw, phone_e164 = ?')}; "
        f"repo/same SQL {ratio('exact', 'repo, reused uow', 'raw, repo' + chr(39) + 's SQL')}"
    )
    print(
        f"  last4: repo/indexed {ratio('last4', 'repo, reused uow', 'raw, reversed range')}; "
        f"repo/same SQL {ratio('last4', 'repo, reused uow', 'raw, repo' + chr(39) + 's SQL')}"
    )
    print(
        f"  name:  repo/LIKE scan {ratio('name (all)', 'repo, reused uow', LIKE_NAME)}; "
        f"repo/same SQL {ratio('name (all)', 'repo, reused uow', 'raw, repo' + chr(39) + 's SQL')}"
    )

    verdicts = []
    for kind, goal in (
        ("exact", GOAL_PHONE_P99_MS),
        ("last4", GOAL_PHONE_P99_MS),
        ("name (all)", GOAL_NAME_P99_MS),
    ):
        for method in ("repo, reused uow", "repo, uow/lookup"):
            p99 = summary[f"{kind}/{method}"][1] * 1000
            verdicts.append(
                f"  {kind:<11} {method:<17} p99 {p99:8.3f} ms  goal < {goal:g} ms: "
                f"{'met' if p99 < goal else 'MISSED'}"
            )
    print("\ngoals (repository):")
    print("\n".join(verdicts))

    if args.skip_app:
        return
    run_apps(path, args)


def run_apps(path: Path, args: argparse.Namespace) -> None:
    numbers = pick_numbers(path, args.numbers, random.Random(args.seed + 3))
    url = f"sqlite:///{path}"
    t0 = time.perf_counter()
    bare = asyncio.run(run_bare(numbers, args.key_interval))
    desk = asyncio.run(run_app(url, numbers, args.key_interval))
    floor = asyncio.run(run_floor(url, numbers, args.key_interval))
    bare2 = asyncio.run(run_bare(numbers[: max(4, len(numbers) // 3)], args.key_interval))
    bare_all = bare["echo"] + bare2["echo"]
    print(
        f"\nkeystroke to paint, headless {SIZE[0]}x{SIZE[1]}, {args.key_interval * 1000:.0f} ms "
        f"between keys ({time.perf_counter() - t0:.0f} s; ms)"
    )
    b50, b99 = pct(bare_all, 0.5), pct(bare_all, 0.99)
    app_rows = [
        ["bare Input: key -> value painted", str(len(bare_all)), ms(b50), ms(b99), "1.0x", "1.0x"],
    ]
    for label, values in (
        ("desk #phone: key -> digit painted", desk["echo"]),
        ("desk: last key -> card painted", desk["card"]),
        ("floor: Input + prepared card, no db", floor["card"]),
    ):
        p50, p99 = pct(values, 0.5), pct(values, 0.99)
        app_rows.append(
            [label, str(len(values)), ms(p50), ms(p99), f"{p50 / b50:.1f}x", f"{p99 / b99:.1f}x"]
        )
    print(table(["", "n", "p50", "p99", "p50 x", "p99 x"], app_rows))
    slowest = ", ".join(ms(v) for v in sorted(desk["card"])[-3:])
    print(f"slowest cards (ms): {slowest}")
    print(
        f"desk card / floor card: p50 {pct(desk['card'], 0.5) / pct(floor['card'], 0.5):.2f}x, "
        f"p99 {pct(desk['card'], 0.99) / pct(floor['card'], 0.99):.2f}x "
        "(the floor: what Textual needs to paint this card in a key's frame at all)"
    )
    print(f"load average now {os.getloadavg()[0]:.1f}")
    echo99 = pct(desk["echo"], 0.99)
    print(
        f"goal: echo p99 within {GOAL_ECHO_RATIO}x of the bare Input's p99: {echo99 / b99:.1f}x"
        f" -> {'met' if echo99 / b99 <= GOAL_ECHO_RATIO else 'MISSED'}"
    )
    card99 = pct(desk["card"], 0.99)
    allowed = GOAL_CARD_RATIO * b99 * 1000 + ONE_FRAME_MS
    print(
        f"goal: card p99 within {GOAL_CARD_RATIO}x of the bare Input's p99 plus one frame "
        f"({allowed:.1f} ms): {card99 * 1000:.1f} ms -> "
        f"{'met' if card99 * 1000 <= allowed else 'MISSED'} "
        f"(against the bare Input alone, the goal until 2026-12-08: {card99 / b99:.1f}x -> "
        f"{'met' if card99 / b99 <= GOAL_CARD_RATIO else 'MISSED'})"
    )
    result = {
        "echo_p99_ms": echo99 * 1000,
        "card_p99_ms": card99 * 1000,
        "bare_echo_p99_ms": b99 * 1000,
    }
    print("BENCH-RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
