"""Follows: which papers a follow matches, how they join a selection, and how /follow is read."""

from __future__ import annotations

import pytest

from bot.commands import parse_follow
from bot.errors import UsageError
from bot.models import Destination, Follow, Paper, Section, Subscription
from bot.personal import rank
from bot.ports import PaperFeedback
from bot.selection import MAX_FOLLOWED, follow_matches, select
from tests.conftest import PaperFactory

HOME = Destination(platform="telegram", chat_id="1")


def sub(**settings: object) -> Subscription:
    return Subscription.model_validate({"destination": HOME, "chat_type": "private", **settings})


@pytest.mark.parametrize(
    ("kind", "value", "hit"),
    [
        ("author", "Yann LeCun", True),
        ("author", "yann lecun", True),
        ("author", "LeCun", True),
        ("author", "Lecu", False),  # whole words only
        ("author", "Jose Muller", True),  # accents folded
        ("author", "Turing Alan", False),  # words in order
        ("search", "video diffusion", True),  # every word, as include keywords are found
        ("search", "video robots", False),
        ("search", "확산", True),  # Korean inside words
        ("org", "Yann LeCun", True),  # no HF organization on this paper: its authors stand in
    ],
)
def test_follow_matching(make_paper: PaperFactory, kind: str, value: str, hit: bool) -> None:
    paper = make_paper(
        authors=("Yann A. LeCun", "José Müller", "Alan Turing"),
        title="Video Diffusion Models",
        sections=(Section(heading="", text="비디오 확산 모델"),),
    )
    assert follow_matches(paper, Follow.model_validate({"kind": kind, "value": value})) is hit


def day(make_paper: PaperFactory) -> list[Paper]:
    return [
        make_paper(f"2501.000{i:02d}", votes=100 - i, authors=("Yann LeCun",) if i >= 5 else ("Someone",))
        for i in range(25)
    ]


def test_followed_papers_pass_the_floor_and_the_top_n_up_to_a_cap(make_paper: PaperFactory) -> None:
    papers = day(make_paper)
    follows = (Follow(kind="author", value="Yann LeCun"),)
    chosen = select(papers, sub(top_n=3, min_votes=99, follows=follows), already_sent={"2501.00006"})
    got = [p.paper.arxiv_id for p in chosen.picks]
    assert got[:2] == ["2501.00000", "2501.00001"]  # the vote floor leaves two
    extra = got[2:]
    assert len(extra) == MAX_FOLLOWED
    assert "2501.00006" not in extra
    assert extra[0] == "2501.00005"
    assert [str(r) for r in chosen.picks[2].reasons] == ["followed: author Yann LeCun"]


def test_a_pick_that_is_followed_says_so_and_is_not_repeated(make_paper: PaperFactory) -> None:
    papers = day(make_paper)[4:8]
    follows = (Follow(kind="author", value="LeCun"), Follow(kind="search", value="Paper"))
    chosen = select(papers, sub(top_n=2, follows=follows, exclude=("2501.00007",)))
    got = [p.paper.arxiv_id for p in chosen.picks]
    assert got == ["2501.00004", "2501.00005", "2501.00006"]  # 00007 excluded by keyword
    assert [str(r) for r in chosen.picks[1].reasons][:2] == [
        "followed: author LeCun",
        "followed: search “Paper”",
    ]


def test_personal_picks_say_what_was_liked(make_paper: PaperFactory) -> None:
    papers = [
        make_paper("2501.00001", votes=90, title="Language model reasoning", sections=()),
        make_paper("2501.00002", votes=80, title="Language model tuning", sections=()),
        make_paper("2501.00003", votes=10, title="Video diffusion transformers", sections=()),
        make_paper("2501.00004", votes=5, title="Video diffusion editing", sections=()),
    ]
    personal = rank(papers, [PaperFeedback("2501.00004", likes=2)])
    chosen = select(papers, sub(top_n=2, ranking="personal"), personal=personal)
    assert [p.paper.arxiv_id for p in chosen.picks] == ["2501.00004", "2501.00003"]
    why = str(chosen.picks[1].reasons[0])
    assert why.startswith("you liked: ")
    assert "Video" in why
    assert "diffusion" in why
    assert str(chosen.picks[1].reasons[1]) == "among the most voted (▲ 10)"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("author Yann   LeCun", "author", "Yann LeCun"),
        ("ORG Meta AI", "org", "Meta AI"),
        ("organization Google", "org", "Google"),
        ("search video diffusion", "search", "video diffusion"),
        ("저자 홍길동", "author", "홍길동"),
        ("검색 확산 모델", "search", "확산 모델"),
    ],
)
def test_parse_follow(text: str, kind: str, value: str) -> None:
    assert parse_follow("follow", text) == (kind, value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "Usage: /follow author|org|search <name or words>, e.g. /follow author Yann LeCun"),
        ("person Yann", "I don't understand “person”. Usage: /follow"),
        ("author", "Which author? Usage: /follow"),
        ("search " + "x" * 101, "A name or search is at most 100 characters. Usage: /follow"),
    ],
)
def test_parse_follow_usage_hints(text: str, said: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_follow("follow", text)
    assert str(err.value.text).startswith(said)


def test_org_follows_match_the_hf_organization(make_paper: PaperFactory) -> None:
    paper = make_paper(authors=("Meta Researcher",), organization="AI at Meta")
    assert follow_matches(paper, Follow(kind="org", value="meta"))
    assert not follow_matches(paper, Follow(kind="org", value="Meta Researcher"))  # its own org counts
    older = make_paper(authors=("Google DeepMind",))  # listed before HF had organizations
    assert follow_matches(older, Follow(kind="org", value="DeepMind"))
