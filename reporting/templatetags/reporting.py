"""Template filters for reports: French figures and dates, progress percentages."""

from django import template

from reporting import formatting

register = template.Library()


@register.filter
def fr_int(value):
    return formatting.fr_int(value)


@register.filter
def fr_decimal(value, places=1):
    return formatting.fr_decimal(value, int(places))


@register.filter
def fr_percent(value, places=0):
    return formatting.fr_percent(value, int(places))


@register.filter
def fr_date(value):
    return formatting.fr_date(value)


@register.filter
def fr_datetime(value):
    return formatting.fr_datetime(value)


@register.filter
def bar_width(value):
    """A percentage clamped to 0-100, as an integer for a progress bar's width class."""
    if value is None:
        return 0
    return max(0, min(100, round(float(value))))


@register.filter
def signed_fr_int(value):
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + formatting.fr_int(value)


@register.simple_tag
def lines_url(board, span, filters=None, target=None, **extra):
    """The list behind a figure of `board` (intervention lines unless `target` names another): the span's dates, the
    board's scope, the figure's filters."""
    if target:
        return board.url(span, {**(filters or {}), **extra}, target)
    return board.url(span, {**(filters or {}), **extra})
