"""The `Signer` interface: who signs a roster version. The software key is one implementation; a certified
signing device (USB key or signing server, 电子签章设备) is another with the same three members."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .keys import PrivateKey, PublicKey, key_paths, read_private_key


class Signer(Protocol):
    @property
    def public_key(self) -> PublicKey: ...

    def sign(self, message: bytes) -> bytes:
        """SM2 signature (DER r,s) of `message` with SM3 and the default signer ID."""
        ...


class SoftwareSigner:
    """Signs with a private key held in a PEM file."""

    def __init__(self, key: PrivateKey) -> None:
        self._key = key

    @classmethod
    def from_directory(cls, directory: Path, name: str) -> SoftwareSigner:
        return cls(read_private_key(key_paths(directory, name)[0]))

    @property
    def public_key(self) -> PublicKey:
        return self._key.public

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)
