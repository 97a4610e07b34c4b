"""Sign in, sign out, password reset and change: Django's auth views with our templates,
and the reset email in plain text and HTML. Templates that the admin site also uses
(logged_out, password_change_*) get names of their own so the admin keeps its pages."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse_lazy

from workspace.views import RateLimitedPasswordResetView, SignInView

# The auth views put the request's host in ``site_name``; our pages and emails show ours.
SITE = {"site_name": settings.SITE_NAME}

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(
            template_name="registration/signed_out.html", extra_context=SITE
        ),
        name="logout",
    ),
    path(
        "password_reset/",
        RateLimitedPasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
            subject_template_name="registration/password_reset_subject.txt",
            extra_email_context=SITE,
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password_change/",
        login_required(
            auth_views.PasswordChangeView.as_view(
                template_name="registration/password_change.html",
                success_url=reverse_lazy("password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password_change/done/",
        login_required(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="registration/password_change_complete.html"
            )
        ),
        name="password_change_done",
    ),
]
