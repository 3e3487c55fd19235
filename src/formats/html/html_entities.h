// The named character references of ClamAV's HTML normaliser.
#ifndef VIGIL_FORMATS_HTML_HTML_ENTITIES_H_
#define VIGIL_FORMATS_HTML_HTML_ENTITIES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::formats::html_internal {

// The code point of "&name;", or nullopt when ClamAV leaves it as text.
std::optional<uint32_t> LookupEntity(std::string_view name);

size_t EntityCount();

}  // namespace vigil::formats::html_internal

#endif  // VIGIL_FORMATS_HTML_HTML_ENTITIES_H_
