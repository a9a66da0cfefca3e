#include "runtime.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <torch/utils.h>

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <memory>
#include <vector>


#include "errors.h"
#include "tensor_table.h"

namespace strand {

namespace {

Napi::Value Backward(const Napi::CallbackInfo& info) {
  const at::Tensor& out = tensors::Get(info[0], "backward");
  std::vector<at::Tensor> grads;
  if (info.Length() > 1 && !info[1].IsNull() && !info[1].IsUndefined()) {
    grads.push_back(tensors::Get(info[1], "backward gradient"));
  }
  bool retain = info.Length() > 2 && info[2].ToBoolean().Value();
  bool create = info.Length() > 3 && info[3].ToBoolean().Value();
  torch::autograd::backward({out}, grads, retain, create);
  return info.Env().Undefined();
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  const at::Tensor& t = tensors::Get(info[0], "grad");
  const at::Tensor& g = t.grad();
  if (!g.defined()) return info.Env().Null();
  return tensors::Put(info.Env(), g);
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& t = tensors::Get(info[0], "setGrad");
  if (info[1].IsNull() || info[1].IsUndefined()) t.mutable_grad().reset();
  else t.mutable_grad() = tensors::Get(info[1], "setGrad gradient");
  return info.Env().Undefined();
}

Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensors::Get(info[0], "requiresGrad").requires_grad());
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& t = tensors::Get(info[0], "setRequiresGrad");
  t.set_requires_grad(info[1].ToBoolean().Value());
  return info.Env().Undefined();
}

Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensors::Get(info[0], "isLeaf").is_leaf());
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(info[0].ToBoolean().Value());
  return Napi::Boolean::New(info.Env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

// Inference-mode guards nest like a stack; JS enters and exits them in pairs (try/finally).
std::vector<std::unique_ptr<c10::InferenceMode>> inferenceGuards;

Napi::Value EnterInferenceMode(const Napi::CallbackInfo& info) {
  inferenceGuards.push_back(std::make_unique<c10::InferenceMode>(true));
  return info.Env().Undefined();
}

Napi::Value ExitInferenceMode(const Napi::CallbackInfo& info) {
  if (!inferenceGuards.empty()) inferenceGuards.pop_back();
  return info.Env().Undefined();
}

// libtorch's thread setting does not reach OpenBLAS (Debian's BLAS for matrix products), whose
// pthread build starts a worker per core and lets idle workers spin on sched_yield: with one
// libtorch thread that worker took most of a core, in kernel time, from the process next door
// (a data-parallel rank, say). So OpenBLAS gets the same count, when it is the loaded BLAS.
void SetBlasThreads(int n) {
  using SetThreads = void (*)(int);
  static SetThreads setThreads = []() -> SetThreads {
    for (const char* name : {"libopenblas.so.0", "libblas.so.3"}) {
      void* handle = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
      if (handle == nullptr) continue;
      if (void* symbol = dlsym(handle, "openblas_set_num_threads")) return reinterpret_cast<SetThreads>(symbol);
    }
    return nullptr;
  }();
  if (setThreads != nullptr) setThreads(n);
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "thread count must be at least 1");
  at::set_num_threads(n);
  SetBlasThreads(n);
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  torch::manual_seed(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
  return info.Env().Undefined();
}

// The CPU generator's whole state (mt19937 and the cached normal sample) as bytes, so a
// checkpoint can continue the random stream exactly where it stopped (torch.get_rng_state).
Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  at::Tensor state;
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    state = at::Tensor(gen.get_state());
  }
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(info.Env(), state.data_ptr<uint8_t>(), state.numel());
  return out;
}

Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "setRngState expects a Uint8Array");
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  at::Tensor state = at::empty({static_cast<int64_t>(bytes.ElementLength())}, at::TensorOptions().dtype(c10::kByte));
  std::memcpy(state.data_ptr<uint8_t>(), bytes.Data(), bytes.ElementLength());
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return info.Env().Undefined();
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), TORCH_VERSION);
}

}  // namespace

void InitRuntime(Napi::Env env, Napi::Object exports) {
  Export<Backward>(env, exports, "backward");
  Export<Grad>(env, exports, "grad");
  Export<SetGrad>(env, exports, "setGrad");
  Export<RequiresGrad>(env, exports, "requiresGrad");
  Export<SetRequiresGrad>(env, exports, "setRequiresGrad");
  Export<IsLeaf>(env, exports, "isLeaf");
  Export<SetGradEnabled>(env, exports, "setGradEnabled");
  Export<IsGradEnabled>(env, exports, "isGradEnabled");
  Export<EnterInferenceMode>(env, exports, "enterInferenceMode");
  Export<ExitInferenceMode>(env, exports, "exitInferenceMode");
  Export<SetNumThreads>(env, exports, "setNumThreads");
  Export<GetNumThreads>(env, exports, "getNumThreads");
  Export<ManualSeed>(env, exports, "manualSeed");
  Export<GetRngState>(env, exports, "getRngState");
  Export<SetRngState>(env, exports, "setRngState");
  Export<CudaDeviceCount>(env, exports, "cudaDeviceCount");
  Export<Version>(env, exports, "version");
}

}  // namespace strand
