"""Honest evaluation of personal ranking: simulated readers, day by day, against votes alone.

Paperboy has one real day bundled (bot/sample) and the shared data holds the same day again, too few
to replay, so the days here are synthetic, made to look like Daily Papers where it matters:

- TOPICS research topics, each with its own English words, Korean words and authors; a paper is
  mostly about one topic (sometimes a second), with a title, keywords, an English abstract full of
  generic research words, and for half of them a Korean summary (Korean bigrams must carry weight).
- Votes are log-normal and favour popular topics (the first ones), as LLM papers dominate the real
  lists: votes alone serve the popular topics' readers and starve the rest.
- Each reader has a hidden topic. Every day they get their top 5 (personal: the model trained on
  all their presses so far; the presses are made on what they were pushed): they 👍 each paper of
  their topic with probability LIKE_P, 👎 each other one with DISLIKE_P, and save one in five liked.

Printed: precision@5 (the share of the day's 5 picks about the reader's topic) of the personal and
of the votes-only digest, averaged over readers and days (the first day, with no presses yet, is
left out: both are the votes' digest then), and by day; then the time to train and rank one
destination's day as the push does it (the day's terms and idf once per process, a profile per
destination): median and p99, and the day's first destination, which pays the tokenising.
Beside it, the same features with an online logistic regression (SGD, the day's unpressed
candidates as weak negatives, as arxiv-sanity-lite treats untagged papers) for precision and cost.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import bot.personal
from bot.models import Paper, Section, Summary
from bot.personal import rank
from bot.ports import PaperFeedback
from bot.sample import sample_digest
from bot.sources.markdown import parse_markdown

TOPICS = 10
PAPERS_PER_DAY = 40
TOP_N = 5
LIKE_P = 0.8
DISLIKE_P = 0.3
SAVE_P = 0.2
GENERIC_TEXT = """
model models method methods data dataset datasets training performance results benchmark benchmarks
evaluation framework approach large learning task tasks state art experiments show propose novel
efficient scalable robust generalization accuracy baseline baselines analysis study system systems
architecture parameters inference quality improve improves improvement significant existing prior
work recent challenge challenges problem problems solution solutions effective effectiveness
"""
GENERIC = GENERIC_TEXT.split()
GENERIC_KO_TEXT = (
    "모델 방법 데이터 학습 성능 결과 평가 실험 제안 기존 향상 효율 정확 분석 구조 추론 품질 개선"
)
GENERIC_KO = GENERIC_KO_TEXT.split()
TOPIC_WORDS = (
    "language reasoning chain thought instruction tuning alignment preference reward llm prompting",
    "video generation diffusion temporal frames motion animation synthesis denoising clip",
    "agent agents tool planning web browsing environment action multi-agent autonomous workflow",
    "code program synthesis repository software bug debugging compiler execution testing",
    "robot robotic manipulation grasping embodied locomotion policy control sim-to-real navigation",
    "speech audio music sound speaker voice waveform acoustic spoken transcription",
    "molecule protein drug chemistry biology molecular docking enzyme genome cell",
    "3d scene reconstruction mesh point cloud gaussian splatting nerf depth geometry",
    "medical clinical radiology patient diagnosis health hospital imaging pathology ehr",
    "math theorem proof olympiad geometry algebra arithmetic formal lean solver",
)
TOPIC_KO = (
    "언어 추론 정렬 지시 보상", "비디오 생성 확산 시간 동작", "에이전트 도구 계획 환경 행동",
    "코드 프로그램 소프트웨어 버그 컴파일", "로봇 조작 파지 보행 제어", "음성 오디오 음악 화자 음향",
    "분자 단백질 약물 화학 생물", "장면 재구성 메쉬 깊이 기하", "의료 임상 영상 진단 환자",
    "수학 정리 증명 대수 기하",
)  # fmt: skip
POPULARITY = tuple(1.0 / (1 + 0.35 * i) for i in range(TOPICS))  # topic 0 the most voted


@dataclass
class Reader:
    topic: int
    presses: dict[str, PaperFeedback] = field(default_factory=dict)


def make_day(rng: random.Random, day: int) -> tuple[list[Paper], dict[str, int]]:
    """One synthetic day, best-voted first, and each paper's main topic."""
    papers: list[tuple[int, Paper]] = []
    topic_of: dict[str, int] = {}
    for index in range(PAPERS_PER_DAY):
        topic = rng.randrange(TOPICS)
        second = rng.randrange(TOPICS) if rng.random() < 0.3 else topic
        words, other = TOPIC_WORDS[topic].split(), TOPIC_WORDS[second].split()
        title = " ".join(rng.sample(words, 2) + rng.sample(GENERIC, 2)).title()
        body = [
            rng.choice(words) if r < 0.22 else rng.choice(other) if r < 0.3 else rng.choice(GENERIC)
            for r in (rng.random() for _ in range(70))
        ]
        sections: tuple[Summary, ...] = ()
        if rng.random() < 0.5:
            ko = TOPIC_KO[topic].split()
            text = " ".join(
                rng.choice(ko) + "을" if rng.random() < 0.3 else rng.choice(GENERIC_KO) for _ in range(25)
            )
            sections = (Summary(language="ko", source="archive", sections=(Section(heading="", text=text),)),)
        votes = int(rng.lognormvariate(2.6, 1.0) * POPULARITY[topic] * 2)
        arxiv_id = f"25{day // 28 + 1:02d}.{day % 28:02d}{index:03d}"
        authors = (*(f"Author{topic}-{rng.randrange(12)}" for _ in range(3)), f"Person{rng.randrange(500)}")
        paper = Paper(
            arxiv_id=arxiv_id, title=title, authors=authors, votes=votes, abstract=" ".join(body),
            keywords=tuple(rng.sample(words, 3)), summaries=sections,
        )  # fmt: skip
        papers.append((votes, paper))
        topic_of[arxiv_id] = topic
    papers.sort(key=lambda pair: -pair[0])
    return [paper for _, paper in papers], topic_of


