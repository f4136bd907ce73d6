"""The digest Paperboy writes itself, end to end: an HF day (English only, as every day since May 2025)
is ingested from the fake HF API, summarised in Korean and English through the fake LLM server, and
pushed to Korean and English readers on Telegram and Slack through their fakes. Each reader gets the
sections in their own language; nobody gets the other language's text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import aiohttp
from pydantic import SecretStr

from bot.config import HFSettings, LLMSettings, PushSettings, SummariesSettings
from bot.delivery import Deliverer, Scheduler
from bot.ingest import DigestSources
from bot.metrics import Metrics
from bot.models import Destination, Subscription
from bot.ports import Notifier, Store
from bot.ratelimit import RateLimiter
from bot.service import PaperService
from bot.writer.fulltext import FullTextFetcher
from bot.writer.summarizer import Summarizer
from handlers.llm_adapter.openai_chat import OpenAIChat
from handlers.slack_adapter.app import web_client
from handlers.slack_adapter.config import SlackSettings
from handlers.slack_adapter.notifier import SlackNotifier
from handlers.telegram_adapter.config import TelegramSettings
from handlers.telegram_adapter.notifier import TelegramNotifier
from handlers.telegram_adapter.push_client import PushClient
from tests.clock import VirtualClock
from tests.conftest import REPO
from tests.fakes.hf_api import FakeHFServer
from tests.fakes.openai_api import FakeOpenAIServer
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlack
from tests.fakes.telegram_api import FakeTelegram

DAY = date(2025, 2, 24)
DUE = datetime(2025, 2, 25, 0, 0, tzinfo=UTC)  # 09:00 in Seoul, the day after the list
HF_DAY = json.loads((REPO / "tests/fixtures/hf/daily_papers_2025-02-24.json").read_text(encoding="utf-8"))
KO_CHAT, EN_CHAT = 7001, 7002


async def _subscribe(store: Store, destination: Destination, language: str, chat_type: str) -> None:
    values = {
        "destination": destination, "chat_type": chat_type, "language": language, "format": "cards",
        "top_n": 3, "send_time": time(9, 0), "time_zone": "Asia/Seoul",
        "active_since": DUE - timedelta(days=2),
    }  # fmt: skip
    await store.save_subscription(Subscription.model_validate(values))


async def test_an_hf_day_is_written_and_pushed_in_each_readers_language(store: Store, tmp_path: Path) -> None:
    async with (
        FakeHFServer() as hf,
        FakeOpenAIServer() as llm,
        FakeTelegram(rate_limits=False) as telegram,
        FakeSlack() as slack,
        aiohttp.ClientSession() as session,
    ):
        hf.set_day(DAY, HF_DAY)
        service = PaperService(store, DigestSources(HFSettings(base_url=hf.base_url, max_retries=0)))
        ingested = await service.fetch_hf(DAY, DAY)
        chat = OpenAIChat(base_url=llm.api_url, api_key="sk-test")
        async with FullTextFetcher(tmp_path / "texts", contact="mailto:ops@example.org") as texts:
            summarizer = Summarizer(
                store, chat, texts, LLMSettings(base_url=llm.api_url), SummariesSettings(source="abstract"),
                metrics=Metrics(),
            )  # fmt: skip
            written = await summarizer.summarize_days([DAY], ["ko", "en"])
        await chat.close()

        telegram.add_chat(KO_CHAT)
        telegram.add_chat(EN_CHAT)
        for channel in ("CKO", "CEN"):
            slack.add_channel(channel, channel.lower())
        await _subscribe(store, Destination(platform="telegram", chat_id=str(KO_CHAT)), "ko", "private")
        await _subscribe(store, Destination(platform="telegram", chat_id=str(EN_CHAT)), "en", "private")
        await _subscribe(store, Destination(platform="slack", chat_id="CKO"), "ko", "channel")
        await _subscribe(store, Destination(platform="slack", chat_id="CEN"), "en", "channel")
        async with PushClient(telegram.api_url, telegram.token, connections=4) as client:
            telegram_settings = TelegramSettings(token=SecretStr(telegram.token), api_url=telegram.api_url)
            slack_client = web_client(
                SlackSettings(bot_token=SecretStr(DEFAULT_TOKEN), api_url=slack.api_url), session
            )
            notifiers: dict[str, Notifier] = {
                "telegram": TelegramNotifier(client, telegram_settings),
                "slack": SlackNotifier(slack_client),
            }
            settings = PushSettings(retry_seconds=0.05, max_attempts=2)
            clock = VirtualClock(DUE)  # the day's push is due; its pacing, against the fakes, takes real time
            await Scheduler(store, settings, clock).enqueue_due()
            await Deliverer(store, notifiers, settings, limiter=RateLimiter(), clock=clock).drain()

    assert ingested.papers_added == len(HF_DAY)
    assert (written.written, written.failed) == (2 * len(HF_DAY), 0)
    top = await store.top(DAY, limit=3)
    for paper in top:
        korean, english = paper.summary_in("ko"), paper.summary_in("en")
        assert korean is not None
        assert english is not None
        assert (korean.source, english.source) == ("llm", "llm")
        ko_text, en_text = korean.sections[0].text, english.sections[0].text
        ko_telegram = " ".join(m.text for m in telegram.sent_to(KO_CHAT))
        en_telegram = " ".join(m.text for m in telegram.sent_to(EN_CHAT))
        ko_slack = json.dumps([m.blocks for m in slack.messages("CKO")], ensure_ascii=False)
        en_slack = json.dumps([m.blocks for m in slack.messages("CEN")], ensure_ascii=False)
        assert ko_text[:40] in ko_telegram
        assert en_text[:40] in en_telegram
        assert ko_text[:40] in ko_slack
        assert en_text[:40] in en_slack
        assert ko_text[:40] not in en_telegram + en_slack
        assert en_text[:40] not in ko_telegram + ko_slack
    assert telegram.errors == []
    assert slack.errors == []
