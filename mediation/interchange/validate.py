"""Checking a file's headers and rows against reference data loaded once (no query per row).

Rows are parsed here; the rules of a line are `mediation.rules`, the same as on every other path.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mediation import rules
from mediation.interchange.columns import (
    COLUMNS,
    EXTERNAL_ID_MAX_LENGTH,
    FORMULA_PREFIXES,
    FORMULA_WITHOUT_VALUE,
    MAX_NUMBER_DIGITS,
    REQUIRED_COLUMNS,
    RULE_COLUMNS,
    UUID_EXTERNAL_ID,
    RowError,
    Table,
)
from mediation.models import ActivityType, InterventionSource, Site, Team, Territory


def _key(value: str) -> str:
    """Case- and space-insensitive key for names typed by hand."""
    return " ".join(value.split()).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    text = value.strip()
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _parse_date(text: str) -> date | None:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; None when it is neither or not a real day (31/02)."""
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
        found = FRENCH_DATE.match(text)
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        return None
    return None


@dataclass(slots=True)
class CleanRow:
    """A validated row, ready to become an Intervention (ids only, no model instance)."""

    line: int
    date: date
    territory_id: int
    site_id: int | None
    author_id: int | None
    team_id: int | None
    activity_type: ActivityType
    mode: str
    count: int
    women: int
    men: int
    unknown: int
    age_band: str
    duration_minutes: int | None
    note: str
    external_id: str | None  # stored in Intervention.external_id
    match_uuid: str | None  # `altm-<uuid>`: the line exported from this application

    @property
    def activity_type_id(self) -> int:
        return self.activity_type.pk


class Lookups:
    """Reference data loaded once per import: a handful of queries, whatever the number of rows."""

    def __init__(self):
        self.territories_by_code: dict[str, int] = {}
        self.territories_by_name: dict[str, int] = {}
        self.territory_names: dict[int, str] = {}
        self.territory_codes: dict[int, str] = {}
        for pk, code, name in Territory.objects.values_list("pk", "code", "name"):
            self.territories_by_code[_key(code)] = pk
            self.territories_by_name[_key(name)] = pk
            self.territory_names[pk] = name
            self.territory_codes[pk] = code
        self.sites: dict[tuple[int, str], int] = {}
        self.site_names: dict[int, str] = {}
        for pk, territory_id, name in Site.objects.values_list("pk", "territory_id", "name"):
            self.sites[(territory_id, _key(name))] = pk
            self.site_names[pk] = name
        self.activities = {activity.code.casefold(): activity for activity in ActivityType.objects.all()}
        self.users_by_username: dict[str, int] = {}
        self.users_by_username_key: dict[str, set[int]] = {}
        self.users_by_email: dict[str, set[int]] = {}
        self.usernames: dict[int, str] = {}
        for pk, username, email in User.objects.values_list("pk", "username", "email"):
            self.users_by_username[username] = pk
            self.usernames[pk] = username
            self.users_by_username_key.setdefault(username.casefold(), set()).add(pk)
            if email:
                self.users_by_email.setdefault(email.casefold(), set()).add(pk)
        self.teams_by_territory: dict[int, list[int]] = {pk: [] for pk in self.territory_names}
        for team_id, territory_id in Team.territories.through.objects.order_by("team__name").values_list(
            "team_id", "territory_id"
        ):
            self.teams_by_territory[territory_id].append(team_id)
        self.team_members: dict[int, set[int]] = {pk: set() for pk in Team.objects.values_list("pk", flat=True)}
        for through in (Team.mediators.through, Team.managers.through):
            for team_id, user_id in through.objects.values_list("team_id", "user_id"):
                self.team_members[team_id].add(user_id)
        self._teams: dict[tuple[int | None, int], int | None] = {}

    def territory(self, value: str) -> int | None:
        key = _key(value)
        return self.territories_by_code.get(key) or self.territories_by_name.get(key)

    def user(self, value: str) -> tuple[int | None, bool]:
        """(user id, ambiguous): exact username, then username ignoring case, then e-mail."""
        if value in self.users_by_username:
            return self.users_by_username[value], False
        for candidates in (
            self.users_by_username_key.get(value.casefold()),
            self.users_by_email.get(value.casefold()),
        ):
            if candidates:
                if len(candidates) > 1:
                    return None, True
                return next(iter(candidates)), False
        return None, False

    def team(self, author_id: int | None, territory_id: int) -> int | None:
        """The team owning a row (`rules.choose_team`), from the teams loaded once."""
        key = (author_id, territory_id)
        if key not in self._teams:
            covering = [
                (team_id, author_id in self.team_members[team_id]) for team_id in self.teams_by_territory[territory_id]
            ]
            self._teams[key] = rules.choose_team(covering)
        return self._teams[key]


