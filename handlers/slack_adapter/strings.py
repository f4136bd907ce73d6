"""The Slack adapter's own sentences (buttons, the settings modal, App Home), in English and Korean."""

from __future__ import annotations

from bot.i18n import Catalog

STRINGS: Catalog = {
    "slack.open": {"en": "Open", "ko": "열기"},
    "slack.previous": {"en": "◀ Previous", "ko": "◀ 이전"},
    "slack.next": {"en": "Next ▶", "ko": "다음 ▶"},
    "slack.share": {"en": "Share in channel", "ko": "채널에 공유"},
    "slack.shared_by": {"en": "Shared by {user}", "ko": "{user} 님이 공유함"},
    "slack.bad_button": {
        "en": "This button no longer works. Run the command again.",
        "ko": "이 버튼은 더 이상 동작하지 않습니다. 명령을 다시 실행해 주세요.",
    },
    "slack.members_only": {
        "en": "Only full members of the workspace can change this channel's daily push.",
        "ko": "워크스페이스 정회원만 이 채널의 매일 받기를 바꿀 수 있습니다.",
    },
    "slack.invite_first": {
        "en": "I am not in this channel yet. Invite me with /invite @Paperboy, then try again.",
        "ko": "아직 이 채널에 없습니다. /invite @Paperboy 로 초대한 뒤 다시 시도해 주세요.",
    },
    "slack.archived": {"en": "This channel is archived.", "ko": "보관된 채널입니다."},
    "slack.direct": {"en": "your direct messages", "ko": "내 DM"},
    "slack.here_only": {
        "en": "In Slack, subscribe from inside the channel. {usage}",
        "ko": "Slack에서는 구독할 채널 안에서 명령하세요. {usage}",
    },
    "slack.singles": {"en": "Also: {commands}", "ko": "이것도 됩니다: {commands}"},
    "slack.changed": {
        "en": "changed the daily push of {title}:",
        "ko": "님이 {title}의 매일 받기 설정을 바꿨습니다:",
    },
    "slack.zone": {"en": "Time zone (Area/City)", "ko": "시간대 (지역/도시)"},
    "slack.summary_language": {
        "en": "Summaries in another language (code)",
        "ko": "다른 언어의 요약 (언어 코드)",
    },
    "slack.summary_language_hint": {
        "en": "e.g. ja, de, zh, pt-br; empty: the language above",
        "ko": "예: ja, de, zh, pt-br. 비우면 위의 언어",
    },
    "slack.bad_summary_language": {
        "en": "“{code}” is not a language code: try ja, de, zh or pt-br.",
        "ko": "“{code}”은(는) 언어 코드가 아닙니다. ja, de, zh, pt-br처럼 입력해 주세요.",
    },
    "slack.options": {"en": "Options", "ko": "옵션"},
    "slack.modal_title": {"en": "Daily push", "ko": "매일 받기"},
    "slack.save": {"en": "Save", "ko": "저장"},
    "slack.cancel": {"en": "Cancel", "ko": "취소"},
    "slack.bad_time": {"en": "Pick a time.", "ko": "시간을 골라 주세요."},
    "slack.try_again": {
        "en": "Slack did not answer when I checked who is saving; nothing was changed. Try again.",
        "ko": "Slack이 응답하지 않아 아무것도 바꾸지 않았습니다. 다시 시도해 주세요.",
    },
    "slack.no_days": {"en": "Pick at least one day.", "ko": "요일을 하나 이상 골라 주세요."},
    "slack.bad_number": {
        "en": "A whole number from {low} to {high}.",
        "ko": "{low}부터 {high}까지의 정수를 입력해 주세요.",
    },
    # The settings modal's inputs for how often, the code filters and the follows (issues 14 and 15)
    "slack.week_day": {"en": "Weekly: on which day", "ko": "매주: 받을 요일"},
    "slack.month_day": {"en": "Monthly: on which day", "ko": "매월: 받을 날짜"},
    "slack.min_stars": {
        "en": "At least this many GitHub stars (0: any)",
        "ko": "최소 GitHub 스타 수 (0: 제한 없음)",
    },
    "slack.unfollow_hint": {"en": "Pick the ones to remove", "ko": "삭제할 항목을 고르세요"},
    "slack.home_subscriptions": {"en": "Your subscriptions", "ko": "내 구독"},
    "slack.home_none": {
        "en": "None yet: type /papers subscribe in a channel (or here) to get the top papers every day.",
        "ko": "아직 없습니다: 채널(또는 여기)에서 /papers subscribe 를 입력하면 매일 인기 논문을 받습니다.",
    },
    "slack.remove": {"en": "Remove", "ko": "빼기"},
}
