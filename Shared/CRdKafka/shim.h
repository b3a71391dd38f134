// librdkafka 2.2 or newer (see ARCHITECTURE.md: older versions mis-skip tagged fields).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
