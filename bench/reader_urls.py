"""The site's URLs plus the trivial view the benchmark compares the article page with: a
constant 10 KB page through the same middleware. Bench only, not on the public site."""

from django.http import HttpResponse
from django.urls import include, path

_HEAD = b"<!doctype html><html lang=en><head><title>Constant</title></head><body><p>"
_TAIL = b"</p></body></html>"
CONSTANT_PAGE = _HEAD + b"x" * (10 * 1024 - len(_HEAD) - len(_TAIL)) + _TAIL


def constant_page(request):
    return HttpResponse(CONSTANT_PAGE)


urlpatterns = [
    path("bench/constant/", constant_page),
    path("", include("config.urls")),
]
