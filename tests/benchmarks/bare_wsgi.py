"""The ingestion benchmark's WSGI application: the product's, plus `POST /bench/bare/`, a Django
view that answers 202 and does nothing, measured through the same middleware in the same
processes as the real endpoints. It exists only here, never in the product's URLs."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

application = get_wsgi_application()


@csrf_exempt
def bare(request):
    return HttpResponse(b'{"id": null}', status=202, content_type="application/json")


urlpatterns = [path("bench/bare/", bare), path("", include(settings.ROOT_URLCONF))]
settings.ROOT_URLCONF = __name__
