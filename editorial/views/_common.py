"""What the board's views share: where a button sends the user back to, how a service's
refusal or a form's errors become admin messages, and who may open the chair's screens."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from editorial.errors import NotPermitted, WorkflowError
from editorial.roles import is_chair


def safe_next(request):
    """The ``next`` URL the button carried if it stays on this site, else ``""``."""
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def redirect_next(request, default):
    """Back to the safe ``next`` the button carried, else to ``default``."""
    return HttpResponseRedirect(safe_next(request) or default)


def run(request, service, success, **kwargs):
    """Call a service; a refusal becomes an error message (NotPermitted: 403)."""
    try:
        result = service(**kwargs)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except WorkflowError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


def valid_form(request, form):
    """Whether ``form`` is valid; if not, each of its errors as an admin message (the
    button's page shows them; nothing is changed)."""
    if form.is_valid():
        return True
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return False


def chair_only(request):
    if not is_chair(request.user):
        raise PermissionDenied("The board view is the chair's.")
