"""Search latency at archive scale: SqliteStore.search (FTS5, Hangul bigrams) against a LIKE scan.

Why: /search is answered inside a chat, so one query must stay far below what a reader notices,
even years from now (target: FTS p99 <= 10 ms at 100,000 papers), and the FTS index, which costs
disk space and write time, must clearly beat the obvious `LIKE '%q%'` scan (target: FTS p50 at
least 20x faster than LIKE p50). The papers are synthetic but shaped like the archive's (English
titles, three Korean summary sections with English terms in parentheses, author lists, skewed
votes), with word frequencies that follow the real sample day, because FTS cost grows with the
number of matching papers: a corpus of unique random words would flatter it, and one where every
word is in every paper would bury it.

Run: `.venv/bin/python -m bench.search [--papers N] [--queries Q] [--db PATH] [--seed S]`.
Timings are wall time (time.perf_counter) on a shared, noisy machine: compare runs made on the
same machine, and trust medians over p99.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.stores import percentile
from bot.models import DigestDay, Paper, Section, Summary
from bot.ports import SearchQuery
from storage.sqlite import SqliteStore

# -- vocabulary ------------------------------------------------------------------------------
#
# Every list is ordered from most to least frequent, and the word of rank r (1-based) is drawn
# with probability proportional to 1 / (r + 1.5): the Zipf-Mandelbrot law natural-language word
# counts follow, so a few words are in nearly every paper and most are rare. The offset 1.5 is
# the one whose curve fits the document frequencies of the real sample day
# (bot/sample/2025-02-24.md, 32 papers), and the draws per paper (about 7 sentences of 2-6 noun
# phrases, ~450 characters of Korean) set the level. Synthetic vs real share of papers, at 3,000
# papers: 모델 97% vs 88%, 성능 80% vs 78%, 데이터 79% vs 66%, 벤치마크 76% vs 53%, 학습 70% vs
# 34%, 추론 23% vs 19%, 비디오 21% vs 12%; in titles "Language Model" 27% vs 19%, "Diffusion" 6% vs
# 3%, "3D" 2% vs 3%, "AI" 4% vs 16%. Common words are, if anything, a little more common than in
# the sample, which errs on the hard side for FTS ranking. The benchmark prints each query's hits.
_ZIPF_OFFSET = 1.5

_TITLE_TERMS = """
Models|Language|Large Language Models|Learning|Reasoning|Generation|Video|Language Model|Multimodal
Efficient|Agents|Benchmark|LLMs|Vision|Training|Scaling|Data|Image|Diffusion|Reinforcement Learning
AI|Evaluation|Alignment|Understanding|Robust|Fast|Framework|Text|Visual|Generative|Long Context
Attention|Transformers|Tokens|Preference Optimization|Fine-Tuning|Instruction|Retrieval|Code|3D
Mathematical|Planning|Tool Use|Web|Embodied|Robot|Policy|Reward|Search|Memory|Compression
Quantization|Distillation|Sparse|Mixture-of-Experts|Latent|Flow Matching|Consistency|World Model
Scene|Gaussian Splatting|Editing|Controllable|Motion|Human|Avatar|Speech|Audio|Music|Medical
Molecular|Protein|Graph|Knowledge|Hallucination|Safety|Jailbreak|Watermarking|Privacy|Federated|Open
Unified|Universal|Zero-Shot|Few-Shot|In-Context|Chain-of-Thought|Test-Time Compute|Inference
Speculative Decoding|Parallel|Scalable|Lightweight|Adaptive|Dynamic|Hierarchical|Interactive
Personalized|Multilingual|Korean|Low-Resource|Dataset|Corpus|Synthetic|Curriculum|Self-Improvement
Verification|Critique|Feedback|Dialogue|Conversational|Summarization|Translation|Segmentation
Detection|Tracking|Depth|Pose|Point Clouds|Meshes|Rendering|Super-Resolution|Inpainting
Style Transfer|Video Diffusion|Diffusion Models|Diffusion Transformers|Vision-Language Models
Visual Question Answering|Agentic|Autonomous Driving|Navigation|Manipulation|Simulation|Physics
Weather|Finance|Legal|Education|Recommendation|State Space Models|Mamba|Linear Attention
Positional Encoding|KV Cache|Pruning|LoRA|Adapters|Prompting|Emergent|Interpretability|Circuits
Steering|Uncertainty|Calibration|Tabular|Time Series|Forecasting|Anomaly|Causal|Counterfactual
Theorem Proving|Formal
"""
_TITLE_TEMPLATES = (
    "{} {} for {} {}",
    "{} {} with {} {}",
    "{} {} via {} {}",
    "Towards {} {} in {} {}",
    "{} of {} {}",
    "Scaling {} {} for {}",
    "When {} Meets {}",
    "{} {} and {} {}",
    "Rethinking {} in {} {}",
    "Learning {} {} from {} {}",
    "{} {} through {} {} and {}",
    "Improving {} {} with {} {}",
    "A {} {} for {} {} {}",
    "Can {} {} {}?",
)
_NAME_HEADS = """
Mask Mol Survey Vid Open Deep Long Meta Omni Uni Any Fast Edit Code Math Reason Agent Pixel Motion
Scene Token Seg Med Chem Bio Geo Fin Robo Sparse Flash Turbo Light Tiny Mini Hyper Neuro Insight
Star Sky Echo Nova Lumi Vista Aero Quant Sound Voice Draw
"""
_NAME_TAILS = """
GWM X Bench LLaMA -R1 Gen Former Net GPT Diff Agent VLM World Zero Pro Flow Fusion -o1 Coder Mind
Eval Edit Lens Craft Verse Scope Pilot Forge Mamba Tok
"""

_KO_NOUNS = """
모델 성능 데이터 방법 결과 벤치마크 생성 실험 정보 언어 능력 평가 구조 접근법 텍스트 이미지 작업
기술 정확도 효율성 프레임워크 추론 시스템 연구 문제 학습 기법 토큰 품질 과정 사용자 입력 출력 예측
표현 특징 지식 질문 답변 에이전트 멀티모달 비디오 시각 이해 파라미터 미세조정 사전학습 보상 정책
최적화 검색 문서 코드 수학 계획 도구 환경 로봇 제어 음성 오디오 장면 물체 인식 분할 탐지 추적 노이즈
샘플링 디코딩 인코더 디코더 트랜스포머 어텐션 레이어 임베딩 손실 목표 분포 정렬 선호 피드백 인간
전문가 주석 라벨 합성 증강 필터링 압축 양자화 증류 가지치기 확산 메모리 계산 비용 속도 지연 처리량
하드웨어 확장성 일반화 견고성 안전성 편향 공정성 해석 설명 시각화 분석 통계 오류 환각 사실성 일관성
다양성 창의성 스타일 얼굴 인물 동작 포즈 카메라 조명 텍스처 형상 메쉬 깊이 해상도 프레임 시간 공간
그래프 노드 관계 테이블 스키마 쿼리 데이터베이스 웹 브라우저 인터페이스 게임 시뮬레이션 물리 화학
분자 단백질 의료 진단 임상 환자 유전체 세포 날씨 기후 금융 법률 교육 번역 다국어 한국어 저자원 방언
요약 대화 챗봇 프롬프트 지시 체인 사고 단계 검증 반복 탐색 트리 샘플 커리큘럼 난이도 경로 라우팅
희소성 컨텍스트 장문 윈도우 위치 인코딩 캐시 상태 순환 선형 비선형성 활성화 뉴런 회로 개념 조작 공격
방어 탈옥 워터마크 저작권 개인정보 연합 분산 병렬 클러스터 스케줄링 커널 컴파일러 엣지 모바일 에너지
자율주행 지도 궤적 센서 라이다 위성 원격탐사 문자 손글씨 수식 증명 정리 논리 상식 인과 반사실
불확실성 보정 신뢰도 앙상블 혼합 게이트 어댑터 체크포인트 하이퍼파라미터 배치 학습률 옵티마이저 수렴
안정성 발산 초기화 정규화 드롭아웃 토크나이저 어휘 형태소 문법 구문 의미 담화 감정 유머 독성 혐오
편집 인페인팅 업스케일링 복원 초해상도 노출 색상 렌더링 가우시안 스플래팅 볼륨 아바타 의상 제스처
립싱크 음악 노래 악기 효과음 자막
"""
_KO_MODIFIERS = """
새로운 다양한 이러한 기존의 각 여러 해당 주어진 효율적인 대규모 복잡한 강력한 뛰어난 높은 우수한
최신 다중 일반적인 혁신적인 간단한 정교한 일관된 안정적인 정확한 유연한 적응형 경량 고품질 장기
단계별 계층적 자동 명시적 암묵적 통합된 개선된 향상된 제한된 풍부한 세밀한 전반적인 실제 합성된 주요
핵심 독창적인
"""
_KO_OPENERS = """
이 논문에서는|이를 통해|또한|특히|본 연구는|이 연구에서는|실험 결과|이로써|결과적으로|이를 위해
나아가|한편|따라서|구체적으로|제안된 방법은|이 접근 방식은|기존 방법과 달리|그 결과|더불어
마지막으로
"""
_KO_PREDICATES = """
제안합니다|소개합니다|보여줍니다|향상시킵니다|달성했습니다|입증했습니다|개선합니다|활용합니다
분석합니다|향상시킬 수 있습니다|설계되었습니다|도입했습니다|기록했습니다|능가합니다|평가했습니다
구축했습니다|결합합니다|학습합니다|생성합니다|측정합니다|수행합니다|제공합니다|확인했습니다
보였습니다|나타냈습니다|줄였습니다|해결합니다|통합합니다|가능하게 합니다|확장합니다|검증했습니다
밝혀냈습니다|강조합니다|시사합니다|탐구합니다|최적화합니다|예측합니다|추출합니다|적용했습니다
구현했습니다|공개합니다|유지합니다|감소시킵니다|촉진합니다|지원합니다|처리합니다|비교했습니다
개발했습니다|기여합니다|있음을 보여줍니다
"""
# Verb forms that join two halves of a sentence ("...을 활용하여 ...을 제안합니다").
_KO_CONNECTIVES = """
활용하여|통해|기반으로|결합하여|사용하여|도입하여|바탕으로|분석하여|개선하기 위해|줄이기 위해
강화하기 위해|이용하여|통합하여|적용하여|학습하여|고려하여|확장하여|비교하여|평가하기 위해
"""
_KO_ADVERBS = """
크게 더 효과적으로 더욱 성공적으로 일관되게 획기적으로 자동으로 동시에 정확하게 안정적으로 명확하게
"""
# Korean term, then the English given in parentheses, as the summaries write them.
_KO_TERMS = """
대형 언어 모델=Large Language Models; LLMs|강화 학습=Reinforcement Learning; RL
비전-언어 모델=Vision-Language Models; VLMs|검색 증강 생성=Retrieval-Augmented Generation; RAG
사고의 사슬=Chain-of-Thought; CoT|전문가 혼합=Mixture-of-Experts; MoE
직접 선호 최적화=Direct Preference Optimization; DPO|지식 증류=Knowledge Distillation
미세 조정=Fine-tuning|지시 튜닝=Instruction Tuning|확산 모델=Diffusion Models
언어 모델=Language Model|디퓨전 트랜스포머=Diffusion Transformer; DiT
멀티모달 대형 언어 모델=Multimodal Large Language Models; MLLMs
상태 공간 모델=State Space Models; SSMs|텍스트-이미지 생성=Text-to-Image Generation
텍스트-비디오 생성=Text-to-Video Generation|3D 가우시안 스플래팅=3D Gaussian Splatting; 3DGS
신경 방사장=Neural Radiance Fields; NeRF|자기 지도 학습=Self-Supervised Learning
대조 학습=Contrastive Learning|제로샷 학습=Zero-shot Learning
인컨텍스트 학습=In-Context Learning; ICL|저랭크 적응=Low-Rank Adaptation; LoRA|키-값 캐시=KV Cache
추측 디코딩=Speculative Decoding|보상 모델=Reward Model|과정 보상 모델=Process Reward Model; PRM
몬테카를로 트리 탐색=Monte Carlo Tree Search; MCTS|그래프 신경망=Graph Neural Networks; GNNs
비전 트랜스포머=Vision Transformer; ViT|변분 오토인코더=Variational Autoencoder; VAE
흐름 정합=Flow Matching|세계 모델=World Model|구현된 에이전트=Embodied Agents
코드 생성=Code Generation|수학적 추론=Mathematical Reasoning|장문 컨텍스트=Long Context
탈옥 공격=Jailbreak Attacks|연합 학습=Federated Learning|음성 인식=Automatic Speech Recognition; ASR
음성 합성=Text-to-Speech; TTS|객체 탐지=Object Detection|의미론적 분할=Semantic Segmentation
포즈 추정=Pose Estimation|광학 흐름=Optical Flow|이미지 편집=Image Editing
비디오 이해=Video Understanding|도구 사용=Tool Use|웹 에이전트=Web Agents
테스트 시간 계산=Test-Time Compute|선호 정렬=Preference Alignment|생성형 AI=Generative AI
AI 피드백=AI Feedback|3D 재구성=3D Reconstruction
"""
_BENCHMARKS = """
MMLU GSM8K MATH HumanEval MBPP ARC HellaSwag TruthfulQA BBH GPQA AIME MT-Bench AlpacaEval Arena-Hard
ImageNet COCO VQAv2 MMMU MathVista ScienceQA DocVQA ChartQA TextVQA LibriSpeech nuScenes Waymo KITTI
ScanNet SWE-bench LiveCodeBench BABILong RULER LongBench
"""
_METRICS = ("정확도", "F1 점수", "승률", "통과율", "BLEU", "FID", "FVD", "PSNR", "mAP", "WER", "CLIP 점수")

_FIRST_NAMES = """
Wei Jian Yu Xin Hao Jun Yang Lei Chen Ming Jie Tao Hui Ying Min Lin Qi Bo Rui Zhi Minsu Jiwon
Seungho Hyunwoo Jisoo Dongki Sung Ju Wonbin Yuki Hiroshi Kenji Takumi Aiko Ivan Elena Anton Polina
Andrey Maria Dmitry Olga John Michael David James Robert Sarah Emily Anna Laura Thomas Daniel
Matthew Christopher Lukas Felix Jonas Sophie Marco Luca Giulia Pierre Camille Antoine Carlos Sofia
Diego Ahmed Omar Fatima Arjun Priya Rahul Ananya Vikram Neha Mohammed Ali Sara Noah Liam Emma Olivia
Ethan Mia Ava Lucas Zoe
"""
_LAST_NAMES = """
Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Kim Lee Park Choi
Jung Kang Cho Yoon Jang Lim Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan
Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Smith Johnson Brown Miller Davis Wilson
Taylor Anderson Thomas Moore Martin Jackson White Harris Clark Lewis Walker Hall Allen Young King
Wright Scott Green Baker Adams Nelson Hill Mueller Schmidt Schneider Fischer Weber Meyer Wagner
Becker Rossi Russo Ferrari Esposito Bianchi Garcia Martinez Rodriguez Lopez Gonzalez Perez Sanchez
Nguyen Tran Pham Singh Kumar Sharma Patel Gupta Reddy Ivanov Petrov Kuznetsov Smirnov Sato Suzuki
Takahashi Tanaka Watanabe Cohen Levi Oseledets Goncharova Razzhigaev Hwang
"""

_SECTION_HEADINGS = ("What's New", "Technical Details", "Performance Highlights")
_HANGUL_FIRST, _HANGUL_LAST, _FINALS = 0xAC00, 0xD7A3, 28
_RIEUL_FINAL = 8


def _words(text: str) -> tuple[str, ...]:
    """The entries of a space-separated vocabulary block."""
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """The entries of a `|`-separated vocabulary block (entries that hold spaces)."""
    return tuple(entry for line in text.strip().splitlines() for entry in line.split("|"))


class _Zipf:
    """A word list drawn from with Zipf-Mandelbrot weights (see the comment on the vocabulary)."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)
        self._cum = list(
            itertools.accumulate(1.0 / (rank + _ZIPF_OFFSET) for rank in range(1, len(words) + 1))
        )

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self._cum)[0]

    def picks(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self._cum, k=count)