def press(rng: random.Random, reader: Reader, shown: Sequence[Paper], topic_of: dict[str, int]) -> None:
    """The reader's buttons on what they were pushed."""
    for paper in shown:
        mine = topic_of[paper.arxiv_id] == reader.topic
        if mine and rng.random() < LIKE_P:
            reader.presses[paper.arxiv_id] = PaperFeedback(
                paper.arxiv_id, likes=1, saves=int(rng.random() < SAVE_P)
            )
        elif not mine and rng.random() < DISLIKE_P:
            reader.presses[paper.arxiv_id] = PaperFeedback(paper.arxiv_id, dislikes=1)


def precision(shown: Sequence[Paper], topic: int, topic_of: dict[str, int]) -> float:
    return sum(topic_of[p.arxiv_id] == topic for p in shown) / max(len(shown), 1)


# -- the comparison: an online logistic regression on the same features ---------------------------


def logistic_order(
    candidates: list[Paper], feedback: list[PaperFeedback], known: dict[str, Paper]
) -> list[Paper]:
    """SGD logistic regression (5 passes, L2), presses as labels and the day's candidates as weak
    negatives, its probability blended with votes the same way as the centroid's affinity."""
    context = bot.personal._context(candidates)
    terms = bot.personal.TERMS
    examples: list[tuple[dict[str, float], float, float]] = []
    for entry in feedback:
        paper = known[entry.arxiv_id]
        vector = context.vector(paper.arxiv_id, terms.of(paper))
        if entry.likes + entry.saves:
            examples.append((vector, 1.0, float(entry.likes + entry.saves)))
        if entry.dislikes:
            examples.append((vector, 0.0, float(entry.dislikes)))
    examples += [(context.vector(p.arxiv_id, terms.of(p)), 0.0, 0.1) for p in candidates]
    weights: dict[str, float] = {}
    bias, rate, l2 = 0.0, 0.5, 1e-3
    for _ in range(5):
        for vector, label, weight in examples:
            z = bias + sum(weights.get(term, 0.0) * value for term, value in vector.items())
            error = (1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))) - label) * weight
            bias -= rate * error
            for term, value in vector.items():
                weights[term] = weights.get(term, 0.0) * (1 - rate * l2) - rate * error * value
    best = max((p.votes or 0 for p in candidates), default=0)
    strength = bot.personal.weight_of(bot.personal.presses(feedback))

    def key(paper: Paper) -> float:
        vector = context.vector(paper.arxiv_id, terms.of(paper))
        score = sum(weights.get(term, 0.0) * value for term, value in vector.items())
        return -(bot.personal.vote_score(paper.votes, best) + strength * math.tanh(score) / 4)

    return sorted(candidates, key=key)


