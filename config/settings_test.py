"""Settings for the test suite: the real settings with tasks run inline and a throwaway key."""

import os

os.environ.setdefault("ALLOW_INSECURE_SECRET_KEY", "1")
os.environ["TESTING"] = "1"
os.environ["TASK_BACKEND"] = "immediate"
os.environ.setdefault("DATA_DIR", "/tmp/hkcq-test-data")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No page cache: a page cached in one test would be served to the next (the database is rolled
# back, not the version). Tests of the cache turn it on (hkcq/core/tests/test_pagecache.py).
PAGE_CACHE_SECONDS = 0
