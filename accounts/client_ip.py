"""The client address django-axes counts login failures against.

Behind the reverse proxy every request comes from 127.0.0.1; without this, five failures typed by anyone would lock
the account for everybody. The proxy puts the real address in a header it overwrites (nginx:
`proxy_set_header X-Real-IP $remote_addr;`), named by ALTM_PROXY_IP_HEADER; the header is believed only when the
request really comes from a trusted proxy address.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    header = settings.ALTM_PROXY_IP_HEADER
    if header and remote in settings.ALTM_TRUSTED_PROXIES:
        forwarded = request.META.get(header, "").strip()
        if forwarded:
            return forwarded
    return remote
