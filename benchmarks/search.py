"""Finding a record over 1,000,000 tickets (issue 26): the search as the desk runs it, beside
the same words found by a `LIKE '%…%'` scan, on SQLite and on PostgreSQL.

    python benchmarks/search.py [--tickets 1000000] [--quick] [--queries 400]
        [--scan-queries 30] [--db POSTGRESQL_URL] [--only sqlite|postgresql]

1. Data. The schema is the app's (`Database(url).upgrade()`, migrations up to the search
   index), the agent 王芳 is added through a unit of work; then customers (one per 20
   tickets, each with a mobile), their name pieces (`search_gram`), the tickets and their
   pieces (`ticket_gram`, the pieces `search_index` writes: `text_grams(words, answer)`) are
   bulk-loaded, BYPASSING THE ORM for speed: sqlite3 `executemany` in big transactions, on
   PostgreSQL `COPY`, with the secondary indexes and the pieces' key dropped during the load
   and built again after it. A ticket's words are a thing (媒体机, 门禁 ...), a problem (黑屏,
   漏水 ...), a place and a tail drawn from skewed pools, and two characters of a 1,500-
   character pool drawn by a Zipf law (so some pieces are in a tenth of the tickets and many
   in a handful); 40% have an answer. The data is kept (a SQLite file in WORKDIR, a
   PostgreSQL schema `search_bench_<N>`) and reused while the build version is the same.
2. Queries, drawn from the data: two characters of a ticket's words (the common and the
   rare), a word of 3-6 characters, two words, a ticket number (`#N` and `N`), a customer's
   mobile as an agent types it (`139 1234 5678`), two or three characters of a customer's
   name. Each runs through `services.search.find_records` as an agent, one unit of work per
   search as the screen runs it, after a warm-up pass; p50/p99 are nearest-rank. The words
   queries run again (`--scan-queries` of them) as the naive scan: `SELECT id FROM ticket
   WHERE customer_words LIKE '%w%' OR answer LIKE '%w%' ORDER BY id DESC LIMIT 100`.

The load average is printed before and after: figures taken on a loaded machine are not
idle figures. The last line is `BENCH-RESULT {json}` with `search_p99_ms_sqlite`,
`search_p99_ms_postgresql` (and the scans' `like_p99_ms_*`, the words' `words_p99_ms_*`).
A backend that cannot be measured (no PostgreSQL URL) is a failure: exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's queue (psycopg imports it)
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import math
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.phone import format_display, reversed_digits
from deskui.domain.search import name_grams, text_grams
from deskui.services.actor import Actor
from deskui.services.search import FindRecords, find_records

BUILD_VERSION = 1
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, a Monday
GOAL_P99_MS = 100.0
TICKETS_PER_CUSTOMER = 20
CHUNK = 50_000

THINGS = (
    "媒体机", "广告屏", "二楼的屏幕", "收银系统", "后台", "打印机", "灯箱", "网络", "空调",
    "门禁", "电梯", "停车卡", "播放器", "路由器", "监控", "显示屏", "音响", "投影仪", "插座",
    "水管", "排风扇", "扫码枪", "会员系统", "小程序", "发票机", "冷柜", "招牌", "卷帘门",
)  # fmt: skip
PROBLEMS = (
    "黑屏", "一直闪", "报错", "转圈", "坏了", "断断续续", "漏水", "不亮", "卡纸", "没有声音",
    "连不上", "死机", "重启也没用", "花屏", "噪音很大", "刷不开", "掉线", "发热", "异响",
    "登录不了", "导不出报表", "扣费两次", "显示乱码", "开不了机", "跳闸",
)  # fmt: skip
TAILS = (
    "，影响营业", "，请尽快派人来修", "，已经第三次了", "，客户很着急", "，要求换新", "",
    "，麻烦今天处理", "，昨天开始的", "，怎么办", "，想约师傅上门", "。",
)  # fmt: skip
ANSWERS = (
    "已远程重启播放器", "已派师傅上门", "已告知客户操作方法", "已转技术部处理",
    "已登记，明天上午回复", "已更换配件", "已退还多收的费用",
)  # fmt: skip
CITIES = ("深圳", "广州", "上海", "北京", "杭州", "成都", "武汉", "南京", "苏州", "重庆")
TRADES = ("科技", "传媒", "餐饮", "商贸", "电子", "网络", "广告", "物业", "百货", "药房")
FORMS = ("有限公司", "店", "商行", "工作室", "有限责任公司")
POOL = [chr(0x4E00 + i * 7) for i in range(1_500)]
"""Characters of the tickets' details and the customers' 字号, drawn by a Zipf law."""


def zipf(n: int, s: float = 1.05) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


class Maker:
    """The data, the same for a seed: tickets' words and answers, customers' names."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.weights = zipf(len(POOL))

    def chars(self, n: int) -> str:
        return "".join(self.rng.choices(POOL, self.weights, k=n))

    def words(self) -> str:
        r = self.rng
        place = r.choice((f"{r.randint(1, 9)}楼", f"{'ABCDEF'[r.randrange(6)]}区", ""))
        detail = self.chars(2)
        return f"{place}{r.choice(THINGS)}{r.choice(PROBLEMS)}{detail}{r.choice(TAILS)}"

    def answer(self) -> str:
        return self.rng.choice(ANSWERS) if self.rng.random() < 0.4 else ""

    def company(self) -> str:
        r = self.rng
        return f"{r.choice(CITIES)}{self.chars(2)}{r.choice(TRADES)}{r.choice(FORMS)}"


