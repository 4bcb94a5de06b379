"""The ingestion API's payloads: one serializer per kind of record, and the responses.

The request serializers only check shapes and types; what depends on the app (its platform, the
partners it delivers to) is checked by the ingest service, which knows the app's configuration.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from campaigns.models import Platform
from tracking.api.fields import (
    AdvertisingIdField,
    AppReferenceField,
    CurrencyField,
    FlatStringMapField,
    JSONObjectField,
    RevenueField,
    StrictCharField,
    StrictIntegerField,
    TimestampField,
)
from tracking.models import DeliveryStatus, Destination, EventKind


def _text(max_length: int, **kwargs) -> StrictCharField:
    return StrictCharField(max_length=max_length, required=False, **kwargs)


class RecordSerializer(serializers.Serializer):
    """Fields every kind of record shares."""

    app = AppReferenceField(help_text="Our app id, or the app's bundle id.")
    platform = serializers.ChoiceField(
        choices=Platform.choices,
        required=False,
        help_text="Needed only when the bundle id is shared by an iOS and an Android app.",
    )
    event_id = _text(
        255,
        help_text="Your id for this record: a record whose event_id was already accepted for "
        "the app is not stored again (idempotency, e.g. in batches).",
    )
    occurred_at = TimestampField(required=False, help_text="Defaults to the time of arrival.")
    idfa = AdvertisingIdField(required=False)
    idfv = AdvertisingIdField(required=False)
    gps_adid = AdvertisingIdField(required=False, help_text="Google advertising id.")
    android_id = _text(64)
    oaid = _text(128)
    fire_adid = AdvertisingIdField(required=False, help_text="Amazon advertising id.")
    adid = _text(64, help_text="Adjust's device id.")
    appsflyer_id = _text(64, help_text="AppsFlyer's device id, e.g. 1415211453000-6513894.")
    kochava_device_id = _text(128)
    customer_user_id = _text(255)
    ip = serializers.IPAddressField(required=False, help_text="The device's IP address.")
    user_agent = _text(1024)
    os_version = _text(32, help_text="e.g. 17.1")
    device_model = _text(64, help_text="e.g. iPhone15,2")
    app_version = _text(32)
    att_status = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=3,
        help_text="Apple's ATTrackingManager status: 0 not determined, 1 restricted, 2 denied, "
        "3 authorized.",
    )
    att_time = TimestampField(required=False, help_text="When the user answered the ATT prompt.")
    att_duration = StrictIntegerField(
        required=False, min_value=0, max_value=10**7, help_text="Seconds taken to answer."
    )
    ad_services_token = _text(8192, help_text="Apple AdServices attribution token.")
    ad_services_token_created_at = TimestampField(
        required=False, help_text="When the AdServices token was made (valid 24 hours)."
    )
    callback_params = FlatStringMapField(required=False)
    partner_params = FlatStringMapField(required=False)
    custom_data = JSONObjectField(required=False, help_text="Any JSON object.")

    default_error_messages = {"unknown": "Unknown field."}

    def to_internal_value(self, data):
        """DRF's loop, over the fields sent rather than all ~35 declared (a batch runs this a
        thousand times), refusing unknown ones."""
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        fields = self.fields
        errors = {
            str(name)[:100]: [self.error_messages["unknown"]]
            for name in data.keys() - fields.keys()
        }
        if errors:
            raise serializers.ValidationError(errors)
        errors = {
            name: [field.error_messages["required"]]
            for name, field in fields.items()
            if field.required and name not in data
        }
        validated = {}
        for name, value in data.items():
            try:
                validated[name] = fields[name].run_validation(value)
            except serializers.ValidationError as exc:
                errors[name] = exc.detail
            except DjangoValidationError as exc:
                errors[name] = get_error_detail(exc)
        if errors:
            raise serializers.ValidationError(errors)
        return validated


class InstallSerializer(RecordSerializer):
    """An install: the app's first launch."""


