#include <napi.h>

#include "buffers.h"
#include "cpu_allocator.h"
#include "distributed.h"
#include "errors.h"
#include "ops.h"
#include "runtime.h"
#include "tensor_table.h"

namespace strand {

Napi::Value SetErrorClassEntry(const Napi::CallbackInfo& info) {
  SetErrorClass(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InstallCpuAllocator();
  tensors::Init(env, exports);
  InitOps(env, exports);
  InitBuffers(env, exports);
  InitRuntime(env, exports);
  InitDistributed(env, exports);
  Export<SetErrorClassEntry>(env, exports, "setErrorClass");
  return exports;
}

}  // namespace strand

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return strand::Init(env, exports); }

NODE_API_MODULE(strand_native, InitAddon)
