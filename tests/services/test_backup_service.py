"""Backups that restore (issue 28), on SQLite and PostgreSQL: a demo backed up while a desk
goes on saving calls (a thread of its own, on its own engine) restores into an empty
database, and every export of it equals the export of the demo with exactly as many of those
calls saved as the backup holds: one consistent state, no call half in. A restore refuses a
database holding records unless forced, a file that is no deskui backup, and a lower role
(audited)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from deskui.data.backups import BackupError, find_tool, matching_tool, tool_major
from deskui.data.database import Database
from deskui.data.export import KINDS
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor, Denied
from deskui.services.backups import (
    BackUp,
    BackupRefused,
    Restore,
    back_up,
    host_actor,
    restore,
)
from deskui.services.exports import ExportRecords, export_records
from deskui.services.intake import CallIntake, RecordCall, record_call
from tests.conftest import FIXED_NOW, _postgres_url
from tests.databases import DEMO, build_sqlite, sqlite_copy
from tests.services.conftest import Desk

HOST = host_actor("root")


@contextmanager
def _pg_database(url: str) -> Iterator[str]:
    """A database of the test's own on the suite's server (CREATE DATABASE, dropped after):
    a dump holds a whole database, and the suite's schema-per-test share one."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"deskui_bk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            _drop_database(connection, name)
        admin.dispose()


def _drop_database(connection: Any, name: str) -> None:
    """DROP DATABASE, the test's own connections ended (FORCE). FORCE refuses when an
    autovacuum worker is on the new database ("must be a member of the role whose process
    is being terminated": the suite's role may not end it; it failed one suite run in
    three), where a plain DROP cancels the worker itself: the two in turn, a few times."""
    from sqlalchemy.exc import DBAPIError

    statements = (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'DROP DATABASE IF EXISTS "{name}"',
    )
    for attempt in range(40):
        try:
            connection.exec_driver_sql(statements[attempt % 2])
            return
        except DBAPIError:
            if attempt == 39:
                raise
            time.sleep(0.1)


@contextmanager
def _three_databases(backend: str, tmp_path: Path) -> Iterator[tuple[Database, Database, str]]:
    """The demo (to back up), a second demo (the reference the test replays saves onto) and
    the URL of an empty database (to restore into)."""
    if backend == "sqlite":
        demo = sqlite_copy(tmp_path / "demo.db", DEMO)
        reference = sqlite_copy(tmp_path / "reference.db", DEMO)
        yield demo, reference, f"sqlite:///{tmp_path / 'restored here' / 'empty.db'}"
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL: set DESKUI_TEST_DATABASE_URL")
    with _pg_database(url) as one, _pg_database(url) as two, _pg_database(url) as empty:
        demo, reference = Database(one), Database(two)
        for database in (demo, reference):
            database.upgrade()
            with UnitOfWork(database) as uow:
                from deskui.data.demo import seed_demo

                seed_demo(uow, FIXED_NOW)
                uow.commit()
        try:
            yield demo, reference, empty
        finally:
            demo.dispose()
            reference.dispose()


def _agent_and_customer(database: Database) -> tuple[Actor, Actor, int]:
    with UnitOfWork(database) as uow:
        accounts = uow.accounts.accounts()
        agent = next(a for a in accounts if a.role == Role.AGENT and a.active)
        manager = next(a for a in accounts if a.role == Role.MANAGER and a.active)
        customer = uow.customers.customers()[0].id
    desk = Actor(agent.id, agent.name, agent.role, agent.team)
    return desk, Actor(manager.id, manager.name, manager.role, manager.team), customer


def _save_call(database: Database, actor: Actor, customer: int, n: int) -> None:
    intake = CallIntake("question", "billing", "phone", "normal", f"备份中的第 {n} 个来电",
                        customer_id=customer)  # fmt: skip
    with UnitOfWork(database) as uow:
        record_call(uow, actor, RecordCall(intake), FIXED_NOW + timedelta(seconds=n))


def _exports(database: Database, actor: Actor) -> dict[str, object]:
    tables: dict[str, object] = {}
    for kind in sorted(KINDS):
        with UnitOfWork(database) as uow:
            command = ExportRecords(kind, "Asia/Shanghai")
            tables[kind] = export_records(uow, actor, command, FIXED_NOW)
    return tables


