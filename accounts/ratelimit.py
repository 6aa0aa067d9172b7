"""A fixed-window counter in the cache: how many times a key was used in the current window."""

from django.core.cache import cache


def allow(key: str, *, limit: int, seconds: int) -> bool:
    """Count one use of `key`; False once it has been used more than `limit` times within `seconds`."""
    name = f"ratelimit:{key}"
    cache.add(name, 0, timeout=seconds)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds)
        used = 1
    return used <= limit