def evaluate(days: int, readers: int, seed: int, model: str) -> dict[str, object]:
    rng = random.Random(seed)
    people = [Reader(topic=i % TOPICS) for i in range(readers)]
    known: dict[str, Paper] = {}
    personal_p: list[list[float]] = [[] for _ in range(days)]
    votes_p: list[list[float]] = [[] for _ in range(days)]
    timings: list[float] = []
    firsts: list[float] = []
    popular: dict[str, list[float]] = {"personal": [], "votes": []}  # readers of topic 0, the most voted
    for day in range(days):
        candidates, topic_of_day = make_day(rng, day)
        topic_of = TOPIC_OF | topic_of_day
        TOPIC_OF.update(topic_of_day)
        known |= {p.arxiv_id: p for p in candidates}
        bot.personal._CONTEXTS.clear()  # a new day: its terms and idf are built by its first ranking
        for number, reader in enumerate(people):
            feedback = list(reader.presses.values())
            fresh = [p for p in candidates if p.arxiv_id not in reader.presses]
            pressed = [known[f.arxiv_id] for f in feedback]
            started = time.perf_counter()
            if model == "centroid":
                ordered = rank(fresh, feedback, pressed).papers
            else:
                ordered = logistic_order(fresh, feedback, known) if feedback else fresh
            elapsed = (time.perf_counter() - started) * 1000
            (firsts if number == 0 else timings).append(elapsed)
            shown = ordered[:TOP_N]
            personal_p[day].append(precision(shown, reader.topic, topic_of))
            votes_p[day].append(precision(fresh[:TOP_N], reader.topic, topic_of))
            if reader.topic == 0 and day:
                popular["personal"].append(personal_p[day][-1])
                popular["votes"].append(votes_p[day][-1])
            press(rng, reader, shown, topic_of)
    later = range(1, days)
    timings.sort()
    return {
        "model": model,
        "precision_at_5_personal": round(statistics.mean(x for d in later for x in personal_p[d]), 3),
        "precision_at_5_votes": round(statistics.mean(x for d in later for x in votes_p[d]), 3),
        "popular_topic_personal": round(statistics.mean(popular["personal"]), 3),
        "popular_topic_votes": round(statistics.mean(popular["votes"]), 3),
        "by_day_personal": [round(statistics.mean(personal_p[d]), 2) for d in range(days)],
        "by_day_votes": [round(statistics.mean(votes_p[d]), 2) for d in range(days)],
        "rank_ms_median": round(statistics.median(timings), 3),
        "rank_ms_p99": round(timings[int(0.99 * (len(timings) - 1))], 3),
        "first_of_day_ms_median": round(statistics.median(firsts), 2),
        "presses_per_reader_at_end": round(statistics.mean(len(r.presses) for r in people), 1),
    }


TOPIC_OF: dict[str, int] = {}


def real_day(repeat: int = 20) -> dict[str, float]:
    """Train and rank on the bundled real day (32 papers, long Korean summaries), five papers
    liked: cold (this process meets the day: every paper tokenised) and warm (the push's case)."""
    day = parse_markdown(sample_digest().read_text(encoding="utf-8"), source="sample")
    papers = sorted(day.papers, key=lambda p: -(p.votes or 0))
    liked = [PaperFeedback(p.arxiv_id, likes=1) for p in papers[3::6]]
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(repeat):
        bot.personal.TERMS = bot.personal._Terms()
        bot.personal._CONTEXTS.clear()
        bot.personal._PROFILES.clear()
        for times in (cold, warm):
            started = time.perf_counter()
            rank(papers, liked)
            times.append((time.perf_counter() - started) * 1000)
            bot.personal._PROFILES.clear()  # a destination's own feedback: trained again
    return {
        "cold_ms_median": round(statistics.median(cold), 2),
        "warm_ms_median": round(statistics.median(warm), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--models", default="centroid,logistic")
    args = parser.parse_args()
    results = []
    for model in args.models.split(","):
        TOPIC_OF.clear()
        result = evaluate(args.days, args.readers, args.seed, model)
        results.append(result)
        print(
            f"{model:>9}: precision@5 personal {result['precision_at_5_personal']} vs votes "
            f"{result['precision_at_5_votes']} ({args.readers} readers, days 2-{args.days}); "
            f"train+rank per destination-day median {result['rank_ms_median']} ms, "
            f"p99 {result['rank_ms_p99']} ms "
            f"(the day's first: {result['first_of_day_ms_median']} ms, tokenising included); "
            f"{result['presses_per_reader_at_end']} presses per reader at the end"
        )
        print(
            f"{'':>11}readers of the most voted topic: personal {result['popular_topic_personal']}, "
            f"votes {result['popular_topic_votes']} (averaged over readers spread evenly over the "
            f"{TOPICS} topics, votes alone give 1/{TOPICS} by construction)"
        )
        print(f"{'':>11}by day, personal: {result['by_day_personal']}")
        print(f"{'':>11}by day, votes:    {result['by_day_votes']}")
    real = real_day()
    print(
        f"the bundled real day (32 papers, Korean summaries, 5 liked): "
        f"train+rank {real['warm_ms_median']} ms, "
        f"{real['cold_ms_median']} ms when the process first meets the day (tokenising)"
    )
    print(json.dumps({"runs": results, "real_day": real}))


if __name__ == "__main__":
    main()
