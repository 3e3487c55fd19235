// FunctionRef: a non-owning reference to a callable, for callbacks on hot
// paths (std::function may allocate for every capture-heavy lambda).
// The referenced callable must outlive the FunctionRef.
#ifndef VIGIL_CORE_FUNCTION_REF_H_
#define VIGIL_CORE_FUNCTION_REF_H_

#include <memory>
#include <type_traits>
#include <utility>

namespace vigil::core {

template <typename Signature>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F, typename = std::enable_if_t<
                            !std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f)  // NOLINT: implicit, like std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(
              std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const {
    return call_(object_, std::forward<Args>(args)...);
  }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace vigil::core

#endif  // VIGIL_CORE_FUNCTION_REF_H_
