"""Key rotation for the secrets encrypted at rest (tracking.fields.EncryptedTextField)."""

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from tracking.fields import EncryptedTextField, fernet


def _encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


@transaction.atomic
def secrets_reencrypt() -> int:
    """Re-encrypt every stored secret with the newest key (the first of FIELD_ENCRYPTION_KEYS).

    Afterwards the older keys can be dropped. Returns how many values were rewritten.
    """
    rotated = 0
    multi = fernet()
    for model, field in _encrypted_fields():
        # Cast to a plain text column so the ORM hands back the stored token, not the clear value.
        rows = (
            model.objects.exclude(**{field.attname: ""})
            .exclude(**{f"{field.attname}__isnull": True})
            .annotate(stored=Cast(field.attname, output_field=models.TextField()))
            .values_list("pk", "stored")
            .select_for_update()
        )
        for pk, stored in rows:
            new = multi.rotate(stored.encode()).decode()
            model.objects.filter(pk=pk).update(
                **{field.attname: models.Value(new, output_field=models.TextField())}
            )
            rotated += 1
    return rotated
