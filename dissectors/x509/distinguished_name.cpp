#include "x509/distinguished_name.hpp"

#include <fmt/format.h>

#include "x509/certificate_summary.hpp"
#include "core/hex.hpp"

namespace mqscan::x509 {

namespace {

std::string dotted_oid(const ASN1_OBJECT* object) {
    // A first call measures; OpenSSL refuses sub-identifiers too large to print.
    const int length = OBJ_obj2txt(nullptr, 0, object, 1);
    if (length <= 0) {
        ERR_clear_error();  // handled here
        return "unprintable OID";
    }
    std::string text(static_cast<std::size_t>(length) + 1, '\0');
    OBJ_obj2txt(text.data(), length + 1, object, 1);
    text.resize(static_cast<std::size_t>(length));
    return text;
}

// Any string type converted to UTF-8 as OpenSSL does (BMPString from UCS-2,
// T61String read as Latin-1, ...); what it cannot convert is shown as hex.
std::string attribute_value(const ASN1_STRING* value) {
    unsigned char* converted = nullptr;
    const int length = ASN1_STRING_to_UTF8(&converted, value);
    if (length < 0) {
        ERR_clear_error();  // handled here
        const Bytes raw(ASN1_STRING_get0_data(value),
                        static_cast<std::size_t>(ASN1_STRING_length(value)));
        std::string text = "#";
        return text += to_hex(raw, HexCase::Lower);
    }
    const OpenSslBytes owned(converted);
    return std::string(owned.get(), owned.get() + length);
}

}  // namespace

std::string object_name(const ASN1_OBJECT* object, ObjectName form) {
    const int nid = OBJ_obj2nid(object);
    if (nid == NID_undef) return dotted_oid(object);
    const char* name = form == ObjectName::Short ? OBJ_nid2sn(nid) : OBJ_nid2ln(nid);
    return name != nullptr ? name : dotted_oid(object);
}

Result<DistinguishedName, std::string> read_name(const X509_NAME* name, const char* which) {
    const int count = X509_NAME_entry_count(name);
    if (count < 0 || static_cast<std::size_t>(count) > kMaxNameAttributes)
        return fail(fmt::format("its {} has {} attributes, over the limit of {}", which, count,
                                kMaxNameAttributes));
    DistinguishedName attributes;
    attributes.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        attributes.push_back({object_name(X509_NAME_ENTRY_get_object(entry), ObjectName::Short),
                              attribute_value(X509_NAME_ENTRY_get_data(entry))});
    }
    return attributes;
}

std::string one_line(const DistinguishedName& name) {
    std::string text;
    for (const NameAttribute& attribute : name) text += "/" + attribute.key + "=" + attribute.value;
    return text;
}

}  // namespace mqscan::x509
