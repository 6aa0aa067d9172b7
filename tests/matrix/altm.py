from altm.context_processors import navigation_for
from tests.matrix import ROLES, Route, expect


def audited_site(world):
    from altm.audit import log_change
    from altm.models import AuditAction

    entry = log_change(actor=world.director, instance=world.site_a, action=AuditAction.CREATE)
    return {"content_type_id": entry.content_type_id, "object_id": entry.object_id}


def failed_email(world):
    from altm.models import EmailStatus, OutgoingEmail

    email = OutgoingEmail.objects.create(
        to="x@exemple.fr",
        subject="Essai",
        kind="account",
        reason="Essai",
        body_text="Essai",
        status=EmailStatus.FAILED,
    )
    return {"pk": email.pk}


def home_expectations(world):
    return {role: 302 if role == "anonymous" or navigation_for(world.user(role)) else 200 for role in ROLES}


ROUTES = [
    # Every role is sent to the first page of its navigation (a role without pages sees "à venir").
    Route("home", lambda world: home_expectations(world)),
    Route("login", expect(default=302, anonymous=200)),  # logged-in users are sent home
    Route("logout", expect(default=302, anonymous=302), method="post"),
    Route("password_change", expect(default=200)),
    Route("password_change_done", expect(default=200)),
    Route("password_reset", expect(default=200, anonymous=200)),
    Route("password_reset_done", expect(default=200, anonymous=200)),
    Route(
        "password_reset_confirm",
        expect(default=200, anonymous=200),
        kwargs=lambda world: {"uidb64": "MQ", "token": "jeton-invalide"},
    ),
    Route("password_reset_complete", expect(default=200, anonymous=200)),
    # The audit trail is for the direction only.
    Route("altm:audit_list", expect(director=200)),
    Route("altm:audit_object", expect(director=200), kwargs=audited_site),
    # Everyone chooses their own e-mails; failed deliveries are for the direction and administrators.
    Route("notifications:settings", expect(default=200)),
    Route("notifications:failed", expect(director=200, admin=200)),
    Route("notifications:retry", expect(director=302, admin=302), kwargs=failed_email, method="post"),
]
