#pragma once

#include "mqscan/delivery_report.hpp"
#include "report/json_writer.hpp"

namespace mqscan {

// The `delivery` object: subscriptions, retained messages, fan-outs through
// the broker and the topic tree (docs/json-schema.md).
void write_delivery_json(JsonWriter& json, const DeliveryReport& delivery, TimePrecision precision);

}  // namespace mqscan
