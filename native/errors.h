// The one catch boundary: every addon entry point runs inside Guard(), which turns any
// C++ exception into a JS TorchError (the class is handed over by JS at start-up).
#pragma once
#include <napi.h>
#include <string>
#include <vector>

namespace strand {

void SetErrorClass(Napi::Function ctor);

// Builds a JS TorchError carrying the failing operation and its argument shapes.
Napi::Error MakeTorchError(Napi::Env env, const std::string& message, const std::string& op,
                           const std::vector<std::string>& argDescriptions);

// Strips libtorch's C++ backtrace and source locations from an exception message.
std::string CleanMessage(const std::exception& e);

using Entry = Napi::Value (*)(const Napi::CallbackInfo&);

template <Entry F>
Napi::Value Guard(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw MakeTorchError(info.Env(), CleanMessage(e), "", {});
  } catch (...) {
    throw MakeTorchError(info.Env(), "unknown native exception", "", {});
  }
}

// Adds entry point F to `exports` as `name`, inside the catch boundary.
template <Entry F>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, Guard<F>, name));
}

}  // namespace strand
