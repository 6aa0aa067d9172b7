from django.urls import path

from mediation.views import (
    api,
    conflicts,
    daily,
    edit,
    entry,
    exports,
    followups,
    landlord,
    lists,
    persons,
    preferences,
    tally,
    technical,
)

app_name = "mediation"

urlpatterns = [
    # Field activity (quick entry, tally, outbox endpoints, lists, edit, daily report)
    path("saisie/", entry.entry, name="entry"),
    path("tournee/", tally.tally, name="tally"),
    path("saisie/mes-activites/", preferences.activity_preferences, name="activity_preferences"),
    path("api/interventions/", api.api_intervention, name="api_intervention"),
    path(
        "api/interventions/<uuid:uuid>/annuler/",
        api.api_intervention_undo,
        name="api_intervention_undo",
    ),
    path("saisies/", lists.my_interventions, name="my_interventions"),
    path("saisies/export/", exports.intervention_export, name="intervention_export"),
    path("saisies/<int:pk>/", edit.intervention_edit, name="intervention_edit"),
    path("saisies/<int:pk>/supprimer/", edit.intervention_delete, name="intervention_delete"),
    path("equipe/saisies/", lists.team_interventions, name="team_interventions"),
    path("equipe/compte-rendu/", daily.daily_report, name="daily_report"),
    path("equipe/compte-rendu/enregistrer/", daily.daily_report_save, name="daily_report_save"),
    # Case work: conflict cases, follow-ups, person records, technical watch
    path("conflits/", conflicts.conflict_list, name="conflict_list"),
    path("conflits/nouveau/", conflicts.conflict_create, name="conflict_create"),
    path("conflits/<int:pk>/", conflicts.conflict_detail, name="conflict_detail"),
    path("conflits/<int:pk>/rencontre/", conflicts.conflict_session_add, name="conflict_session_add"),
    path("conflits/<int:pk>/accord/", conflicts.conflict_agreement, name="conflict_agreement"),
    path("conflits/<int:pk>/cloture/", conflicts.conflict_close, name="conflict_close"),
    path("conflits/<int:pk>/partie/", conflicts.conflict_party_add, name="conflict_party_add"),
    path(
        "conflits/<int:pk>/partie/<int:party_pk>/retrait/",
        conflicts.conflict_party_withdraw,
        name="conflict_party_withdraw",
    ),
    path("conflits/<int:pk>/protocole.pdf", conflicts.conflict_agreement_pdf, name="conflict_agreement_pdf"),
    path("suivis/", followups.followup_list, name="followup_list"),
    path("suivis/nouveau/", followups.followup_create, name="followup_create"),
    path("suivis/<int:pk>/", followups.followup_edit, name="followup_edit"),
    path("suivis/<int:pk>/contacts/", followups.followup_contact_add, name="followup_contact_add"),
    path("suivis/contacts/<int:pk>/", followups.followup_contact_edit, name="followup_contact_edit"),
    path("api/suivis/contacts/", api.api_followup_contact, name="api_followup_contact"),
    path("personnes/", persons.person_search, name="person_search"),
    path("personnes/<int:pk>/", persons.person_detail, name="person_detail"),
    path("veille-technique/", technical.technical_list, name="technical_list"),
    path("veille-technique/nouveau/", technical.technical_create, name="technical_create"),
    path("veille-technique/synthese/", technical.technical_synthesis, name="technical_synthesis"),
    path("veille-technique/<int:pk>/", technical.technical_detail, name="technical_detail"),
    # The landlord's answer, without an account, through the signed link it was sent.
    path("bailleur/signalement/<int:pk>/<str:token>/", landlord.landlord_report, name="landlord_report"),
    path(
        "veille-technique/<int:pk>/photos/<int:photo_pk>/",
        technical.technical_photo,
        name="technical_photo",
    ),
]
