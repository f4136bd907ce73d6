"""/follow and /unfollow on every platform: who may, what is said, the usage hints, what is stored."""

from __future__ import annotations

from pathlib import Path

from bot.config import HFSettings
from bot.ingest import DigestSources
from bot.models import Destination, Follow
from bot.service import PaperService
from handlers.console_adapter.commands import HOME, ConsoleCommands
from storage.sqlite import SqliteStore
from tests.e2e.discord_rig import CHANNEL, MODERATOR, running_discord
from tests.e2e.slack_rig import GUEST, running_slack
from tests.e2e.telegram_rig import ADMIN, GROUP, USER, running_bot
from tests.fakes.discord_api import EPHEMERAL
from tests.fakes.slack_requests import DEFAULT_CHANNEL_ID

LECUN = Follow(kind="author", value="Yann LeCun")


async def test_console_follows_lists_and_unfollows(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "paperboy.db")
    try:
        chat = ConsoleCommands(PaperService(store, DigestSources(HFSettings())))
        assert (await chat.answer("/follow author Yann LeCun")) == (
            "Only a subscribed chat can follow: its push carries the papers. Subscribe first. "
            "Usage: /subscribe [HH:MM] [Area/City], e.g. /subscribe 08:30 Asia/Seoul"
        )
        await chat.answer("/subscribe")
        assert (await chat.answer("/unfollow")) == (
            "Nothing is followed here yet. Usage: /follow author|org|search <name or words>, "
            "e.g. /follow author Yann LeCun"
        )
        added = await chat.answer("/follow author  Yann   LeCun")
        assert added is not None
        assert added.startswith(
            "Now following author: Yann LeCun. Each day's matching papers come with the push"
        )
        assert (await chat.answer("/follow author yann lecun")) == "Already following author: yann lecun."
        await chat.answer("/follow search video diffusion")
        assert (await chat.answer("/unfollow")) == (
            "Followed here: author: Yann LeCun, search: “video diffusion”. Usage: /unfollow "
            "[author|org|search <name or words>], e.g. /unfollow author Yann LeCun"
        )
        missing = await chat.answer("/unfollow org Meta")
        assert missing is not None
        assert missing.startswith("Not following org: Meta. Followed here: author: Yann LeCun")
        assert (await chat.answer("/unfollow author YANN LECUN")) == "No longer following author: Yann LeCun."
        assert "I don't understand “person”" in str(await chat.answer("/follow person Ada"))
        assert "Which search?" in str(await chat.answer("/follow search"))
        subscription = await store.get_subscription(HOME)
        assert subscription is not None
        assert subscription.follows == (Follow(kind="search", value="video diffusion"),)
        assert "/follow author|org|search" in str(await chat.answer("/help"))
        for number in range(19):  # 20 in all with the search above
            await chat.answer(f"/follow search word{number}")
        assert (await chat.answer("/follow author Ada Lovelace")) == (
            "At most 20 follows per subscription: unfollow one first. Usage: /unfollow "
            "[author|org|search <name or words>], e.g. /unfollow author Yann LeCun"
        )
    finally:
        await store.close()


async def test_telegram_follow_needs_a_subscription_and_in_groups_an_administrator(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as rig:
        assert "Subscribe first" in (await rig.say(USER, "/follow author Yann LeCun"))[0].text
        korean = (await rig.say(USER, "/follow 저자", language_code="ko"))[0].text
        assert korean.startswith("어떤 저자인지 적어 주세요. 사용법: /follow")
        await rig.say(USER, "/subscribe")
        done = (await rig.say(USER, "/follow author Yann LeCun"))[0].text
        assert done.startswith("Now following author: Yann LeCun")
        await rig.say(GROUP, "/subscribe", user_id=ADMIN)
        refused = (await rig.say(GROUP, "/follow org Meta", user_id=USER))[0].text
        assert refused == "Only administrators can change this chat's subscription."
        listed = (await rig.say(GROUP, "/unfollow", user_id=USER))[0].text  # anyone may look
        assert listed.startswith("Nothing is followed here yet.")
        assert (await rig.say(GROUP, "/follow org Meta", user_id=ADMIN))[0].text.startswith("Now following")
        mine = await rig.service.subscription(Destination(platform="telegram", chat_id=str(USER)))
        assert mine is not None
        assert mine.follows == (LECUN,)
        assert any(name == "follow" for name, _ in rig.fake.commands[0].commands)
        assert rig.fake.errors == []


async def test_slack_follow_is_announced_and_spelled_as_a_subcommand(tmp_path: Path) -> None:
    async with running_slack(tmp_path) as rig:
        here = Destination(platform="slack", chat_id=DEFAULT_CHANNEL_ID)
        [hint] = await rig.answer("/papers", "follow")
        assert "Usage: /papers follow author|org|search" in hint.text
        await rig.answer("/papers", "subscribe")
        [said] = await rig.answer("/papers", "follow search video diffusion")
        assert said.response_type == "in_channel"  # the channel is told who changed its push
        [listed] = await rig.answer("/papers", "unfollow")
        assert listed.response_type == "ephemeral"
        assert "Usage: /papers unfollow" in listed.text
        rig.user = rig.as_user(user_id=GUEST)
        [guest] = await rig.answer("/papers", "unfollow search video diffusion")
        assert "full members" in guest.text
        subscription = await rig.service.subscription(here)
        assert subscription is not None
        assert subscription.follows == (Follow(kind="search", value="video diffusion"),)


async def test_discord_follow_needs_manage_channels(tmp_path: Path) -> None:
    async with running_discord(tmp_path) as rig:
        here = Destination(platform="discord", chat_id=CHANNEL)
        await rig.run("papers", subcommand="subscribe", user_id=MODERATOR)
        follow = {"kind": "author", "name": "Yann LeCun"}
        refused = await rig.run("papers", follow, subcommand="follow")
        assert refused.data["flags"] == EPHEMERAL
        assert "Manage Channels" in refused.data["content"]
        said = await rig.run("papers", follow, subcommand="follow", user_id=MODERATOR)
        assert "flags" not in said.data
        assert "Now following author: Yann LeCun" in said.data["content"]
        bad = await rig.run(
            "papers", {"kind": "person", "name": "Ada"}, subcommand="follow", user_id=MODERATOR
        )
        assert "Usage: /papers follow" in bad.data["content"]
        listed = await rig.run("papers", subcommand="unfollow")
        assert "Followed here: author: Yann LeCun. Usage: /papers unfollow" in listed.data["content"]
        subscription = await rig.service.subscription(here)
        assert subscription is not None
        assert subscription.follows == (LECUN,)
