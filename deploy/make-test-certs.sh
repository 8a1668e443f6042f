#!/usr/bin/env bash
# Regenerates the TEST-ONLY certificates in Tests/Certificates (committed; never use them outside tests):
# a CA, a server certificate for localhost/127.0.0.1, a client certificate (its key also encrypted, password
# "s3cret"), and an unrelated CA for "wrong CA" tests. Valid for 20 years.
# TEST_CERT_EXTRA_SAN adds names to the server certificate, e.g. TEST_CERT_EXTRA_SAN=DNS:smsc-sim (the compose
# demo's one-shot `certs` service makes its simulator certificate this way).
set -euo pipefail
out="${1:-$(dirname "$0")/../Tests/Certificates}"
mkdir -p "$out"; cd "$out"
days=7300
subj() { echo "/O=smpp-bridge tests/CN=$1"; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $days -subj "$(subj 'Test CA')" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days $days \
  -subj "$(subj 'Unrelated CA')" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

issue() { # name, CN, extensions
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$(subj "$2")" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days $days \
    -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1${TEST_CERT_EXTRA_SAN:+,$TEST_CERT_EXTRA_SAN}
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE"
issue client "smpp-bridge test client" "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
# The client key again, encrypted under the password "s3cret" (keyPassword tests).
openssl pkey -in client.key -aes256 -passout pass:s3cret -out client-encrypted.key
rm -f ca.srl
chmod 644 ./*.key
echo "test certificates written to $(pwd)"
