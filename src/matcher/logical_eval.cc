#include "matcher/logical_eval.h"

#include <vector>

namespace vigil::matcher {

namespace {

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t p = s.find('>');
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

}  // namespace

bool IntermediatesMatch(std::string_view want, std::string_view have) {
  std::vector<std::string_view> w = Split(want), h = Split(have);
  if (w.size() > h.size()) return false;
  // The listed layers are the innermost containers, outermost first.
  const size_t skip = h.size() - w.size();
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] != "CL_TYPE_ANY" && w[i] != h[skip + i]) return false;
  }
  return true;
}

}  // namespace vigil::matcher
