#include "ivalue.h"

#include <ATen/core/List.h>
#include <cmath>
#include <stdexcept>

#include "dtypes.h"
#include "tensor_table.h"

namespace strand {

namespace {

[[noreturn]] void Fail(const c10::Argument& arg, const std::string& expected) {
  throw std::invalid_argument("argument '" + arg.name() + "': expected " + expected);
}

bool IsNullish(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

int64_t ToInt(const Napi::Value& v, const c10::Argument& arg) {
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t out = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) Fail(arg, "an int64 (BigInt out of range)");
    return out;
  }
  if (!v.IsNumber()) Fail(arg, "an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) Fail(arg, "an integer, got " + std::to_string(d));
  return static_cast<int64_t>(d);
}

double ToDouble(const Napi::Value& v, const c10::Argument& arg) {
  if (v.IsBigInt()) {
    bool lossless = true;
    return static_cast<double>(v.As<Napi::BigInt>().Int64Value(&lossless));
  }
  if (!v.IsNumber()) Fail(arg, "a number");
  return v.As<Napi::Number>().DoubleValue();
}

at::Tensor ToTensor(const Napi::Value& v, const c10::Argument& arg) {
  const at::Tensor* t = tensors::Find(v);
  if (t == nullptr) Fail(arg, "a live tensor");
  return *t;
}

c10::IValue ToScalar(const Napi::Value& v, const c10::Argument& arg) {
  if (v.IsBoolean()) return c10::IValue(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) return c10::IValue(ToInt(v, arg));
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    // Integral JS numbers become int Scalars so integer tensors keep their dtype.
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0) {
      return c10::IValue(static_cast<int64_t>(d));
    }
    return c10::IValue(d);
  }
  Fail(arg, "a number or boolean (Scalar)");
}

