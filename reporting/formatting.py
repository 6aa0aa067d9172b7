"""French typography for figures: `1 838` with a narrow no-break space, `12,5 %`, dates as 25/11/2026."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

NNBSP = "\u202f"  # narrow no-break space: thousands separator and before % in French


def fr_int(value) -> str:
    if value is None or value == "":
        return "—"
    number = round(float(value))
    sign = "−" if number < 0 else ""
    digits = f"{abs(number):,}".replace(",", NNBSP)
    return f"{sign}{digits}"


def fr_decimal(value, places: int = 1) -> str:
    if value is None or value == "":
        return "—"
    number = float(value)
    if number == int(number):
        return fr_int(number)
    sign = "−" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):,.{places}f}".partition(".")
    return f"{sign}{whole.replace(',', NNBSP)},{fraction}"


def fr_percent(value, places: int = 0) -> str:
    if value is None:
        return "—"
    return f"{fr_decimal(round(float(value), places), places)}{NNBSP}%"


def fr_date(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def fr_datetime(value) -> str:
    if value is None:
        return "—"
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y à %H:%M")
