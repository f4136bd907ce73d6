"""Which summary a reader sees: their language, else English, else what there is, and never Korean
under an English card while English text exists."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.cards import one_line, paper_card, paper_record, summary_to_show
from bot.models import Destination, OutboxItem, Paper, Section, Subscription, Summary
from handlers.console_adapter.notifier import ConsoleNotifier
from handlers.telegram_adapter.render import push_messages as telegram_push

DAY = date(2025, 6, 2)
KOREAN = Summary(language="ko", source="archive", sections=(Section(heading="What's New", text="새 방법."),))
ENGLISH = Summary(
    language="en", source="llm", sections=(Section(heading="What's New", text="A new method."),), model="m"
)


def _paper(*summaries: Summary, abstract: str | None = None, ai_summary: str | None = None) -> Paper:
    return Paper(
        arxiv_id="2502.15007", title="T", summaries=summaries, abstract=abstract, ai_summary=ai_summary
    )


def test_the_readers_language_is_shown_without_a_note() -> None:
    shown = summary_to_show(_paper(KOREAN, ENGLISH), "ko")
    assert (shown.summary, shown.note) == (KOREAN, None)


def test_english_readers_get_the_hf_summary_and_abstract_rather_than_korean() -> None:
    paper = _paper(KOREAN, abstract="We propose X.", ai_summary="X does Y.")
    card = paper_card(paper, "en")
    assert [(s.heading, s.text) for s in card.sections] == [("", "X does Y."), ("Abstract", "We propose X.")]
    assert card.notes == ()
    assert one_line(paper, "en") == "X does Y."


def test_other_languages_fall_back_to_english_with_a_note_naming_both() -> None:
    card = paper_card(_paper(KOREAN, abstract="We propose X."), "ja")
    assert [s.text for s in card.sections] == ["We propose X."]
    assert [note.render("en") for note in card.notes] == [
        "Summary in English: there is none in Japanese yet."
    ]
    assert [note.render("ko") for note in card.notes] == ["영어 요약입니다. 일본어 요약은 아직 없습니다."]


def test_korean_is_shown_to_an_english_reader_only_when_nothing_english_exists() -> None:
    card = paper_card(_paper(KOREAN), "en")
    assert card.sections == KOREAN.sections
    assert [note.render("en") for note in card.notes] == ["Summary in Korean: there is none in English yet."]


def test_an_unknown_language_code_is_named_by_its_code() -> None:
    card = paper_card(_paper(ENGLISH), "tlh")
    assert card.notes[0].render("en") == "Summary in English: there is none in tlh yet."


def test_an_unverified_summary_says_so_on_the_card() -> None:
    card = paper_card(_paper(ENGLISH.model_copy(update={"verified": False})), "en")
    assert "could not be found in the paper" in card.notes[0].render("en")


def test_a_paper_with_nothing_to_say_has_an_empty_card_and_line() -> None:
    assert paper_card(_paper(), "ko").sections == ()
    assert one_line(_paper(), "ko") == ""


def test_json_lists_every_summary_with_its_source_and_the_hf_fallback() -> None:
    record = paper_record(_paper(KOREAN, abstract="We propose X."))
    summaries = record["summaries"]
    assert isinstance(summaries, dict)
    assert {code: s["source"] for code, s in summaries.items()} == {"ko": "archive", "en": "hf"}
    assert summaries["ko"]["sections"] == [{"heading": "What's New", "text": "새 방법."}]
    assert "sections" not in record


def test_pushes_show_the_summary_language_and_speak_the_interface_language() -> None:
    japanese = Summary(
        language="ja", source="llm", sections=(Section(heading="What's New", text="新しい手法。"),)
    )
    paper = _paper(KOREAN, japanese)
    subscription = Subscription(
        destination=Destination(platform="console", chat_id="local"), chat_type="console", language="ko",
        summary_language="ja", format="cards",
    )  # fmt: skip
    now = datetime(2025, 6, 3, tzinfo=UTC)
    item = OutboxItem(
        id=1, lease="x", subscription=subscription, kind="digest", digest_day=DAY, due_at=now, leased_at=now
    )
    calls = telegram_push(DAY, [paper], "cards", "ko", "ja")
    telegram = [str(m.params.get("caption") or m.params.get("text")) for m in calls]
    console = str(ConsoleNotifier().render(item, [paper])[0].payload)

    assert "인기 논문" in telegram[0]  # the interface speaks Korean
    assert "新しい手法" in telegram[1]  # the summary is the Japanese one
    assert "새 방법" not in telegram[1]
    assert "新しい手法" in console
