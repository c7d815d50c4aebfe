"""Espace Famille settings: one module, configured by environment variables (see README)."""

from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from espace_famille.env import env_bool, env_choice, env_int, env_list, env_str
from espace_famille.project_apps import PROJECT_APPS

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# No environment switch weakens these settings for tests: the suite runs on tests/settings.py.

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Public address of the portal, for links in emails sent outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Core first: its templates (allauth overrides) win over the libraries'.
    *PROJECT_APPS,
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "espace_famille.third_party_apps.SecondFactorConfig",  # allauth.mfa
    "csp",
    "django_tasks",
    "espace_famille.third_party_apps.BackgroundTasksConfig",  # django_tasks_db
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "espace_famille.middleware.ChosenLanguageMiddleware",
    "espace_famille.middleware.ServiceUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    "espace_famille.admin_access.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "espace_famille.urls"
FORM_RENDERER = "espace_famille.forms.PortalFormRenderer"
WSGI_APPLICATION = "espace_famille.wsgi.application"

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
                "django.template.context_processors.i18n",
                "espace_famille.context_processors.structure",
            ],
        },
    },
]

# Database: SQLite file in the project by default, PostgreSQL (or any) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several app server workers write to one file: a write transaction takes SQLite's write
    # lock at its start (BEGIN IMMEDIATE) and waits for it up to SQLITE_BUSY_TIMEOUT seconds, so
    # concurrent bookings and payments run one after the other instead of failing with
    # "database is locked"; the WAL journal lets pages be read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "espace_famille.User"
