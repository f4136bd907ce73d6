"""The Discord adapter's own sentences (buttons, the settings menus, refusals), in English and Korean."""

from __future__ import annotations

from bot.i18n import Catalog

STRINGS: Catalog = {
    "discord.previous": {"en": "◀ Previous", "ko": "◀ 이전"},
    "discord.next": {"en": "Next ▶", "ko": "다음 ▶"},
    "discord.share": {"en": "Share in channel", "ko": "채널에 공유"},
    "discord.shared_by": {"en": "Shared by {user}", "ko": "{user} 님이 공유함"},
    "discord.bad_button": {
        "en": "This button has expired. Run the command again.",
        "ko": "이 버튼은 만료되었습니다. 명령을 다시 실행해 주세요.",
    },
    "discord.managers_only": {
        "en": "Only members who may manage this channel (Manage Channels) can change its daily push.",
        "ko": "이 채널을 관리할 수 있는 멤버(채널 관리 권한)만 매일 받기를 바꿀 수 있습니다.",
    },
    "discord.cannot_post": {
        "en": "I cannot post in this channel: give me View Channel, Send Messages and Embed Links "
        "here (Send Messages in Threads for a thread), then try again.",
        "ko": "이 채널에 글을 쓸 수 없습니다. 채널 보기, 메시지 보내기, 링크 첨부 권한(스레드라면 "
        "스레드에서 메시지 보내기)을 준 뒤 다시 시도해 주세요.",
    },
    "discord.singles": {"en": "Also on their own: {commands}", "ko": "따로도 됩니다: {commands}"},
    "discord.direct": {"en": "your direct messages", "ko": "내 DM"},
    "discord.here_only": {
        "en": "In Discord, subscribe from inside the channel. {usage}",
        "ko": "Discord에서는 구독할 채널 안에서 명령하세요. {usage}",
    },
    "discord.pick_time": {"en": "Send time", "ko": "보내는 시각"},
    "discord.pick_days": {"en": "Days", "ko": "요일"},
    "discord.pick_count": {"en": "Papers per push", "ko": "한 번에 보낼 논문 수"},
    "discord.pick_format": {"en": "Format", "ko": "형식"},
    "discord.pick_language": {"en": "Language", "ko": "언어"},
    "discord.pick_summaries": {"en": "Summaries in", "ko": "요약 언어"},
    "discord.same_language": {"en": "Same as the language", "ko": "언어와 같게"},
    "discord.more_settings": {"en": "Language and summaries…", "ko": "언어와 요약…"},
    "discord.back": {"en": "◀ Back", "ko": "◀ 뒤로"},
    "discord.more_filters": {
        "en": "Time zone, keywords, votes, stars…",
        "ko": "시간대, 키워드, 추천 수, 스타…",
    },
    "discord.form_title": {"en": "Daily push", "ko": "매일 받기"},
    "discord.zone": {"en": "Time zone (Area/City)", "ko": "시간대 (지역/도시)"},
    "discord.keywords_hint": {"en": "comma-separated; empty: none", "ko": "쉼표로 구분, 비우면 없음"},
    # The settings pages for how often and for the code filters, ranking and follows (issues 14 and 15)
    "discord.cadence_page": {"en": "How often…", "ko": "받는 주기…"},
    "discord.filters_page": {"en": "Code, stars, ranking, follows…", "ko": "코드, 스타, 순위, 팔로우…"},
    "discord.pick_month_start": {"en": "Monthly, on day 1–14", "ko": "매월 1~14일 중"},
    "discord.pick_month_end": {"en": "Monthly, on day 15–31", "ko": "매월 15~31일 중"},
    "discord.press_again": {
        "en": "That took too long to open the form. Press the button again.",
        "ko": "양식을 여는 데 너무 오래 걸렸습니다. 버튼을 다시 눌러 주세요.",
    },
    "discord.open": {"en": "Open a paper…", "ko": "논문 열기…"},
}
