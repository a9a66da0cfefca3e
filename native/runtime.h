// Autograd (backward, grad, requires_grad, grad mode, inference mode) and runtime settings
// (threads, seed, CUDA, version): the native pieces the dispatcher cannot reach.
#pragma once
#include <napi.h>

namespace strand {
void InitRuntime(Napi::Env env, Napi::Object exports);
}
