"""`paperboy run` as operators run it: one process for Telegram, Slack, the push and the HTTP server;
healthy, measurable, quiet about secrets, and quick to stop on SIGTERM."""

from __future__ import annotations

import re
from pathlib import Path

from bot.models import Destination
from tests.e2e.run_process import bot_environment, free_port, paperboy_run, prepare_database
from tests.e2e.telegram_rig import until
from tests.e2e.test_summarize_cli import SAMPLE_IDS
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.openai_api import FakeOpenAIServer
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlack
from tests.fakes.slack_requests import DEFAULT_SECRET
from tests.fakes.telegram_api import FakeTelegram
from tests.fixtures.latexml import latexml_page, synthetic_article

CHAT = 5001
CHANNEL = "C0PUSH"


async def test_one_process_serves_both_platforms_health_and_metrics(tmp_path: Path) -> None:
    async with FakeTelegram(rate_limits=True) as telegram, FakeSlack() as slack:
        telegram.add_chat(CHAT)
        slack.add_channel(CHANNEL, "papers")
        db = tmp_path / "run.db"
        await prepare_database(
            db,
            [(Destination(platform="telegram", chat_id=str(CHAT)), "private"),
             (Destination(platform="slack", chat_id=CHANNEL), "channel")],
            top_n=3,
        )  # fmt: skip
        environment = bot_environment(db, free_port(), telegram, slack)
        async with paperboy_run(tmp_path, environment) as bot:
            health = await bot.healthy()
            assert health["checks"] == {"database": True, "telegram": True, "slack": True}
            await until(lambda: telegram.sent_to(CHAT) and slack.messages(CHANNEL), within=20)
            telegram.send_text(CHAT, "/days")
            await until(lambda: len(telegram.sent_to(CHAT)) == 2, within=10)
            status, metrics = await bot.get("/metrics")
            assert status == 200
            assert re.search(r'paperboy_messages_sent_total\{platform="telegram"\} 1\.0', metrics)
            assert re.search(r'paperboy_messages_sent_total\{platform="slack"\} 1\.0', metrics)
            assert re.search(r'paperboy_outbox\{status="sent"\} 2\.0', metrics)
            assert re.search(r'paperboy_command_seconds_count\{platform="telegram"\} 1\.0', metrics)
            assert await bot.terminate() == 0
            assert bot.stopped_in is not None
            assert bot.stopped_in < 10
        assert len(telegram.sent_to(CHAT)) == 2  # the push and the answer to /days
        assert len(slack.messages(CHANNEL)) == 1
        output = bot.log.read_text(encoding="utf-8")
        for secret in (telegram.token, telegram.token.split(":")[1], DEFAULT_TOKEN, DEFAULT_SECRET):
            assert secret not in output
        assert "Traceback" not in output


async def test_a_platform_that_cannot_start_stops_the_process_with_a_reason(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram, FakeSlack() as slack:
        slack.revoke_token()
        db = tmp_path / "run.db"
        await prepare_database(db, [])
        environment = bot_environment(db, free_port(), telegram, slack)
        async with paperboy_run(tmp_path, environment) as bot:
            code = await bot.process.wait()
        assert code == 1
        output = bot.log.read_text(encoding="utf-8")
        assert "paperboy: Slack refused the bot token (token_revoked)" in output
        assert "Traceback" not in output
        assert DEFAULT_TOKEN not in output


async def test_sigterm_mid_push_hands_back_and_the_restart_finishes_it(tmp_path: Path) -> None:
    chats = [6000 + n for n in range(20)]
    async with FakeTelegram(rate_limits=True) as telegram, FakeSlack() as slack:
        for chat in chats:
            telegram.add_chat(chat)
        db = tmp_path / "run.db"
        destinations = [(Destination(platform="telegram", chat_id=str(chat)), "private") for chat in chats]
        await prepare_database(db, destinations, top_n=10, format="cards")  # 11 messages each, 1/s a chat
        environment = bot_environment(db, free_port(), telegram, slack)
        async with paperboy_run(tmp_path, environment, "first") as bot:
            await bot.healthy()
            await until(lambda: len(telegram.sent) >= 60, within=20)
            assert await bot.terminate() == 0
            assert bot.stopped_in is not None
            assert bot.stopped_in < 10
        cut_short = len(telegram.sent)
        assert cut_short < 11 * len(chats)
        async with paperboy_run(tmp_path, environment, "second") as bot:
            await until(lambda: len(telegram.sent) >= 11 * len(chats), within=40)
            assert await bot.terminate() == 0
        per_chat = {chat: len(telegram.sent_to(chat)) for chat in chats}
        assert set(per_chat.values()) == {11}, per_chat  # every card once: nothing lost, nothing twice
        assert [error for error in telegram.errors if error.status == 429] == []


async def test_a_due_push_waits_for_the_writer_and_carries_its_summaries(tmp_path: Path) -> None:
    """The list is the Korean archive's; an English reader's push waits (a bounded time) until the
    writer has written the English summaries, then carries them instead of the Korean text."""
    async with (
        FakeTelegram(rate_limits=True) as telegram,
        FakeSlack() as slack,
        FakeOpenAIServer(latency=(0.05, 0.15)) as llm,
        FakeArxiv() as arxiv,
    ):
        for index, arxiv_id in enumerate(SAMPLE_IDS):
            arxiv.add_paper(arxiv_id, html=latexml_page(synthetic_article(index, target_chars=4_000)))
        telegram.add_chat(CHAT)
        db = tmp_path / "run.db"
        destination = Destination(platform="telegram", chat_id=str(CHAT))
        await prepare_database(db, [(destination, "private")], top_n=2, format="cards", language="en")
        environment = bot_environment(
            db, free_port(), telegram, slack,
            PAPERBOY_LLM__BASE_URL=llm.api_url, PAPERBOY_LLM__API_KEY="sk-run-secret",
            PAPERBOY_SUMMARIES__ARXIV_URL=arxiv.base_url, PAPERBOY_SUMMARIES__FETCH_INTERVAL="0",
            PAPERBOY_SUMMARIES__LANGUAGES="en", PAPERBOY_SUMMARIES__CACHE_DIR=str(tmp_path / "texts"),
            PAPERBOY_SUMMARIES__CONTACT="mailto:ops@example.org",
        )  # fmt: skip
        async with paperboy_run(tmp_path, environment) as bot:
            await until(lambda: len(telegram.sent_to(CHAT)) >= 3, within=40)
            _, metrics = await bot.get("/metrics")
            assert await bot.terminate() == 0
        cards = [m.text for m in telegram.sent_to(CHAT)[1:]]
        assert llm.request_count == len(SAMPLE_IDS)  # every paper of the list, in English, once
        assert all("What's New" in card for card in cards)
        assert not any("\uac00" <= ch <= "\ud7a3" for card in cards for ch in card)  # no Korean text
        assert re.search(
            rf'paperboy_summaries_written_total\{{language="en"\}} {len(SAMPLE_IDS)}\.0', metrics
        )
        output = bot.log.read_text(encoding="utf-8")
        assert "sk-run-secret" not in output
        assert "Traceback" not in output
