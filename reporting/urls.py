from django.urls import path

from reporting import funder_views, partner_views, register_views, views

app_name = "reporting"

urlpatterns = [
    path("tableau-de-bord/", views.team_dashboard, name="team_dashboard"),
    path("tableau-de-bord/chiffres.<str:fmt>", views.team_dashboard_figures, name="team_dashboard_figures"),
    path("vue-d-ensemble/", views.overview, name="overview"),
    path("vue-d-ensemble/chiffres.<str:fmt>", views.overview_figures, name="overview_figures"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/export.<str:fmt>", views.evaluation_export, name="evaluation_export"),
    path("evaluation/figer/", views.freeze, name="freeze"),
    path("evaluation/fige/<int:year>/", views.frozen_detail, name="frozen_detail"),
    path("evaluation/fige/<int:year>/bilan.pdf", views.frozen_pdf, name="frozen_pdf"),
    path("conventions/<int:pk>/bilan/<int:year>/", views.convention_review, name="convention_review"),
    path("conventions/<int:pk>/bilan/<int:year>.pdf", views.convention_review_pdf, name="convention_review_pdf"),
    path("conventions/<int:pk>/bilan/<int:year>.xlsx", views.convention_review_xlsx, name="convention_review_xlsx"),
    path("conventions/<int:pk>/bilan/<int:year>/commentaires/", views.convention_review_note, name="review_note"),
    path("conventions/<int:pk>/bilan/<int:year>/figer/", views.convention_review_freeze, name="review_freeze"),
    path("financeurs/", funder_views.funder_list, name="funder_list"),
    path("financeurs/<slug:code>/<int:year>/", funder_views.funder_report, name="funder_report"),
    path(
        "financeurs/<slug:code>/<int:year>/rapport.<str:fmt>",
        funder_views.funder_report_export,
        name="funder_report_export",
    ),
    path("adultes-relais/<int:pk>/<int:year>/", funder_views.post_summary, name="post_summary"),
    path("adultes-relais/<int:pk>/<int:year>.pdf", funder_views.post_summary_pdf, name="post_summary_pdf"),
    path("partenaire/conventions/", partner_views.partner_conventions_page, name="partner_conventions"),
    path("conventions/<int:pk>/bilan/<int:year>/partenaire/", partner_views.partner_review, name="partner_review"),
    path(
        "conventions/<int:pk>/bilan/<int:year>/partenaire.pdf",
        partner_views.partner_review_pdf,
        name="partner_review_pdf",
    ),
    path("projets/", views.project_list, name="project_list"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("projets/<int:pk>/bilan.pdf", views.project_pdf, name="project_pdf"),
    path("projets/<int:pk>/saisie/<int:year>/", views.project_entry, name="project_entry"),
    path("registres/", register_views.registers, name="registers"),
]