class InAppEventSerializer(RecordSerializer):
    event_name = StrictCharField(max_length=100, help_text="e.g. purchase")
    revenue = RevenueField(
        required=False, help_text="In whole currency units; negative for refunds."
    )
    currency = CurrencyField(required=False, help_text="ISO 4217, e.g. USD.")

    def validate(self, attrs):
        if "revenue" in attrs and "currency" not in attrs:
            raise serializers.ValidationError({"currency": ["Give the revenue's currency."]})
        return attrs


class ClickSerializer(RecordSerializer):
    """An ad click (also used for completed views)."""

    click_id = _text(255)
    transaction_id = _text(255, help_text="Unique click transaction id (AppsFlyer af_ref).")
    campaign = _text(200, help_text="Our campaign id or the campaign's name in this app.")


class ViewSerializer(ClickSerializer):
    """A completed view (view-through attribution)."""


SERIALIZERS = {
    EventKind.INSTALL: InstallSerializer,
    EventKind.EVENT: InAppEventSerializer,
    EventKind.CLICK: ClickSerializer,
    EventKind.VIEW: ViewSerializer,
}


KIND_MISSING = "Give the record's kind: install, event, click or view."


@extend_schema_field(
    {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": [k.value for k in EventKind]}},
        "required": ["kind"],
        "additionalProperties": True,
        "description": "The fields of the kind's own endpoint, plus 'kind'.",
    }
)
class BatchRecordField(serializers.Field):
    """A record as sent: each is checked on its own by its kind's serializer, so that a bad
    record is rejected by index instead of failing the whole batch."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class BatchSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=BatchRecordField(),
        allow_empty=False,
        help_text="Up to 1,000 records (INGEST_BATCH_MAX_RECORDS), each with a 'kind': install, "
        "event, click or view.",
    )

    def validate_records(self, records):
        limit = settings.INGEST_BATCH_MAX_RECORDS
        if len(records) > limit:
            raise serializers.ValidationError(
                f"At most {limit} records per batch: split them into several calls."
            )
        return records

    def records_checked(self) -> list[tuple[dict, dict]]:
        """Each record checked by its kind's serializer: (validated data with its kind, {}) or
        ({}, field errors), in order."""
        checkers = {kind: serializer() for kind, serializer in SERIALIZERS.items()}
        checked = []
        for record in self.validated_data["records"]:
            kind = record.get("kind") if isinstance(record, dict) else None
            if not isinstance(kind, str) or kind not in checkers:
                checked.append(({}, {"kind": [KIND_MISSING]}))
                continue
            fields = {name: value for name, value in record.items() if name != "kind"}
            try:
                checked.append(({**checkers[kind].run_validation(fields), "kind": kind}, {}))
            except serializers.ValidationError as exc:
                checked.append(({}, exc.detail))
        return checked


# --- Responses -----------------------------------------------------------------------------------


class PlannedDeliverySerializer(serializers.Serializer):
    destination = serializers.ChoiceField(choices=Destination.choices)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    reason = serializers.CharField(help_text="Why it is skipped or failed; empty otherwise.")


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class AcceptedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    duplicate = serializers.BooleanField(
        help_text="True when this record's event_id was already accepted: nothing new stored."
    )
    deliveries = PlannedDeliverySerializer(many=True)
    warnings = WarningSerializer(many=True)


class BatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The record's position in 'records'.")
    accepted = serializers.BooleanField()
    id = serializers.UUIDField(required=False)
    duplicate = serializers.BooleanField(required=False)
    deliveries = PlannedDeliverySerializer(many=True, required=False)
    warnings = WarningSerializer(many=True, required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field name to messages, when the record was rejected.",
    )


class BatchAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = BatchResultSerializer(many=True)


class DeliveryStateSerializer(serializers.Serializer):
    destination = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_message = serializers.CharField(source="last_error")
    warning = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class EventDetailSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    app = serializers.IntegerField(source="app_id")
    event_name = serializers.CharField(source="name")
    event_id = serializers.CharField(source="client_event_id", allow_null=True)
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    device_ids = serializers.DictField(child=serializers.CharField())
    revenue = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    currency = serializers.CharField()
    deliveries = DeliveryStateSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
