"""The Telegram adapter's own sentences (channels, permissions, buttons), in English and Korean."""

from __future__ import annotations

from bot.i18n import Catalog

STRINGS: Catalog = {
    "tg.channel_unknown": {
        "en": "I can't see {channel}. Add me to the channel as an administrator first.",
        "ko": "{channel} 채널을 찾을 수 없습니다. 먼저 저를 채널 관리자로 추가해 주세요.",
    },
    "tg.not_a_channel": {"en": "{channel} is not a channel.", "ko": "{channel}은(는) 채널이 아닙니다."},
    "tg.channel_not_admin": {
        "en": "Only administrators of {channel} can change its subscription.",
        "ko": "{channel}의 관리자만 구독을 바꿀 수 있습니다.",
    },
    "tg.channel_bot_not_admin": {
        "en": "Make me an administrator of {channel} (allowed to post) first.",
        "ko": "먼저 저를 {channel}의 관리자(게시 권한)로 지정해 주세요.",
    },
    "tg.admins_only": {
        "en": "Only administrators can change this chat's subscription.",
        "ko": "관리자만 이 대화방의 구독을 바꿀 수 있습니다.",
    },
    "tg.expired": {
        "en": "This button has expired. Run the command again.",
        "ko": "이 버튼은 만료되었습니다. 명령을 다시 실행해 주세요.",
    },
    "tg.inline_press": {
        "en": "{said} (Cards shared inline count in your private chat with me.)",
        "ko": "{said} (인라인으로 공유한 카드는 저와의 개인 대화에 기록됩니다.)",
    },
    "tg.saved_not_yours": {
        "en": "This is another member's list: /saved shows yours.",
        "ko": "다른 멤버의 목록입니다. /saved로 내 목록을 보세요.",
    },
    "tg.saved_anonymous": {
        "en": "I cannot tell whose saved papers to show (an anonymous or channel post): send /saved "
        "from your own account.",
        "ko": "누구의 저장 목록인지 알 수 없습니다(익명 또는 채널 게시물). "
        "본인 계정으로 /saved를 보내 주세요.",
    },
}
