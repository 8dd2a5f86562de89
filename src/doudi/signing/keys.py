"""SM2 keys in PEM files that OpenSSL 3 reads and writes (`openssl pkey -in KEY -text`).

Private key: PKCS#8 "PRIVATE KEY", unencrypted, file mode 0600 — protect the directory; a certified signing
device (USB key, signing server) replaces this with its own `Signer`. Public key: "PUBLIC KEY" (SPKI).
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import der, sm

_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----\s*(.*?)\s*-----END \1-----", re.S)


class KeyFileError(ValueError):
    """A key file that cannot be used; the message says which file and why."""


def pem_encode(label: str, data: bytes) -> str:
    body = base64.encodebytes(data).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def pem_decode(text: str, label: str) -> bytes:
    for found, body in _PEM.findall(text):
        if found == label:
            return base64.b64decode("".join(body.split()))
    raise KeyFileError(f"没有找到 PEM 块 {label}")


@dataclass(frozen=True)
class PublicKey:
    raw: bytes  # 64 bytes x||y

    @classmethod
    def from_pem(cls, text: str) -> PublicKey:
        return cls(der.parse_public_key_info(pem_decode(text, "PUBLIC KEY")))

    def to_pem(self) -> str:
        return pem_encode("PUBLIC KEY", der.public_key_info(self.raw))

    @property
    def fingerprint(self) -> str:
        """SM3 of the DER public key, hex: names the key in signed metadata and in the database."""
        return sm.sm3_hex(der.public_key_info(self.raw))

    def verify(self, message: bytes, signature: bytes) -> bool:
        return sm.verify(self.raw, message, signature)


@dataclass(frozen=True)
class PrivateKey:
    raw: bytes  # 32 bytes
    public: PublicKey

    @classmethod
    def generate(cls) -> PrivateKey:
        private, public = sm.generate_raw_keypair()
        return cls(private, PublicKey(public))

    @classmethod
    def from_pem(cls, text: str) -> PrivateKey:
        private, public = der.parse_private_key_info(pem_decode(text, "PRIVATE KEY"))
        return cls(private, PublicKey(public))

    def to_pem(self) -> str:
        return pem_encode("PRIVATE KEY", der.private_key_info(self.raw, self.public.raw))

    def sign(self, message: bytes) -> bytes:
        return sm.sign(self.raw, self.public.raw, message)


def key_paths(directory: Path, name: str) -> tuple[Path, Path]:
    """(private, public) file paths of a named key: NAME.key.pem and NAME.pub.pem."""
    if not re.fullmatch(r"[A-Za-z0-9_.@+-]+", name) or name.startswith("."):
        raise KeyFileError(f"密钥名 {name!r} 只能含字母、数字和 _.@+-")
    return directory / f"{name}.key.pem", directory / f"{name}.pub.pem"


def write_keypair(directory: Path, name: str, key: PrivateKey, overwrite: bool = False) -> tuple[Path, Path]:
    private_path, public_path = key_paths(directory, name)
    if private_path.exists() and not overwrite:
        raise KeyFileError(f"密钥文件已存在: {private_path}(不会覆盖;如确需更换密钥,请先备份并移走旧文件)")
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.to_pem())
    public_path.write_text(key.public.to_pem(), encoding="ascii")
    return private_path, public_path


def read_private_key(path: Path) -> PrivateKey:
    try:
        return PrivateKey.from_pem(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        raise KeyFileError(f"找不到私钥文件 {path}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"私钥文件 {path} 无法读取: {exc}") from None
