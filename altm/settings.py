"""Settings for the ALTM application, read from environment variables.

Defaults let a fresh checkout run (SQLite file, development profile). ``ALTM_ENV=production`` turns on
every ``check --deploy`` setting and refuses to start with a default secret key or DEBUG on.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir true ou false, pas {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier, pas {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = env_str("ALTM_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = "pytest" in sys.modules or env_bool("ALTM_TESTING")

DEFAULT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "altm.views.csrf_failure"  # JSON for the JSON API, Django's page otherwise
DEMO_MODE = env_bool("ALTM_DEMO", default=not PRODUCTION)

if PRODUCTION:
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "ALTM_ENV=production exige une variable SECRET_KEY propre (50 caractères au moins)."
        )
    if DEBUG:
        raise ImproperlyConfigured("ALTM_ENV=production refuse DEBUG=true.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALTM_ENV=production exige ALLOWED_HOSTS.")
    if not env_bool("ALTM_TWO_FACTOR", True):
        raise ImproperlyConfigured("ALTM_ENV=production refuse ALTM_TWO_FACTOR=false.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time backup codes of directors and administrators
    "csp",
    "django_filters",
    "django_tasks",
    "django_tasks_db",  # the queue's table: background jobs need no broker (SQLite or PostgreSQL)
    "altm",
    "accounts",
    "mediation",
    "partners",
    "reporting",
    "demo",  # top floor: demo data may import every app, no app imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.sessions.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "altm.outbox.OutboxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "altm.urls"
WSGI_APPLICATION = "altm.wsgi.application"
ASGI_APPLICATION = "altm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "altm.context_processors.navigation",
                "altm.context_processors.agency",
                "altm.context_processors.pwa",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection (django-axes): 5 failures lock the username + address pair for 15 minutes, and 20
# failures from one address across usernames (password spraying) lock the address (accounts/lockout.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
ALTM_ADDRESS_FAILURE_LIMIT = env_int("ALTM_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.lockout.AddressAwareHandler"
# Password-reset requests: at most 5 per address and 3 per e-mail an hour (counted in the cache).
ALTM_PASSWORD_RESET_LIMITS = (
    env_int("PASSWORD_RESET_PER_ADDRESS", 5),
    env_int("PASSWORD_RESET_PER_EMAIL", 3),
    60 * 60,
)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind nginx: the real client address is read from this header (e.g. HTTP_X_REAL_IP), only from these proxies.
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
ALTM_PROXY_IP_HEADER = env_str("ALTM_PROXY_IP_HEADER", "")
ALTM_TRUSTED_PROXIES = env_list("ALTM_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
AXES_VERBOSE = False

# Sessions end after 2 hours without activity.
# The default cache stays in each process (counters of the password-reset limits: see the README for a shared one
# in production). Charts need none: they are drawn from templates on every request (reporting/charts.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
# The idle deadline is pushed back at most every SESSION_REFRESH_SECONDS (accounts/sessions.py), not by a write on
# every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 5 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Directors and administrators confirm each login with a TOTP code (django-otp); see accounts/middleware.py.
# ALTM_TWO_FACTOR=false exists only for load tests on 127.0.0.1; production refuses it.
ALTM_TWO_FACTOR = env_bool("ALTM_TWO_FACTOR", True)
ALTM_TWO_FACTOR_ROLES = ["director", "admin"]


def otp_totp_issuer(device) -> str:
    """The name authenticator apps show next to the code: the agency's short name, as set in /admin/."""
    from altm.models import Agency  # settings are read before the apps load: no model import at the top

    return Agency.current().short_name


OTP_TOTP_ISSUER = otp_totp_issuer

# Content-Security-Policy (django-csp 4): only our own static files; no inline script, no inline style.
# Bootstrap's JS sets styles through the CSSOM, which style-src does not restrict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LANGUAGE_CODE = "fr"
# Only French until an English catalogue exists: without LocaleMiddleware an English browser still gets French
# dates and messages instead of a mix of both. Strings go through gettext, so a translation can follow.
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (the agency's logo). Keep this folder with the backups.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Field photos (technical reports): never served as files, only through views that check who may see them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(MEDIA_ROOT / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("ALTM_STATIC_MANIFEST", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Bump to make every phone drop its cached copies of the pages and static files (see altm/pwa.py).
ALTM_SW_VERSION = "1"
ALTM_SERVICE_WORKER = env_bool("ALTM_SERVICE_WORKER", default=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The file backend writes each message to a file in this folder (demos and checks: `make run` uses it).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent_emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ALTM <ne-pas-repondre@altm.invalid>")
# Absolute address of the application, for the links in e-mails (no request when the worker sends them).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# An e-mail that fails is tried again after these delays (seconds), then marked failed for the director.
# Sent e-mails are kept this many days (`send_pending_emails --prune`, nightly), then deleted.
ALTM_EMAIL_KEEP_DAYS = env_int("ALTM_EMAIL_KEEP_DAYS", 90)
ALTM_EMAIL_RETRY_DELAYS = [int(d) for d in env_list("ALTM_EMAIL_RETRY_DELAYS", ["60", "300", "1800", "7200", "43200"])]

# Background jobs (django-tasks, database backend: `make worker` / `manage.py db_worker` runs them).
# ALTM_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs them in the request (no worker).
TASKS = {
    "default": {
        "BACKEND": env_str("ALTM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Name of the agency until an administrator fills in its page in /admin/ (Agence).
AGENCY_NAME = env_str("AGENCY_NAME", "ALTM")

# Persons with no contact for this many days are anonymised by `apply_retention`.
RETENTION_DAYS = env_int("ALTM_RETENTION_DAYS", 2 * 365)

# Technical watch: a landlord's signed link (no account) works this many days after the e-mail that carried it;
# a report still pending this many days after it was made is recalled to its landlord, then again every as many days.
ALTM_LANDLORD_LINK_DAYS = env_int("ALTM_LANDLORD_LINK_DAYS", 60)
ALTM_TECHNICAL_REMINDER_DAYS = {
    "danger": env_int("ALTM_TECHNICAL_REMINDER_DAYS_DANGER", 7),
    "other": env_int("ALTM_TECHNICAL_REMINDER_DAYS_OTHER", 30),
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

if TESTING:
    # Fast hashing keeps the suite quick; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
