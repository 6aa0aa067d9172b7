from django.urls import path

from mediation.views import exports, interventions

app_name = "mediation"

urlpatterns = [
    # Field activity (quick entry, tally, outbox endpoints, lists, edit, daily report)
    path("saisie/", interventions.entry, name="entry"),
    path("tournee/", interventions.tally, name="tally"),
    path("api/interventions/", interventions.api_intervention, name="api_intervention"),
    path(
        "api/interventions/<uuid:uuid>/annuler/",
        interventions.api_intervention_undo,
        name="api_intervention_undo",
    ),
    path("saisies/", interventions.my_interventions, name="my_interventions"),
    path("saisies/export/", exports.intervention_export, name="intervention_export"),
    path("saisies/<int:pk>/", interventions.intervention_edit, name="intervention_edit"),
    path("saisies/<int:pk>/supprimer/", interventions.intervention_delete, name="intervention_delete"),
    path("equipe/saisies/", interventions.team_interventions, name="team_interventions"),
    path("equipe/compte-rendu/", interventions.daily_report, name="daily_report"),
]
