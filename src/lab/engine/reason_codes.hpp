#pragma once
// The CONNACK return codes of MQTT 3.1 and 3.1.1 [MQTT-3.2.2.3] and the
// reason codes of MQTT 5.0 [MQTT 5.0 §2.4] the engines send or read.

#include <cstdint>

namespace mqscan::lab::reason {

// 3.x CONNACK return codes
inline constexpr std::uint8_t kAccepted = 0x00;
inline constexpr std::uint8_t kRefusedProtocolVersion = 0x01;
inline constexpr std::uint8_t kRefusedIdentifierRejected = 0x02;
inline constexpr std::uint8_t kRefusedServerUnavailable = 0x03;
inline constexpr std::uint8_t kRefusedBadUsernameOrPassword = 0x04;
inline constexpr std::uint8_t kRefusedNotAuthorized = 0x05;

// 5.0 reason codes
inline constexpr std::uint8_t kSuccess = 0x00;
inline constexpr std::uint8_t kDisconnectWithWill = 0x04;
inline constexpr std::uint8_t kNoMatchingSubscribers = 0x10;
inline constexpr std::uint8_t kNoSubscriptionExisted = 0x11;
inline constexpr std::uint8_t kUnspecifiedError = 0x80;
inline constexpr std::uint8_t kMalformedPacket = 0x81;
inline constexpr std::uint8_t kProtocolError = 0x82;
inline constexpr std::uint8_t kBadUsernameOrPassword = 0x86;
inline constexpr std::uint8_t kNotAuthorized = 0x87;
inline constexpr std::uint8_t kServerUnavailable = 0x88;
inline constexpr std::uint8_t kBadAuthenticationMethod = 0x8C;
inline constexpr std::uint8_t kTopicAliasInvalid = 0x94;
inline constexpr std::uint8_t kPacketTooLarge = 0x95;
inline constexpr std::uint8_t kQuotaExceeded = 0x97;
inline constexpr std::uint8_t kQosNotSupported = 0x9B;
inline constexpr std::uint8_t kSharedSubscriptionsNotSupported = 0x9E;

// The first failure code: below it, a code reports success [MQTT 5.0 §2.4].
inline constexpr std::uint8_t kFirstFailure = 0x80;

}  // namespace mqscan::lab::reason
