"""Strict serializer fields for the ingestion API: a value of the wrong type is a 400, never
silently coerced (a partner would otherwise receive something the developer did not send)."""

import math
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracking.currencies import ISO_4217

# Epoch values are told apart by size: seconds until the year 2100, milliseconds from 1e11 on.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MILLISECONDS_FROM = 10**11
# Clocks drift: a record stamped a little ahead of our clock is accepted.
FUTURE_TOLERANCE = timedelta(hours=1)
TIME_FORMATS = (
    "ISO 8601 with a timezone (2026-11-26T12:00:00Z, 2026-11-26T13:00:00.000+0100), "
    "or epoch seconds or epoch milliseconds as a JSON number"
)


def storable(text: str) -> bool:
    """Whether the database can store the text: no NUL, no lone surrogate (invalid UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _storable_json(value) -> bool:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(storable(k) and _storable_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable_json(item) for item in value)
    return True


class StrictCharField(serializers.CharField):
    """A JSON string, and only a string (no number turned into text)."""

    default_error_messages = {
        "invalid": "Give a string.",
        "unstorable": "The text holds a NUL character or an invalid (lone surrogate) escape.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if not storable(data):
            self.fail("unstorable")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, and only an integer (no "3", no 3.5, no true)."""

    default_error_messages = {"invalid": "Give a whole number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONObjectField(serializers.DictField):
    """Any JSON object, as long as the database can store its text."""

    default_error_messages = {
        "unstorable": "The object holds a NUL character or an invalid (lone surrogate) escape."
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not _storable_json(value):
            self.fail("unstorable")
        return value


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class AppReferenceField(serializers.Field):
    """Our app id (a number, or its digits) or the app's bundle id."""

    default_error_messages = {"invalid": "Give the app's id or its bundle id."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        reference = str(data).strip()
        if not reference or len(reference) > 255 or not storable(reference):
            self.fail("invalid")
        return reference

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "date-time"},
            {"type": "number", "minimum": EARLIEST.timestamp()},
        ],
        "description": f"When it happened: {TIME_FORMATS}.",
    }
)
class TimestampField(serializers.Field):
    default_error_messages = {
        "invalid": f"Give {TIME_FORMATS}.",
        "naive": "Add the timezone (e.g. Z or +00:00): a time without one is ambiguous.",
        "range": "The time must be between 2000-01-01 and the next hour.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            moment = self._from_epoch(data)
        elif isinstance(data, str) and 0 < len(data) <= 40:
            moment = self._from_iso(data)
        else:
            self.fail("invalid")
        if not EARLIEST <= moment <= timezone.now() + FUTURE_TOLERANCE:
            self.fail("range")
        return moment

    def _from_epoch(self, value):
        if not math.isfinite(value) or value < 0:
            self.fail("range")
        seconds = value / 1000 if value >= MILLISECONDS_FROM else value
        if seconds >= LATEST.timestamp():
            self.fail("range")
        return datetime.fromtimestamp(seconds, tz=UTC)

    def _from_iso(self, value):
        if not value[:1].isdigit() or "T" not in value.upper() and " " not in value:
            self.fail("invalid")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail("invalid")
        if moment.tzinfo is None:
            self.fail("naive")
        return moment

    def to_representation(self, value):
        return value.isoformat()


ADVERTISING_ID = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
)


class AdvertisingIdField(StrictCharField):
    """IDFA, IDFV, Google and Amazon advertising ids: UUIDs."""

    default_error_messages = {"format": "Give the id as a UUID (8-4-4-4-12 hex digits)."}

    def __init__(self, **kwargs):
        super().__init__(max_length=36, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not ADVERTISING_ID.match(value):
            self.fail("format")
        return value.lower() if value.isupper() else value


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class FlatStringMapField(serializers.Field):
    """Adjust's callback_params / partner_params: a flat JSON object of string values
    (partners.md §3: nested or non-string values are a 400 from us, before delivery)."""

    default_error_messages = {
        "invalid": "Give a flat JSON object whose values are all strings.",
        "value": "The value of '{name}' is not a string: partners take only string values here.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid")
        for key, value in data.items():
            if not isinstance(value, str):
                self.fail("value", name=key[:100])
        if not _storable_json(data):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class RevenueField(serializers.Field):
    """Revenue in whole currency units, as a number or a decimal string; negative for refunds.
    Rounded to 6 decimal places, so that binary floats (0.1 + 0.2) are not refused."""

    LIMIT = Decimal("1e13")
    default_error_messages = {
        "invalid": "Give the revenue as a number, e.g. 4.99.",
        "range": "The revenue is out of range.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str) or len(str(data)) > 40:
            self.fail("invalid")
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            self.fail("invalid")
        if not value.is_finite():
            self.fail("invalid")
        if abs(value) >= self.LIMIT:
            self.fail("range")
        return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)

    def to_representation(self, value):
        return str(value)


class CurrencyField(StrictCharField):
    default_error_messages = {"currency": "Give an ISO 4217 currency code, e.g. USD."}

    def __init__(self, **kwargs):
        super().__init__(max_length=3, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if value not in ISO_4217:
            self.fail("currency")
        return value
