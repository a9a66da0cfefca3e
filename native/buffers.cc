#include "buffers.h"

#include <ATen/ATen.h>
#include <cstring>

#include "dtypes.h"
#include "errors.h"
#include "tensor_table.h"

namespace strand {

namespace {

std::vector<int64_t> ToShape(const Napi::Value& v) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), "shape must be an array of integers");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value e = a.Get(i);
    double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1;
    if (d < 0 || d != static_cast<double>(static_cast<int64_t>(d))) {
      throw Napi::TypeError::New(v.Env(), "shape must hold non-negative integers");
    }
    shape.push_back(static_cast<int64_t>(d));
  }
  return shape;
}

size_t ElementSize(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;
  }
}

// fromBuffer(typedArray, shape, dtype) -> handle
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(env, "data must be a typed array");
  Napi::TypedArray data = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = ToShape(info[1]);
  c10::ScalarType dtype;
  if (!info[2].IsString() || !ParseDType(info[2].As<Napi::String>().Utf8Value(), &dtype)) {
    throw Napi::TypeError::New(env, "unknown dtype");
  }
  size_t elemBytes = ElementSize(data.TypedArrayType());
  if (elemBytes != c10::elementSize(dtype)) {
    throw Napi::TypeError::New(env, std::string("typed array does not match dtype ") + DTypeName(dtype));
  }
  int64_t numel = 1;
  for (int64_t s : shape) numel *= s;
  if (static_cast<size_t>(numel) != data.ElementLength()) {
    throw Napi::RangeError::New(env, "shape holds " + std::to_string(numel) + " elements but data has " +
                                         std::to_string(data.ElementLength()));
  }
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (numel > 0) {
    const uint8_t* src = static_cast<const uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    std::memcpy(t.data_ptr(), src, numel * elemBytes);
  }
  return tensors::Put(env, t);
}

// toBuffer(handle) -> typed array of the tensor's dtype, row-major.
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = tensors::Get(info[0], "toBuffer").detach();
  if (t.scalar_type() == c10::kHalf || t.scalar_type() == c10::kBFloat16) t = t.to(c10::kFloat);
  t = t.to(c10::kCPU).contiguous();
  size_t bytes = t.numel() * t.element_size();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes > 0) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  size_t n = static_cast<size_t>(t.numel());
  switch (t.scalar_type()) {
    case c10::kFloat: return Napi::Float32Array::New(env, n, buf, 0);
    case c10::kDouble: return Napi::Float64Array::New(env, n, buf, 0);
    case c10::kInt: return Napi::Int32Array::New(env, n, buf, 0);
    case c10::kLong: return Napi::BigInt64Array::New(env, n, buf, 0);
    case c10::kShort: return Napi::Int16Array::New(env, n, buf, 0);
    case c10::kChar: return Napi::Int8Array::New(env, n, buf, 0);
    case c10::kByte: case c10::kBool: return Napi::Uint8Array::New(env, n, buf, 0);
    default:
      throw Napi::TypeError::New(env, std::string("cannot read a tensor of dtype ") + DTypeName(t.scalar_type()));
  }
}

// item(handle) -> number (or boolean) of a one-element tensor
Napi::Value Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = tensors::Get(info[0], "item");
  if (t.numel() != 1) {
    throw Napi::RangeError::New(env, "item() needs a one-element tensor, got " + DescribeTensor(t));
  }
  c10::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
  return Napi::Number::New(env, s.toDouble());
}

}  // namespace

void InitBuffers(Napi::Env env, Napi::Object exports) {
  Export<FromBuffer>(env, exports, "fromBuffer");
  Export<ToBuffer>(env, exports, "toBuffer");
  Export<Item>(env, exports, "item");
}

}  // namespace strand
