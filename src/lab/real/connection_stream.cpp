#include "lab/real/connection_stream.hpp"

namespace mqscan::lab::real {

ConnectionStream::ConnectionStream(std::optional<TlsEndpoint> tls, OutputBuffer output)
    : tls_(std::move(tls)), output_(std::move(output)) {}

void ConnectionStream::start() {
    if (!tls_) return;
    tls_->start();
    move_ciphertext();
}

std::vector<std::uint8_t> ConnectionStream::receive(Bytes wire) {
    if (!tls_) return {wire.begin(), wire.end()};
    std::vector<std::uint8_t> plaintext;
    // The endpoint takes what fits in its buffers; taking its output makes room for the rest.
    while (!wire.empty() && !broken_) {
        const std::size_t taken = tls_->receive_ciphertext(wire);
        wire = wire.subspan(taken);
        const std::vector<std::uint8_t> decrypted = tls_->take_plaintext();
        plaintext.insert(plaintext.end(), decrypted.begin(), decrypted.end());
        move_ciphertext();
        if (taken == 0 && decrypted.empty()) broken_ = true;
    }
    return plaintext;
}

void ConnectionStream::send(Bytes plaintext) {
    if (broken_) return;
    if (!tls_) {
        broken_ = !output_.append(plaintext);
        return;
    }
    while (!plaintext.empty() && !broken_ && !tls_->failed()) {
        const std::size_t taken = tls_->write_plaintext(plaintext);
        plaintext = plaintext.subspan(taken);
        const std::size_t before = output_.size();
        move_ciphertext();
        // Before the handshake ends, plaintext waits in the endpoint: no room there, no progress.
        if (taken == 0 && output_.size() == before) broken_ = true;
    }
}

void ConnectionStream::send(std::string_view packet) {
    send(Bytes(reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size()));
}

void ConnectionStream::close() {
    if (!tls_) return;
    tls_->close();
    move_ciphertext();
}

void ConnectionStream::move_ciphertext() {
    const std::vector<std::uint8_t> records = tls_->take_ciphertext();
    if (!records.empty() && !output_.append(records)) broken_ = true;
}

}  // namespace mqscan::lab::real
