"""Persons and follow-ups: the minimal person record, its follow-ups, and the log of reads from outside its team."""

import uuid as uuid_module
from collections import defaultdict
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, model_errors, save_once
from altm.models import AuditAction
from altm.versions import check_version
from mediation import perms, rules
from mediation.models import (
    ContactKind,
    FollowUp,
    FollowUpContact,
    FollowUpKind,
    Gender,
    Person,
    PersonReadLog,
    Team,
)
from mediation.services.common import check_day, check_open_year, derived_uuid, today


def prepare_person(
    *,
    actor,
    team: Team,
    territory,
    alias: str,
    last_contact_on: date_type,
    birth_year: int | None = None,
    age_band: str = "",
    gender: str = Gender.UNKNOWN,
    contact: str = "",
    uuid: uuid_module.UUID | None = None,
) -> tuple[Person, dict[str, list[str]]]:
    """A new minimal person record, not saved yet, and what is wrong with it (French messages by field).

    The age band follows from the birth year when it is given. Every path that creates a person (a follow-up, a
    partner's referral) goes through here, then `create_person` once the rest of its own checks passed.
    """
    person = Person(
        uuid=uuid,
        team=team,
        territory=territory,
        alias=(alias or "").strip(),
        birth_year=birth_year,
        age_band=age_band or "",
        gender=gender or Gender.UNKNOWN,
        contact=contact or "",
        last_contact_on=last_contact_on,
        created_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if person.birth_year:
        person.age_band = rules.age_band(person.age_on(today()))
    errors.update(model_errors(person, exclude=["team", "uuid"]))
    if messages := rules.birth_year_errors(person.birth_year, today=today()):
        errors["birth_year"] = messages
    if person.territory_id and not team.territories.filter(pk=person.territory_id).exists():
        errors.setdefault("territory", []).append(_("Ce secteur n'est pas celui de votre équipe."))
    return person, errors


def create_person(*, actor, person: Person) -> Person:
    """Save a person prepared by `prepare_person` (and checked) and audit it.

    A person given a `uuid` (derived from its submission's) is saved once: a retry or a concurrent copy of the
    same submission gets the person the first one created.
    """
    if person.uuid is None:
        person.save()
    else:
        person, created = save_once(person)
        if not created:
            return person
    log_change(actor=actor, instance=person, action=AuditAction.CREATE)
    return person


@transaction.atomic
def record_followup(
    *,
    actor,
    kind: str,
    team: Team,
    started_on: date_type,
    person: Person | None = None,
    new_person: dict | None = None,
    uuid: uuid_module.UUID | str | None = None,
    next_action_on: date_type | None = None,
    next_action: str = "",
    note: str = "",
) -> tuple[FollowUp, bool]:
    """Start a follow-up of a known person, or of a new minimal person record (`new_person`: alias, birth_year,
    age_band, gender, territory). The age band follows from the birth year when given. Same `uuid` twice: once."""
    if (existing := already_submitted(FollowUp, uuid)) is not None:
        return existing, False
    uuid = uuid or uuid_module.uuid4()
    errors = {}
    created_person = person is None
    if created_person:
        person, errors = prepare_person(
            actor=actor,
            team=team,
            last_contact_on=started_on,
            uuid=derived_uuid(uuid, "person"),
            **(new_person or {}),
        )
    elif person.team_id != team.pk:
        errors.setdefault("person", []).append(_("Cette personne est suivie par une autre équipe."))
    check_day(errors, "started_on", started_on, not_before=None, label="")
    check_open_year(errors, "started_on", started_on, actor=actor)  # active follow-ups are counted by year
    if kind == FollowUpKind.YOUNG_ADULT and not errors:
        if messages := rules.young_adult_errors(person, started_on):
            errors["kind"] = messages
    if errors:
        raise ValidationError(errors)
    if created_person:
        person = create_person(actor=actor, person=person)
    elif person.last_contact_on is None or person.last_contact_on < started_on:
        before = snapshot(person)
        person.last_contact_on = started_on
        person.save(update_fields=["last_contact_on"])
        log_change(actor=actor, instance=person, action=AuditAction.UPDATE, before=before)
    followup = FollowUp(
        uuid=uuid,
        person=person,
        kind=kind,
        mediator=actor,
        team=team,
        territory=person.territory,
        started_on=started_on,
        next_action_on=next_action_on,
        next_action=next_action,
        note=note,
        created_by=actor,
    )
    followup.full_clean(exclude=["uuid", "person", "mediator", "team", "territory"])
    followup, created = save_once(followup)
    if not created:
        return followup, False  # a concurrent copy of the same submission got there first
    log_change(actor=actor, instance=followup, action=AuditAction.CREATE)
    return followup, True


@transaction.atomic
def update_followup(
    *,
    actor,
    followup: FollowUp,
    next_action_on: date_type | None,
    next_action: str = "",
    note: str = "",
    ended_on: date_type | None = None,
    version: int | None = None,
) -> FollowUp:
    """Plan the next action, add observations, or end the follow-up (an ended follow-up is no longer due).

    `version`, from the edit form (`altm.versions`): refused when the follow-up changed since it was read."""
    check_version(followup, version)
    errors = {}
    check_day(errors, "ended_on", ended_on, not_before=followup.started_on, label=_("le début du suivi"))
    if ended_on != followup.ended_on:
        for day in {ended_on, followup.ended_on} - {None}:
            check_open_year(errors, "ended_on", day, actor=actor)
    if errors:
        raise ValidationError(errors)
    before = snapshot(followup)
    followup.next_action_on = next_action_on
    followup.next_action = next_action
    followup.note = note
    followup.ended_on = ended_on
    followup.save(update_fields=["next_action_on", "next_action", "note", "ended_on"])
    log_change(actor=actor, instance=followup, action=AuditAction.UPDATE, before=before)
    return followup


def _contact_errors(*, followup: FollowUp, day: date_type | None, kind: str, note: str) -> dict[str, list[str]]:
    """The rules of a follow-up contact, on every path (the follow-up page, the JSON API of the outbox)."""
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["date"] = [_("Indiquez la date du contact.")]
    else:
        check_day(errors, "date", day, not_before=followup.started_on, label=_("le début du suivi"))
        if followup.ended_on and day > followup.ended_on and "date" not in errors:
            errors["date"] = [_("Le suivi est terminé le %(day)s.") % {"day": f"{followup.ended_on:%d/%m/%Y}"}]
    if kind not in ContactKind.values:
        errors["kind"] = [_("Choisissez le type de contact.")]
    if len(note or "") > FollowUpContact._meta.get_field("note").max_length:
        errors["note"] = [_("Note trop longue : 500 caractères au plus.")]
    if followup.person.anonymised_at is not None:
        errors.setdefault("__all__", []).append(_("Cette personne est anonymisée : plus de contact à noter."))
    return errors


def _touch_last_contact(*, actor, person: Person, day: date_type) -> None:
    if person.last_contact_on is None or person.last_contact_on < day:
        before = snapshot(person)
        person.last_contact_on = day
        person.save(update_fields=["last_contact_on"])
        log_change(actor=actor, instance=person, action=AuditAction.UPDATE, before=before)


@transaction.atomic
def record_followup_contact(
    *,
    actor,
    followup: FollowUp,
    date: date_type | None,
    kind: str,
    note: str = "",
    uuid: uuid_module.UUID | str | None = None,
) -> tuple[FollowUpContact, bool]:
    """Add a dated contact to a follow-up's log; the person's last contact moves forward. Same `uuid` twice: once
    (the answer is the first one's contact)."""
    if (existing := already_submitted(FollowUpContact, uuid)) is not None:
        if existing.author_id != actor.pk or existing.followup_id != followup.pk:
            raise ValidationError({"uuid": [_("Cet identifiant de saisie est déjà utilisé.")]})
        return existing, False
    if not perms.can_work_on_team(actor, followup.team_id):
        raise ValidationError({"__all__": [_("Ce suivi n'est pas celui de votre équipe.")]})
    note = (note or "").strip()
    if errors := _contact_errors(followup=followup, day=date, kind=kind, note=note):
        raise ValidationError(errors)
    contact = FollowUpContact(
        uuid=uuid or uuid_module.uuid4(),
        followup=followup,
        person_id=followup.person_id,
        team_id=followup.team_id,
        date=date,
        kind=kind,
        note=note,
        author=actor,
    )
    contact, created = save_once(contact)
    if not created:
        return contact, False  # a concurrent copy of the same submission got there first
    log_change(actor=actor, instance=contact, action=AuditAction.CREATE)
    _touch_last_contact(actor=actor, person=followup.person, day=date)
    return contact, True


@transaction.atomic
def update_followup_contact(
    *,
    actor,
    contact: FollowUpContact,
    date: date_type | None,
    kind: str,
    note: str = "",
    version: int | None = None,
) -> FollowUpContact:
    """Correct a contact: its author only, for 7 days after entering it (`perms.can_edit_contact`)."""
    if not perms.can_edit_contact(actor, contact):
        raise ValidationError({"__all__": [_("Seul son auteur corrige un contact, pendant 7 jours.")]})
    check_version(contact, version)
    note = (note or "").strip()
    if errors := _contact_errors(followup=contact.followup, day=date, kind=kind, note=note):
        raise ValidationError(errors)
    before = snapshot(contact)
    contact.date, contact.kind, contact.note = date, kind, note
    contact.save(update_fields=["date", "kind", "note", "updated_at"])
    log_change(actor=actor, instance=contact, action=AuditAction.UPDATE, before=before)
    _touch_last_contact(actor=actor, person=contact.followup.person, day=date)
    return contact


def log_person_read(*, user, person: Person, reason: str = "") -> PersonReadLog:
    """Write who opened a person's record from outside its owning team, and why if they said."""
    return PersonReadLog.objects.create(person=person, user=user, reason=reason.strip()[:300])


def note_person_read(user, *persons: Person | None, reason: str = "") -> int:
    """Log that `user` read these persons' data, for each one whose owning team they are not in (the rule:
    `perms.must_log_person_read`; a director, a partner's counsellor, an administrator are always logged).

    The one call every page showing a person's data makes once per opening; `None` (a referral without a person)
    is skipped, a person shown twice is logged once. `reason` says where (French). Returns the rows written.
    """
    outside = {
        person.pk: person
        for person in persons
        if person is not None and person.pk is not None and perms.must_log_person_read(user, person)
    }
    PersonReadLog.objects.bulk_create(
        [PersonReadLog(person=person, user=user, reason=reason.strip()[:300]) for person in outside.values()]
    )
    return len(outside)


def person_link(model) -> tuple[str, type | None, str]:
    """How a row of `model` names a person: its field holding the person's id (`("person_id", None, "")`), or the
    id of a row that names them (a withdrawal: `("consent_id", Consent, "person_id")`); `("", None, "")` if none."""
    if model is Person:
        return "id", None, ""
    links = [field for field in model._meta.concrete_fields if field.many_to_one or field.one_to_one]
    for field in links:
        if field.related_model is Person:
            return field.attname, None, ""
    for field in links:
        for inner in field.related_model._meta.concrete_fields:
            if (inner.many_to_one or inner.one_to_one) and inner.related_model is Person:
                return field.attname, field.related_model, inner.attname
    return "", None, ""


def persons_in_entries(entries) -> list[Person]:
    """The persons audit entries are about: the person itself, or the person its record names (directly, or through
    the record it points to). One query per kind of record pointed to, whatever the number of entries."""
    person_ids: set = set()
    pointed: dict = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is Person:
            person_ids.add(entry.object_id)
            continue
        field, related, inner = person_link(model) if model is not None else ("", None, "")
        value = (entry.after or entry.before or {}).get(field) if field else None
        if value is not None and related is None:
            person_ids.add(value)
        elif value is not None:
            pointed[(related, inner)].add(value)
    for (related, inner), ids in pointed.items():
        person_ids.update(related._base_manager.filter(pk__in=ids).values_list(inner, flat=True))
    return list(Person.objects.filter(pk__in=[pk for pk in person_ids if pk is not None]).order_by("pk"))


def note_audit_entries_read(user, entries) -> int:
    """Audit entries shown about persons are reads of their data: logged like the pages (registered with
    `altm.audit.ENTRY_READERS`)."""
    return note_person_read(user, *persons_in_entries(entries), reason=_("Journal d'audit"))
