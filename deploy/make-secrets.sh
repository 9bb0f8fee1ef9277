#!/usr/bin/env bash
# Makes the credentials docker-compose.yml expects, in ./secrets/ and ./.env (neither is committed):
#   - a CA for the Kafka cluster; a certificate for the Kafka nodes (CN=kafka-node: brokers and controllers prove
#     themselves to each other by it) and one for the deploy step (CN=admin); the CA as the clients' truststore;
#   - a SCRAM-SHA-512 password per service principal (KAFKA_PASSWORD_<PRINCIPAL> in .env), set on the cluster by the
#     deploy step (`onramp acls apply --set-passwords`);
#   - the registry's TLS certificate, its truststore, and a password per registry user (REGISTRY_<USER>_PASSWORD);
#   - the keys the services sign with: the unsubscribe links' (UNSUBSCRIBE_SECRETS), the platform webhooks'
#     (PLATFORM_WEBHOOK_SECRETS, Standard Webhooks' whsec_ + base64) and the VAPID pair for Web Push.
# Run once from the repository's root: ./deploy/make-secrets.sh [output dir, default ./secrets]. It keeps what
# exists, so running it again makes only what is missing. Needs openssl and keytool (a JDK).
set -euo pipefail
out="${1:-secrets}"
mkdir -p "$out"
env_file="$(cd "$(dirname "$out")" && pwd)/.env"
cd "$out"
days=825

password() { openssl rand -hex 24; }
remember() { # NAME: a password in .env, made once
  grep -q "^$1=" "$env_file" 2>/dev/null || echo "$1=$(password)" >> "$env_file"
}
value() { grep "^$1=" "$env_file" | cut -d= -f2-; }

if [ ! -f kafka-ca.pem ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days "$days" -subj /CN=onramp-kafka-ca \
    -keyout kafka-ca-key.pem -out kafka-ca.pem 2>/dev/null
fi
signed() { # NAME CN SAN: key and certificate signed by the Kafka CA, in one PEM (Kafka's PEM keystore)
  [ -f "$1.pem" ] && return
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$2" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA kafka-ca.pem -CAkey kafka-ca-key.pem -CAcreateserial -days "$days" \
    -extfile "$1.ext" -out "$1-cert.pem" 2>/dev/null
  cat "$1-key.pem" "$1-cert.pem" > "$1.pem"
  rm -f "$1.csr" "$1.ext" "$1-key.pem" "$1-cert.pem"
}
signed kafka-node kafka-node "DNS:kafka-1,DNS:kafka-2,DNS:kafka-3,DNS:localhost,IP:127.0.0.1"
signed kafka-admin admin "DNS:admin"

for principal in INGEST PROCESSOR NOTIFIER CONSOLE REGISTRY OTHER_TEAM; do
  remember "KAFKA_PASSWORD_$principal"
done

grep -q "^UNSUBSCRIBE_SECRETS=" "$env_file" 2>/dev/null || echo "UNSUBSCRIBE_SECRETS=$(password)" >> "$env_file"
grep -q "^PLATFORM_WEBHOOK_SECRETS=" "$env_file" 2>/dev/null \
  || echo "PLATFORM_WEBHOOK_SECRETS=whsec_$(openssl rand -base64 32)" >> "$env_file"
if ! grep -q "^VAPID_PRIVATE_KEY=" "$env_file" 2>/dev/null; then
  # The uncompressed P-256 point (65 bytes) and the private scalar (32 bytes), base64url, as Web Push wants them.
  base64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
  openssl ecparam -name prime256v1 -genkey -noout -out vapid.pem
  echo "VAPID_PUBLIC_KEY=$(openssl ec -in vapid.pem -pubout -outform DER 2>/dev/null | tail -c 65 | base64url)" >> "$env_file"
  echo "VAPID_PRIVATE_KEY=$(openssl ec -in vapid.pem -outform DER 2>/dev/null | tail -c +8 | head -c 32 | base64url)" >> "$env_file"
  rm -f vapid.pem
fi

remember REGISTRY_TRUSTSTORE_PASSWORD
for user in ADMIN INGEST PROCESSOR NOTIFIER CONSOLE; do
  remember "REGISTRY_${user}_PASSWORD"
done
if [ ! -f registry-tls-cert.pem ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days "$days" -subj /CN=registry-proxy \
    -addext "subjectAltName=DNS:registry-proxy,DNS:localhost,IP:127.0.0.1" \
    -keyout registry-tls-key.pem -out registry-tls-cert.pem 2>/dev/null
fi
if [ ! -f registry-truststore.p12 ]; then
  keytool -importcert -noprompt -alias registry -file registry-tls-cert.pem -keystore registry-truststore.p12 \
    -storetype PKCS12 -storepass "$(value REGISTRY_TRUSTSTORE_PASSWORD)" >/dev/null 2>&1
fi
: > registry.htpasswd
for user in admin ingest processor notifier console; do
  name="$user"; [ "$user" = admin ] && name=onramp-admin
  echo "$name:$(openssl passwd -apr1 "$(value "REGISTRY_$(echo "$user" | tr a-z A-Z)_PASSWORD")")" >> registry.htpasswd
done
# The containers read these as their own users (the images run as non-root users): readable, in a directory only
# the operator can list. The CA's key is not mounted anywhere.
chmod 644 ./*.pem ./*.p12 registry.htpasswd
chmod 600 kafka-ca-key.pem
chmod 700 .
echo "secrets in $out, passwords in $env_file"
