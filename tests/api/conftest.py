import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Each test starts with an empty shared cache (rate-limit counters, the cached policy,
    the page generation) and with the policy row every installation has: creating it is a
    public change that would start a new generation mid-test."""
    cache.clear()
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from editorial.models import EditorialPolicy

        request.getfixturevalue("db")
        EditorialPolicy.load()
    yield
    cache.clear()