def mobile(i: int) -> str:
    return f"+86139{i:08d}"


def _stamp(i: int, tickets: int) -> datetime:
    return NOW - timedelta(seconds=365 * 86_400 * (1 - i / tickets))


# -- loading ----------------------------------------------------------------------------------


def customers_rows(maker: Maker, count: int, agent: int) -> list[tuple[Any, ...]]:
    return [
        (1, i, maker.company(), "", mobile(i), reversed_digits(mobile(i)), "", agent, "", NOW, NOW)
        for i in range(1, count + 1)
    ]


def ticket_rows(
    maker: Maker, start: int, stop: int, tickets: int, customers: int, agent: int
) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(start, stop):
        customer = 1 + maker.rng.randrange(customers)
        rows.append(
            (1, i, customer, "question", "usage", "phone", "normal", "open", agent, "",
             maker.words(), "", maker.answer(), mobile(customer), "", _stamp(i, tickets))
        )  # fmt: skip
    return rows


CUSTOMER_COLUMNS = (
    "version, id, name, address, phone_e164, phone_reversed, unit_number, assigned_agent_id,"
    " notes, created_at, updated_at"
)
TICKET_COLUMNS = (
    "version, id, customer_id, kind, category, channel, severity, status, owner_id,"
    " unit_number, customer_words, expectation, answer, caller_phone, caller_extension,"
    " opened_at"
)


def _ticket_grams(rows: Sequence[tuple[Any, ...]]) -> list[tuple[str, int]]:
    pairs = [(g, row[1]) for row in rows for g in text_grams(row[10], row[12])]
    pairs.sort()
    return pairs


def _customer_grams(rows: Sequence[tuple[Any, ...]]) -> list[tuple[str, int]]:
    return sorted((g, row[1]) for row in rows for g in name_grams(row[2]))


def _agent(database: Database) -> int:
    with UnitOfWork(database) as uow:
        agent = uow.agents.add_agent("王芳", Role.AGENT, NOW).id
        uow.commit()
    return agent


