import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRODUCT_APPS = ("campaigns", "partners", "tracking")
PRODUCT_MODELS = [
    model for label in PRODUCT_APPS for model in apps.get_app_config(label).get_models()
]
# The pipeline writes these; people only read them.
READ_ONLY = {
    "tracking.event",
    "tracking.delivery",
    "tracking.deliveryattempt",
    "tracking.idempotencykey",
}


def test_every_model_of_the_product_is_in_the_admin():
    assert set(PRODUCT_MODELS) <= set(admin.site._registry)


@pytest.mark.parametrize("model", PRODUCT_MODELS, ids=lambda m: m._meta.label_lower)
def test_every_admin_list_is_searchable_and_shows_useful_columns(admin_client, model):
    opts = model._meta
    model_admin = admin.site._registry[model]

    changelist = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "x"}
    )

    assert changelist.status_code == 200
    assert model_admin.search_fields
    assert len(model_admin.list_display) > 1


@pytest.mark.parametrize("model", PRODUCT_MODELS, ids=lambda m: m._meta.label_lower)
def test_add_pages_exist_except_for_pipeline_records(admin_client, model):
    opts = model._meta

    page = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert page.status_code == (403 if opts.label_lower in READ_ONLY else 200)
