"""Django settings. The database is chosen by environment:

DOUDI_DB=sqlite (default)   file var/doudi.sqlite3 (or DOUDI_SQLITE_PATH)
DOUDI_DB=postgres           DOUDI_PG_HOST/PORT/USER/NAME (default 127.0.0.1:5432, postgres, test)
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DOUDI_VAR", Path.cwd() / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # the database, uploads and collected files live here

DEV_SECRET_KEY = "doudi-dev-only-not-for-production"  # `doudi serve` refuses it on any non-loopback address
SECRET_KEY = os.environ.get("DOUDI_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = os.environ.get("DOUDI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DOUDI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "doudi.registry",
    "doudi.matching",
    "doudi.casework",
    "doudi.watch",
    "doudi.rosterbook",
    "doudi.feeds",
    "doudi.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "doudi.urls"
WSGI_APPLICATION = "doudi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    kind = os.environ.get("DOUDI_DB", "sqlite")
    if kind == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("DOUDI_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DOUDI_PG_PORT", "5432"),
            "USER": os.environ.get("DOUDI_PG_USER", "postgres"),
            "NAME": os.environ.get("DOUDI_PG_NAME", "test"),
            "PASSWORD": os.environ.get("DOUDI_PG_PASSWORD", ""),
            "TEST": {"NAME": os.environ.get("DOUDI_PG_TEST_NAME", "test_doudi")},
        }
    if kind != "sqlite":
        raise RuntimeError(f"DOUDI_DB must be 'sqlite' or 'postgres', not {kind!r}")
    path = Path(os.environ.get("DOUDI_SQLITE_PATH", VAR_DIR / "doudi.sqlite3"))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "doudi.web.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic in the demo and tests
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