std::string ToStringValue(const Napi::Value& v, const c10::Argument& arg) {
  if (!v.IsString()) Fail(arg, "a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Array ToArray(const Napi::Value& v, const c10::Argument& arg, const char* what) {
  if (!v.IsArray()) Fail(arg, std::string("an array of ") + what);
  return v.As<Napi::Array>();
}

c10::IValue ToList(const Napi::Value& v, const c10::Argument& arg, const c10::TypePtr& elem) {
  switch (elem->kind()) {
    case c10::TypeKind::TensorType: {
      Napi::Array a = ToArray(v, arg, "tensors");
      c10::List<at::Tensor> out;
      out.reserve(a.Length());
      for (uint32_t i = 0; i < a.Length(); i++) out.push_back(ToTensor(a.Get(i), arg));
      return c10::IValue(std::move(out));
    }
    case c10::TypeKind::OptionalType: {
      Napi::Array a = ToArray(v, arg, "tensors or nulls");
      c10::List<c10::optional<at::Tensor>> out;
      out.reserve(a.Length());
      for (uint32_t i = 0; i < a.Length(); i++) {
        Napi::Value e = a.Get(i);
        if (IsNullish(e)) out.push_back(c10::nullopt);
        else out.push_back(ToTensor(e, arg));
      }
      return c10::IValue(std::move(out));
    }
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: {
      std::vector<int64_t> out;
      if (v.IsNumber() || v.IsBigInt()) {
        // `int[2] stride=1` accepts a single int, repeated N times.
        if (!arg.N()) Fail(arg, "an array of integers");
        out.assign(static_cast<size_t>(*arg.N()), ToInt(v, arg));
      } else {
        Napi::Array a = ToArray(v, arg, "integers");
        out.reserve(a.Length());
        for (uint32_t i = 0; i < a.Length(); i++) out.push_back(ToInt(a.Get(i), arg));
      }
      return c10::IValue(std::move(out));
    }
    case c10::TypeKind::FloatType: {
      Napi::Array a = ToArray(v, arg, "numbers");
      std::vector<double> out;
      for (uint32_t i = 0; i < a.Length(); i++) out.push_back(ToDouble(a.Get(i), arg));
      return c10::IValue(std::move(out));
    }
    case c10::TypeKind::BoolType: {
      Napi::Array a = ToArray(v, arg, "booleans");
      c10::List<bool> out;
      for (uint32_t i = 0; i < a.Length(); i++) {
        Napi::Value e = a.Get(i);
        if (!e.IsBoolean()) Fail(arg, "an array of booleans");
        out.push_back(e.As<Napi::Boolean>().Value());
      }
      return c10::IValue(std::move(out));
    }
    default:
      Fail(arg, "a supported list type, not " + elem->str());
  }
}

c10::IValue Convert(const Napi::Value& v, const c10::Argument& arg, const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::OptionalType:
      if (IsNullish(v)) return c10::IValue();
      return Convert(v, arg, type->expectRef<c10::OptionalType>().getElementType());
    case c10::TypeKind::TensorType:
      return c10::IValue(ToTensor(v, arg));
    case c10::TypeKind::ListType:
      return ToList(v, arg, type->expectRef<c10::ListType>().getElementType());
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return c10::IValue(ToInt(v, arg));
    case c10::TypeKind::FloatType:
      return c10::IValue(ToDouble(v, arg));
    case c10::TypeKind::BoolType:
      if (!v.IsBoolean()) Fail(arg, "a boolean");
      return c10::IValue(v.As<Napi::Boolean>().Value());
    case c10::TypeKind::StringType:
      return c10::IValue(ToStringValue(v, arg));
    case c10::TypeKind::NumberType:
      return ToScalar(v, arg);
    case c10::TypeKind::ScalarTypeType: {
      c10::ScalarType st;
      if (!v.IsString() || !ParseDType(v.As<Napi::String>().Utf8Value(), &st)) {
        Fail(arg, "a dtype name such as 'float32'");
      }
      return c10::IValue(static_cast<int64_t>(st));
    }
    case c10::TypeKind::LayoutType: {
      c10::Layout layout;
      if (!v.IsString() || !ParseLayout(v.As<Napi::String>().Utf8Value(), &layout)) {
        Fail(arg, "a layout name ('strided')");
      }
      return c10::IValue(static_cast<int64_t>(layout));
    }
    case c10::TypeKind::MemoryFormatType: {
      c10::MemoryFormat fmt;
      if (!v.IsString() || !ParseMemoryFormat(v.As<Napi::String>().Utf8Value(), &fmt)) {
        Fail(arg, "a memory format ('contiguous', 'preserve', 'channels_last')");
      }
      return c10::IValue(static_cast<int64_t>(fmt));
    }
    case c10::TypeKind::DeviceObjType:
      return c10::IValue(c10::Device(ToStringValue(v, arg)));
    case c10::TypeKind::NoneType:
      if (!IsNullish(v)) Fail(arg, "null");
      return c10::IValue();
    default:
      Fail(arg, "a supported type, not " + type->str());
  }
}

}  // namespace

c10::IValue ToIValue(const Napi::Value& value, const c10::Argument& arg) {
  if (value.IsUndefined() && arg.default_value()) return *arg.default_value();
  if (IsNullish(value) && arg.real_type()->kind() != c10::TypeKind::OptionalType &&
      arg.real_type()->kind() != c10::TypeKind::NoneType) {
    Fail(arg, arg.real_type()->str() + ", got " + (value.IsNull() ? "null" : "undefined"));
  }
  return Convert(value, arg, arg.real_type());
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& v, const std::vector<InputTensor>& inputs) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return env.Null();
    for (const InputTensor& in : inputs) {
      if (in.impl == t.unsafeGetTensorImpl()) return in.id;
    }
    return tensors::Put(env, t);
  }
  if (v.isNone()) return env.Null();
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isInt()) {
    int64_t i = v.toInt();
    if (i > 9007199254740991LL || i < -9007199254740991LL) return Napi::BigInt::New(env, i);
    return Napi::Number::New(env, static_cast<double>(i));
  }
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    Napi::Array out = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); i++) out.Set(static_cast<uint32_t>(i), FromIValue(env, elems[i], inputs));
    return out;
  }
  if (v.isList()) {
    auto list = v.toListRef();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) out.Set(static_cast<uint32_t>(i), FromIValue(env, list[i], inputs));
    return out;
  }
  if (v.isDevice()) return Napi::String::New(env, v.toDevice().str());
  if (v.isScalar()) {
    c10::Scalar s = v.toScalar();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
    return Napi::Number::New(env, s.toDouble());
  }
  throw std::invalid_argument("unsupported return type " + v.tagKind());
}

}  // namespace strand
