#include "errors.h"

#include <c10/util/Exception.h>

namespace strand {

// One error class per Node environment (the main thread and each worker thread load the addon
// into their own environment): a reference must only be used, and released, by the thread that
// made it, so it lives in the environment's instance data, freed when the environment ends.
void SetErrorClass(Napi::Function ctor) {
  Napi::Env env = ctor.Env();
  auto* errorClass = env.GetInstanceData<Napi::FunctionReference>();
  if (errorClass == nullptr) {
    errorClass = new Napi::FunctionReference();
    env.SetInstanceData(errorClass);
  }
  *errorClass = Napi::Persistent(ctor);
}

Napi::Error MakeTorchError(Napi::Env env, const std::string& message, const std::string& op,
                           const std::vector<std::string>& argDescriptions) {
  auto* errorClass = env.GetInstanceData<Napi::FunctionReference>();
  if (errorClass == nullptr || errorClass->IsEmpty()) return Napi::Error::New(env, message);
  Napi::Array args = Napi::Array::New(env, argDescriptions.size());
  for (size_t i = 0; i < argDescriptions.size(); i++) args.Set(i, argDescriptions[i]);
  Napi::Object details = Napi::Object::New(env);
  details.Set("op", op);
  details.Set("args", args);
  Napi::Object err = errorClass->New({Napi::String::New(env, message), details});
  return Napi::Error(env, err);
}

std::string CleanMessage(const std::exception& e) {
  std::string msg;
  if (auto* ce = dynamic_cast<const c10::Error*>(&e)) {
    msg = ce->msg();
  } else {
    msg = e.what();
  }
  // c10 appends "Exception raised from ..." and frames; keep only the human part.
  auto cut = msg.find("\nException raised from");
  if (cut != std::string::npos) msg = msg.substr(0, cut);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

}  // namespace strand
