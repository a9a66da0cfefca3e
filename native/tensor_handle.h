// A JS object owning one at::Tensor. Dispose() frees it at once; the GC finalizer is the backstop.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

namespace strand {

class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static Napi::Object Wrap(Napi::Env env, at::Tensor tensor);
  static bool IsHandle(const Napi::Value& value);
  static TensorHandle* Of(const Napi::Value& value);  // nullptr when not a handle
  // The tensor held by value; throws a TypeError naming `what` when value is not a live handle.
  static const at::Tensor& Get(const Napi::Value& value, const char* what);

  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;

  at::Tensor tensor;

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value Shape(const Napi::CallbackInfo& info);
  Napi::Value DType(const Napi::CallbackInfo& info);
  Napi::Value Device(const Napi::CallbackInfo& info);
  void Account(Napi::Env env, int64_t bytes);
  int64_t accountedBytes_ = 0;
};

std::string DescribeTensor(const at::Tensor& t);  // "[2, 4, 10] float32"

}  // namespace strand
