"""The reader's language: which one (``?lang=``, then ``Accept-Language``), its message
catalog, and dates in its words and time zone.

Two languages: English (``en``, the default) and Thai (``th``). The catalogs are gettext
``.mo`` files in ``locale/`` (made from the ``.po`` files next to them; see
``locale/README.md``), read with the standard library, so a catalog costs no Babel import.
Babel is imported only to negotiate a language and to write a date.

Dates: English ones in UTC (``3 December 2026, 14:05 UTC``), Thai ones in Thailand's time
(Asia/Bangkok) with the Buddhist-era year that Thai readers use (``3 ธันวาคม พ.ศ. 2569 เวลา
21:05 น. (เวลาไทย)``). Babel writes Gregorian dates only (its CLDR data has the Buddhist
calendar's era name but it formats no other calendar), so the year is computed here:
พ.ศ. = ค.ศ. + 543, which holds for every date since 1941, when Thailand's year began on
1 January. Seconds and fractions are never shown.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .._time import parse_datetime

__all__ = [
    "BUDDHIST_ERA_OFFSET",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALE_DIR",
    "TIME_ZONES",
    "Language",
    "accept_languages",
    "format_when",
    "language",
    "language_from_env",
    "negotiate",
    "translations",
]

LanguageCode = Literal["en", "th"]
LANGUAGES: tuple[LanguageCode, ...] = ("en", "th")
DEFAULT_LANGUAGE: LanguageCode = "en"
LANGUAGE_NAMES: dict[LanguageCode, str] = {"en": "English", "th": "ไทย"}
"""Each language's name in itself (the switcher's words)."""
TIME_ZONES: dict[LanguageCode, str] = {"en": "UTC", "th": "Asia/Bangkok"}
"""The time zone dates are shown in, unless the caller gives one."""
BUDDHIST_ERA_OFFSET = 543
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*|\*")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (an unknown language: the English words as written)."""
    if lang not in LANGUAGES:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def accept_languages(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, best first (by ``q``, then by
    order); tags with ``q=0``, malformed tags and ``*`` are left out."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "")[:2000].split(",")[:40]):
        tag, *params = item.strip().split(";")
        tag = tag.strip()
        if not _TAG.fullmatch(tag) or tag == "*":
            continue
        quality = _quality(params)
        if quality > 0:
            ranked.append((-quality, position, tag.replace("_", "-")))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(query: str | None = None, accept_language: str | None = None) -> LanguageCode:
    """The page's language: ``?lang=`` when it names one of :data:`LANGUAGES`, else the
    best match for ``Accept-Language`` (Babel's ``negotiate_locale``: ``th-TH`` matches
    ``th``), else English."""
    if query is not None and query.strip().lower() in LANGUAGES:
        return _code(query.strip().lower())
    preferred = accept_languages(accept_language)
    if not preferred:
        return DEFAULT_LANGUAGE
    from babel.core import negotiate_locale

    found = negotiate_locale(preferred, list(LANGUAGES), sep="-")
    return _code(found) if found in LANGUAGES else DEFAULT_LANGUAGE


def _code(value: str) -> LanguageCode:
    return "th" if value == "th" else "en"


def language_from_env(env: dict[str, str] | Any) -> LanguageCode:
    """The language of a POSIX locale environment (``LC_ALL``, then ``LC_MESSAGES``, then
    ``LANG``): Thai for ``th_TH.UTF-8`` and the like, English otherwise."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "th" if value.lower().startswith("th") else "en"
    return DEFAULT_LANGUAGE


def _zone_label(zone: ZoneInfo, moment: datetime, lang: str) -> str:
    if zone.key == "UTC":
        return "UTC"
    from babel.dates import format_datetime

    return format_datetime(moment, "v", tzinfo=zone, locale=lang)


def _pattern(lang: str, year: int, with_time: bool, zone_label: str) -> str:
    if lang == "th":
        day = f"d MMMM 'พ.ศ.' '{year + BUDDHIST_ERA_OFFSET}'"
        return f"{day} 'เวลา' HH:mm 'น. ({zone_label})'" if with_time else day
    return f"d MMMM y, HH:mm '{zone_label}'" if with_time else "d MMMM y"


def format_when(
    value: Any, lang: str = DEFAULT_LANGUAGE, time_zone: str | None = None
) -> str | None:
    """A date-time from a credential for people, in ``lang`` and ``time_zone`` (default:
    :data:`TIME_ZONES`), to the minute; a bare date (``2026-12-03``) as that day. Text that
    is no date is returned as it is; an empty value gives ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    with_time = not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
    try:
        moment = parse_datetime(text if with_time else text + "T00:00:00Z")
    except ValueError:
        return value
    code = _code(lang)
    zone = ZoneInfo(time_zone or TIME_ZONES[code]) if with_time else ZoneInfo("UTC")
    local = moment.astimezone(zone)
    from babel.dates import format_datetime

    label = _zone_label(zone, local, code).replace("'", "")
    pattern = _pattern(code, local.year, with_time, label)
    return format_datetime(local, pattern, tzinfo=zone, locale=code)


@dataclass(frozen=True)
class Language:
    """A reader's language, as a page is rendered in it."""

    code: LanguageCode = DEFAULT_LANGUAGE
    time_zone: str | None = None
    chosen: bool = False
    """Whether it was asked for by ``?lang=`` (so that links keep it)."""

    @property
    def gettext(self) -> gettext.NullTranslations:
        return translations(self.code)

    def _(self, message: str) -> str:
        """``message`` in this language."""
        return self.gettext.gettext(message)

    def when(self, value: Any) -> str | None:
        return format_when(value, self.code, self.time_zone)


def language(code: str | None = None, time_zone: str | None = None) -> Language:
    """A :class:`Language` for ``code`` (anything else: English)."""
    return Language(_code((code or "").lower()), time_zone)
