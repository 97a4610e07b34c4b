"""Two-factor authentication for staff (reviewers, the chair, superusers) with django-otp:
a TOTP authenticator app, plus ten single-use recovery codes (django-otp's static tokens).

With ``STAFF_TWO_FACTOR_REQUIRED`` on (production), ``StaffTwoFactorMiddleware`` sends a
staff user who has signed in with a password but not with a second factor to
``two_factor_verify`` for any admin page; one who has no authenticator yet enrols first
(``two_factor_enrol``): scan or type the key, confirm with a code, keep the recovery codes.
"""

import base64
import binascii

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
EXEMPT_PREFIXES = ("/admin/two-factor/", "/admin/logout/", "/admin/login/", "/admin/jsi18n/")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


def _staff(user):
    return user.is_authenticated and (user.is_staff or user.is_superuser)


class StaffTwoFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: staff reach the admin only once verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.STAFF_TWO_FACTOR_REQUIRED
            and request.path.startswith("/admin/")
            and not request.path.startswith(EXEMPT_PREFIXES)
            and user is not None
            and _staff(user)
            and not user.is_verified()
        ):
            target = "two_factor_verify" if _confirmed_totp(user) else "two_factor_enrol"
            return HttpResponseRedirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def _confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("admin:index")


def _base32(device):
    return base64.b32encode(binascii.unhexlify(device.key)).decode()


@login_required(login_url="admin:login")
def two_factor_enrol(request):
    if not _staff(request.user):
        raise PermissionDenied
    if _confirmed_totp(request.user):
        return HttpResponseRedirect(reverse("two_factor_verify"))
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(request.user)
            otp_login(request, device)
            return render(
                request,
                "editorial/two_factor/recovery_codes.html",
                {
                    **admin.site.each_context(request),
                    "codes": codes,
                    "next": _next(request),
                    "title": "Your recovery codes",
                },
            )
        form.add_error("code", "That code is not right: check the time on your phone and retry.")
    context = {
        **admin.site.each_context(request),
        "form": form,
        "secret": _base32(device),
        "config_url": device.config_url,
        "next": _next(request),
        "title": "Set up two-factor authentication",
    }
    return render(
        request, "editorial/two_factor/enrol.html", context, status=400 if form.errors else 200
    )


def _new_recovery_codes(user):
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required(login_url="admin:login")
def two_factor_verify(request):
    if not _staff(request.user):
        raise PermissionDenied
    if not _confirmed_totp(request.user):
        return HttpResponseRedirect(reverse("two_factor_enrol"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(code):
                otp_login(request, device)
                return HttpResponseRedirect(_next(request))
        form.add_error("code", "That code is not right, or was used already.")
    context = {
        **admin.site.each_context(request),
        "form": form,
        "next": _next(request),
        "title": "Two-factor authentication",
    }
    return render(
        request, "editorial/two_factor/verify.html", context, status=400 if form.errors else 200
    )
