"""The photos of a weekly synthesis, inline for its PDF (the files are private: no URL a PDF could fetch)."""

from django import template

from altm.photos import data_uri

register = template.Library()


@register.filter
def synthesis_photos(synthesis) -> list:
    """[(report, photo data URI)] in the synthesis's order (photos prefetched by `build_synthesis`)."""
    return [
        (row.report, data_uri(photo.image))
        for group in synthesis.groups
        for row in group.rows
        for photo in row.report.photos.all()
    ]
