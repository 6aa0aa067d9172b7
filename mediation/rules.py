"""The rules of an intervention line, written once.

Every path that creates or changes a line calls `intervention_errors`: the quick entry and the edit page (through
the services), the JSON API and the tally (same), the services that record a line for a case, a report or a
referral, and the import of the interchange format (the command and the admin screen). Forms and the import only
parse; they never repeat a rule.

The function works on ids and on reference data the caller already holds (the activity type, the site's territory),
so it costs no query: the import checks 100,000 rows with it against dictionaries loaded once.
"""

from collections.abc import Callable, Collection, Iterable
from datetime import date

from django.utils.translation import gettext as _

from accounts.models import Role
from mediation import reference
from mediation.models import AgeBand, DailyReport, InterventionSource, ReferralMode

# The same limits on every path. A line is one act type on one day: beyond these, a typing error is likelier than
# a real figure, and the database columns stay far from their limits.
MAX_COUNT = 500
MAX_PEOPLE = 1000  # each of women, men, unknown
MAX_DURATION_MINUTES = 24 * 60
NOTE_MAX_LENGTH = 2000
EARLIEST_DATE = date(2000, 1, 1)

NUMBER_LIMITS = {
    "count": (1, MAX_COUNT),
    "women": (0, MAX_PEOPLE),
    "men": (0, MAX_PEOPLE),
    "unknown": (0, MAX_PEOPLE),
    "duration_minutes": (0, MAX_DURATION_MINUTES),
}


def _number_errors(name: str, value: int | None) -> list[str]:
    if value is None:
        return [_("Indiquez le nombre d'actes.")] if name == "count" else []
    low, high = NUMBER_LIMITS[name]
    if value < low:
        return [_("Au moins 1 acte.")] if name == "count" else [_("Le nombre ne peut pas être négatif.")]
    if value > high:
        if name == "count":
            return [_("Plus de %(limit)s actes sur une ligne : vérifiez le nombre.") % {"limit": high}]
        if name == "duration_minutes":
            return [_("Plus de %(limit)s minutes (24 heures) : vérifiez la durée.") % {"limit": high}]
        return [_("Plus de %(limit)s personnes sur une ligne : vérifiez le nombre.") % {"limit": high}]
    return []


def date_errors(day: date | None, *, today: date) -> list[str]:
    """A line's date: a real day of the activity, not in the future, not before the agency's records start."""
    if day is None:
        return [_("Indiquez la date.")]
    if day > today:
        return [_("La date ne peut pas être dans le futur.")]
    if day < EARLIEST_DATE:
        return [_("La date ne peut pas précéder le %(day)s.") % {"day": f"{EARLIEST_DATE:%d/%m/%Y}"}]
    return []


def site_errors(territory_id: int | None, site_territory_id: int | None) -> list[str]:
    """A site belongs to one territory: the line's."""
    if site_territory_id is not None and territory_id is not None and site_territory_id != territory_id:
        return [_("Ce site n'appartient pas au secteur choisi.")]
    return []


# A telephone or physical referral tells a partner who the person is: only the referral workflow records one, with
# the person's consent and the information share (`partners.services.record_referral`, source REFERRAL). The import
# keeps such lines as history, without a person, marked by this note prefix (`history_referral_note`).
CONSENT_MODES = (ReferralMode.TELEPHONE, ReferralMode.PHYSICAL)
HISTORY_REFERRAL_NOTE = "[Historique importé : aucun consentement enregistré]"


def history_referral_note(activity, mode: str, note: str) -> str:
    """The note of an imported line: marked as history when it is a telephone or physical referral."""
    if (
        activity is None
        or not activity.uses_mode
        or mode not in CONSENT_MODES
        or note.startswith(HISTORY_REFERRAL_NOTE)
    ):
        return note
    return f"{HISTORY_REFERRAL_NOTE} {note}".strip()


def is_history_referral(note: str) -> bool:
    """A line the import kept as a telephone or physical referral without a recorded consent."""
    return note.startswith(HISTORY_REFERRAL_NOTE)


def parse_age_band(text: str) -> str | None:
    """The code of an age band written as its code ("16_25") or its label ("16-25 ans"), any case; "" for an empty
    cell; None when it is neither (the import and the API read what a person typed)."""
    text = (text or "").strip().casefold()
    if not text:
        return ""
    for code, label in AgeBand.choices:
        if text in (code.casefold(), str(label).casefold(), str(label).casefold().removesuffix(" ans")):
            return code
    return None


def age_band_errors(age_band: str | None) -> list[str]:
    """An anonymous line may say the age band of the public met (Mission Locale convention: the 16-25 year olds)."""
    if age_band and age_band not in AgeBand.values:
        return [
            _("Tranche d'âge inconnue « %(value)s » : %(choices)s.")
            % {"value": age_band, "choices": ", ".join(str(label) for label in AgeBand.labels)}
        ]
    if age_band is None:
        return [_("Tranche d'âge illisible : %(choices)s.") % {"choices": ", ".join(str(x) for x in AgeBand.labels)}]
    return []


