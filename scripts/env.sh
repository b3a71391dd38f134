# Sourced by every script: where the project keeps its local tools, and how builds find librdkafka.
DOUDI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$DOUDI_ROOT/.deps"
export PATH="/opt/swift/usr/bin:$PATH"
if [ -f "$DEPS/librdkafka/lib/pkgconfig/rdkafka.pc" ]; then
  export PKG_CONFIG_PATH="$DEPS/librdkafka/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export LD_LIBRARY_PATH="$DEPS/librdkafka/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
TANSU="$DEPS/tansu/tansu"
export DOUDI_BROKERS="${DOUDI_BROKERS:-127.0.0.1:${DOUDI_BROKER_PORT:-19092}}"
