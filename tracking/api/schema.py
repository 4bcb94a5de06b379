"""OpenAPI documentation of the ingestion API: responses, headers and examples per endpoint."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from tracking.api.serializers import (
    SERIALIZERS,
    AcceptedSerializer,
    BatchAcceptedSerializer,
    BatchSerializer,
    ErrorSerializer,
)
from tracking.models import EventKind

FIELD_ERRORS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {},
        "description": "Field name to its messages (non_field_errors for the body as a whole), "
        "or 'detail' when the body is not JSON at all.",
    },
    description="Invalid record: field-level messages.",
    examples=[
        OpenApiExample(
            "Field errors",
            value={"appsflyer_id": ["AppsFlyer needs appsflyer_id for this app's events."]},
            response_only=True,
            status_codes=["400"],
        )
    ],
)
ERRORS = {
    401: "Missing, invalid, expired or revoked token.",
    403: "The token may not send records for this app.",
    404: "No such record for this token's apps.",
    413: "The body is over INGEST_MAX_BODY_BYTES (1 MB by default).",
    415: "The body is not application/json.",
    422: "The Idempotency-Key was already used for a different request.",
    429: "The token's rate limit (INGEST_RATE_LIMIT) is exceeded: retry after Retry-After.",
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="A unique key per call (e.g. a UUID): a retry with the same key and body gets "
    "the first answer (with the header Idempotent-Replayed: true) and stores nothing new.",
)
EVENT_ID_PATH = OpenApiParameter(
    "event_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The id answered at 202."
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until the token may send again.",
)


def responses(code: int, serializer, *, with_body_errors: bool = True) -> dict:
    errors = (401, 403, 413, 415, 422, 429) if with_body_errors else (401, 404, 429)
    answers = {code: serializer}
    if with_body_errors:
        answers[400] = FIELD_ERRORS
    answers.update(
        {status: OpenApiResponse(ErrorSerializer, description=ERRORS[status]) for status in errors}
    )
    return answers


DEVICE = {
    "idfa": "11110111-2345-6789-1122-000000005678",
    "idfv": "5f7c3a2e-8b1d-4c6e-9a0f-3d2b1c4e5f60",
    "ip": "203.0.113.7",
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)",
    "os_version": "17.1",
    "device_model": "iPhone15,2",
    "att_status": 3,
}
REQUEST_EXAMPLES = {
    EventKind.INSTALL: {
        "app": "com.example.spacegame",
        "occurred_at": "2026-11-26T12:00:00Z",
        **DEVICE,
        "att_time": 1764158390,
        "att_duration": 4,
        "app_version": "3.2.0",
    },
    EventKind.EVENT: {
        "app": 12,
        "event_id": "order-7731",
        "event_name": "purchase",
        "revenue": 4.99,
        "currency": "USD",
        "occurred_at": 1764158400123,
        **DEVICE,
        "appsflyer_id": "1415211453000-6513894",
        "callback_params": {"order_id": "7731"},
        "partner_params": {"sku": "gems_500"},
    },
    EventKind.CLICK: {
        "app": "com.example.spacegame",
        "occurred_at": "2026-11-26T12:00:00+00:00",
        "idfa": DEVICE["idfa"],
        "ip": DEVICE["ip"],
        "user_agent": DEVICE["user_agent"],
        "click_id": "cb-8f2a61",
        "transaction_id": "1234567",
        "campaign": "Winter sale",
    },
    EventKind.VIEW: {
        "app": "com.example.spacegame",
        "occurred_at": "2026-11-26T12:00:00Z",
        "idfa": DEVICE["idfa"],
        "ip": DEVICE["ip"],
        "campaign": "Winter sale",
    },
}
ACCEPTED_EXAMPLES = {
    EventKind.INSTALL: [
        {"destination": "kochava", "status": "pending", "reason": ""},
        {
            "destination": "adjust",
            "status": "skipped",
            "reason": "Adjust does not accept installs S2S.",
        },
    ],
    EventKind.EVENT: [
        {"destination": "adjust", "status": "pending", "reason": ""},
        {"destination": "appsflyer_event", "status": "pending", "reason": ""},
    ],
    EventKind.CLICK: [
        {"destination": "appsflyer_click", "status": "pending", "reason": ""},
        {"destination": "callback", "status": "pending", "reason": ""},
    ],
    EventKind.VIEW: [{"destination": "callback", "status": "pending", "reason": ""}],
}
EVENT_ID = "6f1c2b8e-3d4a-4e5f-9a7b-1c2d3e4f5a6b"


def _examples(kind: str) -> list[OpenApiExample]:
    return [
        OpenApiExample(f"A {kind}", value=REQUEST_EXAMPLES[kind], request_only=True),
        OpenApiExample(
            "Accepted",
            value={
                "id": EVENT_ID,
                "kind": kind,
                "duplicate": False,
                "deliveries": ACCEPTED_EXAMPLES[kind],
                "warnings": [],
            },
            response_only=True,
            status_codes=["202"],
        ),
    ]


def record_endpoint(kind: str, summary: str, description: str):
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            request=SERIALIZERS[kind],
            responses=responses(202, AcceptedSerializer),
            parameters=[IDEMPOTENCY_KEY, RETRY_AFTER],
            examples=_examples(kind),
            tags=["ingestion"],
        )
    )


BATCH_EXAMPLES = [
    OpenApiExample(
        "Mixed records",
        value={
            "records": [
                {"kind": "install", **REQUEST_EXAMPLES[EventKind.INSTALL]},
                {"kind": "event", **REQUEST_EXAMPLES[EventKind.EVENT]},
                {"kind": "event", "app": 12, "event_name": "purchase", "revenue": "lots"},
            ]
        },
        request_only=True,
    ),
    OpenApiExample(
        "Each record accepted or rejected",
        value={
            "accepted": 2,
            "rejected": 1,
            "results": [
                {
                    "index": 0,
                    "accepted": True,
                    "id": EVENT_ID,
                    "kind": "install",
                    "duplicate": False,
                    "deliveries": ACCEPTED_EXAMPLES[EventKind.INSTALL],
                    "warnings": [],
                },
                {
                    "index": 1,
                    "accepted": True,
                    "id": "0b7e5c1a-2f3d-4a6b-8c9d-0e1f2a3b4c5d",
                    "kind": "event",
                    "duplicate": True,
                    "deliveries": ACCEPTED_EXAMPLES[EventKind.EVENT],
                    "warnings": [],
                },
                {
                    "index": 2,
                    "accepted": False,
                    "errors": {"revenue": ["Give the revenue as a number, e.g. 4.99."]},
                },
            ],
        },
        response_only=True,
        status_codes=["202"],
    ),
]


def batch_endpoint():
    return extend_schema(
        summary="Send up to 1,000 records at once",
        description="Records of any kind, each with its 'kind' (install, event, click, view) and "
        "the fields of that kind's endpoint. Each record is accepted or rejected on its own, "
        "reported by its index. A record's event_id makes it safe to resend the batch: known "
        "event_ids are answered as duplicates and not stored again.",
        request=BatchSerializer,
        responses=responses(202, BatchAcceptedSerializer),
        parameters=[IDEMPOTENCY_KEY, RETRY_AFTER],
        examples=BATCH_EXAMPLES,
        tags=["ingestion"],
    )


EVENT_DETAIL_EXAMPLE = OpenApiExample(
    "A purchase and its deliveries",
    value={
        "id": EVENT_ID,
        "kind": "event",
        "app": 12,
        "event_name": "purchase",
        "event_id": "order-7731",
        "occurred_at": "2026-11-26T12:00:00.123000+00:00",
        "received_at": "2026-11-26T12:00:01.020000+00:00",
        "device_ids": {"idfa": DEVICE["idfa"], "appsflyer_id": "1415211453000-6513894"},
        "revenue": "4.990000",
        "currency": "USD",
        "deliveries": [
            {
                "destination": "adjust",
                "status": "delivered",
                "attempts": 1,
                "last_status_code": 200,
                "last_message": "OK",
                "warning": "",
                "delivered_at": "2026-11-26T12:00:01.400000+00:00",
                "updated_at": "2026-11-26T12:00:01.400000+00:00",
            },
            {
                "destination": "appsflyer_event",
                "status": "failed",
                "attempts": 1,
                "last_status_code": 400,
                "last_message": "appsflyer_id is a mandatory field",
                "warning": "",
                "delivered_at": None,
                "updated_at": "2026-11-26T12:00:01.500000+00:00",
            },
        ],
    },
    response_only=True,
    status_codes=["200"],
)
