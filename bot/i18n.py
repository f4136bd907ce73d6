"""Every sentence Paperboy says, in English and Korean, addressed by key.

The core never builds user-facing strings directly: it returns a `Text` (a key and its values),
and each adapter renders it in the chat's language. One catalog keeps the two languages in step
(a test checks that every key has both, with the same placeholders).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

Lang = Literal["en", "ko"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"


def pick_language(code: str | None) -> Lang:
    """The interface language for a platform language code such as `ko-KR` (English otherwise)."""
    prefix = (code or "").split("-")[0].lower()
    return "ko" if prefix == "ko" else DEFAULT_LANG


@dataclass(frozen=True)
class Text:
    """A sentence to say: catalog key plus values; values may themselves be Texts."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        values = {k: v.render(lang) if isinstance(v, Text) else v for k, v in self.values.items()}
        return CATALOG[self.key][lang].format(**values)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANG)


def t(key: str, **values: object) -> Text:
    """Shorthand: `t("top.heading", n=5, day=day)`."""
    return Text(key, values)


CATALOG: dict[str, dict[Lang, str]] = {
    "raw": {"en": "{text}", "ko": "{text}"},  # technical messages (file errors) are not translated
    # Lists and searches
    "top.heading": {"en": "Top {n} of {day}", "ko": "{day} 상위 {n}편"},
    "top.heading_listed": {
        "en": "Top {n} of {day} ({listed} listed)",
        "ko": "{day} 상위 {n}편 (전체 {listed}편)",
    },
    "top.no_digest": {
        "en": "No digest has been loaded yet.",
        "ko": "아직 불러온 다이제스트가 없습니다.",
    },
    "top.no_list": {
        "en": "No list for {day} ({weekday}). The latest is {latest}.",
        "ko": "{day}({weekday})의 목록이 없습니다. 가장 최근 목록은 {latest}입니다.",
    },
    "top.filtered_out": {
        "en": "None of the {listed} papers of {day} has at least {min_votes} votes.",
        "ko": "{day}의 논문 {listed}편 중 추천 {min_votes}개 이상인 논문이 없습니다.",
    },
    "search.heading": {"en": "Search “{query}”: {total} result(s)", "ko": "“{query}” 검색 결과: {total}건"},
    "search.heading_terms": {
        "en": "Search “{query}”: {total} result(s) (matching {terms})",
        "ko": "“{query}” 검색 결과: {total}건 (일치: {terms})",
    },
    "search.nothing_searchable": {
        "en": "There is nothing to search for in that: use letters or numbers.",
        "ko": "검색할 단어가 없습니다. 글자나 숫자를 입력해 주세요.",
    },
    "search.no_match": {"en": "No paper matches “{query}”.", "ko": "“{query}”에 맞는 논문이 없습니다."},
    "search.no_more": {"en": "No more results.", "ko": "더 이상 결과가 없습니다."},
    "paper.not_found": {
        "en": "Paper {arxiv_id} is not in the digest.",
        "ko": "{arxiv_id} 논문은 다이제스트에 없습니다.",
    },
    "list.more": {"en": "{count} more: {hint}", "ko": "{count}편 더 있음: {hint}"},
    "list.empty": {"en": "Nothing to show.", "ko": "보여 드릴 것이 없습니다."},
    "votes.unknown": {"en": "votes unknown", "ko": "추천 수 모름"},
    "authors.more": {"en": "+{count} more", "ko": "외 {count}명"},
    # Usage and errors
    "usage.line": {"en": "Usage: {call}, e.g. {example}", "ko": "사용법: {call}, 예: {example}"},
    "usage.not_a_date": {
        "en": "{word} is not a real date. {usage}",
        "ko": "{word}은(는) 올바른 날짜가 아닙니다. {usage}",
    },
    "usage.not_understood": {
        "en": "I don't understand “{word}”. {usage}",
        "ko": "“{word}”을(를) 이해하지 못했습니다. {usage}",
    },
    "usage.count_range": {
        "en": "N must be between 1 and {max}, e.g. /top 5",
        "ko": "N은 1부터 {max} 사이여야 합니다. 예: /top 5",
    },
    "usage.search_empty": {
        "en": "Tell me what to look for, e.g. /search diffusion",
        "ko": "무엇을 찾을지 알려 주세요. 예: /search diffusion",
    },
    "usage.paper_ref": {
        "en": "Give an arXiv id or link, e.g. /paper 2502.15007",
        "ko": "arXiv 번호나 링크를 주세요. 예: /paper 2502.15007",
    },
    "usage.range_backwards": {
        "en": "The range starts ({start}) after it ends ({end}).",
        "ko": "기간의 시작({start})이 끝({end})보다 늦습니다.",
    },
    "error.unknown_command": {
        "en": "Unknown command /{name}. {usage}",
        "ko": "알 수 없는 명령 /{name}. {usage}",
    },
    "error.not_a_command": {
        "en": "Commands start with /. Type /help to see them.",
        "ko": "명령은 /로 시작합니다. /help로 목록을 보세요.",
    },
    "error.internal": {
        "en": "Something went wrong on my side; the error is logged. Try again or /help.",
        "ko": "내부 오류가 발생해 기록해 두었습니다. 다시 시도하거나 /help를 입력해 주세요.",
    },
    "more.nothing": {
        "en": "Nothing to page through: /search something first.",
        "ko": "넘길 목록이 없습니다. 먼저 /search로 검색해 보세요.",
    },
    # Command descriptions (menus and /help)
    "cmd.today": {"en": "the top papers of the latest list", "ko": "최신 목록의 인기 논문"},
    "cmd.top": {"en": "the N most-voted papers of a day", "ko": "특정 날짜의 추천 상위 N편"},
    "cmd.search": {
        "en": "find papers by title, author, summary or keyword",
        "ko": "제목·저자·요약·키워드로 논문 검색",
    },
    "cmd.paper": {"en": "one paper in full", "ko": "논문 한 편 자세히 보기"},
    "cmd.days": {"en": "the days in the digest", "ko": "다이제스트에 있는 날짜"},
    "cmd.more": {"en": "the next page of the last list", "ko": "마지막 목록의 다음 쪽"},
    "cmd.help": {"en": "this list", "ko": "이 도움말"},
    "help.heading": {"en": "Commands:", "ko": "명령어:"},
    "days.heading": {"en": "Days in the digest (latest first):", "ko": "다이제스트 날짜 (최신순):"},
    "days.none": {
        "en": "No days yet: ingest a digest first.",
        "ko": "아직 날짜가 없습니다. 먼저 다이제스트를 불러오세요.",
    },
    "days.row": {"en": "{day}  {papers:>3} papers  top {votes}", "ko": "{day}  {papers:>3}편  최고 {votes}"},
    # Weekdays, Monday first (date.weekday())
    "weekday.0": {"en": "Monday", "ko": "월요일"},
    "weekday.1": {"en": "Tuesday", "ko": "화요일"},
    "weekday.2": {"en": "Wednesday", "ko": "수요일"},
    "weekday.3": {"en": "Thursday", "ko": "목요일"},
    "weekday.4": {"en": "Friday", "ko": "금요일"},
    "weekday.5": {"en": "Saturday", "ko": "토요일"},
    "weekday.6": {"en": "Sunday", "ko": "일요일"},
}
