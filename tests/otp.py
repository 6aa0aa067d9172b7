"""Helpers for tests that run with two-factor authentication enforced (`@pytest.mark.two_factor`)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Téléphone de test", confirmed=True)


def current_code(device: TOTPDevice, *, drift: int = 0) -> str:
    """The 6-digit code the user's application shows now (`drift` periods later or earlier)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def verified_login(client: Client, user) -> Client:
    """`force_login` plus a session already confirmed with the user's TOTP device (created if needed)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
    return client