_TITLE = _Zipf(_phrases(_TITLE_TERMS))
_NOUNS = _Zipf(_words(_KO_NOUNS))
_MODIFIERS = _Zipf(_words(_KO_MODIFIERS))
_OPENERS = _Zipf(_phrases(_KO_OPENERS))
_PREDICATES = _Zipf(_phrases(_KO_PREDICATES))
_CONNECTIVES = _Zipf(_phrases(_KO_CONNECTIVES))
_ADVERBS = _Zipf(_words(_KO_ADVERBS))
_TERMS = _Zipf(_phrases(_KO_TERMS))
_BENCH = _Zipf(_words(_BENCHMARKS))
_SURNAMES = _Zipf(_words(_LAST_NAMES))
_GIVEN_NAMES = _words(_FIRST_NAMES)
_NAME_STARTS, _NAME_ENDS = _words(_NAME_HEADS), _words(_NAME_TAILS)
# (batchim form, vowel form) for particles whose spelling follows the final sound; one form if fixed.
_PARTICLES = _Zipf(
    _phrases("을/를|은/는|이/가|의|에서|과/와|으로/로|을 통해/를 통해|에|을 위한/를 위한|보다")
)


def _has_final(word: str) -> bool | None:
    """Whether the last Hangul syllable ends in a consonant (None if it is not Hangul)."""
    code = ord(word[-1])
    if not _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return None
    return (code - _HANGUL_FIRST) % _FINALS != 0