def load_sqlite(path: Path, tickets: int, seed: int) -> None:
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    agent = _agent(database)
    database.dispose()
    maker = Maker(seed)
    customers = max(10, tickets // TICKETS_PER_CUSTOMER)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
        " AND tbl_name IN ('ticket', 'customer', 'ticket_gram', 'search_gram')"
    ).fetchall()
    for name, _ in indexes:
        con.execute(f"DROP INDEX {name}")
    stamp = lambda rows: [  # noqa: E731
        tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in r)
        for r in rows
    ]
    rows = customers_rows(maker, customers, agent)
    with con:
        con.executemany(
            f"INSERT INTO customer ({CUSTOMER_COLUMNS}) VALUES ({','.join('?' * 11)})",
            stamp(rows),
        )
        con.executemany("INSERT INTO search_gram VALUES (?, ?)", _customer_grams(rows))
    for start in range(1, tickets + 1, CHUNK):
        stop = min(start + CHUNK, tickets + 1)
        chunk = ticket_rows(maker, start, stop, tickets, customers, agent)
        with con:
            con.executemany(
                f"INSERT INTO ticket ({TICKET_COLUMNS}) VALUES ({','.join('?' * 16)})",
                stamp(chunk),
            )
            con.executemany("INSERT INTO ticket_gram VALUES (?, ?)", _ticket_grams(chunk))
        print(f"  sqlite: {start + len(chunk) - 1:,} tickets", end="\r", flush=True)
    print()
    with con:
        for _, sql in indexes:
            con.execute(sql)
        con.execute("ANALYZE")
    con.close()


def _pg_connect(url: str, schema: str) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    con = psycopg.connect(plain, autocommit=True)
    con.execute(f"SET search_path TO {schema}")
    return con


def load_postgresql(url: str, schema: str, tickets: int, seed: int) -> None:
    con = _pg_connect(url, "public")
    con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    con.execute(f"CREATE SCHEMA {schema}")
    con.close()
    database = Database(_schema_url(url, schema))
    database.upgrade()
    agent = _agent(database)
    database.dispose()
    maker = Maker(seed)
    customers = max(10, tickets // TICKETS_PER_CUSTOMER)
    con = _pg_connect(url, schema)
    indexes = con.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename IN"
        " ('ticket', 'customer', 'ticket_gram', 'search_gram') AND indexname NOT LIKE '%%pkey'",
        (schema,),
    ).fetchall()
    for name, _ in indexes:
        con.execute(f"DROP INDEX {schema}.{name}")
    con.execute("ALTER TABLE ticket_gram DROP CONSTRAINT ticket_gram_pkey")
    con.execute("ALTER TABLE ticket_gram DROP CONSTRAINT ticket_gram_ticket_id_fkey")

    def copy(table: str, columns: str, rows: Iterator[tuple[Any, ...]]) -> None:
        with con.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as out:
            for row in rows:
                out.write_row(row)

    rows = customers_rows(maker, customers, agent)
    copy("customer", CUSTOMER_COLUMNS, iter(rows))
    copy("search_gram", "gram, customer_id", iter(_customer_grams(rows)))
    for start in range(1, tickets + 1, CHUNK):
        stop = min(start + CHUNK, tickets + 1)
        chunk = ticket_rows(maker, start, stop, tickets, customers, agent)
        copy("ticket", TICKET_COLUMNS, iter(chunk))
        copy("ticket_gram", "gram, ticket_id", iter(_ticket_grams(chunk)))
        print(f"  postgresql: {start + len(chunk) - 1:,} tickets", end="\r", flush=True)
    print()
    con.execute("ALTER TABLE ticket_gram ADD PRIMARY KEY (gram, ticket_id)")
    con.execute(
        "ALTER TABLE ticket_gram ADD CONSTRAINT ticket_gram_ticket_id_fkey FOREIGN KEY"
        " (ticket_id) REFERENCES ticket (id) ON DELETE CASCADE"
    )
    for _, sql in indexes:
        con.execute(sql)
    con.execute("ANALYZE")
    con.close()


def _schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


# -- measuring --------------------------------------------------------------------------------


