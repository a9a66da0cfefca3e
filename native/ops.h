// The generic operator call: any ATen operator by name and overload, through the c10 dispatcher.
#pragma once
#include <napi.h>

namespace strand {
void InitOps(Napi::Env env, Napi::Object exports);
}
