"""Every sentence Paperboy says, in English and Korean, addressed by key.

The core never builds user-facing strings directly: it returns a `Text` (a key and its values),
and each adapter renders it in the chat's language. One catalog keeps the two languages in step
(a test checks that every key has both, with the same placeholders). The core's sentences are here;
each adapter keeps its own (buttons, permissions, its settings form) in its `strings.py` and adds
them with `register` when its package is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

Lang = Literal["en", "ko"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"
Catalog = dict[str, dict[Lang, str]]


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
        values = {key: _rendered(value, lang) for key, value in self.values.items()}
        return CATALOG[self.key][lang].format(**values)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANG)


def _rendered(value: object, lang: Lang) -> object:
    """Texts render in the same language; a tuple of Texts becomes a comma-separated list."""
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, tuple) and all(isinstance(item, Text) for item in value):
        return ", ".join(item.render(lang) for item in value)
    return value


def t(key: str, **values: object) -> Text:
    """Shorthand: `t("top.heading", n=5, day=day)`."""
    return Text(key, values)


def language_name(code: str) -> Text:
    """A summary language's name in the reader's language (`ja` -> Japanese / 일본어); a regional
    code the catalog lacks goes by its language (`de-at` -> German), an unknown one by the code."""
    code = code.lower().replace("_", "-")
    for key in (f"language.{code}", f"language.{code.split('-')[0]}"):
        if key in CATALOG:
            return Text(key)
    return Text("raw", {"text": code})


def register(strings: Catalog) -> None:
    """Add an adapter's sentences to the catalog. A key may come twice only with the same text
    (a module imported again); two adapters claiming one key is a bug, said at import time."""
    for key, entry in strings.items():
        if CATALOG.setdefault(key, entry) != entry:
            raise ValueError(f"the catalog key {key!r} is registered twice with different text")


CATALOG: Catalog = {
    "raw": {"en": "{text}", "ko": "{text}"},  # technical messages (file errors) are not translated
    # Lists and searches
    "top.heading": {"en": "Top {n} of {day}", "ko": "{day} 상위 {n}편"},
    "top.heading_listed": {
        "en": "Top {n} of {day} ({listed} listed)",
        "ko": "{day} 상위 {n}편 (전체 {listed}편)",
    },
    "push.heading": {"en": "Daily Papers of {day}: the top {n}", "ko": "{day} Daily Papers 인기 논문 {n}편"},
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
    "card.summary_in": {
        "en": "Summary in {shown}: there is none in {wanted} yet.",
        "ko": "{shown} 요약입니다. {wanted} 요약은 아직 없습니다.",
    },
    "card.unverified": {
        "en": "⚠ Some figures in this summary could not be found in the paper's text: check them there.",
        "ko": "⚠ 이 요약의 일부 수치는 논문 본문에서 확인되지 않았습니다. 원문에서 확인해 주세요.",
    },
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
        "en": "N must be between 1 and {max}. {usage}",
        "ko": "N은 1부터 {max} 사이여야 합니다. {usage}",
    },
    "usage.days_range": {
        "en": "The number of days must be between 1 and {max}.",
        "ko": "날짜 수는 1부터 {max} 사이여야 합니다.",
    },
    "usage.search_empty": {
        "en": "Tell me what to look for, e.g. /search diffusion",
        "ko": "무엇을 찾을지 알려 주세요. 예: /search diffusion",
    },
    "usage.summary_language": {
        "en": "“{code}” is not a language code: try ja, de, zh or pt-br (- for the interface language).",
        "ko": "“{code}”은(는) 언어 코드가 아닙니다. ja, de, zh, pt-br처럼 입력해 주세요 "
        "(-는 인터페이스 언어).",
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
        "en": "Nothing to page through: /today, /top or /search first.",
        "ko": "넘길 목록이 없습니다. 먼저 /today, /top 또는 /search를 입력해 보세요.",
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
    "cmd.subscribe": {"en": "a daily push of the top papers here", "ko": "이 대화방으로 매일 인기 논문 받기"},
    "cmd.unsubscribe": {"en": "stop the daily push", "ko": "매일 받기 중지"},
    "cmd.settings": {
        "en": "time, days, filters and format of the push",
        "ko": "받는 시간·요일·필터·형식 설정",
    },
    "cmd.preview": {
        "en": "what the next push would hold, and why",
        "ko": "다음에 받을 내용과 그 이유 미리 보기",
    },
    "cmd.start": {"en": "welcome and help", "ko": "소개와 도움말"},
    "usage.unknown_zone": {
        "en": "Unknown time zone “{zone}”. Use an Area/City name, e.g. {suggestion}",
        "ko": "알 수 없는 시간대 “{zone}”. 지역/도시 이름을 쓰세요. 예: {suggestion}",
    },
    "help.heading": {"en": "Commands:", "ko": "명령어:"},
    "help.welcome": {
        "en": "Hi! I bring you the Hugging Face Daily Papers, with Korean summaries. Commands:",
        "ko": "안녕하세요! Hugging Face Daily Papers를 한국어 요약과 함께 전해 드립니다. 명령어:",
    },
    "help.inline": {
        "en": "In any chat, type @ and my name, then a search, to share a paper.",
        "ko": "어느 대화방에서든 @와 제 이름, 검색어를 입력해 논문을 공유할 수 있습니다.",
    },
    "help.credit": {
        "en": "Summaries: daily_papers_ko (CC BY-NC-ND 4.0)",
        "ko": "요약 출처: daily_papers_ko (CC BY-NC-ND 4.0)",
    },
    "days.heading": {"en": "Days in the digest (latest first):", "ko": "다이제스트 날짜 (최신순):"},
    "days.none": {
        "en": "No days yet: ingest a digest first.",
        "ko": "아직 날짜가 없습니다. 먼저 다이제스트를 불러오세요.",
    },
    "days.row": {"en": "{day}  {papers:>3} papers  top {votes}", "ko": "{day}  {papers:>3}편  최고 {votes}"},
    # Selection (/preview and the push)
    "select.no_papers": {"en": "The day's list is empty.", "ko": "그날의 목록이 비어 있습니다."},
    "select.all_filtered": {
        "en": "All {total} papers were filtered out: {sent} already sent, {votes} under the vote floor, "
        "{no_code} without code, {stars} under the star floor, "
        "{excluded} with an excluded keyword, {not_included} without a wanted keyword.",
        "ko": "논문 {total}편이 모두 걸러졌습니다: 이미 보냄 {sent}, 추천 수 부족 {votes}, "
        "코드 없음 {no_code}, 스타 수 부족 {stars}, "
        "제외 키워드 {excluded}, 포함 키워드 없음 {not_included}.",
    },
    "why.votes": {"en": "▲ {votes} ≥ {min_votes}", "ko": "추천 {votes} ≥ {min_votes}"},
    "why.top": {"en": "among the most voted (▲ {votes})", "ko": "추천 상위 (▲ {votes})"},
    "why.late_riser": {
        "en": "a late riser: it crossed your vote floor after its day",
        "ko": "늦게 뜬 논문: 그날 이후 최소 추천 수를 넘었습니다",
    },
    "push.no_new": {
        "en": "No new Daily Papers list since {day} (weekends and holidays have none).",
        "ko": "{day} 이후 새 Daily Papers 목록이 없습니다(주말·휴일).",
    },
    "why.keyword": {"en": "matches {words}", "ko": "키워드 일치: {words}"},
    # -- personal ranking and follows (issue 14)
    "why.liked": {"en": "you liked: {terms}", "ko": "좋아한 주제: {terms}"},
    "why.followed_author": {"en": "followed: author {value}", "ko": "팔로우: 저자 {value}"},
    "why.followed_org": {"en": "followed: organization {value}", "ko": "팔로우: 기관 {value}"},
    "why.followed_search": {"en": "followed: search “{value}”", "ko": "팔로우: 검색 “{value}”"},
    "cmd.follow": {
        "en": "push an author's, an organization's or a search's papers here, whatever their votes",
        "ko": "저자·기관·검색어의 논문을 추천 수와 관계없이 받기",
    },
    "cmd.unfollow": {"en": "stop following; alone: what is followed", "ko": "팔로우 취소 (인수 없이: 목록)"},
    "follow.added": {
        "en": "Now following {what}. Each day's matching papers come with the push, even below the "
        "vote floor and beyond the top N (at most {most} a day).",
        "ko": "팔로우 시작 — {what}. 매일 일치하는 논문을 최소 추천 수·상위 N과 관계없이 함께 "
        "보냅니다(하루 최대 {most}편).",
    },
    "follow.already": {"en": "Already following {what}.", "ko": "이미 {what}을(를) 팔로우하고 있습니다."},
    "follow.removed": {"en": "No longer following {what}.", "ko": "{what} 팔로우를 취소했습니다."},
    "follow.missing": {
        "en": "Not following {what}. Followed here: {follows}. {usage}",
        "ko": "{what}을(를) 팔로우하고 있지 않습니다. 팔로우 목록: {follows}. {usage}",
    },
    "follow.list": {"en": "Followed here: {follows}. {usage}", "ko": "팔로우 목록: {follows}. {usage}"},
    "follow.none": {
        "en": "Nothing is followed here yet. {usage}",
        "ko": "아직 팔로우한 것이 없습니다. {usage}",
    },
    "follow.full": {
        "en": "At most {most} follows per subscription: unfollow one first. {usage}",
        "ko": "구독마다 최대 {most}개까지 팔로우할 수 있습니다. 먼저 하나를 취소하세요. {usage}",
    },
    "follow.not_subscribed": {
        "en": "Only a subscribed chat can follow: its push carries the papers. Subscribe first. {usage}",
        "ko": "구독한 대화방만 팔로우할 수 있습니다(푸시로 보내므로). 먼저 구독하세요. {usage}",
    },
    "follow.what_author": {"en": "author", "ko": "저자"},
    "follow.what_org": {"en": "organization", "ko": "기관"},
    "follow.what_search": {"en": "search", "ko": "검색어"},
    "follow.name_missing": {
        "en": "Which {kind}? {usage}",
        "ko": "어떤 {kind}인지 적어 주세요. {usage}",
    },
    "follow.too_long": {
        "en": "A name or search is at most {most} characters. {usage}",
        "ko": "이름이나 검색어는 최대 {most}자입니다. {usage}",
    },
    # HF fields: code filters, cards and /trending (issue 15)
    "why.code": {"en": "has code", "ko": "코드 공개"},
    "why.stars": {"en": "★ {stars} ≥ {min_stars}", "ko": "스타 {stars} ≥ {min_stars}"},
    "card.comments": {"en": "💬 {n}", "ko": "💬 {n}"},
    "card.stars": {"en": "★ {n}", "ko": "★ {n}"},
    "card.organization": {"en": "🏛 {name}", "ko": "🏛 {name}"},
    "cmd.trending": {
        "en": "papers of the last days that gained the most votes recently",
        "ko": "최근 며칠 논문 중 요즘 추천이 가장 많이 늘어난 논문",
    },
    "trending.heading": {
        "en": "Trending: votes gained in the last {window} (lists of {first} – {last})",
        "ko": "급상승: 최근 {window} 동안 늘어난 추천 ({first} – {last} 목록)",
    },
    "trending.gained": {"en": "▲ {votes} (+{gained} in {window})", "ko": "▲ {votes} ({window} +{gained})"},
    "trending.hours": {"en": "{n} h", "ko": "{n}시간"},
    "trending.no_list": {
        "en": "No Daily Papers list yet: ingest one first.",
        "ko": "아직 Daily Papers 목록이 없습니다. 먼저 불러오세요.",
    },
    "trending.no_history": {
        "en": "No vote history yet: trending compares the votes seen at successive ingest rounds, "
        "and no paper of {first} – {last} has been seen twice.",
        "ko": "아직 추천 기록이 없습니다. 급상승은 수집할 때마다 본 추천 수를 비교하는데, "
        "{first} – {last} 논문 중 두 번 이상 본 논문이 없습니다.",
    },
    "trending.none_gained": {
        "en": "None of the {listed} papers of {first} – {last} gained votes in the last {window}.",
        "ko": "{first} – {last} 논문 {listed}편 중 최근 {window} 동안 추천이 늘어난 논문이 없습니다.",
    },
    # Subscriptions
    "sub.started": {
        "en": "Subscribed {title}: {when}, the top {n} papers. "
        "/settings to change, /preview to see the next one.",
        "ko": "{title} 구독 완료: {when} 인기 논문 {n}편. 변경은 /settings, 미리 보기는 /preview.",
    },
    "sub.updated": {
        "en": "Subscription of {title} updated: {when}, the top {n} papers.",
        "ko": "{title} 구독을 바꿨습니다: {when} 인기 논문 {n}편.",
    },
    "sub.stopped": {
        "en": "Unsubscribed {title}. Your settings are kept for when you /subscribe again.",
        "ko": "{title} 구독을 해지했습니다. 다시 /subscribe 하면 설정이 그대로 돌아옵니다.",
    },
    "preview.next": {"en": "Next push: {when}", "ko": "다음 발송: {when}"},
    "preview.day": {"en": "Daily Papers of {day}", "ko": "{day} Daily Papers"},
    "sub.none": {
        "en": "This chat has no subscription: /subscribe first.",
        "ko": "이 대화방은 구독 중이 아닙니다. 먼저 /subscribe 하세요.",
    },
    "sub.bad_value": {
        "en": "Cannot set {field}: {problem}",
        "ko": "{field} 값을 바꿀 수 없습니다: {problem}",
    },
    "sub.format_unavailable": {
        "en": "The format “{format}” is not available here: choose {formats}.",
        "ko": "이곳에서는 “{format}” 형식을 쓸 수 없습니다. {formats} 중에서 고르세요.",
    },
    "preview.not_subscribed": {
        "en": "No push is scheduled here: /subscribe to get one.",
        "ko": "예정된 발송이 없습니다. /subscribe로 구독하세요.",
    },
    "preview.paused": {
        "en": "The push is paused: {reason}. /subscribe resumes it.",
        "ko": "발송이 일시 중지되었습니다: {reason}. /subscribe로 다시 시작합니다.",
    },
    "preview.no_list_yet": {
        "en": "No complete Daily Papers list yet: the next push would be empty.",
        "ko": "아직 완성된 Daily Papers 목록이 없어 다음 발송은 비어 있습니다.",
    },
    "preview.no_new_list": {
        "en": "No new list since {day} (weekends and holidays have none): the next push would be skipped.",
        "ko": "{day} 이후 새 목록이 없어(주말·휴일) 다음 발송은 건너뜁니다.",
    },
    "preview.old_list": {
        "en": "The newest list is from {day}, {days} days ago: no weekend or holiday is that long, so "
        "ingestion may be off. Fetch the missing days with paperboy fetch-hf --date {start} --to {today} "
        "(paperboy run fetches new days itself unless PAPERBOY_INGEST__EVERY_MINUTES is 0).",
        "ko": "가장 최근 목록은 {day}({days}일 전)입니다. 주말이나 휴일로는 너무 길어 수집이 꺼져 있을 수 "
        "있습니다. paperboy fetch-hf --date {start} --to {today} 로 빠진 날을 가져오세요 "
        "(paperboy run은 PAPERBOY_INGEST__EVERY_MINUTES가 0이 아니면 새 날을 직접 가져옵니다).",
    },
    # Settings
    "set.time": {"en": "Time", "ko": "시간"},
    "set.days": {"en": "Days", "ko": "요일"},
    "set.top_n": {"en": "Top N", "ko": "편수"},
    "set.min_votes": {"en": "Minimum votes", "ko": "최소 추천 수"},
    "set.include": {"en": "Only with keywords", "ko": "포함 키워드"},
    "set.exclude": {"en": "Without keywords", "ko": "제외 키워드"},
    "set.format": {"en": "Format", "ko": "형식"},
    "set.format_compact": {"en": "compact digest", "ko": "요약 목록"},
    "set.format_cards": {"en": "one card per paper", "ko": "논문별 카드"},
    "set.format_thread": {"en": "a header, the cards in its thread", "ko": "머리글 하나, 카드는 스레드에"},
    "push.thread_heading": {
        "en": "Daily Papers of {day}: the top {n}, one per reply in this thread",
        "ko": "{day} Daily Papers 인기 논문 {n}편: 이 스레드에 한 편씩",
    },
    "set.language": {"en": "Language", "ko": "언어"},
    "set.summary_language": {"en": "Summaries in", "ko": "요약 언어"},
    "set.language_en": {"en": "English", "ko": "영어"},
    "set.language_ko": {"en": "Korean", "ko": "한국어"},
    "set.notify_empty": {"en": "Note on days without a list", "ko": "목록 없는 날 알림"},
    "set.late_risers": {
        "en": "Late risers (papers that gained votes later)",
        "ko": "늦게 뜬 논문 (나중에 추천 증가)",
    },
    "set.status": {"en": "Status", "ko": "상태"},
    "set.status_on": {"en": "subscribed", "ko": "구독 중"},
    "set.status_off": {"en": "unsubscribed", "ko": "구독 해지됨"},
    "set.status_paused": {"en": "paused: {reason}", "ko": "일시 중지: {reason}"},
    "set.on": {"en": "on", "ko": "켜짐"},
    "set.off": {"en": "off", "ko": "꺼짐"},
    "set.none": {"en": "none", "ko": "없음"},
    "set.every_day": {"en": "every day", "ko": "매일"},
    "set.weekdays_only": {"en": "Monday to Friday", "ko": "월~금"},
    "set.days_list": {"en": "{days}", "ko": "{days}"},
    "set.heading": {"en": "Daily push for {title}", "ko": "{title} 매일 받기 설정"},
    "usage.then": {"en": "{problem} {usage}", "ko": "{problem} {usage}"},
    "set.change": {"en": "Change one with /settings NAME VALUE:", "ko": "바꾸려면 /settings 이름 값:"},
    # Settings: how often, the code filters, the ranking, follows and the feed (issues 14 and 15)
    "set.cadence": {"en": "How often", "ko": "받는 주기"},
    "set.cadence_daily": {"en": "Daily", "ko": "매일"},
    "set.cadence_weekly": {"en": "Weekly, on {day}", "ko": "매주 {day}"},
    "set.cadence_monthly": {"en": "Monthly, on day {day}", "ko": "매월 {day}일"},
    "set.cadence_monthly_end": {
        "en": "Monthly, on day {day} (last day in shorter months)",
        "ko": "매월 {day}일 (짧은 달은 마지막 날)",
    },
    "set.month_day": {"en": "{day}", "ko": "{day}일"},
    "set.month_day_end": {"en": "{day} (last day in shorter months)", "ko": "{day}일 (짧은 달은 마지막 날)"},
    "set.last_day": {"en": "last day", "ko": "마지막 날"},
    "set.heading_weekly": {"en": "Weekly push for {title}", "ko": "{title} 매주 받기 설정"},
    "set.heading_monthly": {"en": "Monthly push for {title}", "ko": "{title} 매월 받기 설정"},
    "set.has_code": {"en": "Code", "ko": "코드"},
    "set.code_only": {"en": "only papers with code", "ko": "코드가 있는 논문만"},
    "set.code_any": {"en": "any paper", "ko": "모든 논문"},
    "set.min_stars": {"en": "GitHub stars", "ko": "GitHub 스타"},
    "set.stars_at_least": {"en": "at least {stars} ★", "ko": "★ {stars}개 이상"},
    "set.stars_any": {"en": "any", "ko": "제한 없음"},
    "set.ranking": {"en": "Ranking", "ko": "순위"},
    "set.ranking_votes": {"en": "by votes", "ko": "추천 수 순"},
    "set.ranking_personal": {
        "en": "personal: votes blended with your 👍/👎",
        "ko": "맞춤: 추천 수에 내 👍/👎를 반영",
    },
    "set.follows": {"en": "Following", "ko": "팔로우"},
    "set.follows_list": {"en": "{follows}", "ko": "{follows}"},
    "set.follow_author": {"en": "author: {value}", "ko": "저자: {value}"},
    "set.follow_org": {"en": "org: {value}", "ko": "기관: {value}"},
    "set.follow_search": {"en": "search: “{value}”", "ko": "검색: “{value}”"},
    "set.follow_removed": {"en": "No longer following {follow}.", "ko": "{follow} 팔로우를 그만뒀습니다."},
    "set.follow_gone": {
        "en": "That follow was already removed.",
        "ko": "이미 삭제된 팔로우입니다.",
    },
    "set.unfollow_number": {
        "en": "There is no follow number {number}: /settings lists {count}.",
        "ko": "{number}번 팔로우가 없습니다. /settings에 {count}개가 있습니다.",
    },
    "set.feed": {"en": "Atom feed", "ko": "Atom 피드"},
    "set.cadence_name_daily": {"en": "Daily", "ko": "매일"},
    "set.cadence_name_weekly": {"en": "Weekly", "ko": "매주"},
    "set.cadence_name_monthly": {"en": "Monthly", "ko": "매월"},
    "set.pick_week_day": {"en": "Weekly, on which day?", "ko": "매주 무슨 요일에 받을까요?"},
    "set.pick_month_day": {
        "en": "Monthly, on which day? (the last day: every month's last)",
        "ko": "매월 며칠에 받을까요? (마지막 날: 달마다 마지막 날)",
    },
    "set.stars_other": {"en": "Another number", "ko": "다른 숫자"},
    "set.remove_follow": {"en": "Stop following", "ko": "팔로우 그만두기"},
    "prompt.st": {
        "en": "Reply with the fewest GitHub stars a paper's code must have (0: any).",
        "ko": "논문 코드 저장소의 최소 GitHub 스타 수를 답장해 주세요 (0: 제한 없음).",
    },
    "btn.fewer": {"en": "− papers", "ko": "− 편수"},
    "btn.more": {"en": "+ papers", "ko": "+ 편수"},
    "btn.votes_down": {"en": "− votes", "ko": "− 추천"},
    "btn.votes_up": {"en": "+ votes", "ko": "+ 추천"},
    "btn.toggle": {"en": "⇄ {name}", "ko": "⇄ {name}"},
    "btn.done": {"en": "Done", "ko": "완료"},
    "btn.saved": {"en": "Saved", "ko": "저장했습니다"},
    "set.channel_hint": {
        "en": "Keywords and other time zones are typed in a private chat with me (✎), not in the channel.",
        "ko": "키워드와 다른 시간대는 채널이 아닌 저와의 개인 대화에서 입력합니다(✎).",
    },
    "set.keywords_private": {"en": "Keywords (private chat)", "ko": "키워드 (개인 대화)"},
    "set.zone_private": {"en": "Other zone (private chat)", "ko": "다른 시간대 (개인 대화)"},
    "prompt.tz": {
        "en": "Reply with your time zone as Area/City, e.g. Asia/Seoul.",
        "ko": "시간대를 지역/도시 형식으로 답장해 주세요. 예: Asia/Seoul",
    },
    "prompt.inc": {
        "en": "Reply with keywords a paper must match (any of them), comma-separated; - clears.",
        "ko": "논문에 있어야 할 키워드를 쉼표로 구분해 답장해 주세요(하나만 맞아도 됨). -는 지우기.",
    },
    "prompt.exc": {
        "en": "Reply with keywords that leave a paper out, comma-separated; - clears.",
        "ko": "제외할 키워드를 쉼표로 구분해 답장해 주세요. -는 지우기.",
    },
    "prompt.rd": {
        "en": "Reply with the language code the summaries should be in (ja, de, zh, pt-br, ...); "
        "- makes them follow the interface language.",
        "ko": "요약을 받을 언어 코드로 답장해 주세요 (ja, de, zh, pt-br 등). -는 인터페이스 언어를 따르기.",
    },
    # Weekly and monthly digests (issue 15): push headings, an empty period, /preview
    "push.weekly_heading": {
        "en": "The week's digest, {first} – {last}: the top {n} Daily Papers",
        "ko": "주간 다이제스트 ({first} – {last}): Daily Papers 인기 논문 {n}편",
    },
    "push.monthly_heading": {
        "en": "The month's digest, {first} – {last}: the top {n} Daily Papers",
        "ko": "월간 다이제스트 ({first} – {last}): Daily Papers 인기 논문 {n}편",
    },
    "push.weekly_thread_heading": {
        "en": "The week's digest, {first} – {last}: the top {n} Daily Papers, one per reply in this thread",
        "ko": "주간 다이제스트 ({first} – {last}): Daily Papers 인기 논문 {n}편, 이 스레드에 한 편씩",
    },
    "push.monthly_thread_heading": {
        "en": "The month's digest, {first} – {last}: the top {n} Daily Papers, one per reply in this thread",
        "ko": "월간 다이제스트 ({first} – {last}): Daily Papers 인기 논문 {n}편, 이 스레드에 한 편씩",
    },
    "push.weekly_empty": {
        "en": "The week's digest, {first} – {last}: nothing new for you this week (/preview says why).",
        "ko": "주간 다이제스트 ({first} – {last}): 이번 주에는 새로 보낼 논문이 없습니다(이유는 /preview).",
    },
    "push.monthly_empty": {
        "en": "The month's digest, {first} – {last}: nothing new for you this month (/preview says why).",
        "ko": "월간 다이제스트 ({first} – {last}): 이번 달에는 새로 보낼 논문이 없습니다(이유는 /preview).",
    },
    "preview.weekly": {
        "en": "The week's digest, every {weekday}: the top papers of the Daily Papers of {first} – {last}",
        "ko": "매주 {weekday} 주간 다이제스트: {first} – {last} Daily Papers의 인기 논문",
    },
    "preview.monthly": {
        "en": "The month's digest, on day {day} of each month (a shorter month: its last day): "
        "the top papers of the Daily Papers of {first} – {last}",
        "ko": "매월 {day}일(그보다 짧은 달은 말일) 월간 다이제스트: "
        "{first} – {last} Daily Papers의 인기 논문",
    },
    "when.daily": {"en": "every day at {time} ({zone})", "ko": "매일 {time}({zone})에"},
    "when.weekly": {"en": "every {weekday} at {time} ({zone})", "ko": "매주 {weekday} {time}({zone})에"},
    "when.monthly": {
        "en": "on day {day} of each month at {time} ({zone})",
        "ko": "매월 {day}일 {time}({zone})에",
    },
    "preview.no_list_in_period": {
        "en": "No Daily Papers list from {first} to {last} yet: the next push would be skipped.",
        "ko": "{first} – {last} 기간의 Daily Papers 목록이 아직 없어 다음 발송은 건너뜁니다.",
    },
    "preview.period_sent": {
        "en": "The digest of {first} – {last} went out already: the next push would be skipped.",
        "ko": "{first} – {last} 다이제스트는 이미 보냈으므로 다음 발송은 건너뜁니다.",
    },
    "weekday_short.0": {"en": "Mon", "ko": "월"},
    "weekday_short.1": {"en": "Tue", "ko": "화"},
    "weekday_short.2": {"en": "Wed", "ko": "수"},
    "weekday_short.3": {"en": "Thu", "ko": "목"},
    "weekday_short.4": {"en": "Fri", "ko": "금"},
    "weekday_short.5": {"en": "Sat", "ko": "토"},
    "weekday_short.6": {"en": "Sun", "ko": "일"},
    # Feedback: 👍 / 👎 / Save on cards, and /saved (bot/feedback.py)
    "cmd.saved": {"en": "your saved papers here, newest first", "ko": "이곳에 저장한 논문 (최신순)"},
    "cmd.like": {"en": "👍 a paper (again: take it back)", "ko": "논문에 👍 (다시 하면 취소)"},
    "cmd.dislike": {"en": "👎 a paper (again: take it back)", "ko": "논문에 👎 (다시 하면 취소)"},
    "cmd.save": {"en": "save a paper to your list", "ko": "논문을 내 목록에 저장"},
    "cmd.unsave": {"en": "remove a paper from your saved papers", "ko": "저장한 논문에서 빼기"},
    "fb.btn_like": {"en": "👍", "ko": "👍"},
    "fb.btn_like_n": {"en": "👍 {n}", "ko": "👍 {n}"},
    "fb.btn_dislike": {"en": "👎", "ko": "👎"},
    "fb.btn_dislike_n": {"en": "👎 {n}", "ko": "👎 {n}"},
    "fb.btn_save": {"en": "💾 Save", "ko": "💾 저장"},
    "fb.btn_save_n": {"en": "💾 {n}", "ko": "💾 {n}"},
    "fb.btn_unsave": {"en": "✕ {rank}", "ko": "✕ {rank}"},
    "fb.btn_related": {"en": "🔗 Related", "ko": "🔗 관련 논문"},
    "fb.like_set": {
        "en": "👍 noted for {arxiv_id} ({n} here).",
        "ko": "{arxiv_id}에 👍를 남겼습니다 (여기서 {n}명).",
    },
    "fb.like_unset": {"en": "👍 taken back for {arxiv_id}.", "ko": "{arxiv_id}의 👍를 취소했습니다."},
    "fb.dislike_set": {
        "en": "👎 noted for {arxiv_id} ({n} here).",
        "ko": "{arxiv_id}에 👎를 남겼습니다 (여기서 {n}명).",
    },
    "fb.dislike_unset": {"en": "👎 taken back for {arxiv_id}.", "ko": "{arxiv_id}의 👎를 취소했습니다."},
    "fb.no_opinion": {
        "en": "You had neither 👍 nor 👎 on {arxiv_id}.",
        "ko": "{arxiv_id}에 남긴 👍·👎가 없습니다.",
    },
    "fb.saved": {
        "en": "💾 {arxiv_id} is in your saved papers here.",
        "ko": "💾 {arxiv_id}을(를) 이곳의 저장 목록에 담았습니다.",
    },
    "fb.unsaved": {
        "en": "{arxiv_id} was removed from your saved papers.",
        "ko": "{arxiv_id}을(를) 저장 목록에서 뺐습니다.",
    },
    "fb.not_saved": {
        "en": "{arxiv_id} was not in your saved papers here.",
        "ko": "{arxiv_id}은(는) 이곳의 저장 목록에 없습니다.",
    },
    "saved.heading": {"en": "Your saved papers here ({total})", "ko": "이곳에 저장한 논문 ({total}편)"},
    "saved.none": {
        "en": "No saved papers here yet: press 💾 Save on a card to keep one.",
        "ko": "아직 저장한 논문이 없습니다. 카드의 💾 저장 버튼을 눌러 담아 두세요.",
    },
    "saved.row": {"en": "saved {day}", "ko": "{day} 저장"},
    "fb.console_card": {
        "en": "{buttons}: /like, /dislike or /save {arxiv_id}",
        "ko": "{buttons}: /like, /dislike, /save {arxiv_id}",
    },
    "fb.console_push": {
        "en": "Tell me what you think with /like ID or /dislike ID, keep one with /save ID; "
        "/saved lists them.",
        "ko": "/like ID, /dislike ID로 의견을, /save ID로 저장을 남기세요. /saved로 저장한 논문을 봅니다.",
    },
    "fb.console_unsave": {"en": "/unsave {arxiv_id}", "ko": "/unsave {arxiv_id}"},
    # Weekdays, Monday first (date.weekday())
    "weekday.0": {"en": "Monday", "ko": "월요일"},
    "weekday.1": {"en": "Tuesday", "ko": "화요일"},
    "weekday.2": {"en": "Wednesday", "ko": "수요일"},
    "weekday.3": {"en": "Thursday", "ko": "목요일"},
    "weekday.4": {"en": "Friday", "ko": "금요일"},
    "weekday.5": {"en": "Saturday", "ko": "토요일"},
    "weekday.6": {"en": "Sunday", "ko": "일요일"},
    # Summary languages, by code
    "language.en": {"en": "English", "ko": "영어"},
    "language.ko": {"en": "Korean", "ko": "한국어"},
    "language.ja": {"en": "Japanese", "ko": "일본어"},
    "language.zh": {"en": "Chinese (Simplified)", "ko": "중국어 간체"},
    "language.zh-cn": {"en": "Chinese (Simplified)", "ko": "중국어 간체"},
    "language.zh-hans": {"en": "Chinese (Simplified)", "ko": "중국어 간체"},
    "language.zh-tw": {"en": "Chinese (Traditional)", "ko": "중국어 번체"},
    "language.zh-hant": {"en": "Chinese (Traditional)", "ko": "중국어 번체"},
    "language.de": {"en": "German", "ko": "독일어"},
    "language.fr": {"en": "French", "ko": "프랑스어"},
    "language.es": {"en": "Spanish", "ko": "스페인어"},
    "language.pt": {"en": "Portuguese", "ko": "포르투갈어"},
    "language.pt-br": {"en": "Brazilian Portuguese", "ko": "브라질 포르투갈어"},
    "language.it": {"en": "Italian", "ko": "이탈리아어"},
    "language.ru": {"en": "Russian", "ko": "러시아어"},
    "language.uk": {"en": "Ukrainian", "ko": "우크라이나어"},
    "language.pl": {"en": "Polish", "ko": "폴란드어"},
    "language.nl": {"en": "Dutch", "ko": "네덜란드어"},
    "language.tr": {"en": "Turkish", "ko": "튀르키예어"},
    "language.ar": {"en": "Arabic", "ko": "아랍어"},
    "language.he": {"en": "Hebrew", "ko": "히브리어"},
    "language.fa": {"en": "Persian", "ko": "페르시아어"},
    "language.hi": {"en": "Hindi", "ko": "힌디어"},
    "language.bn": {"en": "Bengali", "ko": "벵골어"},
    "language.th": {"en": "Thai", "ko": "태국어"},
    "language.vi": {"en": "Vietnamese", "ko": "베트남어"},
    "language.id": {"en": "Indonesian", "ko": "인도네시아어"},
    "language.ms": {"en": "Malay", "ko": "말레이어"},
    "language.el": {"en": "Greek", "ko": "그리스어"},
    "language.sv": {"en": "Swedish", "ko": "스웨덴어"},
    "language.cs": {"en": "Czech", "ko": "체코어"},
    # Related papers (/related, `paperboy related`)
    "cmd.related": {"en": "papers like this one, and why", "ko": "이 논문과 비슷한 논문과 그 이유"},
    "related.heading": {
        "en": "Related to “{title}” ({arxiv_id}): {n} paper(s)",
        "ko": "“{title}”({arxiv_id})과(와) 비슷한 논문 {n}편",
    },
    "related.why": {"en": "Shared: {terms}", "ko": "공통: {terms}"},
    "related.none": {
        "en": "No other paper shares enough with {arxiv_id} yet.",
        "ko": "아직 {arxiv_id} 논문과 충분히 비슷한 논문이 없습니다.",
    },
    "related.not_indexed": {
        "en": "{arxiv_id} is not indexed for related papers yet: it will be once the database takes writes.",
        "ko": "{arxiv_id} 논문은 아직 비슷한 논문 색인에 없습니다. 데이터베이스에 쓸 수 있으면 색인됩니다.",
    },
    # Atom feeds (bot/feeds.py, handlers/feeds_http.py)
    "feed.top_title": {"en": "Daily Papers: the top papers", "ko": "Daily Papers 인기 논문"},
    "feed.top_subtitle": {
        "en": "The top {n} of each of the last {days} lists, newest first",
        "ko": "최근 목록 {days}개의 상위 {n}편씩, 최신 목록부터",
    },
    "feed.search_title": {"en": "Daily Papers: search “{query}”", "ko": "Daily Papers: “{query}” 검색"},
    "feed.search_subtitle": {
        "en": "The {n} best matches, most relevant first",
        "ko": "가장 잘 맞는 논문 {n}편, 관련도 순",
    },
    "feed.subscription_title": {"en": "Daily Papers for {name}", "ko": "{name}의 Daily Papers"},
    "feed.subscription_subtitle": {
        "en": "What this subscription's filters pick from each of the last {days} lists",
        "ko": "이 구독의 필터가 최근 목록 {days}개에서 고른 논문",
    },
    "feed.subscription_weekly": {
        "en": "This subscription's weekly digests of the last {n} weeks: each week's best by votes",
        "ko": "이 구독의 최근 {n}주 주간 다이제스트: 주마다 추천이 많은 논문",
    },
    "feed.subscription_monthly": {
        "en": "This subscription's monthly digests of the last {n} months: each month's best by votes",
        "ko": "이 구독의 최근 {n}개월 월간 다이제스트: 달마다 추천이 많은 논문",
    },
    "feed.listed": {"en": "Listed on {day}", "ko": "{day} 목록"},
    "feed.more_authors": {"en": "and {count} more authors", "ko": "외 저자 {count}명"},
    "feed.cut": {"en": "(the rest of the summary is cut here)", "ko": "(요약의 나머지는 생략했습니다)"},
    "feed.archive_rights": {
        "en": "Summary from the Korean Daily Papers digest by l-yohai "
        "(github.com/l-yohai/daily_papers_ko), CC BY-NC-ND 4.0",
        "ko": "요약 출처: l-yohai의 Daily Papers 한국어 다이제스트 "
        "(github.com/l-yohai/daily_papers_ko), CC BY-NC-ND 4.0",
    },
    "feed.no_query": {
        "en": "Say what to search for: /feeds/search.atom?q=WORDS (e.g. ?q=diffusion)",
        "ko": "검색어를 넣어 주세요: /feeds/search.atom?q=검색어 (예: ?q=diffusion)",
    },
    "feed.bad_lang": {
        "en": "lang={value} is not a language code: use e.g. ?lang=en, ?lang=ko or ?lang=ja",
        "ko": "lang={value}은(는) 언어 코드가 아닙니다. 예: ?lang=en, ?lang=ko, ?lang=ja",
    },
    "feed.unknown": {
        "en": "No such feed: the link is wrong, or a new one replaced it (see the subscription's settings).",
        "ko": "없는 피드입니다. 링크가 틀렸거나 새 링크로 바뀌었습니다(구독 설정을 확인하세요).",
    },
}