class RowValidator:
    """Checks a file's headers, then each row. Every message is French and names the column at fault."""

    def __init__(
        self, headers: list, *, lookups: Lookups | None = None, today: date | None = None, closed_years=frozenset()
    ):
        self.lookups = lookups or Lookups()
        self.today = today or timezone.localdate()
        self.closed_years = closed_years
        self.raw_headers = list(headers)
        self.positions: dict[str, int] = {}
        self.unnamed_positions: list[int] = []
        self.header_errors: list[RowError] = []
        seen = {}
        for position, header in enumerate(self.raw_headers):
            name = _text(header).casefold()
            if not name:
                self.unnamed_positions.append(position)
                continue
            if name in seen:
                self.header_errors.append(
                    RowError(
                        1,
                        name,
                        _("colonne en double (colonnes n° %(first)s et %(second)s)")
                        % {
                            "first": seen[name] + 1,
                            "second": position + 1,
                        },
                    )
                )
                continue
            seen[name] = position
            if name not in COLUMNS:
                self.header_errors.append(
                    RowError(
                        1,
                        name,
                        _("colonne inconnue (colonnes possibles : %(columns)s)") % {"columns": ", ".join(COLUMNS)},
                    )
                )
                continue
            self.positions[name] = position
        for name in REQUIRED_COLUMNS:
            if name not in self.positions:
                self.header_errors.append(RowError(1, name, _("colonne obligatoire absente")))
        self.seen_external_ids: dict[str, int] = {}

    def _cell_errors(self, line: int, values: list) -> tuple[list, list[RowError]]:
        """Cells that cannot be read at all (a formula without its value, a NUL character): each is an error of
        its column, and the cell is then read as empty so the rest of the row is still checked."""
        names = {position: name for name, position in self.positions.items()}
        errors = []
        cleaned = list(values)
        for position, value in enumerate(values):
            if value is FORMULA_WITHOUT_VALUE:
                message = _(
                    "cellule de formule sans valeur calculée (ouvrez et enregistrez le fichier dans un tableur)"
                )
            elif isinstance(value, str) and "\x00" in value:
                message = _("caractère nul (NUL) interdit dans une cellule")
            else:
                continue
            errors.append(RowError(line, names.get(position), message))
            cleaned[position] = None
        return cleaned, errors

    def cell(self, values: list, name: str):
        position = self.positions.get(name)
        if position is None or position >= len(values):
            return ""
        return values[position]

    def is_blank(self, values: list) -> bool:
        return all(_text(value) == "" for value in values)

    def clean(self, line: int, values: list) -> tuple[CleanRow | None, list[RowError]]:
        values, cell_errors = self._cell_errors(line, values)
        errors: list[RowError] = list(cell_errors)

        def error(column, message):
            errors.append(RowError(line, column, message))

        if len(values) > len(self.raw_headers) and any(_text(v) for v in values[len(self.raw_headers) :]):
            error(None, _("valeurs au-delà de la dernière colonne nommée"))
        for position in self.unnamed_positions:
            if position < len(values) and _text(values[position]):
                error(
                    None,
                    _("valeur dans la colonne n° %(position)s, qui n'a pas d'en-tête") % {"position": position + 1},
                )

        day = self._date(self.cell(values, "date"), error)

        territory_id = None
        territory_text = _text(self.cell(values, "territory"))
        if not territory_text:
            error("territory", _("secteur obligatoire"))
        else:
            territory_id = self.lookups.territory(territory_text)
            if territory_id is None:
                error(
                    "territory", _("secteur inconnu « %(value)s » (code ou nom attendu)") % {"value": territory_text}
                )

        site_id = None
        site_text = _text(self.cell(values, "site"))
        if site_text and territory_id is not None:
            site_id = self.lookups.sites.get((territory_id, _key(site_text)))
            if site_id is None:
                error(
                    "site",
                    _("site inconnu « %(value)s » dans le secteur %(territory)s")
                    % {
                        "value": site_text,
                        "territory": self.lookups.territory_names[territory_id],
                    },
                )

        author_id = None
        mediator_text = _text(self.cell(values, "mediator"))
        if mediator_text:
            author_id, ambiguous = self.lookups.user(mediator_text)
            if ambiguous:
                error("mediator", _("plusieurs utilisateurs correspondent à « %(value)s »") % {"value": mediator_text})
            elif author_id is None:
                error(
                    "mediator",
                    _("utilisateur inconnu « %(value)s » (identifiant ou e-mail attendu)") % {"value": mediator_text},
                )

        activity = None
        activity_text = _text(self.cell(values, "activity"))
        if not activity_text:
            error("activity", _("code d'activité obligatoire"))
        else:
            activity = self.lookups.activities.get(activity_text.casefold())
            if activity is None:
                error("activity", _("code d'activité inconnu « %(value)s »") % {"value": activity_text})

        mode = _text(self.cell(values, "mode")).casefold()
        count = self._integer(self.cell(values, "count"), "count", 1, error)
        women = self._integer(self.cell(values, "women"), "women", 0, error)
        men = self._integer(self.cell(values, "men"), "men", 0, error)
        unknown = self._integer(self.cell(values, "unknown"), "unknown", 0, error)
        duration = self._integer(self.cell(values, "duration_minutes"), "duration_minutes", None, error)
        age_band_text = _text(self.cell(values, "age_band"))
        age_band = rules.parse_age_band(age_band_text)  # None when unreadable: the rule names the cell's text

        note = _text(self.cell(values, "note"))

        external_id = _text(self.cell(values, "external_id")) or None
        match_uuid = None
        if external_id is not None:
            if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
                error(
                    "external_id",
                    _("identifiant externe trop long (%(max)s caractères au plus)") % {"max": EXTERNAL_ID_MAX_LENGTH},
                )
            elif external_id.casefold() in self.seen_external_ids:
                error(
                    "external_id",
                    _("identifiant externe « %(value)s » déjà présent ligne %(line)s")
                    % {
                        "value": external_id,
                        "line": self.seen_external_ids[external_id.casefold()],
                    },
                )
            else:
                self.seen_external_ids[external_id.casefold()] = line
            found = UUID_EXTERNAL_ID.match(external_id.lower())
            if found:
                match_uuid = found.group(1)
                external_id = None

        # The line's rules, once parsing has given values: the same rule set as every other path.
        unreadable = {error.column for error in errors}
        broken = rules.intervention_errors(
            day=day,
            territory_id=territory_id,
            site_territory_id=territory_id if site_id is not None else None,
            activity=activity,
            mode=mode,
            count=count,
            women=women,
            men=men,
            unknown=unknown,
            duration_minutes=duration,
            note=rules.history_referral_note(activity, mode, note),  # as written if the line becomes history
            today=self.today,
            source=InterventionSource.IMPORT,
            require_mode=False,
            closed_years=self.closed_years,
            age_band=age_band_text if age_band is None else age_band,
        )
        for name, messages in broken.items():
            column = RULE_COLUMNS.get(name, name)
            if column not in unreadable:
                errors.extend(RowError(line, column, message) for message in messages)

        if errors:
            # An unreadable cell is reported once, not again as an empty or wrong value.
            unreadable_cells = {error.column for error in cell_errors if error.column}
            errors = [e for e in errors if e in cell_errors or e.column not in unreadable_cells]
            # In the order of the file's columns, as the user reads the row.
            errors.sort(key=lambda error: -1 if error.column is None else COLUMNS.index(error.column))
            return None, errors
        return (
            CleanRow(
                line=line,
                date=day,
                territory_id=territory_id,
                site_id=site_id,
                author_id=author_id,
                team_id=self.lookups.team(author_id, territory_id),
                activity_type=activity,
                mode=mode,
                count=count,
                women=women,
                men=men,
                unknown=unknown,
                age_band=age_band or "",
                duration_minutes=duration,
                note=note,
                external_id=external_id,
                match_uuid=match_uuid,
            ),
            [],
        )

    def _date(self, value, error) -> date | None:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            text = _text(value)
            if not text:
                error("date", _("date obligatoire"))
                return None
            day = _parse_date(text)
            if day is None:
                error("date", _("date invalide « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA attendu)") % {"value": text})
                return None
        return day

    def _integer(self, value, column, default, error) -> int | None:
        """A whole number (its limits are rules, checked after parsing); `default` for an empty cell."""
        if type(value) is str:
            value = value.strip()
            if not value:
                return default
            if value.isdigit() and value.isascii() and len(value) <= MAX_NUMBER_DIGITS:
                return int(value)
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = _text(value)
        if not text:
            return default
        try:
            if len(text) > MAX_NUMBER_DIGITS:
                error(column, _("nombre bien trop grand (%(length)s chiffres)") % {"length": len(text)})
                return None
            return int(text)
        except ValueError:
            error(column, _("nombre entier attendu, pas « %(value)s »") % {"value": text})
            return None


def validate_table(
    table: Table, *, lookups: Lookups | None = None, closed_years=frozenset()
) -> tuple[list[CleanRow], list[RowError], int]:
    """(valid rows, every error, number of non-blank rows). Rows are only kept when the whole file is valid.

    `closed_years`: the years the importer may not write in (`rules.closed_years`)."""
    validator = RowValidator(table.headers, lookups=lookups, closed_years=closed_years)
    errors = list(validator.header_errors)
    clean_rows: list[CleanRow] = []
    total = 0
    if errors:
        # Wrong columns: reading the rows would only repeat the same error on every line.
        return [], errors, sum(1 for _number, values in table.rows if not validator.is_blank(values))
    for line, values in table.rows:
        if validator.is_blank(values):
            continue
        total += 1
        row, row_errors = validator.clean(line, values)
        if row_errors:
            errors.extend(row_errors)
        elif not errors:
            clean_rows.append(row)
    return ([] if errors else clean_rows), errors, total
