"""Where the software signing keys live: DOUDI_KEY_DIR, default <var>/keys, one key pair per user name."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from doudi.signing.keys import PrivateKey, key_paths, write_keypair
from doudi.signing.signer import SoftwareSigner


def key_dir() -> Path:
    return Path(os.environ.get("DOUDI_KEY_DIR") or Path(settings.VAR_DIR) / "keys")


def has_key(username: str) -> bool:
    return key_paths(key_dir(), username)[0].exists()


def generate(username: str, overwrite: bool = False) -> tuple[Path, Path]:
    return write_keypair(key_dir(), username, PrivateKey.generate(), overwrite=overwrite)


def signer_for(username: str) -> SoftwareSigner:
    return SoftwareSigner.from_directory(key_dir(), username)
