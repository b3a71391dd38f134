#!/usr/bin/env bash
# The kafka-access job: one SCRAM-SHA-512 principal per Doudi service (passwords from .env),
# then exactly the ACLs of docs/kafka-acls.txt (generated from the event catalogue), each
# principal's consumer group, and the operator's right to create topics. Runs as the super user
# doudi-admin over the brokers' mutual-TLS listener (9094). Idempotent.
set -euo pipefail
bin=/opt/kafka/bin
server="${KAFKA_ADMIN_BOOTSTRAP:-kafka1:9094}"
admin=(--bootstrap-server "$server" --command-config /etc/kafka/secrets/admin-client.properties)
ns="${DOUDI_TOPIC_NAMESPACE:-}"
password() { local v="DOUDI_KAFKA_PASSWORD_$(echo "${1#doudi-}" | tr 'a-z-' 'A-Z_')"; printf '%s' "${!v:?$v is not set}"; }
principals=$(grep -v '^#' /doudi/kafka-acls.txt | awk '{print $1}' | sort -u)
for p in $principals; do
  "$bin/kafka-configs.sh" "${admin[@]}" --alter --entity-type users --entity-name "$p" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$(password "$p")]" >/dev/null
done
grep -v '^#' /doudi/kafka-acls.txt | while read -r principal operation topic; do
  [ -z "$principal" ] && continue
  "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$principal" --operation "$operation" \
    --operation Describe --topic "$ns$topic" >/dev/null
done
for p in $principals; do
  case "$p" in
    doudi-operator) # throw-away read groups of the CLI, and the services' groups for replay/lag
      "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$p" --operation Read --operation Describe --operation Delete \
        --group doudi- --resource-pattern-type prefixed >/dev/null
      "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$p" --operation Create --operation Describe \
        --operation IdempotentWrite --cluster >/dev/null ;;
    doudi-auditor)
      "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$p" --operation Read --group doudi-cli- --resource-pattern-type prefixed >/dev/null ;;
    *)
      "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$p" --operation Read --group "$p" >/dev/null
      # The idempotent producer.
      "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$p" --operation IdempotentWrite --cluster >/dev/null ;;
  esac
done
echo "kafka-access: $(echo "$principals" | wc -w) principals, $(grep -vc '^#' /doudi/kafka-acls.txt) topic grants"
