#!/usr/bin/env bash
# Makes the TLS material of the compose deployment under compose/secrets/ (never commit it):
# a private CA, one certificate per broker (their inter-broker and controller listeners use
# mutual TLS; the principal is the certificate's CN), the admin client certificate the
# kafka-access job uses, and ca.pem that every Doudi service trusts (DOUDI_KAFKA_SSL_CA_LOCATION).
#   compose/kafka/make-certs.sh [broker host names...]   (default: kafka1 kafka2 kafka3)
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/secrets"
mkdir -p "$out"; chmod 700 "$out"; cd "$out"
if [ $# -gt 0 ]; then hosts=("$@"); else hosts=(kafka1 kafka2 kafka3); fi
[ -f ca.key ] || openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -days 825 -subj "/CN=doudi-kafka-ca" 2>/dev/null
issue() { # name [dns]
  openssl req -newkey rsa:3072 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' "$1" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.crt" -days 825 -extfile "$1.ext" 2>/dev/null
  # Kafka reads PEM key stores (ssl.keystore.type=PEM): key then certificate chain in one file.
  openssl pkcs8 -topk8 -nocrypt -in "$1.key" > "$1.keystore.pem"; cat "$1.crt" ca.pem >> "$1.keystore.pem"
  rm -f "$1.csr" "$1.ext"
}
for h in "${hosts[@]}"; do issue "$h"; done
issue doudi-admin
cat > admin-client.properties <<PROPS
security.protocol=SSL
ssl.keystore.type=PEM
ssl.keystore.location=/etc/kafka/secrets/doudi-admin.keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/secrets/ca.pem
PROPS
chmod 600 ./*.key ./*.pem ./*.properties; chmod 644 ca.pem
echo "make-certs: TLS material in $out (CA, ${hosts[*]}, doudi-admin)"
