"""Two-factor authentication for directors and administrators.

After the password, a user whose role is in ``settings.ALTM_TWO_FACTOR_ROLES`` (or who may use the admin site)
must confirm the session with a TOTP code before reaching any page. A user without a confirmed device is sent to
the enrolment page first. Other roles are not affected and cost no extra query.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

# Pages an unverified director or administrator may still open.
EXEMPT_URL_NAMES = ["accounts:two_factor_verify", "accounts:two_factor_setup", "logout"]


def is_two_factor_user(user) -> bool:
    """Directors, administrators and anyone who may open the admin site use a second factor."""
    if not user.is_authenticated:
        return False
    return user.role in settings.ALTM_TWO_FACTOR_ROLES or user.is_staff or user.is_superuser


def two_factor_required(user) -> bool:
    """True when this user must confirm each session with a second factor before reaching any page."""
    return settings.ALTM_TWO_FACTOR and is_two_factor_user(user)


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


class TwoFactorMiddleware:
    """Send an unverified director or administrator to the code page (or enrolment page) before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if two_factor_required(user) and not user.is_verified():
            exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
            if request.path not in exempt:
                target = "accounts:two_factor_verify" if has_confirmed_device(user) else "accounts:two_factor_setup"
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)
