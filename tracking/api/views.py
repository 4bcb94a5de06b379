"""The ingestion API: thin views over tracking.services.ingest."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tracking.api import schema
from tracking.api.authentication import IngestionTokenAuthentication
from tracking.api.parsers import IngestJSONParser, IngestJSONRenderer
from tracking.api.permissions import HasIngestionToken
from tracking.api.serializers import SERIALIZERS, BatchSerializer, EventDetailSerializer
from tracking.api.throttling import IngestionTokenRateThrottle
from tracking.models import Event, EventKind
from tracking.services.idempotency import IdempotencyKeyReused, idempotency_key_run
from tracking.services.ingest import TokenScopeError, event_ingest, events_ingest_batch

IDEMPOTENCY_KEY_MAX_LENGTH = 255


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def _body_size_check(request) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.INGEST_MAX_BODY_BYTES
    if length > limit:
        raise PayloadTooLarge(f"The body is over {limit} bytes: split it into several calls.")


class IngestAPIView(APIView):
    authentication_classes = [IngestionTokenAuthentication]
    permission_classes = [HasIngestionToken]
    throttle_classes = [IngestionTokenRateThrottle]
    parser_classes = [IngestJSONParser]
    renderer_classes = [IngestJSONRenderer]

    def initial(self, request, *args, **kwargs):
        _body_size_check(request)
        # Read (and keep) the raw body before DRF parses it: the Idempotency-Key check hashes it.
        request._request.body  # noqa: B018
        super().initial(request, *args, **kwargs)

    def _idempotency_key(self, request) -> str:
        key = request.headers.get("Idempotency-Key", "")
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["Give at most 255 printable characters, e.g. a UUID."]}
            )
        return key

    def _accept(self, request, run) -> Response:
        """Run the service, through the Idempotency-Key store when the header is given, and turn
        its errors into API errors."""
        key = self._idempotency_key(request)
        try:
            if not key:
                code, body = run()
                replayed = False
            else:
                fingerprint = hashlib.sha256(
                    request.method.encode() + request.path.encode() + b"\n" + request.body
                ).hexdigest()
                code, body, replayed = idempotency_key_run(
                    token=request.auth, key=key, request_hash=fingerprint, run=run
                )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        except TokenScopeError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except IdempotencyKeyReused as exc:
            raise IdempotencyConflict(str(exc)) from exc
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class RecordView(IngestAPIView):
    kind: str

    def post(self, request):
        serializer = SERIALIZERS[self.kind](data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data, "kind": self.kind}
        return self._accept(
            request, lambda: (202, event_ingest(token=request.auth, data=data).body)
        )


@schema.record_endpoint(
    EventKind.INSTALL,
    "Send an install",
    "An install (first launch). Goes to Kochava; Adjust and AppsFlyer take no S2S installs.",
)
class InstallView(RecordView):
    kind = EventKind.INSTALL


@schema.record_endpoint(
    EventKind.EVENT,
    "Send an in-app event",
    "An in-app event, e.g. a purchase. Goes to Adjust (when in the app's event map), AppsFlyer "
    "and Kochava, as configured for the app.",
)
class InAppEventView(RecordView):
    kind = EventKind.EVENT


@schema.record_endpoint(
    EventKind.CLICK,
    "Send an ad click",
    "An ad click. Goes to AppsFlyer S2S clicks and the app's click callback, in real time.",
)
class ClickView(RecordView):
    kind = EventKind.CLICK


@schema.record_endpoint(
    EventKind.VIEW,
    "Send a completed view",
    "A completed ad view. Goes to the completed-view callbacks ticked for the app.",
)
class CompletedViewView(RecordView):
    kind = EventKind.VIEW


class BatchView(IngestAPIView):
    @schema.batch_endpoint()
    def post(self, request):
        serializer = BatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checked = serializer.records_checked()
        return self._accept(request, lambda: (202, self._ingest(request.auth, checked)))

    def _ingest(self, token, checked: list[tuple[dict, dict]]) -> dict:
        stored = iter(
            events_ingest_batch(
                token=token, records=[data for data, errors in checked if not errors]
            )
        )
        results = [
            {"index": index, **({"accepted": False, "errors": errors} if errors else next(stored))}
            for index, (_, errors) in enumerate(checked)
        ]
        rejected = sum(not result["accepted"] for result in results)
        return {"accepted": len(results) - rejected, "rejected": rejected, "results": results}


class EventDetailView(IngestAPIView):
    @extend_schema(
        summary="A record and its deliveries",
        description="The record and, for each partner it goes to, the delivery's status and the "
        "partner's last message.",
        responses=schema.responses(200, EventDetailSerializer, with_body_errors=False),
        parameters=[schema.EVENT_ID_PATH, schema.RETRY_AFTER],
        examples=[schema.EVENT_DETAIL_EXAMPLE],
        tags=["ingestion"],
    )
    def get(self, request, event_id):
        try:
            event_id = uuid.UUID(event_id)
        except ValueError as exc:
            raise exceptions.NotFound("No such record: a record id is a UUID.") from exc
        event = get_object_or_404(
            Event.objects.prefetch_related("deliveries"),
            pk=event_id,
            app_id__in=request.auth.app_ids,
        )
        return Response(EventDetailSerializer(event).data)
