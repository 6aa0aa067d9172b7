from django.urls import path

from partners.views import conventions, counsellor, referrals, registers, sharing, situations

app_name = "partners"

urlpatterns = [
    path("organisations/", conventions.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", conventions.organisation_detail, name="organisation_detail"),
    path("conventions/", conventions.convention_list, name="convention_list"),
    path("conventions/nouvelle/", conventions.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", conventions.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", conventions.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/avenant/", conventions.amendment_create, name="amendment_create"),
    path("conventions/<int:pk>/engagement/", conventions.commitment_create, name="commitment_create"),
    path("conventions/<int:pk>/action/", conventions.event_create, name="event_create"),
    path("actions-partenariales/", conventions.event_list, name="event_list"),
    path("registres/<slug:register>/", registers.register_page, name="register_page"),
    path("mises-en-relation/", referrals.referral_list, name="referral_list"),
    path("mises-en-relation/nouvelle/", referrals.referral_create, name="referral_create"),
    path("mises-en-relation/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("mises-en-relation/<int:pk>/statut/", referrals.referral_status, name="referral_status"),
    path("situations/", situations.situation_list, name="situation_list"),
    path("situations/nouvelle/", situations.situation_create, name="situation_create"),
    path("situations/<int:pk>/", situations.situation_detail, name="situation_detail"),
    path("situations/<int:pk>/retour/", situations.situation_outcome, name="situation_outcome"),
    path("situations/<int:pk>/rencontre/", situations.situation_meeting, name="situation_meeting"),
    path("situations/<int:pk>/cloture/", situations.situation_close, name="situation_close"),
    path("conseiller/", counsellor.counsellor_home, name="counsellor_home"),
    path("conseiller/orienter/", counsellor.counsellor_referral_create, name="counsellor_referral_create"),
    path("partages/nouveau/", sharing.share_create, name="share_create"),
    path("partages/<int:pk>/", counsellor.share_detail, name="share_detail"),
    path("consentements/nouveau/", sharing.consent_create, name="consent_create"),
    path("consentements/<int:pk>/retrait/", sharing.consent_withdraw, name="consent_withdraw"),
    path("consentements/<int:pk>/mandat/", sharing.consent_mandate, name="consent_mandate"),
    path("consentements/<int:pk>/mandat.pdf", sharing.consent_mandate_pdf, name="consent_mandate_pdf"),
    path("personnes/<int:pk>/partages/", sharing.person_sharing, name="person_sharing"),
    path("personnes/<int:pk>/droit-d-acces/", sharing.person_access, name="person_access"),
    path("personnes/<int:pk>/droit-d-acces.pdf", sharing.person_access_pdf, name="person_access_pdf"),
]
