"""One exception family for delivery: the task layer decides what to do with each kind."""


class DeliveryError(Exception):
    """A record could not be delivered. `message` says what happened and what to do."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class TransientDeliveryError(DeliveryError):
    """Worth retrying: timeouts, connection errors, 5xx, 429 (with `retry_after` seconds)."""

    def __init__(
        self, message: str, *, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Never worth retrying as is: a 4xx, a rule the record breaks, or bad configuration."""

    def __init__(self, message: str, *, status_code: int | None = None, rule: str = "") -> None:
        super().__init__(message, status_code=status_code)
        self.rule = rule