def _attach(word: str, particle: str, *, after: str = "") -> str:
    """`word` + `after` + the particle in the form `word`'s final sound asks for (모델을, 데이터를)."""
    if "/" not in particle:
        return word + after + particle
    with_final, without = particle.split("/")
    final = _has_final(word)
    if with_final == "으로" and final is not None:
        final = final and (ord(word[-1]) - _HANGUL_FIRST) % _FINALS != _RIEUL_FINAL
    return word + after + (without if final is False else with_final)


@dataclass(frozen=True)
class Corpus:
    """How many papers to make, from which seed; every draw comes from one random.Random(seed)."""

    papers: int
    seed: int
    last_day: date = date(2025, 2, 24)


class _Writer:
    """Writes one synthetic paper at a time: title, authors, votes and the three Korean sections."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def title(self) -> tuple[str, str | None]:
        """A title and the system name it starts with ("MaskGWM: ..."), if any."""
        rng = self._rng
        template = rng.choice(_TITLE_TEMPLATES)
        body = template.format(*_TITLE.picks(rng, template.count("{}")))
        if rng.random() < 0.45:
            name = rng.choice(_NAME_STARTS) + rng.choice(_NAME_ENDS)
            return f"{name}: {body}", name
        return body, None

    def authors(self) -> tuple[str, ...]:
        rng = self._rng
        count = min(15, 3 + int(rng.expovariate(1 / 3.5)))
        return tuple(f"{rng.choice(_GIVEN_NAMES)} {_SURNAMES.pick(rng)}" for _ in range(count))

    def votes(self) -> int:
        # Log-normal: median ~5, one in ten above ~25, a few per thousand at the 300 cap.
        return min(300, int(self._rng.lognormvariate(1.6, 1.3)))

    def _noun_phrase(self, particle: str) -> str:
        rng = self._rng
        if rng.random() < 0.17:
            korean, english = _TERMS.pick(rng).split("=")
            return _attach(korean, particle, after=f"({english})")
        words = [_NOUNS.pick(rng)]
        if rng.random() < 0.25:
            words.append(_NOUNS.pick(rng))
        if rng.random() < 0.5:
            words.insert(0, _MODIFIERS.pick(rng))
        return _attach(" ".join(words), particle)

    def _sentence(self, subject: str | None = None, lead: str = "") -> str:
        """Noun phrases with particles, maybe a connective and more of them, then a verb."""
        rng = self._rng
        parts = [lead] if lead else []
        if subject is not None:
            parts.append(subject)
        elif rng.random() < 0.5:
            parts.append(_OPENERS.pick(rng))
        parts += [self._noun_phrase(particle) for particle in _PARTICLES.picks(rng, rng.randint(2, 4))]
        if rng.random() < 0.5:
            parts.append(_CONNECTIVES.pick(rng))
            parts += [self._noun_phrase(particle) for particle in _PARTICLES.picks(rng, rng.randint(1, 2))]
        if rng.random() < 0.4:
            parts.append(_ADVERBS.pick(rng))
        parts.append(_PREDICATES.pick(rng))
        return " ".join(parts) + "."

    def _measurement(self) -> str:
        rng = self._rng
        score = f"{rng.uniform(1, 99):.{rng.choice((1, 2))}f}"
        where = rng.choice(("{}에서", "{} 벤치마크에서", "{} 및 {}와 같은 벤치마크에서", "{} 데이터셋에서"))
        return where.format(*_BENCH.picks(rng, 2)) + f" {rng.choice(_METRICS)} {score}를"

    def sections(self, name: str | None) -> tuple[Section, ...]:
        rng = self._rng
        subject = None
        if name is not None:
            subject = name + ("는" if name[-1].lower() in "aeiou" else "은")
        new = [self._sentence(subject), self._sentence()]
        details = [self._sentence() for _ in range(rng.randint(2, 4))]
        highlights = [self._sentence(lead=self._measurement()), self._sentence()]
        texts = (new, details, highlights)
        return tuple(
            Section(heading=h, text=" ".join(t)) for h, t in zip(_SECTION_HEADINGS, texts, strict=True)
        )


def synthetic_days(corpus: Corpus) -> Iterator[DigestDay]:
    """The corpus as consecutive days of 30-60 papers (as in the archive), ending at corpus.last_day.

    At that rate 100,000 papers span about six years; the shape of each day, not the calendar,
    is what matters to search and ingest. Deterministic for a given corpus.
    """
    rng = random.Random(corpus.seed)
    sizes: list[int] = []
    left = corpus.papers
    while left > 0:
        sizes.append(min(rng.randint(30, 60), left))
        left -= sizes[-1]
    writer = _Writer(rng)
    first = corpus.last_day - timedelta(days=len(sizes) - 1)
    serial: dict[tuple[int, int], int] = {}
    for offset, size in enumerate(sizes):
        day = first + timedelta(days=offset)
        papers = []
        for _ in range(size):
            month = (day.year % 100, day.month)
            serial[month] = serial.get(month, 0) + 1
            arxiv_id = f"{month[0]:02d}{month[1]:02d}.{serial[month]:05d}"
            title, name = writer.title()
            papers.append(
                Paper(
                    arxiv_id=arxiv_id,
                    title=title,
                    authors=writer.authors(),
                    votes=writer.votes(),
                    thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
                    summaries=(Summary(language="ko", source="archive", sections=writer.sections(name)),),
                    days=(day,),
                )
            )
        yield DigestDay(day=day, source=f"synthetic/{day.isoformat()}.md", papers=papers)


# -- building the database -------------------------------------------------------------------


async def _stored_papers(path: Path) -> int:
    store = await SqliteStore.open(path)
    try:
        return (await store.stats()).papers
    finally:
        await store.close()


async def build(path: Path, corpus: Corpus) -> tuple[float, float]:
    """Insert the corpus through SqliteStore.upsert_day; returns (generating s, storing s)."""
    store = await SqliteStore.open(path)
    generating = storing = 0.0
    stored = 0
    try:
        days = synthetic_days(corpus)
        while True:
            started = time.perf_counter()
            digest = next(days, None)
            generating += time.perf_counter() - started
            if digest is None:
                break
            started = time.perf_counter()
            await store.upsert_day(digest)
            storing += time.perf_counter() - started
            before, stored = stored, stored + len(digest.papers)
            if stored // 20_000 != before // 20_000:
                print(f"  ... {stored:,} papers stored", file=sys.stderr, flush=True)
    finally:
        await store.close()
    return generating, storing


def _checkpoint_and_size(path: Path) -> tuple[int, list[tuple[str, int]]]:
    """Fold the WAL into the file, then its size and its largest tables and indexes (via dbstat)."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        objects = db.execute(
            "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 5"
        ).fetchall()
    return path.stat().st_size, [(str(name), int(size)) for name, size in objects]


