"""Settings for the test suite: the real settings, with a throwaway home and inline tasks.

DATABASE_URL still switches the suite onto PostgreSQL (scripts/test.sh does that).
"""

import os
import tempfile

os.environ.setdefault("QIAO_HOME", tempfile.mkdtemp(prefix="qiao-test-home-"))
os.environ.setdefault("QIAO_RATE_LIMITS_ENABLED", "0")

from qiao.settings import *  # noqa: F403 - the real settings, then overrides
from qiao.settings import STORAGES

# Tasks run inline (ImmediateBackend): deterministic, and they see the test transaction.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# One test process: rate limits count in local memory (the site shares a cache across workers).
QIAO_RATE_LIMIT_CACHE_ALIAS = "default"