AUTHENTICATION_BACKENDS = ["espace_famille.backends.FamilyAwareAuthenticationBackend"]
PASSWORD_HASHERS = [
    "espace_famille.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): login by email, no sign-up, invitations are password-set links.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "espace_famille.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "espace_famille.tokens.InvitationAwareTokenGenerator"  # noqa: S105
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# An invitation link is valid this many days; a "mot de passe oublié" link for an account that
# already has a password stays valid PASSWORD_RESET_LINK_HOURS hours.
INVITATION_VALIDITY_DAYS = env_int("INVITATION_VALIDITY_DAYS", 7)
PASSWORD_RESET_LINK_HOURS = env_int("PASSWORD_RESET_LINK_HOURS", 24)
PASSWORD_RESET_TIMEOUT = max(INVITATION_VALIDITY_DAYS * 86400, PASSWORD_RESET_LINK_HOURS * 3600)
# Failed logins are counted per login *and* address (the key, see AccountAdapter), so an attacker
# elsewhere cannot lock a parent out while brute force from one address stays blocked; per
# address alone only a generous budget against password spraying. Successful logins are never
# limited: a registration rush from one shared address (mobile CGNAT, a town hall's kiosk) is
# served.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "60/m/ip,5/5m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Espace Famille")
# Staff reach the admin only after a TOTP code (espace_famille/admin_access.py); a structure
# that cannot may set STAFF_REQUIRE_TOTP=0.
STAFF_REQUIRE_TOTP = env_bool("STAFF_REQUIRE_TOTP", default=not DEBUG)

# Sessions and the rate-limit counters of allauth live in a shared store in production.
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache"
        if env_str("CACHE", "db") == "db"
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "espace_famille_cache",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Several app servers: with REDIS_URL the cache (allauth's rate-limit counters included) is
# Django's Redis backend, shared by every server. Sessions stay in the database (see
# docs/deploy.md): a Redis restart must not log every parent out in the middle of a rush.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "espace_famille"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }

# Internationalisation: French first, English kept up to date.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# Static and media files.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "local", ("local", "s3"))
if MEDIA_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # Private: files are served only by views that check the family (no MEDIA_URL route).
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: console by default, EMAIL_URL (smtp://user:pass@host:587/?tls=True) in production.
_email_url = env_str("EMAIL_URL")
if _email_url:
    _email = dj_email_url.parse(_email_url)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]  # file:////var/mail/espace-famille (tests)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Espace Famille <noreply@espace-famille.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (emails, PDF rendering): run in-process at once by default; with
# TASKS_BACKEND=database they queue in the database for `manage.py db_worker` processes.
TASKS_BACKEND = env_choice("TASKS_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Uploads (Mes documents, Contact): size limits in bytes.
CONTACT_ATTACHMENT_MAX_BYTES = env_int("CONTACT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
DOCUMENTS_MAX_UPLOAD_MB = env_int("DOCUMENTS_MAX_UPLOAD_MB", 10)
# Pixels of one photo, and of all the photos of one upload, read from their headers before any
# decoding (about 4 bytes a pixel once decoded). 40 Mpx covers phone photos (12 to 24 Mpx) and
# A4 scans at 600 dpi (35 Mpx); 120 Mpx is ten 12-Mpx photos.
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 40_000_000)
UPLOAD_MAX_REQUEST_PIXELS = env_int("UPLOAD_MAX_REQUEST_PIXELS", 120_000_000)
# Per family and per hour (counters in the default cache, like allauth's): documents sent, and
# messages to the structure (each one emails the staff).
DOCUMENTS_UPLOADS_PER_HOUR = env_int("DOCUMENTS_UPLOADS_PER_HOUR", 30)
CONTACT_MESSAGES_PER_HOUR = env_int("CONTACT_MESSAGES_PER_HOUR", 10)

# Payments (Mes factures). Empty: no online payment, Mes factures says how else to pay.
# Never the sandbox by default in production: it lets a parent settle invoices without paying.
# Public holidays of notice periods and closed days (reservations/holidays.py): metropolitan
# France, or with Alsace-Moselle's Good Friday and 26 December.
PUBLIC_HOLIDAYS = env_choice("PUBLIC_HOLIDAYS", "france", ("france", "alsace-moselle"))
# Justified absences (reservations/absences): how many days after a booked day its absence can
# still be declared (from the day after the cancellation deadline).
ABSENCE_DECLARATION_DAYS = env_int("ABSENCE_DECLARATION_DAYS", 7)

PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "sandbox" if DEBUG else "")
if PAYMENT_PROVIDER not in ("", "sandbox", "stripe", "payfip", "systempay"):
    raise ImproperlyConfigured(
        f"PAYMENT_PROVIDER must be stripe, payfip, systempay, sandbox or empty (no online "
        f"payment), "
        f"not {PAYMENT_PROVIDER!r}"
    )
ALLOW_SANDBOX_PAYMENTS = env_bool("ALLOW_SANDBOX_PAYMENTS", default=False)
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Stripe's API address; empty: Stripe's own. Only the tests point it at a local stub.
STRIPE_API_BASE = ""
if PAYMENT_PROVIDER == "sandbox" and not (DEBUG or ALLOW_SANDBOX_PAYMENTS):
    raise ImproperlyConfigured(
        "PAYMENT_PROVIDER=sandbox lets parents mark invoices paid without paying: use it with "
        "DEBUG, or set ALLOW_SANDBOX_PAYMENTS=1 on a demonstration server."
    )
if PAYMENT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET."
    )
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
# Seconds before a call to Stripe gives up (the parent waits for it; Stripe's own default is 80).
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 10)
# An invoice whose payment started less than this many minutes ago cannot be ticked again.
PAYMENT_LOCK_MINUTES = env_int("PAYMENT_LOCK_MINUTES", 15)
# Signs the sandbox provider's notifications; derived from SECRET_KEY when empty.
SANDBOX_PAYMENT_SECRET = env_str("SANDBOX_PAYMENT_SECRET")
# PayFiP and SystemPay/PayZen through eopayment (factures/payments/gateways.py). Their options
# come from the admin ("Moyens de paiement en ligne", enabled row) or else from these variables.
PAYFIP_NUMCLI = env_str("PAYFIP_NUMCLI")
PAYFIP_MODE = env_str("PAYFIP_MODE", "test")  # test, activation or production
# Empty: the official addresses (the web service of eopayment's WSDL, PayFiP's payment page).
PAYFIP_SOAP_URL = env_str("PAYFIP_SOAP_URL")
PAYFIP_PAYMENT_URL = env_str("PAYFIP_PAYMENT_URL")
SYSTEMPAY_SITE_ID = env_str("SYSTEMPAY_SITE_ID")
SYSTEMPAY_MODE = env_str("SYSTEMPAY_MODE", "test")  # test or production
SYSTEMPAY_KEY_TEST = env_str("SYSTEMPAY_KEY_TEST")
SYSTEMPAY_KEY_PRODUCTION = env_str("SYSTEMPAY_KEY_PRODUCTION")
SYSTEMPAY_SIGNATURE_ALGO = env_str("SYSTEMPAY_SIGNATURE_ALGO", "hmac_sha256")  # or sha1
SYSTEMPAY_SERVICE_URL = env_str("SYSTEMPAY_SERVICE_URL")
# Seconds before a call to PayFiP's web service gives up (the parent waits for it).
EOPAYMENT_TIMEOUT_SECONDS = env_int("EOPAYMENT_TIMEOUT_SECONDS", 10)

