import pytest
from django.core.exceptions import ValidationError


def refusal(instance) -> dict:
    """The field-level messages with which full_clean() refuses `instance` (it must refuse)."""
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return refused.value.message_dict
