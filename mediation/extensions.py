"""Hooks through which apps built on top of `mediation` feed it, so that `mediation` imports none of them."""

from collections.abc import Callable

# Callables returning partner names to suggest on entry forms (the partners app registers its organisations).
PARTNER_NAME_PROVIDERS: list[Callable[[], list[str]]] = []


def partner_name_suggestions() -> list[str]:
    names: list[str] = []
    for provider in PARTNER_NAME_PROVIDERS:
        names.extend(name for name in provider() if name not in names)
    return names
