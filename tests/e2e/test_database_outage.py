"""The database stops answering in the middle of a push (PostgreSQL behind a proxy the test cuts for
five seconds): no message goes out while the store is down, none is sent twice, and the push
finishes once the store is back; `paperboy run` says so in two lines, `paperboy push` in one."""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bot.models import Destination
from tests.conftest import REPO
from tests.e2e.run_process import bot_environment, free_port, paperboy_run, prepare_database
from tests.e2e.telegram_rig import until
from tests.fakes.slack_api import FakeSlack
from tests.fakes.tcp_proxy import CuttableProxy
from tests.fakes.telegram_api import FakeTelegram

CHATS = [20_000 + n for n in range(300)]
OUTAGE = 5.0
LEASE = 10  # seconds: a push whose worker lost track of it is taken up again soon after


def _through(proxy: CuttableProxy, url: str) -> str:
    """The database URL with the proxy's port in place of the server's."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.replace(f":{parts.port}", f":{proxy.port}")).geturl()


def _duplicates(telegram: FakeTelegram) -> int:
    return sum(count - 1 for count in Counter(m.chat_id for m in telegram.sent).values())


async def _prepared(telegram: FakeTelegram, url: str) -> None:
    for chat in CHATS:
        telegram.add_chat(chat)
    destinations = [(Destination(platform="telegram", chat_id=str(chat)), "private") for chat in CHATS]
    await prepare_database(url, destinations, top_n=3)


async def test_run_pauses_the_push_while_the_database_is_down(tmp_path: Path, postgres_url: str) -> None:
    async with (
        FakeTelegram() as telegram,
        FakeSlack() as slack,
        CuttableProxy(urlsplit(postgres_url).port or 5432) as proxy,
    ):
        await _prepared(telegram, postgres_url)
        environment = bot_environment(
            tmp_path / "unused.db", free_port(), telegram, slack,
            PAPERBOY_DATABASE_URL=_through(proxy, postgres_url), PAPERBOY_LOG_LEVEL="WARNING",
            PAPERBOY_PUSH__LEASE_SECONDS=str(LEASE),
        )  # fmt: skip
        async with paperboy_run(tmp_path, environment) as bot:
            await bot.healthy()
            await until(lambda: len(telegram.sent) >= 100, within=60)
            await proxy.cut()
            cut_at = len(telegram.sent)
            await asyncio.sleep(1.0)
            status, health = await bot.get("/healthz")
            in_flight = len(telegram.sent) - cut_at
            await asyncio.sleep(OUTAGE - 1.0)
            during = len(telegram.sent) - cut_at
            await proxy.restore()
            await until(lambda: {m.chat_id for m in telegram.sent} >= set(CHATS), within=60)
            await asyncio.sleep(LEASE + 1.0)  # a push taken up again after its lease ran out comes now
            await bot.healthy()
            assert await bot.terminate() == 0
        log = (tmp_path / "run.log").read_text()
        print(f"duplicates: {_duplicates(telegram)}, sent during the outage: {during}")
        assert _duplicates(telegram) == 0, log
        assert during == in_flight <= 64  # only what was on its way when the store went (<= workers)
        assert status == 503
        assert '"database": false' in health or "PostgreSQL" in health, health
        assert "Traceback" not in log
        warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
        assert len(warnings) == 2, log
        assert "database stopped answering" in warnings[0]
        assert "database answers again" in warnings[1]


async def test_push_stops_with_one_line_when_the_database_goes_down(
    tmp_path: Path, postgres_url: str
) -> None:
    async with (
        FakeTelegram() as telegram,
        FakeSlack() as slack,
        CuttableProxy(urlsplit(postgres_url).port or 5432) as proxy,
    ):
        await _prepared(telegram, postgres_url)
        environment = bot_environment(
            tmp_path / "unused.db", free_port(), telegram, slack,
            PAPERBOY_DATABASE_URL=_through(proxy, postgres_url), PAPERBOY_LOG_LEVEL="WARNING",
            PAPERBOY_PUSH__LEASE_SECONDS=str(LEASE),
        )  # fmt: skip
        environment = {k: v for k, v in environment.items() if not k.startswith("PAPERBOY_SLACK")}
        push = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "push", "--now", cwd=REPO, env=environment,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        communicating = asyncio.create_task(push.communicate())
        await until(lambda: len(telegram.sent) >= 100, within=60)
        await proxy.cut()
        _, err = await asyncio.wait_for(communicating, 60)
        stopped_at = len(telegram.sent)
        await asyncio.sleep(OUTAGE)
        assert len(telegram.sent) == stopped_at  # it ended: nothing more goes out
        await proxy.restore()
        await asyncio.sleep(LEASE + 0.5)  # the leases it could not hand back run out
        again = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "push", "--now", cwd=REPO, env=environment,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err_again = await asyncio.wait_for(again.communicate(), 120)
    print(f"duplicates: {_duplicates(telegram)}")
    assert push.returncode == 1, err.decode()
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, err.decode()
    said = re.fullmatch(
        r"paperboy: the database stopped answering \((.+)\); (\d+) message\(s\) sent, "
        r"(\d+) push\(es\) left for the next run",
        lines[0],
    )
    assert said is not None, lines[0]
    assert "PostgreSQL server at 127.0.0.1" in said[1]
    assert int(said[2]) >= 100  # what the platform took, recorded or not
    sent, left = int(said[2]), int(said[3])
    assert len(CHATS) <= sent + left <= len(CHATS) + 64  # a push sent but not recorded is left too
    assert again.returncode == 0, err_again.decode()
    assert {m.chat_id for m in telegram.sent} == set(CHATS)
    assert _duplicates(telegram) <= 64  # at most the messages in flight when it went down