# SEPA direct debit (factures/sepa). Offered to parents once the creditor identifier (ICS) and
# the account the debits are paid into are set; the identity is checked by `manage.py check`.
SEPA_CREDITOR_ID = env_str("SEPA_CREDITOR_ID")
SEPA_CREDITOR_NAME = env_str("SEPA_CREDITOR_NAME")  # empty: the structure's name
SEPA_CREDITOR_IBAN = env_str("SEPA_CREDITOR_IBAN")
SEPA_CREDITOR_BIC = env_str("SEPA_CREDITOR_BIC")
# Day of the month invoices are debited on (the month's last day when shorter).
SEPA_DEBIT_DAY = env_int("SEPA_DEBIT_DAY", 10)
if not 1 <= SEPA_DEBIT_DAY <= 31:
    raise ImproperlyConfigured(f"SEPA_DEBIT_DAY must be a day of the month, not {SEPA_DEBIT_DAY}")
# Families are told of each debit at least this many days before it (the legal 14 by default).
SEPA_PRENOTIFICATION_DAYS = env_int("SEPA_PRENOTIFICATION_DAYS", 14)
# A mandate is suspended after this many collections rejected by the family's bank.
SEPA_MAX_REJECTS = env_int("SEPA_MAX_REJECTS", 2)

# Personal data (RGPD): how long each kind of data is kept, shown on the "Données personnelles"
# page. French defaults: login history 1 year, conversations 2 years after their last message,
# a departed household's records and documents 1 year after it leaves, accounts of households
# with no activity 3 years, accounting (invoices, payments and their audit rows) 10 years.
RETENTION_LOGIN_HISTORY_DAYS = env_int("RETENTION_LOGIN_HISTORY_DAYS", 365)
RETENTION_MESSAGES_YEARS = env_int("RETENTION_MESSAGES_YEARS", 2)
RETENTION_DEPARTED_FAMILY_YEARS = env_int("RETENTION_DEPARTED_FAMILY_YEARS", 1)
# Identity, health and income documents go sooner: 3 months after the household leaves.
RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS = env_int("RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS", 90)
RETENTION_INACTIVE_ACCOUNT_YEARS = env_int("RETENTION_INACTIVE_ACCOUNT_YEARS", 3)
RETENTION_ACCOUNTING_YEARS = env_int("RETENTION_ACCOUNTING_YEARS", 10)
# Mes données: downloads of the household's ZIP a family may make per hour (each one reads
# every file of the household).
MY_DATA_EXPORTS_PER_HOUR = env_int("MY_DATA_EXPORTS_PER_HOUR", 5)
# The ZIP is prepared in the background and its emailed link works this many days; the stored
# file is then erased by `manage.py retention`.
MY_DATA_LINK_DAYS = env_int("MY_DATA_LINK_DAYS", 7)
# Flash messages ride in the session: no cookie other than session, CSRF and language is set.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security: HTTPS everywhere in production; `manage.py check --deploy` is clean with these.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client's address is the one the proxies in front of us add to X-Forwarded-For:
    # allauth's rate limits and the audit log both read it through allauth.
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
# Load balancers check /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}
if PAYMENT_PROVIDER == "stripe":
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("https://checkout.stripe.com")

# Optional error reporting (Sentry or a compatible service such as GlitchTip): no personal
# data leaves the server (espace_famille/observability.py scrubs every event).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from espace_famille.observability import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# Error reports show no value a visitor sent, no local variable, no user name (outside DEBUG).
DEFAULT_EXCEPTION_REPORTER = "espace_famille.logs.PrivateExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "espace_famille.logs.PrivateReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No email address or IBAN in a written log line (espace_famille/logs.py).
    "filters": {"private": {"()": "espace_famille.logs.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["private"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
# Registration campaigns: the postal codes of the town, for the priority rule "Habitant de la
# commune" (reservations/campaigns/priorities.py).
RESIDENT_POSTAL_CODES = env_list("RESIDENT_POSTAL_CODES", [])