# -- timing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One query of the fixed mix: what kind of search it stands for, and its text."""

    kind: str
    text: str


# A common English word (prefix-matched), a Korean word in nearly every summary (the worst case
# for ranking, since every match is scored), a mid-frequency one, a two-letter word matched whole,
# a quoted phrase, a system name a few dozen papers carry (looking up one paper), and a word no
# paper has. None holds % or _, so LIKE needs no escaping.
PROBES = (
    Probe("English word", "diffusion"),
    Probe("Korean word, common", "모델"),
    Probe("Korean word, mid", "추론"),
    Probe("two characters", "AI"),
    Probe("phrase", '"language model"'),
    Probe("rare name", "MaskGWM"),
    Probe("no hit", "quokka"),
)
_FTS_WARMUP = 5
_LIKE_WARMUP = 2
# The naive baseline: a scan of every row and every text column, giving what search gives (the
# best-voted page and how many matched). NOT INDEXED keeps SQLite from walking the votes index and
# stopping at the tenth match, which would answer a different question: it could not count the
# matches, and it would give up on relevance altogether.
_LIKE_SQL = """SELECT id, arxiv_id, title, authors, votes, summaries, count(*) OVER () AS total
    FROM papers NOT INDEXED
    WHERE title LIKE ?1 OR summaries LIKE ?1 OR abstract LIKE ?1 OR authors LIKE ?1 OR keywords LIKE ?1
    ORDER BY votes DESC LIMIT 10"""


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples (ms) of one query on one engine, and how many papers it matched."""

    samples: list[float]
    hits: int | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)


async def time_fts(path: Path, probes: Sequence[Probe], repeats: int) -> dict[Probe, Timing]:
    """SqliteStore.search as the bot calls it, the queries interleaved so noise spreads over all."""
    store = await SqliteStore.open(path)
    try:
        hits: dict[Probe, int] = {}
        for probe in probes:
            for _ in range(_FTS_WARMUP):
                hits[probe] = (await store.search(SearchQuery(probe.text, limit=10))).total
        samples: dict[Probe, list[float]] = {probe: [] for probe in probes}
        for _ in range(repeats):
            for probe in probes:
                started = time.perf_counter()
                await store.search(SearchQuery(probe.text, limit=10))
                samples[probe].append((time.perf_counter() - started) * 1000)
    finally:
        await store.close()
    return {probe: Timing(samples[probe], hits[probe]) for probe in probes}


def time_like(path: Path, probes: Sequence[Probe], repeats: int) -> dict[Probe, Timing]:
    """The LIKE baseline through the stdlib sqlite3 module, on a read-only connection."""
    samples: dict[Probe, list[float]] = {probe: [] for probe in probes}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        for run in range(_LIKE_WARMUP + repeats):
            for probe in probes:
                pattern = "%" + probe.text.strip('"') + "%"
                started = time.perf_counter()
                db.execute(_LIKE_SQL, (pattern,)).fetchall()
                if run >= _LIKE_WARMUP:
                    samples[probe].append((time.perf_counter() - started) * 1000)
    return {probe: Timing(samples[probe]) for probe in probes}


# -- report ----------------------------------------------------------------------------------

FTS_P99_TARGET_MS = 10.0
SPEEDUP_TARGET = 20.0
_TARGET_PAPERS = 100_000


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _figure(value: float) -> float:
    """Three significant digits, so a speed-up far below 1 does not print as 0."""
    return float(f"{value:.3g}")


def _left(text: str, width: int) -> str:
    """Pad to a display width, counting Hangul as two columns."""
    shown = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - shown)


def _query_row(probe: Probe, fts: Timing, like: Timing, papers: int) -> dict[str, Any]:
    hits = fts.hits or 0
    speedup = like.p50 / fts.p50
    print(
        f"{_left(probe.kind, 20)} {_left(probe.text, 17)} {hits:>7,} {hits / papers:>6.2%} "
        f"{fts.p50:>8.2f} {fts.p99:>8.2f} {like.p50:>9.1f} {like.p99:>9.1f} {_figure(speedup):>8g}x"
    )
    return {
        "kind": probe.kind,
        "query": probe.text,
        "hits": hits,
        "fts_p50_ms": round(fts.p50, 3),
        "fts_p99_ms": round(fts.p99, 3),
        "like_p50_ms": round(like.p50, 2),
        "like_p99_ms": round(like.p99, 2),
        "speedup_p50": _figure(speedup),
    }


def report(papers: int, fts: dict[Probe, Timing], like: dict[Probe, Timing]) -> dict[str, Any]:
    """Print the table and the targets; return the figures for the JSON line."""
    print(
        f"\n{_left('query kind', 20)} {_left('query', 17)} {'hits (share)':>14} {'FTS p50':>8} "
        f"{'FTS p99':>8} {'LIKE p50':>9} {'LIKE p99':>9} {'speed-up':>9}"
    )
    rows = [_query_row(probe, fts[probe], like[probe], papers) for probe in fts]
    fts_all = [ms for timing in fts.values() for ms in timing.samples]
    like_all = [ms for timing in like.values() for ms in timing.samples]
    fts_p50, fts_p99 = statistics.median(fts_all), percentile(fts_all, 99)
    like_p50 = statistics.median(like_all)
    ratio = like_p50 / fts_p50
    overall = f"{fts_p50:>8.2f} {fts_p99:>8.2f} {like_p50:>9.1f} {'':>9} {_figure(ratio):>8g}x"
    print(f"{_left('all queries', 53)} {overall}")
    scale = "" if papers == _TARGET_PAPERS else f" (the target is set for {_TARGET_PAPERS:,} papers)"
    print(
        f"\ntarget: FTS p99 <= {FTS_P99_TARGET_MS:g} ms{scale}: {fts_p99:.2f} ms  "
        f"{_verdict(fts_p99 <= FTS_P99_TARGET_MS)}"
    )
    print(
        f"target: FTS p50 >= {SPEEDUP_TARGET:g}x faster than LIKE p50: {_figure(ratio):g}x  "
        f"{_verdict(ratio >= SPEEDUP_TARGET)}"
    )
    return {
        "papers": papers,
        "fts_p50_ms": round(fts_p50, 3),
        "fts_p99_ms": round(fts_p99, 3),
        "like_p50_ms": round(like_p50, 2),
        "speedup_p50": _figure(ratio),
        "queries": rows,
    }


# -- command line ----------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--papers", type=int, default=_TARGET_PAPERS, help="synthetic papers (default 100000)"
    )
    parser.add_argument("--queries", type=int, default=200, help="timed FTS runs per query (default 200)")
    parser.add_argument("--like-queries", type=int, default=20, help="timed LIKE runs per query (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the corpus (default 1)")
    parser.add_argument(
        "--db",
        type=Path,
        help="database file to build, or to reuse as it is when it already holds --papers papers "
        "(whatever seed built them); default: a temporary file, deleted afterwards",
    )
    return parser.parse_args()


async def _prepare(path: Path, corpus: Corpus, *, exists: bool) -> float | None:
    """Build the database, or reuse it when it already holds the corpus; the build time if built."""
    stored = await _stored_papers(path) if exists else 0
    if stored == corpus.papers:
        print(f"reusing the database: it already holds {stored:,} papers (build time not measured)")
        return None
    if stored:
        raise SystemExit(
            f"{path} holds {stored:,} papers, not {corpus.papers:,}: delete it or pass another --db"
        )
    generating, storing = await build(path, corpus)
    print(
        f"build: {generating + storing:.1f} s ({generating:.1f} s generating papers, {storing:.1f} s in "
        f"upsert_day = {corpus.papers / storing:,.0f} papers/s)"
    )
    return generating + storing


async def _run(args: argparse.Namespace, path: Path, *, exists: bool) -> None:
    corpus = Corpus(papers=args.papers, seed=args.seed)
    print(f"search benchmark: {corpus.papers:,} synthetic papers (seed {corpus.seed}) in {path}")
    print("wall-clock times on a shared, noisy machine: compare runs on one machine, trust p50 over p99")
    build_s = await _prepare(path, corpus, exists=exists)
    size, objects = _checkpoint_and_size(path)
    print(
        f"database size on disk: {size / 2**20:.1f} MiB ({size / corpus.papers / 1024:.1f} KiB per paper); "
        "largest: " + ", ".join(f"{name} {nbytes / 2**20:.1f} MiB" for name, nbytes in objects)
    )
    print(f"\nqueries: {' | '.join(probe.text for probe in PROBES)}")
    print(
        f"FTS: SqliteStore.search(SearchQuery(q, limit=10)), {_FTS_WARMUP} warm-up + {args.queries} "
        "timed runs per query, interleaved; includes building the Paper objects"
    )
    print(
        f"LIKE: stdlib sqlite3, {_LIKE_WARMUP} warm-up + {args.like_queries} timed runs per query "
        f"(slow, so fewer: its p99 is about the maximum); rows only, no Paper objects"
    )
    fts = await time_fts(path, PROBES, args.queries)
    like = time_like(path, PROBES, args.like_queries)
    figures = report(corpus.papers, fts, like)
    figures.update(seed=corpus.seed, build_s=None if build_s is None else round(build_s, 1), db_bytes=size)
    print(json.dumps(figures, ensure_ascii=False))


def main() -> None:
    args = _arguments()
    if args.db is not None:
        asyncio.run(_run(args, args.db, exists=args.db.exists()))
        return
    with tempfile.TemporaryDirectory(prefix="paperboy-bench-") as folder:
        asyncio.run(_run(args, Path(folder) / "search.sqlite3", exists=False))


if __name__ == "__main__":
    main()
