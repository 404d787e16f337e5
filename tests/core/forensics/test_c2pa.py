"""Content Credentials: a signed file is read and validated offline, a changed one fails, absence is neutral."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image
from tests.core.forensics.synth import jpeg_bytes, natural_image
from tests.helpers import corpus_path

from workbench.core.media.c2pa import NO_CREDENTIALS, has_c2pa_box, read_content_credentials

c2pa = pytest.importorskip("c2pa", reason="c2pa-python is not installed")


def _signed_jpeg() -> bytes:
    """A JPEG signed with a throw-away certificate chain made here (no network, no fixture files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Workbench Tests"),
            ]
        )

    def usage(ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=not ca,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=ca,
            crl_sign=ca,
            encipher_only=False,
            decipher_only=False,
        )

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Test CA"))
        .issuer_name(name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("Test Newsroom Camera"))
        .issuer_name(name("Test CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    manifest = {
        "claim_generator_info": [{"name": "workbench-tests", "version": "1.0"}],
        "title": "scene.jpg",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
                        }
                    ]
                },
            }
        ],
    }
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, pem_key, None))
    out = io.BytesIO()
    with c2pa.Builder(manifest) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(jpeg_bytes(natural_image(96, 64), 90)), out)
    signer.close()
    return out.getvalue()


@pytest.fixture(scope="module")
def signed() -> bytes:
    return _signed_jpeg()


def test_a_signed_file_is_read_with_signer_generator_actions_and_status(signed: bytes) -> None:
    found = read_content_credentials(signed)
    assert found.present and has_c2pa_box(signed)
    assert found.validation_state == "Valid"
    assert found.signer == "Test Newsroom Camera"
    assert found.signer_organisation == "Workbench Tests"
    assert found.claim_generator == "workbench-tests 1.0"
    assert [a.action for a in found.actions] == ["c2pa.created"]
    assert found.actions[0].digital_source_type.endswith("digitalCapture")  # type: ignore[union-attr]
    # No trust list is bundled: the signature checks out, the signer is not vouched for.
    assert any(f.startswith("signingCredential.untrusted") for f in found.validation_failures)
    assert "not on a trust list" in found.message
    assert found.manifest_count == 1 and found.reader.startswith("c2pa-python ")
    assert found.to_json()["actions"][0]["action"] == "c2pa.created"


def test_a_file_changed_after_signing_does_not_validate(signed: bytes) -> None:
    changed = bytearray(signed)
    changed[-200] ^= 0xFF  # one byte of the image data
    found = read_content_credentials(bytes(changed))
    assert found.present
    assert found.validation_state == "Invalid"
    assert any("dataHash.mismatch" in f for f in found.validation_failures)
    assert "do NOT validate" in found.message


def test_absence_is_stated_without_judgement(tmp_path: pytest.TempPathFactory) -> None:
    plain = jpeg_bytes(natural_image(64, 48), 90)
    found = read_content_credentials(plain)
    assert not found.present and not has_c2pa_box(plain)
    assert found.message == NO_CREDENTIALS
    assert "says nothing about authenticity" in found.message
    buf = io.BytesIO()
    Image.fromarray(natural_image(32, 24)).save(buf, "PNG")
    assert read_content_credentials(buf.getvalue()).message == NO_CREDENTIALS
    assert read_content_credentials(b"not a media file at all").present is False


def test_a_real_camera_photo_has_none() -> None:
    found = read_content_credentials(corpus_path("images", "exif-samples", "jpg", "gps", "DSCN0010.jpg"))
    assert found.present is False and found.validation_state is None


def test_without_the_library_presence_is_detected_and_not_validated(
    signed: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "c2pa", None)  # import c2pa now raises ImportError
    found = read_content_credentials(signed)
    assert found.present and found.validation_state is None
    assert "not validated" in found.message and "not installed" in found.reader
    plain = read_content_credentials(jpeg_bytes(natural_image(64, 48), 90))
    assert not plain.present and plain.message == NO_CREDENTIALS
