"""Fanfold settings: everything comes from the environment, with embedded defaults."""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("FANFOLD_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := env("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written once, readable by the owner only; every process then shares it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("FANFOLD_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_NAME = env("FANFOLD_SITE_NAME", "Fanfold")


def _served_site_url(host: str, port: str) -> str:
    """Where `make run` serves the archive (scripts/serve.sh reads the same HOST and PORT)."""
    host = host.strip() or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:  # every interface: this machine answers as localhost
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port.strip() or '8000'}"


# Links in emails (sent by the background worker, with no request to go by) start with this.
SITE_URL = (
    env("FANFOLD_SITE_URL") or _served_site_url(env("HOST", "127.0.0.1"), env("PORT", "8000"))
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "fanfold.core",
    "fanfold.accounts",
    "fanfold.tags",
    "fanfold.works",
    "fanfold.imports",
    "fanfold.feedback",
    "fanfold.bookmarks",
    "fanfold.stats",
    "fanfold.listings",
    "fanfold.reading",
    "fanfold.moderation",
    "fanfold.api",
    "fanfold.demo",
]

MIDDLEWARE = [
    # HEAD on the API answers as GET would, without the body.
    "fanfold.api.openapi.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Paths and query strings no database could look up get a clear 404 or 400, and such
    # cookies are dropped before the session looks them up.
    "fanfold.core.middleware.UnstorableTextMiddleware",
    # A write that waited too long for SQLite's lock gets a 503 with Retry-After, not a 500.
    "fanfold.core.middleware.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so that pages served from the cache count as hits too.
    "fanfold.stats.hits.HitCounterMiddleware",
    "fanfold.core.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fanfold.urls"
WSGI_APPLICATION = "fanfold.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fanfold.core.context_processors.site",
                "fanfold.feedback.context_processors.inbox",
            ],
            # {% url %} remembering the URLs it reversed (fanfold.core.urltag).
            "builtins": ["fanfold.core.urltag"],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

# How long (ms) a web request waits for SQLite's write lock before it gives up with a 503
# page saying to retry in a few seconds (fanfold.core.middleware); the background worker
# (`manage.py run_worker`) waits longer.
SQLITE_BUSY_MS = int(env("FANFOLD_SQLITE_BUSY_MS", "4000"))

if database_url := env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=600)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "fanfold.sqlite3"),
            # Reuse the connection (and its PRAGMAs) across requests of a worker.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    f"PRAGMA busy_timeout={SQLITE_BUSY_MS}; PRAGMA foreign_keys=ON;"
                ),
                "timeout": SQLITE_BUSY_MS / 1000,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES: dict[str, dict[str, Any]]
if redis_url := env("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
else:
    # Each web worker keeps its own, within this many megabytes (fanfold.core.cache).
    CACHES = {
        "default": {
            "BACKEND": "fanfold.core.cache.BoundedLocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": 5000,
                "MAX_BYTES": int(env("FANFOLD_LOCAL_CACHE_MB", "40")) * 2**20,
            },
        }
    }
# How long an anonymous reader's rendered page may be reused. A page of one work is made
# again at once when the work, its chapters or its comments change; the counts it shows
# (kudos, hits, bookmarks) may lag this long. 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(env("FANFOLD_PAGE_CACHE_SECONDS", "60"))
# How long the parts of a work's pages that every reader shares (its header, a chapter's
# text and navigation) may be kept; they are made again at once when the work changes
# through the archive (a change made in the database by hand shows when they expire).
# 0 makes them for every request.
FANFOLD_FRAGMENT_SECONDS = int(env("FANFOLD_FRAGMENT_SECONDS", "3600"))
# Listings (home, tag pages, a creator's works) may lag this long behind a new or edited work.
FANFOLD_LISTING_SECONDS = int(env("FANFOLD_LISTING_SECONDS", "5"))
# Hits are buffered (a spool file in the data folder, or Redis) and imported by a background
# job at most this many seconds after they happen (queued by the worker supervisor);
# FANFOLD_COUNT_HITS=0 stops counting hits (logged-in readers' history is still recorded).
FANFOLD_COUNT_HITS = env_bool("FANFOLD_COUNT_HITS", True)
FANFOLD_HITS_FLUSH_SECONDS = int(env("FANFOLD_HITS_FLUSH_SECONDS", "60"))

TASKS = {"default": {"BACKEND": env("FANFOLD_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Jobs `manage.py run_worker` queues on a timer (dotted path: seconds between runs). With
# FANFOLD_HITS_FLUSH_SECONDS=0 every view queues a flush itself instead (a write per view:
# for trying things out, never for a busy archive).
FANFOLD_PERIODIC_TASKS = (
    {"fanfold.stats.tasks.hits_flush_task": FANFOLD_HITS_FLUSH_SECONDS}
    if FANFOLD_HITS_FLUSH_SECONDS
    else {}
)

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("FANFOLD_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "fanfold.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Email goes to the console unless EMAIL_HOST names an SMTP server.
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    # Printed as readable UTF-8 (links can be copied), not quoted-printable.
    MAILERS = {"default": {"BACKEND": "fanfold.core.mail.ConsoleEmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Fanfold <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("FANFOLD_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# A 500,000-character chapter in a non-Latin script is several megabytes once form-encoded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Imported works belong to this account until their authors claim them.
FANFOLD_ARCHIVIST = env("FANFOLD_ARCHIVIST", "archivist")


def _rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit written as "COUNT/SECONDS", e.g. "10/300"."""
    count, _, seconds = env(name, default).partition("/")
    return max(1, int(count)), max(1, int(seconds or 60))


# Reverse proxies (Caddy, nginx) whose X-Forwarded-For names the real reader.
FANFOLD_TRUSTED_PROXIES = frozenset(
    p.strip() for p in env("FANFOLD_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()
)

# What one user or one IP address may post before a 429 page says when to retry.
FANFOLD_COMMENT_RATE = _rate("FANFOLD_COMMENT_RATE", "10/300")
FANFOLD_KUDOS_RATE = _rate("FANFOLD_KUDOS_RATE", "30/300")
FANFOLD_REPORT_RATE = _rate("FANFOLD_REPORT_RATE", "5/3600")
FANFOLD_IMPORT_MAX_BYTES = int(env("FANFOLD_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

# Bench-only trivial view, never on by default.
FANFOLD_BENCH_VIEWS = env_bool("FANFOLD_BENCH_VIEWS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
