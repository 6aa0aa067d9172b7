"""Pages of long lists without counting them: one row more than the page tells whether there is a next page.

`Paginator` counts the whole filtered list (a `COUNT(*)` over a million audit entries on every page); a journal
read from its most recent end does not need the total.
"""

from django.utils.translation import gettext as _

MAX_PAGE = 100_000


class LeanPage:
    def __init__(self, queryset, number, per_page: int):
        self.per_page = per_page
        self.number, self.error = self._read(number)
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1
        self.start_index = start + 1 if self.object_list else 0
        self.end_index = start + len(self.object_list)

    @staticmethod
    def _read(value) -> tuple[int, str]:
        if value in (None, ""):
            return 1, ""
        text = str(value).strip()
        if text.isdigit() and 1 <= int(text) <= MAX_PAGE:
            return int(text), ""
        return 1, _("Numéro de page illisible : première page affichée.")

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)
