"""Writes expired-cert.pem and expired-key.pem: a self-signed localhost certificate valid only in 2020, for the
test that start-up refuses an expired certificate (`openssl req` cannot date a certificate in the past).
Needs the `cryptography` package; the outputs are committed, so tests do not."""
import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

here = Path(__file__).parent
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(2020).not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
               .not_valid_after(datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc))
               .sign(key, hashes.SHA256()))
(here / "expired-cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
(here / "expired-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
