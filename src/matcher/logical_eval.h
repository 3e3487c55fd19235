// Runtime checks of logical signatures' target descriptions.
#ifndef VIGIL_MATCHER_LOGICAL_EVAL_H_
#define VIGIL_MATCHER_LOGICAL_EVAL_H_

#include <string_view>

namespace vigil::matcher {

// `want`: "CL_TYPE_A>CL_TYPE_B" from an .ldb Intermediates: field (outermost
// first, CL_TYPE_ANY matches any layer); `have`: the object's containers,
// outermost first, joined with '>'. Matches against the innermost layers.
bool IntermediatesMatch(std::string_view want, std::string_view have);

}  // namespace vigil::matcher

#endif  // VIGIL_MATCHER_LOGICAL_EVAL_H_
