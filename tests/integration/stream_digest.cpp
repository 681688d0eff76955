#include "stream_digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include <fmt/format.h>

void StreamDigester::ContextFree::operator()(evp_md_ctx_st* context) const {
    EVP_MD_CTX_free(context);
}

StreamDigester::StreamDigester() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("cannot start a SHA-256 digest");
}

void StreamDigester::add(mqscan::Bytes bytes) {
    if (EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()) != 1)
        throw std::runtime_error("SHA-256 update failed");
    size_ += bytes.size();
}

StreamDigest StreamDigester::finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest, &length) != 1)
        throw std::runtime_error("SHA-256 final failed");
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    return StreamDigest{size_, std::move(hex)};
}

StreamDigest digest_of(std::string_view bytes) {
    StreamDigester digester;
    digester.add({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    return digester.finish();
}

std::string shortened(const std::string& value, std::size_t shown) {
    if (value.size() <= shown) return value;
    return fmt::format("{}...[{} characters, sha256 {:.16}]", value.substr(0, shown),
                       value.size(), digest_of(value).sha256);
}
