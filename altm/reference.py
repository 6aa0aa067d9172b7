"""Reference data (activity types, territories, sites, teams' territories, closed years…) kept in each process and
read again from the database only after one of them changed, in whichever process the change was made.

A change to a watched model (`watch`: its post_save, post_delete and many-to-many changes; `changed()` by hand
after a bulk `update()`) writes a new random token in the one row of `ReferenceVersion`, in the same transaction
as the change. A request reads that token once, at its first use of reference data (one small query); a copy built
under another token is built again. So with several workers, a change committed by one is seen by the others on
their next request, and a change rolled back leaves nothing behind (its token is never seen outside it).

Outside a request (a command, the background worker) the token is read at every use: never stale there either.
"""

import random
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from altm.models import ReferenceVersion

T = TypeVar("T")

# name -> (token it was built under, value). Process-wide: every thread of the process shares the copies.
_copies: dict[str, tuple[int | None, object]] = {}
# The token as read by the current request (per thread: runserver serves requests in threads).
_request = threading.local()


def _read_token() -> int | None:
    return ReferenceVersion.objects.filter(pk=ReferenceVersion.SINGLE_ID).values_list("token", flat=True).first()


def token() -> int | None:
    """The current token: read once per request, at every call outside one."""
    if not getattr(_request, "active", False):
        return _read_token()
    if not hasattr(_request, "token"):
        _request.token = _read_token()
    return _request.token


def cached(name: str, build: Callable[[], T]) -> T:
    """`build()`'s value, built again only when reference data changed since this process built it."""
    current = token()
    copy = _copies.get(name)
    if copy is not None and copy[0] == current:
        return copy[1]
    value = build()
    _copies[name] = (current, value)
    return value


def changed(using: str = "default") -> None:
    """Reference data just changed (in the current transaction): every process builds its copies again."""
    new = random.getrandbits(62)
    versions = ReferenceVersion.objects.using(using)
    if not versions.filter(pk=ReferenceVersion.SINGLE_ID).update(token=new):
        versions.update_or_create(pk=ReferenceVersion.SINGLE_ID, defaults={"token": new})
    if getattr(_request, "active", False):
        _request.token = new


def forget() -> None:
    """Drop this process's copies (tests: each starts as a fresh process would)."""
    _copies.clear()
    if hasattr(_request, "token"):
        del _request.token


def _on_change(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):  # a many-to-many change: announced once, after it
        return
    changed(using=kwargs.get("using") or "default")


def watch(*watched: type[models.Model]) -> None:
    """Announce every saved or deleted row of these models, and every change of their many-to-many relations."""
    for model in watched:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"reference-save-{model._meta.label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"reference-delete-{model._meta.label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _on_change,
                sender=field.remote_field.through,
                dispatch_uid=f"reference-m2m-{field.remote_field.through._meta.label}",
            )


def _request_started(**kwargs):
    _request.active = True
    if hasattr(_request, "token"):
        del _request.token


def _request_finished(**kwargs):
    _request.active = False
    if hasattr(_request, "token"):
        del _request.token


request_started.connect(_request_started, dispatch_uid="altm-reference-request-started")
request_finished.connect(_request_finished, dispatch_uid="altm-reference-request-finished")
