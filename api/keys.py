"""Authentication by API key: ``Authorization: Bearer imp_…``. No key is fine (public
data); a wrong or revoked key is a 401 that does not say which."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import ApiKey, hash_key

REFUSED = "Invalid API key."
# last_used_at is a coarse fact; writing it on every request would make each a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode(errors="replace").lower() != self.keyword.lower() or len(header) != 2:
            raise exceptions.AuthenticationFailed(REFUSED)
        raw_key = header[1].decode(errors="replace")
        key = ApiKey.objects.usable().filter(key_hash=hash_key(raw_key)).first()
        if key is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        now = timezone.now()
        ApiKey.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
            pk=key.pk,
        ).update(last_used_at=now)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Optional partner key."}
