"""The idle timeout without a session write on every request.

Django's SESSION_SAVE_EVERY_REQUEST pushes the deadline back by writing the session row on every request (an
UPDATE and a commit each time). Here the deadline is pushed back at most every SESSION_REFRESH_SECONDS: a user idle
for SESSION_COOKIE_AGE is logged out after between SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS and
SESSION_COOKIE_AGE, never later, and a busy user's requests only read their session.
"""

import time

from django.conf import settings

STAMP = "_refreshed_at"


class SessionRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and not session.modified:
            now = int(time.time())
            if now - session.get(STAMP, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[STAMP] = now  # marks the session modified: SessionMiddleware saves it, deadline included
        return response
