// Tensors from and to JS typed arrays (always copies: JS and libtorch never share memory).
#pragma once
#include <napi.h>

namespace strand {
void InitBuffers(Napi::Env env, Napi::Object exports);
}
