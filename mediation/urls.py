from django.urls import path

from mediation.views import api, conflicts, daily, edit, entry, exports, followups, lists, persons, tally, technical

app_name = "mediation"

urlpatterns = [
    # Field activity (quick entry, tally, outbox endpoints, lists, edit, daily report)
    path("saisie/", entry.entry, name="entry"),
    path("tournee/", tally.tally, name="tally"),
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
    # Case work: conflict cases, follow-ups, person records, technical watch
    path("conflits/", conflicts.conflict_list, name="conflict_list"),
    path("conflits/nouveau/", conflicts.conflict_create, name="conflict_create"),
    path("conflits/<int:pk>/", conflicts.conflict_detail, name="conflict_detail"),
    path("conflits/<int:pk>/rencontre/", conflicts.conflict_session_add, name="conflict_session_add"),
    path("conflits/<int:pk>/accord/", conflicts.conflict_agreement, name="conflict_agreement"),
    path("conflits/<int:pk>/cloture/", conflicts.conflict_close, name="conflict_close"),
    path("suivis/", followups.followup_list, name="followup_list"),
    path("suivis/nouveau/", followups.followup_create, name="followup_create"),
    path("suivis/<int:pk>/", followups.followup_edit, name="followup_edit"),
    path("suivis/<int:pk>/contacts/", followups.followup_contact_add, name="followup_contact_add"),
    path("suivis/contacts/<int:pk>/", followups.followup_contact_edit, name="followup_contact_edit"),
    path("api/suivis/contacts/", api.api_followup_contact, name="api_followup_contact"),
    path("personnes/<int:pk>/", persons.person_detail, name="person_detail"),
    path("veille-technique/", technical.technical_list, name="technical_list"),
    path("veille-technique/nouveau/", technical.technical_create, name="technical_create"),
    path("veille-technique/synthese/", technical.technical_synthesis, name="technical_synthesis"),
    path("veille-technique/<int:pk>/", technical.technical_detail, name="technical_detail"),
    path(
        "veille-technique/<int:pk>/photos/<int:photo_pk>/",
        technical.technical_photo,
        name="technical_photo",
    ),
]
