#include "tensor_handle.h"

#include <sstream>

#include "dtypes.h"
#include "errors.h"

namespace strand {

static Napi::FunctionReference* handleClass = nullptr;
static thread_local at::Tensor pending;

void TensorHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "TensorHandle",
      {
          InstanceMethod("dispose", &TensorHandle::Dispose),
          InstanceMethod("isDisposed", &TensorHandle::IsDisposed),
          InstanceMethod("shape", &TensorHandle::Shape),
          InstanceMethod("dtype", &TensorHandle::DType),
          InstanceMethod("device", &TensorHandle::Device),
      });
  handleClass = new Napi::FunctionReference(Napi::Persistent(cls));
  exports.Set("TensorHandle", cls);
}

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {
  tensor = std::move(pending);
  pending = at::Tensor();
  if (tensor.defined() && tensor.has_storage()) Account(info.Env(), tensor.storage().nbytes());
}

TensorHandle::~TensorHandle() {
  if (accountedBytes_ != 0) {
    Napi::MemoryManagement::AdjustExternalMemory(Env(), -accountedBytes_);
  }
}

void TensorHandle::Account(Napi::Env env, int64_t bytes) {
  if (bytes == accountedBytes_) return;
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes - accountedBytes_);
  accountedBytes_ = bytes;
}

Napi::Object TensorHandle::Wrap(Napi::Env env, at::Tensor t) {
  pending = std::move(t);
  return handleClass->New({});
}

TensorHandle* TensorHandle::Of(const Napi::Value& value) {
  if (!value.IsObject()) return nullptr;
  Napi::Object obj = value.As<Napi::Object>();
  bool isInstance = false;
  if (napi_instanceof(obj.Env(), obj, handleClass->Value(), &isInstance) != napi_ok || !isInstance) {
    return nullptr;
  }
  return Napi::ObjectWrap<TensorHandle>::Unwrap(obj);
}

bool TensorHandle::IsHandle(const Napi::Value& value) { return Of(value) != nullptr; }

const at::Tensor& TensorHandle::Get(const Napi::Value& value, const char* what) {
  TensorHandle* h = Of(value);
  if (h == nullptr) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a tensor for ") + what);
  }
  if (!h->tensor.defined()) {
    throw Napi::Error::New(value.Env(), std::string("tensor for ") + what + " was already disposed");
  }
  return h->tensor;
}

Napi::Value TensorHandle::Dispose(const Napi::CallbackInfo& info) {
  tensor = at::Tensor();
  Account(info.Env(), 0);
  return info.Env().Undefined();
}

Napi::Value TensorHandle::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !tensor.defined());
}

Napi::Value TensorHandle::Shape(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Get(Value(), "shape");
  Napi::Array out = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) out.Set(static_cast<uint32_t>(i), static_cast<double>(t.size(i)));
  return out;
}

Napi::Value TensorHandle::DType(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DTypeName(Get(Value(), "dtype").scalar_type()));
}

Napi::Value TensorHandle::Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Get(Value(), "device").device().str());
}

std::string DescribeTensor(const at::Tensor& t) {
  if (!t.defined()) return "undefined tensor";
  std::ostringstream s;
  s << "[";
  for (int64_t i = 0; i < t.dim(); i++) s << (i ? ", " : "") << t.size(i);
  s << "] " << DTypeName(t.scalar_type());
  if (!t.device().is_cpu()) s << " " << t.device().str();
  return s.str();
}

}  // namespace strand