def intervention_errors(
    *,
    day: date | None,
    territory_id: int | None,
    site_territory_id: int | None,
    activity,
    mode: str,
    count: int | None,
    women: int | None,
    men: int | None,
    unknown: int | None,
    duration_minutes: int | None,
    note: str,
    today: date,
    source: str,
    previous_mode: str | None = None,
    require_mode: bool = True,
    closed_years: Collection[int] = (),
    age_band: str | None = "",
) -> dict[str, list[str]]:
    """Every rule a line breaks, by field, in French; empty when the line is valid.

    `activity` is the line's ActivityType (or None when missing); `site_territory_id` the territory of the line's
    site (None without a site). `require_mode` is off for history imports, whose referral lines may lack a mode
    (DOMAIN §8); a mode given for an activity without one is refused everywhere.

    `source` says which path writes the line (an `InterventionSource`), `previous_mode` the mode the line has before
    an edit (None when it is created): a telephone or physical referral is only created by the referral workflow or
    the history import, and no edit turns a line into one (`CONSENT_MODES`).
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, messages: list[str]) -> None:
        if messages:
            errors.setdefault(field, []).extend(messages)

    add("date", date_errors(day, today=today))
    add("date", closed_year_errors(day, closed_years=closed_years))
    if territory_id is None:
        add("territory", [_("Choisissez un secteur.")])
    add("site", site_errors(territory_id, site_territory_id))
    if activity is None:
        add("activity_type", [_("Choisissez une activité.")])
    if mode and mode not in ReferralMode.values:
        add("mode", [_("Modalité inconnue « %(value)s » : simple, telephone ou physical.") % {"value": mode}])
    elif activity is not None:
        if mode and not activity.uses_mode:
            add("mode", [_("Pas de modalité pour cette activité.")])
        elif require_mode and activity.uses_mode and not mode:
            add("mode", [_("Choisissez la modalité de la mise en relation.")])
        elif mode in CONSENT_MODES and mode != previous_mode:
            workflow = previous_mode is None and source in (InterventionSource.REFERRAL, InterventionSource.IMPORT)
            if not workflow:
                add(
                    "mode",
                    [
                        _(
                            "Une mise en relation téléphonique ou physique transmet l'identité de la personne : "
                            "enregistrez-la depuis « Nouvelle mise en relation », qui vérifie son consentement."
                        )
                    ],
                )
    for name, value in (
        ("count", count),
        ("women", women),
        ("men", men),
        ("unknown", unknown),
        ("duration_minutes", duration_minutes),
    ):
        add(name, _number_errors(name, value))
    add("age_band", age_band_errors(age_band))
    if note and len(note) > NOTE_MAX_LENGTH:
        add(
            "note",
            [
                _("Note trop longue : %(max)s caractères au plus (%(length)s saisis).")
                % {"max": NOTE_MAX_LENGTH, "length": len(note)}
            ],
        )
    return errors


# --- Closed years: a frozen annual report closes its year ----------------------------------------------------

# Where the years whose annual report is frozen are read. The reporting app (a floor above, which mediation does
# not import) registers it in its AppConfig.ready; without it no year is closed.
_closed_years_source: Callable[[], Iterable[int]] | None = None


def register_closed_years(source: Callable[[], Iterable[int]] | None) -> None:
    global _closed_years_source
    _closed_years_source = source


def closed_years(user=None) -> frozenset[int]:
    """The years closed to `user` (one query): every frozen year; none for the director, who may still correct a
    frozen year (the frozen report then shows what changed since it was frozen)."""
    if user is not None and getattr(user, "is_director", False) or _closed_years_source is None:
        return frozenset()
    return frozenset(_closed_years_source())


def closed_year_errors(day: date | None, *, closed_years: Collection[int]) -> list[str]:
    if day is None or day.year not in closed_years:
        return []
    return [
        _(
            "L'année %(year)s est close : son bilan annuel est figé. Aucune ligne ne peut y être saisie, modifiée "
            "ou supprimée, sauf par la direction."
        )
        % {"year": day.year}
    ]


# --- Days validated by the team's manager ---------------------------------------------------------------------
# Once a manager has validated a team's day (its daily report), the day's lines are locked for mediators on every
# path that writes a line (quick entry, JSON API, tally, import, edit, delete): the services call
# `validated_day_errors` with the pairs `validated_days` loaded for the actor. Managers and the director may still
# correct a validated day (the correction is audited like any other).


def validated_days(user, *, team_ids: Iterable[int] = (), days: Iterable[date] = ()) -> frozenset[tuple[int, date]]:
    """The (team id, day) pairs among `team_ids` x `days` that are validated and locked to `user` (one query; none
    when `user` is not a mediator, or when nothing is asked)."""
    team_ids, days = {t for t in team_ids if t is not None}, {d for d in days if d is not None}
    if user is None or getattr(user, "role", None) != Role.MEDIATOR or not team_ids or not days:
        return frozenset()
    recent = reference.recent_validations()
    if min(days) >= recent.since:  # the common case: answered from the reference data, no query
        return frozenset((team_id, day) for team_id, day in recent.days if team_id in team_ids and day in days)
    rows = DailyReport.objects.filter(team_id__in=team_ids, date__in=days, validated_at__isnull=False).order_by()
    return frozenset(rows.values_list("team_id", "date"))


def validated_day_errors(
    day: date | None, team_id: int | None, *, validated: Collection[tuple[int, date]]
) -> list[str]:
    if day is None or (team_id, day) not in validated:
        return []
    return [
        _(
            "La journée du %(day)s a été validée par votre responsable : ses saisies ne peuvent plus être ajoutées, "
            "modifiées ni supprimées par les médiateurs. Demandez-lui la correction."
        )
        % {"day": f"{day:%d/%m/%Y}"}
    ]


# --- The team a line, a case, a report or a person belongs to -------------------------------------------------


def choose_team(covering: list[tuple[int, bool]]) -> int | None:
    """The team that owns what someone records in a territory.

    `covering` lists the teams covering the territory, in name order, each with whether the recording user works in
    it. The user's own team comes first; else the territory's team when only one covers it (an import row without a
    mediator, a partner's referral); else none: nobody can tell which team it belongs to.
    """
    for team_id, is_member in covering:
        if is_member:
            return team_id
    return covering[0][0] if len(covering) == 1 else None


# --- Ages: a person record keeps a birth year or an age band, never a birth date ------------------------------

MAJORITY = 18
YOUNG_ADULT_AGES = (16, 25)
EARLIEST_BIRTH_YEAR = 1900


def age_band(age: int) -> str:
    """The reporting band of an age (`Person.age_on` gives the age)."""
    if age < 16:
        return AgeBand.UNDER_16
    if age <= 25:
        return AgeBand.YOUNG_16_25
    if age < 60:
        return AgeBand.ADULT_26_59
    return AgeBand.SENIOR_60


def birth_year_errors(birth_year: int | None, *, today: date) -> list[str]:
    if birth_year is not None and not EARLIEST_BIRTH_YEAR <= birth_year <= today.year:
        return [_("Année de naissance invalide.")]
    return []


def is_minor(person, day: date) -> bool:
    """Known to be under 18 on `day`: by birth year (the age reached that year), else by age band."""
    age = person.age_on(day)
    if age is not None:
        return age < MAJORITY
    return person.age_band == AgeBand.UNDER_16


def young_adult_errors(person, day: date) -> list[str]:
    """A young-adult follow-up concerns the 16-25 year olds: by birth year, else by age band."""
    low, high = YOUNG_ADULT_AGES
    age = person.age_on(day)
    if age is not None:
        if not low <= age <= high:
            return [
                _("Un suivi jeune adulte concerne les %(low)s-%(high)s ans : cette personne a %(age)s ans.")
                % {"low": low, "high": high, "age": age}
            ]
        return []
    if person.age_band != AgeBand.YOUNG_16_25:
        return [
            _("Un suivi jeune adulte concerne les 16-25 ans : indiquez l'année de naissance ou la tranche 16-25 ans.")
        ]
    return []


# --- Parties to a mediation (seed 003: free consent; a minor with a parent or guardian) -----------------------


def party_errors(party, *, today: date) -> dict[str, list[str]]:
    """Every rule a party to a mediation breaks, by field, in French. `party` has `label`, `birth_year`, `age_band`,
    `consent_given_on`, `guardian_name`, `guardian_role` and `age_on` (a `ConflictParty`)."""
    errors: dict[str, list[str]] = {}
    if not (party.label or "").strip():
        errors["label"] = [_("Indiquez comment désigner cette partie (prénom, pseudonyme ou rôle).")]
    if messages := birth_year_errors(party.birth_year, today=today):
        errors["birth_year"] = messages
    if party.consent_given_on is None:
        errors["consent_given_on"] = [
            _("La médiation repose sur le libre consentement des parties : indiquez quand cette partie l'a donné.")
        ]
    elif party.consent_given_on > today:
        errors["consent_given_on"] = [_("Un consentement ne peut pas être daté dans le futur.")]
    if not errors.get("birth_year") and is_minor(party, party.consent_given_on or today):
        if not (party.guardian_name or "").strip():
            errors["guardian_name"] = [
                _("Cette partie est mineure : indiquez le parent ou le tuteur associé à la médiation.")
            ]
        if not (party.guardian_role or "").strip():
            errors["guardian_role"] = [_("Indiquez sa qualité (mère, père, tuteur…).")]
    return errors
