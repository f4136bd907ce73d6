"""Personal ranking: no feedback is the votes' order exactly; a few presses move related papers."""

from __future__ import annotations

from bot.models import DigestDay, Paper, Section
from bot.personal import feedback_key, rank, vote_score
from bot.ports import PaperFeedback
from bot.related import paper_terms, text_terms
from tests.conftest import PaperFactory


def by_votes(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: -(p.votes or 0))


def ids(papers: list[Paper]) -> list[str]:
    return [p.arxiv_id for p in papers]


def topics(make_paper: PaperFactory) -> list[Paper]:
    """Eight papers, best-voted first: video generation ones low in votes, language ones high."""
    video = "video diffusion generation with temporal consistency"
    language = "large language model reasoning and instruction tuning"
    papers = []
    for i in range(8):
        about = video if i % 2 else language
        papers.append(
            make_paper(
                f"2501.0000{i}", votes=100 - 10 * i, title=f"{about.split()[0].title()} study {i}",
                abstract=f"We study {about}. Variant {i}.", sections=(),
            )
        )  # fmt: skip
    return papers


def test_no_feedback_is_exactly_the_votes_order(sample_day: DigestDay) -> None:
    papers = by_votes(sample_day.papers)
    ranked = rank(papers, [])
    assert ids(ranked.papers) == ids(papers)
    assert ranked.liked_terms(papers[0].arxiv_id) == ()


def test_feedback_on_unknown_papers_leaves_the_votes_order(make_paper: PaperFactory) -> None:
    papers = topics(make_paper)
    assert ids(rank(papers, [PaperFeedback("2409.99999", likes=3)]).papers) == ids(papers)


def test_one_like_moves_related_papers_up(make_paper: PaperFactory) -> None:
    papers = topics(make_paper)
    liked = papers[7]  # a video paper, the least voted
    ranked = rank(papers, [PaperFeedback(liked.arxiv_id, likes=1)])
    top = ids(ranked.papers[:4])
    assert liked.arxiv_id in top
    assert sum(1 for p in ranked.papers[:4] if p.title.startswith("Video")) >= 3
    assert "video" in [term.lower() for term in ranked.liked_terms(papers[1].arxiv_id)]


def test_a_save_counts_as_a_like_and_members_add_up(make_paper: PaperFactory) -> None:
    papers = topics(make_paper)
    saved = rank(papers, [PaperFeedback(papers[7].arxiv_id, saves=1)])
    liked = rank(papers, [PaperFeedback(papers[7].arxiv_id, likes=1)])
    assert ids(saved.papers) == ids(liked.papers)
    one = rank(papers, [PaperFeedback(papers[5].arxiv_id, likes=1)])
    three = rank(papers, [PaperFeedback(papers[5].arxiv_id, likes=3)])
    assert ids(three.papers).index(papers[5].arxiv_id) <= ids(one.papers).index(papers[5].arxiv_id)


def test_dislikes_push_down(make_paper: PaperFactory) -> None:
    papers = topics(make_paper)
    disliked = papers[0]  # a language paper, the best voted
    ranked = rank(papers, [PaperFeedback(disliked.arxiv_id, dislikes=2)])
    assert ids(ranked.papers).index(disliked.arxiv_id) >= 4
    assert all(p.title.startswith("Video") for p in ranked.papers[:3])


def test_pressed_papers_of_other_days_train_the_profile(make_paper: PaperFactory) -> None:
    papers = topics(make_paper)
    older = make_paper("2412.00001", title="Video diffusion for long clips", abstract="video diffusion")
    ranked = rank(papers, [PaperFeedback(older.arxiv_id, likes=1)], [older])
    assert ranked.papers[0].title.startswith("Video")
    assert older.arxiv_id not in ids(ranked.papers)  # it trains, it is not a candidate


def test_korean_summaries_count_as_bigrams(make_paper: PaperFactory) -> None:
    korean = "강화학습 기반 로봇 제어 정책을 학습합니다."
    other = "대형언어모델의 추론 능력을 평가합니다."
    papers = [
        make_paper(
            f"2501.0001{i}", votes=50 - i, title=f"Study {i}", sections=(Section(heading="", text=text),)
        )
        for i, text in enumerate([other, other, korean, other, korean])
    ]
    terms = paper_terms(papers[2]).counts
    assert "강화" in terms
    assert "로봇" in terms
    assert "니다" not in terms
    ranked = rank(papers, [PaperFeedback(papers[4].arxiv_id, likes=1)])
    assert ids(ranked.papers[:2]) == [papers[2].arxiv_id, papers[4].arxiv_id]


def test_terms_fold_words_and_keep_how_they_were_written() -> None:
    assert text_terms("LLMs for the Models") == [("llm", "LLMs"), ("model", "Models")]


def test_vote_score_and_feedback_key() -> None:
    assert vote_score(None, 10) == 0.0
    assert vote_score(10, 10) == 1.0
    a = [PaperFeedback("2", likes=1), PaperFeedback("1", dislikes=1)]
    assert feedback_key(a) == feedback_key(list(reversed(a)))
