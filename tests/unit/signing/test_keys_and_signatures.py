from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from doudi.signing import der
from doudi.signing.keys import KeyFileError, PrivateKey, PublicKey, read_private_key, write_keypair
from doudi.signing.signed import SignedRoster, signature_valid
from doudi.signing.signer import SoftwareSigner

from .sample import KEY, signed

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl command not installed")


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], capture_output=True, text=True, check=False)


def test_signature_verifies_and_binds_the_key() -> None:
    version = signed()
    assert version.roster.meta.key_id == KEY.public.fingerprint
    assert signature_valid(version, KEY.public)
    assert not signature_valid(version, PrivateKey.generate().public)


def test_changed_content_or_swapped_signature_fails() -> None:
    version = signed()
    other = signed(number=4)
    tampered = SignedRoster.from_parts(
        version.content.replace("张𠮷".encode(), "张吉".encode()), version.signature
    )
    assert not signature_valid(tampered, KEY.public)
    swapped = SignedRoster.from_parts(version.content, other.signature)
    assert not signature_valid(swapped, KEY.public)
    assert not KEY.public.verify(version.content, b"\x30\x02garbage")


def test_keys_round_trip_through_pem_files(tmp_path: Path) -> None:
    private_path, public_path = write_keypair(tmp_path, "signer", KEY)
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert read_private_key(private_path) == KEY
    assert PublicKey.from_pem(public_path.read_text()) == KEY.public
    with pytest.raises(KeyFileError, match="已存在"):
        write_keypair(tmp_path, "signer", KEY)
    with pytest.raises(KeyFileError, match="找不到私钥文件"):
        SoftwareSigner.from_directory(tmp_path, "nobody")


@needs_openssl
def test_openssl_reads_our_keys_and_verifies_our_signature(tmp_path: Path) -> None:
    _, public_path = write_keypair(tmp_path, "signer", KEY)
    version = signed()
    (tmp_path / "roster.json").write_bytes(version.content)
    (tmp_path / "roster.sig").write_bytes(version.signature)
    text = openssl("pkey", "-in", str(tmp_path / "signer.key.pem"), "-text", "-noout").stdout
    assert "ASN1 OID: SM2" in text
    command = ["dgst", "-sm3", "-verify", str(public_path), "-sigopt", "distid:1234567812345678"]
    command += ["-signature", str(tmp_path / "roster.sig"), str(tmp_path / "roster.json")]
    ok = openssl(*command)
    assert ok.returncode == 0 and "Verified OK" in ok.stdout
    (tmp_path / "roster.json").write_bytes(version.content.replace(b"37500", b"37501"))
    bad = openssl(*command)
    assert bad.returncode != 0 and "Verification failure" in bad.stdout


@needs_openssl
def test_we_read_openssl_keys_and_openssl_signatures(tmp_path: Path) -> None:
    key_path = tmp_path / "k.pem"
    assert openssl("genpkey", "-algorithm", "SM2", "-out", str(key_path)).returncode == 0
    key = read_private_key(key_path)
    message = tmp_path / "m.bin"
    message.write_bytes("名册 𠮷".encode())
    sig = tmp_path / "m.sig"
    command = ["dgst", "-sm3", "-sign", str(key_path), "-sigopt", "distid:1234567812345678"]
    assert openssl(*command, "-out", str(sig), str(message)).returncode == 0
    assert key.public.verify(message.read_bytes(), sig.read_bytes())
    assert SoftwareSigner(key).sign(b"x") and key.public.verify(b"x", SoftwareSigner(key).sign(b"x"))


@needs_openssl
def test_a_non_sm2_key_is_refused(tmp_path: Path) -> None:
    key_path = tmp_path / "p256.pem"
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key_path))
    with pytest.raises(KeyFileError, match="不是 SM2 密钥"):
        read_private_key(key_path)


def test_der_truncated_is_refused() -> None:
    with pytest.raises(der.DerError):
        der.parse_public_key_info(der.public_key_info(KEY.public.raw)[:-5])
