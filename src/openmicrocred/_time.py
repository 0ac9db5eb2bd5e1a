"""RFC 3339 / ``xsd:dateTime`` parsing and formatting; stdlib only."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_datetime", "parse_datetime"]


def parse_datetime(value: str) -> datetime:
    """Parse an RFC 3339 / ``xsd:dateTime`` string into an aware UTC datetime.

    A value without a time zone (allowed by VC 1.1's ``xsd:dateTime``) is taken as UTC.

    :raises ValueError: the string is not a date-time.
    """
    text = value.strip()
    if len(text) < 19 or text[10] not in "Tt":
        raise ValueError(f"{value!r} is not a date-time like 2024-01-31T12:00:00Z")
    text = text[:10] + "T" + text[11:]
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time like 2024-01-31T12:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """Format a datetime as an ``xsd:dateTimeStamp`` in UTC with a ``Z`` suffix."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"