def _tickets(database: Database) -> int:
    from deskui.data.backups import contents

    return contents(database).counts["tickets"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_backup_taken_while_a_desk_saves_restores_with_every_export_equal(
    backend: str, tmp_path: Path
) -> None:
    with _three_databases(backend, tmp_path) as (demo, reference, empty_url):
        desk_actor, manager, customer = _agent_and_customer(demo)
        before = _tickets(demo)
        writer_db = Database(demo.url.render_as_string(hide_password=False))  # another desk
        saved = 0
        first = threading.Event()
        stop = threading.Event()
        failed: list[BaseException] = []

        def desk_saves() -> None:
            nonlocal saved
            try:
                while not stop.is_set() and saved < 400:
                    _save_call(writer_db, desk_actor, customer, saved + 1)
                    saved += 1
                    first.set()
            except BaseException as error:  # said by the test, not lost in the thread
                failed.append(error)
                first.set()

        writer = threading.Thread(target=desk_saves)
        writer.start()
        try:
            assert first.wait(60)
            output = tmp_path / "a backup [bold]x 名 <i>.bak"
            written = back_up(demo, manager, BackUp(output), FIXED_NOW)
        finally:
            stop.set()
            writer.join(120)
            writer_db.dispose()
        assert not failed, failed
        assert oct(output.stat().st_mode & 0o777) == "0o600"
        in_backup = written.contents.counts["tickets"] - before
        assert 1 <= in_backup <= saved

        if backend == "sqlite":
            (tmp_path / "restored here").mkdir()
        target = Database(empty_url)
        try:
            restored = restore(target, HOST, Restore(output), FIXED_NOW)
            assert restored.contents.counts["tickets"] == before + in_backup
            assert restored.contents.revision == restored.backup_revision == demo.revision()

            # the demo with exactly those saves, made again the same way: every export equal
            for n in range(1, in_backup + 1):
                _save_call(reference, desk_actor, customer, n)
            assert _exports(target, manager) == _exports(reference, manager)

            # now the restored database holds records: refused unless forced
            with pytest.raises(BackupRefused) as refused:
                restore(target, HOST, Restore(output), FIXED_NOW)
            assert refused.value.key == "backup.error.not_empty"
            forced = restore(target, HOST, Restore(output, force=True), FIXED_NOW)
            assert forced.contents.counts == restored.contents.counts
            with UnitOfWork(target) as uow:
                lines = uow.audit.search(action="restore", limit=10)
            assert [(x.agent_name, x.subject) for x in lines] == [("host:root", output.name)]
            assert lines[0].detail["tickets"] == before + in_backup
        finally:
            target.dispose()
        with UnitOfWork(demo) as uow:
            backups = uow.audit.search(action="backup", limit=10)
        assert [(x.agent_name, x.subject) for x in backups] == [(manager.name, output.name)]


def _refused(key: str, job: Callable[[], object]) -> None:
    with pytest.raises(BackupRefused) as refused:
        job()
    assert refused.value.key == key


def test_a_lower_role_a_file_that_is_no_backup_and_a_backup_over_a_file_are_refused(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    for actor in (agent, lead):
        with pytest.raises(Denied):
            back_up(database, actor, BackUp(tmp_path / "x.bak"), FIXED_NOW)
        with pytest.raises(Denied):
            restore(database, actor, Restore(tmp_path / "x.bak", force=True), FIXED_NOW)
    assert not (tmp_path / "x.bak").exists()
    with UnitOfWork(database) as uow:
        denied = uow.audit.search(action="denied", limit=10)
    assert sorted(x.subject for x in denied) == ["back_up", "back_up", "restore", "restore"]

    junk = tmp_path / "not a backup <script>.bak"
    for body in (b"", b"hello\n", b"PGDMP nothing else", b"SQLite format 3\x00" + b"\x00" * 200):
        junk.write_bytes(body)
        _refused(
            "backup.error.not_a_backup",
            lambda: restore(database, HOST, Restore(junk), FIXED_NOW),
        )
    _refused(
        "backup.error.missing",
        lambda: restore(database, HOST, Restore(tmp_path / "gone.bak"), FIXED_NOW),
    )
    _refused("backup.error.exists", lambda: back_up(database, HOST, BackUp(junk), FIXED_NOW))
    _refused(
        "backup.error.no_folder",
        lambda: back_up(database, HOST, BackUp(tmp_path / "no" / "x.bak"), FIXED_NOW),
    )
    with UnitOfWork(database) as uow:  # nothing was restored: the desk's records are there
        assert uow.accounts.account("王芳") is not None


def test_a_sqlite_file_of_another_program_is_no_backup(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE agent (id INTEGER)")
    target = build_sqlite(tmp_path / "target.db", "migrated")
    try:
        _refused(
            "backup.error.not_a_backup", lambda: restore(target, HOST, Restore(other), FIXED_NOW)
        )
    finally:
        target.dispose()


def test_a_missing_pg_dump_and_one_of_another_major_version_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL: set DESKUI_TEST_DATABASE_URL")
    monkeypatch.setenv("DESKUI_PG_BIN", str(tmp_path))
    with pytest.raises(BackupError) as missing:
        find_tool("pg_dump")
    assert missing.value.key == "backup.error.tool_missing"
    assert missing.value.values["tool"] == "pg_dump"
    fake = tmp_path / "pg_dump"
    fake.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 99.1"\n')
    fake.chmod(0o700)
    assert tool_major(str(fake)) == 99
    database = Database(url)
    try:
        with pytest.raises(BackupError) as other:
            matching_tool("pg_dump", database)
    finally:
        database.dispose()
    assert other.value.key == "backup.error.tool_version"
    assert other.value.values["tool_version"] == 99
    assert other.value.values["server_version"] < 99
    assert os.environ["DESKUI_PG_BIN"] == str(tmp_path)


def test_a_backup_of_a_newer_deskui_is_not_restored(tmp_path: Path) -> None:
    import sqlite3

    newer = tmp_path / "newer.db"
    sqlite_copy(newer, DEMO).dispose()
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    target = Database(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        with pytest.raises(BackupRefused) as refused:
            restore(target, HOST, Restore(newer), FIXED_NOW)
    finally:
        target.dispose()
    assert refused.value.key == "backup.error.unknown_schema"
    assert refused.value.values == {"revision": "9999"}
    assert not (tmp_path / "target.db").exists()  # nothing was written


def _damaged_copies(backend: str, backup: Path, tmp_path: Path) -> list[tuple[str, Path, str]]:
    """A backup as an attacker or a bad disk leaves it: cut off, a page overwritten, and (a
    SQLite file) a trigger slipped in that would erase the audit on every desk's write."""
    import sqlite3

    data = backup.read_bytes()
    cut = tmp_path / "cut.bak"
    cut.write_bytes(data[: len(data) * 3 // 5])
    cut_key = "backup.error.damaged" if backend == "sqlite" else "backup.error.not_a_backup"
    copies = [("cut off", cut, cut_key)]
    if backend == "sqlite":
        for page in (60, 120, 170):  # a table's page, an index's, the agents'
            overwritten = tmp_path / f"page {page}.bak"
            changed = bytearray(data)
            changed[page * 4096 : (page + 1) * 4096] = b"\xff" * 4096
            overwritten.write_bytes(bytes(changed))
            copies.append((f"page {page}", overwritten, "backup.error.damaged"))
        trigger = tmp_path / "trigger.bak"
        trigger.write_bytes(data)
        with sqlite3.connect(trigger) as connection:
            connection.execute(
                "CREATE TRIGGER forget AFTER INSERT ON audit_entry BEGIN"
                " DELETE FROM audit_entry; END"
            )
        connection.close()
        copies.append(("a trigger", trigger, "backup.error.not_a_backup"))
    return copies


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_damaged_or_doctored_backup_is_refused_and_the_database_kept(
    backend: str, tmp_path: Path
) -> None:
    """Forced over a database holding a site's records, a backup cut off, with a page
    overwritten or with a trigger added is refused before anything is written: the records
    stay, and the desk's database still answers (before, a damaged SQLite backup was copied
    over it and every read after said 'database disk image is malformed')."""
    with _three_databases(backend, tmp_path) as (demo, _reference, _empty):
        _desk, manager, _customer = _agent_and_customer(demo)
        backup = tmp_path / "good.bak"
        back_up(demo, manager, BackUp(backup), FIXED_NOW)
        held = _tickets(demo)
        for what, copy, key in _damaged_copies(backend, backup, tmp_path):
            with pytest.raises(BackupRefused) as refused:
                restore(demo, manager, Restore(copy, force=True), FIXED_NOW)
            assert (what, refused.value.key) == (what, key)
            assert _tickets(demo) == held
            with UnitOfWork(demo) as uow:
                assert uow.accounts.account(manager.name) is not None
                assert uow.audit.search(action="restore", limit=10) == []


def test_a_dump_given_a_function_and_a_trigger_is_not_restored(tmp_path: Path) -> None:
    """A PostgreSQL dump is SQL the restore runs inside the desks' database: one given a
    trigger (and its function) that empties the audit was restored, and the trigger ate the
    restore's own audit line (found attacking). A dump holding anything deskui's schema does
    not make is refused before pg_restore runs; the empty database stays empty."""
    from sqlalchemy import inspect

    with _three_databases("postgresql", tmp_path) as (_demo, doctored, empty_url):
        with doctored.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE FUNCTION forget() RETURNS trigger LANGUAGE plpgsql AS"
                " $$BEGIN DELETE FROM audit_entry; RETURN NULL; END$$"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER forget AFTER INSERT ON audit_entry"
                " FOR EACH STATEMENT EXECUTE FUNCTION forget()"
            )
        dump = tmp_path / "doctored.dump"
        back_up(doctored, HOST, BackUp(dump), FIXED_NOW)
        target = Database(empty_url)
        try:
            with pytest.raises(BackupRefused) as refused:
                restore(target, HOST, Restore(dump), FIXED_NOW)
            assert refused.value.key == "backup.error.not_a_backup"
            with target.engine.connect() as connection:
                assert inspect(connection).get_table_names() == []
        finally:
            target.dispose()
