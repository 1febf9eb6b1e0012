"""Django settings for Qiao, read from environment variables (12-factor).

Every variable is documented in docs/configuration.md. The defaults are the embedded laptop
profile: SQLite in WAL mode, media on the local disk, an in-process task worker and a
local-memory cache. Setting DATABASE_URL, REDIS_URL, CELERY_BROKER_URL or MEDIA_STORAGE moves
each part onto its distributed service with no code change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from qiao.core.env import env_bool, env_int, env_list, env_str
from qiao.core.logging import log_format

BASE_DIR = Path(__file__).resolve().parent
#: Where the embedded profile keeps its database and media (override with QIAO_HOME).
QIAO_HOME = Path(env_str("QIAO_HOME", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("QIAO_DEBUG", False)
SECRET_KEY = env_str("QIAO_SECRET_KEY", "")
if not SECRET_KEY:
    # A per-installation key kept next to the database, so sessions survive restarts
    # without anyone having to invent a secret for the laptop profile.
    from qiao.core.env import load_or_create_secret

    SECRET_KEY = load_or_create_secret(QIAO_HOME / "secret_key")

ALLOWED_HOSTS = env_list("QIAO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("QIAO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "js_lib_htmx",
    "django_tasks",
    "qiao.core",
    "qiao.accounts",
    "qiao.notes",
    "qiao.social",
    "qiao.events",
    "qiao.translation",
    "qiao.search",
    "qiao.names",
    "qiao.creators",
    "qiao.feed",
    "qiao.fixes",
    "qiao.moderation",
    "qiao.messages",
    "qiao.web",
    "qiao.ops",
]

MIDDLEWARE = [
    "qiao.ops.middleware.RequestContextMiddleware",
    "qiao.ops.middleware.ApiErrorsMiddleware",
    "qiao.ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qiao.ops.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qiao.ops.middleware.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qiao.ops.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "qiao.urls"
WSGI_APPLICATION = "qiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, anything dj-database-url understands by DATABASE_URL.
_db_url = env_str("DATABASE_URL", "")
if _db_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _db_url,
            conn_max_age=env_int("QIAO_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _timeout_ms = env_int("QIAO_DB_STATEMENT_TIMEOUT_MS", 15000)
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={_timeout_ms}"
        )
        DATABASES["default"]["OPTIONS"]["connect_timeout"] = env_int("QIAO_DB_CONNECT_TIMEOUT", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(QIAO_HOME / "qiao.sqlite3"),
            # A file, not memory, so tests with threads see one database with real locking.
            "TEST": {"NAME": str(QIAO_HOME / "test.sqlite3")},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory by default, Redis by REDIS_URL.
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Cursor pages must find the list their first page ranked whichever worker process
        # answers; local memory is per process (and keeps only 300 entries), so on the
        # embedded profile the lists live in a table of the database (created by the feed
        # app's migration). With Redis they live in Redis.
        "feed": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qiao_feed_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
        },
    }

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
#: Every sign-in — the site, the API and the admin — goes through the throttled backend.
AUTHENTICATION_BACKENDS = ["qiao.accounts.backends.ThrottledModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# --- i18n: English and Simplified Chinese, each shown by its own name.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
#: Languages a user can say they read (content languages, not UI languages).
QIAO_CONTENT_LANGUAGES = env_list("QIAO_CONTENT_LANGUAGES", ["zh", "en"])

# --- Static and media
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("QIAO_STATIC_ROOT", str(QIAO_HOME / "static")))
MEDIA_URL = env_str("QIAO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("QIAO_MEDIA_ROOT", str(QIAO_HOME / "media")))
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
_s3_options: dict[str, object] = {
    "bucket_name": env_str("S3_BUCKET", "qiao-media"),
    "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
    "access_key": env_str("S3_ACCESS_KEY_ID", ""),
    "secret_key": env_str("S3_SECRET_ACCESS_KEY", ""),
    "region_name": env_str("S3_REGION", "us-east-1"),
    "default_acl": None,
    "file_overwrite": False,
}
if MEDIA_STORAGE == "s3":
    _media_backend: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "custom_domain": env_str("S3_CUSTOM_DOMAIN", "") or None,
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", False),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    #: Photos sent in direct messages are never at a public URL: on S3 they live under
    #: "private/" in the same bucket and are handed out as short-lived signed URLs ...
    _private_backend: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "location": "private",
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "object_parameters": {"CacheControl": "private, max-age=300"},
        },
    }
    #: Video uploads as received, kept until their renditions exist: never served (they
    #: still carry the phone's metadata), so not in the public media storage.
    _sources_backend: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "location": "private/video-sources",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
            "object_parameters": {},
        },
    }
else:
    _media_backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # ... and on the local disk outside MEDIA_ROOT, served only by the permission-checked
    # view (the embedded profile serves MEDIA_ROOT to anyone).
    _private_backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(QIAO_HOME / "private-media"),
            "base_url": "/private-media-is-not-served/",
        },
    }
    _sources_backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(QIAO_HOME / "video-sources")},
    }
STORAGES = {
    "default": _media_backend,
    "private": _private_backend,
    "video_sources": _sources_backend,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

#: Largest upload accepted, per image (bytes).
QIAO_MAX_UPLOAD_BYTES = env_int("QIAO_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
#: Largest decoded image accepted (pixels), the decompression-bomb guard.
QIAO_MAX_IMAGE_PIXELS = env_int("QIAO_MAX_IMAGE_PIXELS", 50_000_000)
#: Pixels one post may make the server decode, summed over its photos (nine 24-Mpx phone
#: photos fit; nine 7000x7000 images do not, and are refused before any decoding).
QIAO_MAX_REQUEST_PIXELS = env_int("QIAO_MAX_REQUEST_PIXELS", 240_000_000)
#: Largest request body accepted from a signed-in member (nine photos at the upload limit
#: and the form), refused before it is read; the proxy in front should say the same
#: (nginx `client_max_body_size`, docs/deploy.md).
QIAO_MAX_REQUEST_BYTES = env_int("QIAO_MAX_REQUEST_BYTES", 9 * 20 * 1024 * 1024 + 2 * 1024 * 1024)
#: Largest body accepted without credentials (sign-up and log-in forms are tiny).
QIAO_MAX_ANONYMOUS_BODY_BYTES = env_int("QIAO_MAX_ANONYMOUS_BODY_BYTES", 64 * 1024)
#: Widths produced for every image (WebP + JPEG each).
QIAO_IMAGE_WIDTHS = [int(w) for w in env_list("QIAO_IMAGE_WIDTHS", ["320", "640", "1080"])]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- Video notes (docs/media.md, "The platform's part").
#: Longest clip accepted (seconds) and largest upload (bytes).
QIAO_VIDEO_MAX_SECONDS = env_int("QIAO_VIDEO_MAX_SECONDS", 180)
QIAO_VIDEO_MAX_BYTES = env_int("QIAO_VIDEO_MAX_BYTES", 1024 * 1024 * 1024)
#: x264 preset of the renditions (speed against size; docs/media.md has the costs).
QIAO_VIDEO_PRESET = env_str("QIAO_VIDEO_PRESET", "veryfast")
#: Threads each transcode uses (decode and every encoder).
QIAO_VIDEO_THREADS = env_int("QIAO_VIDEO_THREADS", 2)
#: Where resumable uploads are assembled before a note takes them (one file system shared
#: by the web processes that take the chunks), and where workers transcode.
QIAO_VIDEO_UPLOAD_DIR = Path(env_str("QIAO_VIDEO_UPLOAD_DIR", str(QIAO_HOME / "uploads")))
QIAO_VIDEO_WORK_DIR = Path(env_str("QIAO_VIDEO_WORK_DIR", str(QIAO_HOME / "transcode")))
#: Largest chunk of a resumable upload (bytes) and the size clients are told to send.
QIAO_VIDEO_CHUNK_BYTES = env_int("QIAO_VIDEO_CHUNK_BYTES", 16 * 1024 * 1024)
QIAO_VIDEO_CHUNK_SUGGESTED = env_int("QIAO_VIDEO_CHUNK_SUGGESTED", 2 * 1024 * 1024)
#: Bytes of unfinished or unused uploads one member may hold, and for how long (seconds) an
#: upload nobody touches or uses is kept.
QIAO_VIDEO_UPLOAD_QUOTA_BYTES = env_int("QIAO_VIDEO_UPLOAD_QUOTA_BYTES", 2 * 1024 * 1024 * 1024)
QIAO_VIDEO_UPLOAD_EXPIRY = env_int("QIAO_VIDEO_UPLOAD_EXPIRY", 24 * 3600)
#: Attempts at transcoding one clip (worker deaths and storage errors) before it fails.
QIAO_VIDEO_MAX_ATTEMPTS = env_int("QIAO_VIDEO_MAX_ATTEMPTS", 5)
#: A worker transcoding a clip holds it for this long and renews the hold every third of it;
#: a second delivery of the task waits (retries) until the hold lapses (its worker died).
QIAO_VIDEO_LEASE_SECONDS = env_int("QIAO_VIDEO_LEASE_SECONDS", 120)
#: Celery time limit of a video task (seconds); the engine's own limit for a 3-minute clip
#: is 60 + 8 x 180 s.
QIAO_VIDEO_TASK_TIME_LIMIT = env_int("QIAO_VIDEO_TASK_TIME_LIMIT", 1800)
#: Automatic captions: "auto" (a local model if one is installed, else off), "local",
#: "openai" (an OpenAI-compatible /v1/audio/transcriptions server) or "off".
QIAO_TRANSCRIBE_ENGINE = env_str("QIAO_TRANSCRIBE_ENGINE", "auto")
QIAO_TRANSCRIBE_URL = env_str("QIAO_TRANSCRIBE_URL", "")
QIAO_TRANSCRIBE_MODEL = env_str("QIAO_TRANSCRIBE_MODEL", "whisper-1")
QIAO_TRANSCRIBE_API_KEY = env_str("QIAO_TRANSCRIBE_API_KEY", "")
QIAO_TRANSCRIBE_TIMEOUT = float(env_str("QIAO_TRANSCRIBE_TIMEOUT", "300"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Background tasks: one interface (Django's tasks API), in-process worker by default.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
QIAO_TASK_BACKEND = env_str(
    "QIAO_TASK_BACKEND",
    "qiao.ops.tasks_backend.CeleryBackend"
    if CELERY_BROKER_URL
    else "qiao.ops.tasks_backend.ThreadBackend",
)
TASKS = {"default": {"BACKEND": QIAO_TASK_BACKEND, "QUEUES": []}}

# --- Production profile: Redis timeouts and sessions, Celery, metrics (docs/configuration.md).
#: Seconds to wait for Redis to accept a connection / answer, so a dead Redis fails fast.
QIAO_REDIS_CONNECT_TIMEOUT = float(env_str("QIAO_REDIS_CONNECT_TIMEOUT", "0.5"))
QIAO_REDIS_SOCKET_TIMEOUT = float(env_str("QIAO_REDIS_SOCKET_TIMEOUT", "1.0"))
if REDIS_URL:
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": QIAO_REDIS_CONNECT_TIMEOUT,
        "socket_timeout": QIAO_REDIS_SOCKET_TIMEOUT,
        "retry_on_timeout": False,
    }
    # Sessions read from Redis and fall back to the database when Redis is down.
    SESSION_ENGINE = "qiao.ops.sessions"
#: The cache alias for the feed's per-user candidate lists.
QIAO_FEED_CACHE_ALIAS = env_str("QIAO_FEED_CACHE_ALIAS", "default" if REDIS_URL else "feed")
QIAO_CELERY_VISIBILITY_TIMEOUT = env_int("QIAO_CELERY_VISIBILITY_TIMEOUT", 900)
QIAO_CELERY_TASK_TIME_LIMIT = env_int("QIAO_CELERY_TASK_TIME_LIMIT", 600)
QIAO_CELERY_MAX_RETRIES = env_int("QIAO_CELERY_MAX_RETRIES", 6)
QIAO_CELERY_MAX_TASKS_PER_CHILD = env_int("QIAO_CELERY_MAX_TASKS_PER_CHILD", 1000)
#: A web or task worker process whose resident memory passes this (MiB) is replaced once
#: it has finished its current work (0: never).
QIAO_WORKER_MAX_MEMORY_MB = env_int("QIAO_WORKER_MAX_MEMORY_MB", 1024)
#: Periodic jobs run by `qiao beat` (a missing function is skipped quietly).
QIAO_RECOMMEND_TRAIN_FUNCTION = env_str(
    "QIAO_RECOMMEND_TRAIN_FUNCTION", "qiao.feed.training.train_periodic"
)
QIAO_RECOMMEND_TRAIN_EVERY = env_int("QIAO_RECOMMEND_TRAIN_EVERY", 6 * 3600)
#: The neural sequential model (a NumPy SASRec) is trained with the rest, stopping after this
#: many seconds with its best weights; 0 or QIAO_RECOMMEND_NEURAL=0 leaves it out.
QIAO_RECOMMEND_NEURAL = env_bool("QIAO_RECOMMEND_NEURAL", True)
QIAO_RECOMMEND_NEURAL_SECONDS = env_int("QIAO_RECOMMEND_NEURAL_SECONDS", 120)
QIAO_REPAIR_EVERY = env_int("QIAO_REPAIR_EVERY", 300)
QIAO_REPAIR_AFTER = env_int("QIAO_REPAIR_AFTER", 120)
#: /metrics answers 127.0.0.1, or anyone with `Authorization: Bearer <this token>`.
QIAO_METRICS_TOKEN = env_str("QIAO_METRICS_TOKEN", "")

# --- Translation (docs/translation.md). Engines are tried in order; models live on disk.
QIAO_MODELS_DIR = Path(env_str("QIAO_MODELS_DIR", str(QIAO_HOME / "models")))
QIAO_TRANSLATE_ENGINES = env_list(
    "QIAO_TRANSLATE_ENGINES", ["bergamot", "ctranslate2", "libretranslate", "openai"]
)
QIAO_TRANSLATE_TIMEOUT = float(env_str("QIAO_TRANSLATE_TIMEOUT", "20"))
QIAO_TRANSLATE_THREADS = env_int("QIAO_TRANSLATE_THREADS", 2)
QIAO_LIBRETRANSLATE_URL = env_str("QIAO_LIBRETRANSLATE_URL", "")
QIAO_LIBRETRANSLATE_API_KEY = env_str("QIAO_LIBRETRANSLATE_API_KEY", "")
QIAO_TRANSLATE_OPENAI_URL = env_str("QIAO_TRANSLATE_OPENAI_URL", "")
QIAO_TRANSLATE_OPENAI_MODEL = env_str("QIAO_TRANSLATE_OPENAI_MODEL", "")
QIAO_TRANSLATE_OPENAI_API_KEY = env_str("QIAO_TRANSLATE_OPENAI_API_KEY", "")
#: Short-text translations (comments, bios) unused this long are evicted, and the least
#: recently used beyond the row cap.
QIAO_TRANSLATION_CACHE_DAYS = env_int("QIAO_TRANSLATION_CACHE_DAYS", 90)
QIAO_TRANSLATION_CACHE_MAX_ROWS = env_int("QIAO_TRANSLATION_CACHE_MAX_ROWS", 500_000)
#: `qiao serve` installs missing translation models in the background when it can.
QIAO_TRANSLATE_AUTO_INSTALL = env_bool("QIAO_TRANSLATE_AUTO_INSTALL", True)

# --- Direct messages and live delivery (docs/messages.md)
#: Seconds after sending during which a message can be unsent for everyone.
QIAO_DM_UNSEND_SECONDS = env_int("QIAO_DM_UNSEND_SECONDS", 600)
#: Messages someone may send before the recipient accepts their message request.
QIAO_DM_REQUEST_MESSAGES = env_int("QIAO_DM_REQUEST_MESSAGES", 5)
#: Days the per-member live event log is kept (a client away longer reloads).
QIAO_LIVE_EVENT_DAYS = env_int("QIAO_LIVE_EVENT_DAYS", 7)
#: Seconds between keep-alive comments on an open stream (proxies close idle connections).
QIAO_LIVE_HEARTBEAT = env_int("QIAO_LIVE_HEARTBEAT", 15)
#: Seconds a stream stays open before the server ends it (the client resumes at once);
#: bounds how long a draining worker waits.
QIAO_LIVE_MAX_SECONDS = env_int("QIAO_LIVE_MAX_SECONDS", 300)
#: Seconds between checks of the open streams' event logs, which deliver anything whose
#: publish was lost (Redis down for a moment, or several embedded worker processes).
QIAO_LIVE_SWEEP_SECONDS = float(env_str("QIAO_LIVE_SWEEP_SECONDS", "5"))
#: Redis for the live bus (default: REDIS_URL; empty: in-process).
QIAO_LIVE_REDIS_URL = env_str("QIAO_LIVE_REDIS_URL", "")

# --- Moderation: distinct reporters that hide a note until a moderator reviews it.
#: Reports from members with standing needed to hide a note until a moderator looks: each
#: established account counts 1, a younger one (under a month) 0.5, a brand-new or inactive
#: one 0, and accounts following one another count once (moderation/services.py).
QIAO_AUTO_HIDE_WEIGHT = float(env_str("QIAO_AUTO_HIDE_WEIGHT", "3"))
#: Accounts younger than this many days do not count towards hiding anything.
QIAO_REPORT_MIN_AGE_DAYS = env_int("QIAO_REPORT_MIN_AGE_DAYS", 7)

# --- Recommender
#: Days of engagement events a training run learns from.
QIAO_RECOMMEND_TRAIN_DAYS = env_int("QIAO_RECOMMEND_TRAIN_DAYS", 90)
#: At most this many notes of one topic in any 10 of the "For you" feed. 4 buys about one
#: more topic a page for ~10% precision; 5 bought nothing measurable (docs/recommender.md).
QIAO_FEED_MAX_PER_TOPIC = env_int("QIAO_FEED_MAX_PER_TOPIC", 7)
#: Share of a page in the reader's other reading languages ("cross-cultural" exposure).
QIAO_FEED_CROSS_LANGUAGE_SHARE = float(os.environ.get("QIAO_FEED_CROSS_LANGUAGE_SHARE", "0.2"))
#: Content similarity across languages: Chinese topics and words also count as their English
#: CC-CEDICT glosses when the recommender is trained (猫 notes are like "cat" notes).
QIAO_FEED_CROSS_LANGUAGE_CONTENT = env_bool("QIAO_FEED_CROSS_LANGUAGE_CONTENT", True)

# --- Rate limits ("count/seconds"), per user and per IP.
QIAO_RATE_LIMITS = {
    "write": env_str("QIAO_RATE_WRITE", "120/60"),
    # Wrong passwords: per account from one address, per address, and per account from
    # anywhere (a botnet guessing one password); a success never counts.
    "login": env_str("QIAO_RATE_LOGIN", "10/300"),
    "login_ip": env_str("QIAO_RATE_LOGIN_IP", "30/300"),
    "login_account": env_str("QIAO_RATE_LOGIN_ACCOUNT", "100/3600"),
    "signup": env_str("QIAO_RATE_SIGNUP", "20/3600"),
    "translate": env_str("QIAO_RATE_TRANSLATE", "60/60"),
    "report": env_str("QIAO_RATE_REPORT", "20/3600"),
    #: Direct messages: new conversations a member starts, and messages they send.
    "dm_new": env_str("QIAO_RATE_DM_NEW", "30/3600"),
    "dm_send": env_str("QIAO_RATE_DM_SEND", "60/60"),
    #: Suggested translation fixes a member may send (each one asks an author to review).
    "suggest": env_str("QIAO_RATE_SUGGEST", "20/3600"),
    #: Pixels of photos a member may have decoded per hour (decoding is the cost of an
    #: upload); 2,000 Mpx is ~80 phone photos an hour.
    "pixels": env_str("QIAO_RATE_PIXELS", "2000000000/3600"),
    #: Video uploads a member may start per window (each one is a transcode).
    "video": env_str("QIAO_RATE_VIDEO", "30/3600"),
}
QIAO_RATE_LIMITS_ENABLED = env_bool("QIAO_RATE_LIMITS_ENABLED", True)
#: The cache every process shares for rate limits: Redis, else the database cache table.
QIAO_RATE_LIMIT_CACHE_ALIAS = "default" if REDIS_URL else "feed"
#: Proxies (addresses or networks) whose X-Forwarded-For is believed, e.g. "127.0.0.1".
QIAO_TRUSTED_PROXIES = env_list("QIAO_TRUSTED_PROXIES", [])

# --- Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("QIAO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("QIAO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *env_list("QIAO_CSP_IMG_EXTRA", [])],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
if MEDIA_STORAGE == "s3":
    # Browsers load photos straight from the object store: allow its origin for images.
    _custom = env_str("S3_CUSTOM_DOMAIN", "")
    _endpoint = env_str("S3_ENDPOINT_URL", "")
    _media_origin = (
        "https://" + _custom.split("/")[0]
        if _custom
        else "/".join(_endpoint.split("/")[:3])
        if _endpoint
        else "https://*.amazonaws.com"
    )  # origins only: a path would narrow it
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"].append(_media_origin)

# --- Logging: one JSON object per line, with the request id; plain sentences at warning
# level and above when a person reads a terminal (QIAO_LOG_FORMAT=json|plain overrides).
QIAO_LOG_FORMAT = log_format(env_str("QIAO_LOG_FORMAT", ""))
LOG_LEVEL = env_str("QIAO_LOG_LEVEL", "INFO" if QIAO_LOG_FORMAT == "json" else "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "qiao.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "qiao.core.logging.JsonFormatter"},
        "plain": {"()": "qiao.core.logging.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": QIAO_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # one line per task state is noise
    },
}

# --- Data sets for benchmarks and optional engines (never a hard-coded path).
QIAO_DATA_DIR = env_str("QIAO_DATA_DIR", "")

# --- Django Ninja
NINJA_PAGINATION_PER_PAGE = 20

DEMO_DESCRIPTION = _("A bridge between people who do not share a language.")
os.environ.setdefault("QIAO_HOME_RESOLVED", str(QIAO_HOME))
