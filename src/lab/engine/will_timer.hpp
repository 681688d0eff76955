#pragma once
// Wills waiting out their delay [MQTT 5.0 §3.1.3.2.2]: published when the
// delay ends or the session ends, whichever comes first; not at all when the
// client connects again before [MQTT-3.1.3-9]. One per client id.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/message.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan::lab {

class WillTimer {
public:
    struct Pending {
        std::string client_id;
        Message will;
        Timestamp due;
    };

    void schedule(Pending pending);
    // The will waiting for this client, taken away.
    std::optional<Message> cancel(const std::string& client_id);

    [[nodiscard]] std::optional<Timestamp> next_due() const;
    // The wills whose time has come, earliest first (then by client id).
    std::vector<Pending> take_due(Timestamp now);

private:
    std::map<std::string, Pending> pending_;  // by client id
};

}  // namespace mqscan::lab