def make_queries(tickets: int, count: int, seed: int) -> dict[str, list[str]]:
    """Queries drawn from the data itself (the same Maker, so no read of the database)."""
    maker = Maker(seed)
    rng = random.Random(seed + 1)
    customers = max(10, tickets // TICKETS_PER_CUSTOMER)
    sample = [maker.words() for _ in range(2_000)]
    names = [maker.company() for _ in range(500)]

    def piece(n: int) -> str:
        for _ in range(100):
            words = rng.choice(sample)
            runs = [run for run in words.replace("，", " ").replace("。", " ").split() if run]
            run = rng.choice(runs)
            if len(run) >= n:
                start = rng.randrange(len(run) - n + 1)
                return run[start : start + n]
        return rng.choice(PROBLEMS)

    per = max(1, count // 8)
    return {
        "two characters": [piece(2) for _ in range(per * 2)],
        "a word": [piece(rng.randint(3, 6)) for _ in range(per)],
        "two words": [f"{rng.choice(THINGS)} {rng.choice(PROBLEMS)}" for _ in range(per)],
        "ticket number": [f"#{rng.randint(1, tickets)}" for _ in range(per // 2)]
        + [str(rng.randint(1, tickets)) for _ in range(per // 2)],
        "phone": [format_display(mobile(rng.randint(1, customers))) for _ in range(per)],
        "name": [names[rng.randrange(len(names))][2 : 2 + rng.randint(2, 3)] for _ in range(per)],
    }


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    rank = math.ceil(q * len(ordered))  # nearest rank
    return ordered[min(len(ordered) - 1, max(0, rank - 1))]


def timed(queries: Sequence[str], run: Callable[[str], object]) -> list[float]:
    times = []
    for query in queries:
        began = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - began) * 1000)
    return times


def measure(database: Database, queries: dict[str, list[str]], scans: int) -> dict[str, Any]:
    with UnitOfWork(database) as uow:
        agent_id = uow.agents.agents()[0].id
    actor = Actor(agent_id, "王芳", Role.AGENT)
    found_any = 0

    def search(query: str) -> None:
        nonlocal found_any
        with UnitOfWork(database) as uow:
            found_any += bool(find_records(uow, actor, FindRecords(query), NOW).rows)

    warm = [q for qs in queries.values() for q in qs[:5]]
    timed(warm, search)
    found_any = 0
    every: list[float] = []
    kinds: dict[str, list[float]] = {}
    for kind, texts in queries.items():
        kinds[kind] = timed(texts, search)
        every += kinds[kind]
    words = queries["two characters"] + queries["a word"]
    like = text(
        "SELECT id FROM ticket WHERE customer_words LIKE :p OR answer LIKE :p"
        " ORDER BY id DESC LIMIT 100"
    )

    def scan(query: str) -> None:
        with database.engine.connect() as connection:
            connection.execute(like, {"p": f"%{query}%"}).all()

    scanned = words[:: max(1, len(words) // scans)][:scans]
    word_times = kinds["two characters"] + kinds["a word"]
    return {
        "all": every,
        "kinds": kinds,
        "words": word_times,
        "like": timed(scanned, scan),
        "scanned": len(scanned),
        "found_share": found_any / max(1, len(every)),
    }


def run_backend(
    name: str, database: Database, queries: dict[str, list[str]], scans: int
) -> dict[str, float]:
    figures = measure(database, queries, scans)
    print(f"{name}: {len(figures['all'])} searches, {figures['found_share']:.0%} found something")
    for kind, times in figures["kinds"].items():
        print(f"  {kind:<15} p50 {pct(times, 0.5):7.1f} ms   p99 {pct(times, 0.99):7.1f} ms")
    p99 = pct(figures["all"], 0.99)
    words = pct(figures["words"], 0.99)
    like = pct(figures["like"], 0.99)
    verdict = "ok" if p99 <= GOAL_P99_MS else "OVER"
    print(f"  every search    p99 {p99:7.1f} ms (goal {GOAL_P99_MS:.0f} ms: {verdict})")
    print(
        f"  words: index p50 {pct(figures['words'], 0.5):.1f} / p99 {words:.1f} ms   beside"
        f" LIKE '%…%' scan p50 {pct(figures['like'], 0.5):.1f} / p99 {like:.1f} ms"
        f" ({figures['scanned']} of the same queries; {like / max(words, 0.01):.0f}x)"
    )
    return {
        f"search_p99_ms_{name}": round(p99, 1),
        f"words_p99_ms_{name}": round(words, 1),
        f"like_p99_ms_{name}": round(like, 1),
    }


def _postgres_url(given: str | None) -> str | None:
    if given:
        return given
    if os.environ.get("DESKUI_TEST_DATABASE_URL"):
        return os.environ["DESKUI_TEST_DATABASE_URL"]
    pgurl = Path("/tmp/pgurl")
    return pgurl.read_text().strip() if pgurl.exists() else None


def _built(marker: Path, tickets: int) -> bool:
    try:
        return json.loads(marker.read_text()) == {"tickets": tickets, "build": BUILD_VERSION}
    except (OSError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 tickets, 160 searches")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--scan-queries", type=int, default=30)
    parser.add_argument("--db", help="a PostgreSQL URL (a schema of its own is kept there)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "deskui-bench")
    parser.add_argument("--seed", type=int, default=26)
    args = parser.parse_args(argv)
    if args.quick:
        args.tickets, args.queries, args.scan_queries = 20_000, 160, 40
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores; {args.tickets:,} tickets")
    queries = make_queries(args.tickets, args.queries, args.seed)
    results: dict[str, float] = {"tickets": float(args.tickets)}
    failed = []
    if args.only != "postgresql":
        args.workdir.mkdir(parents=True, exist_ok=True)
        path = args.workdir / f"search-{args.tickets}.sqlite3"
        marker = path.with_suffix(".json")
        if not _built(marker, args.tickets):
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
            began = time.perf_counter()
            load_sqlite(path, args.tickets, args.seed)
            marker.write_text(json.dumps({"tickets": args.tickets, "build": BUILD_VERSION}))
            print(f"sqlite: built in {time.perf_counter() - began:.0f} s")
        database = Database(f"sqlite:///{path}")
        results |= run_backend("sqlite", database, queries, args.scan_queries)
        database.dispose()
    if args.only != "sqlite":
        url = _postgres_url(args.db)
        if url is None:
            print("postgresql: no URL (--db or DESKUI_TEST_DATABASE_URL): NOT MEASURED")
            failed.append("postgresql")
        else:
            schema = f"search_bench_{args.tickets}"
            base = Database(url)
            with base.engine.begin() as connection:
                connection.execute(text("CREATE TABLE IF NOT EXISTS public.search_bench_built"
                                        " (name TEXT PRIMARY KEY, build INTEGER)"))  # fmt: skip
                built = connection.execute(
                    text("SELECT build FROM public.search_bench_built WHERE name = :n"),
                    {"n": schema},
                ).scalar()
            if built != BUILD_VERSION:
                began = time.perf_counter()
                load_postgresql(url, schema, args.tickets, args.seed)
                with base.engine.begin() as connection:
                    connection.execute(
                        text("DELETE FROM public.search_bench_built WHERE name = :n"), {"n": schema}
                    )
                    connection.execute(
                        text("INSERT INTO public.search_bench_built VALUES (:n, :b)"),
                        {"n": schema, "b": BUILD_VERSION},
                    )
                print(f"postgresql: built in {time.perf_counter() - began:.0f} s")
            base.dispose()
            database = Database(_schema_url(url, schema))
            results |= run_backend("postgresql", database, queries, args.scan_queries)
            database.dispose()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} (figures on a loaded machine are not idle figures)")
    print("BENCH-RESULT " + json.dumps(results))
    return 2 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
