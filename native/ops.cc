#include "ops.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "errors.h"
#include "ivalue.h"
#include "tensor_table.h"

namespace strand {

namespace {

std::vector<c10::OperatorHandle> resolved;

std::string QualifiedName(const c10::OperatorName& name) {
  return name.overload_name.empty() ? name.name : name.name + "." + name.overload_name;
}

// True for Tensor and Tensor?, or (with `list`) for Tensor[] and Tensor?[].
bool HoldsTensors(c10::TypePtr type, bool list) {
  if (list) {
    if (type->kind() != c10::TypeKind::ListType) return false;
    type = type->expectRef<c10::ListType>().getElementType();
  }
  if (type->kind() == c10::TypeKind::OptionalType) type = type->expectRef<c10::OptionalType>().getElementType();
  return type->kind() == c10::TypeKind::TensorType;
}

std::string DescribeValue(const Napi::Value& v, bool tensor) {
  if (tensor && !v.IsNull() && !v.IsUndefined()) {
    const at::Tensor* t = tensors::Find(v);
    return t ? DescribeTensor(*t) : "(not a live tensor)";
  }
  return v.ToString().Utf8Value();
}

// "name: value" for each argument given, tensors as their shape and dtype.
std::vector<std::string> DescribeArgs(const c10::FunctionSchema& schema, const Napi::Array& args) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < args.Length() && i < schema.arguments().size(); i++) {
    Napi::Value v = args.Get(i);
    if (v.IsUndefined()) continue;
    const c10::Argument& arg = schema.arguments()[i];
    std::string d = arg.name() + ": ";
    if (v.IsArray()) {
      Napi::Array a = v.As<Napi::Array>();
      bool tensors = HoldsTensors(arg.real_type(), true);
      d += "[";
      for (uint32_t j = 0; j < a.Length() && j < 8; j++) d += (j ? ", " : "") + DescribeValue(a.Get(j), tensors);
      d += a.Length() > 8 ? ", ...]" : "]";
    } else {
      d += DescribeValue(v, HoldsTensors(arg.real_type(), false));
    }
    out.push_back(d);
  }
  return out;
}

// opHandle(name, overload) -> integer id, resolved once and reused by every call.
Napi::Value OpHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string overload = info[1].As<Napi::String>().Utf8Value();
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) {
    throw MakeTorchError(env, "unknown operator " + (overload.empty() ? name : name + "." + overload),
                         name, {});
  }
  resolved.push_back(*handle);
  return Napi::Number::New(env, static_cast<double>(resolved.size() - 1));
}

// callOp(id, args[]) -> result (null, a value, or an array for several returns).
Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  if (id >= resolved.size()) throw Napi::RangeError::New(env, "invalid operator id");
  const c10::OperatorHandle& op = resolved[id];
  const c10::FunctionSchema& schema = op.schema();
  Napi::Array args = info[1].As<Napi::Array>();
  const auto& params = schema.arguments();
  std::vector<InputTensor> inputs;
  try {
    if (args.Length() > params.size()) {
      throw std::invalid_argument("takes " + std::to_string(params.size()) + " arguments, got " +
                                  std::to_string(args.Length()));
    }
    torch::jit::Stack stack;
    stack.reserve(params.size());
    for (size_t i = 0; i < params.size(); i++) {
      Napi::Value v = i < args.Length() ? args.Get(static_cast<uint32_t>(i)) : env.Undefined();
      stack.push_back(ToIValue(v, params[i]));
      if (stack.back().isTensor()) inputs.push_back({v, stack.back().toTensor().unsafeGetTensorImpl()});
    }
    op.callBoxed(&stack);
    if (stack.empty()) return env.Undefined();
    if (stack.size() == 1) return FromIValue(env, stack[0], inputs);
    Napi::Array out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); i++) out.Set(static_cast<uint32_t>(i), FromIValue(env, stack[i], inputs));
    return out;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string opName = QualifiedName(schema.operator_name());
    std::vector<std::string> described = DescribeArgs(schema, args);
    std::string message = opName + "(";
    for (size_t i = 0; i < described.size(); i++) message += (i ? ", " : "") + described[i];
    message += "): " + CleanMessage(e);
    throw MakeTorchError(env, message, opName, described);
  }
}

Napi::Value DescribeDefault(Napi::Env env, const c10::Argument& arg) {
  if (!arg.default_value()) return env.Undefined();
  std::ostringstream s;
  s << *arg.default_value();
  return Napi::String::New(env, s.str());
}

Napi::Object DescribeArgument(Napi::Env env, const c10::Argument& arg) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", arg.name());
  o.Set("type", arg.real_type()->str());
  if (arg.N()) o.Set("n", static_cast<double>(*arg.N()));
  o.Set("default", DescribeDefault(env, arg));
  o.Set("kwargOnly", arg.kwarg_only());
  const c10::AliasInfo* alias = arg.alias_info();
  o.Set("mutable", alias != nullptr && alias->isWrite());
  if (alias != nullptr && !alias->beforeSets().empty()) {
    o.Set("alias", alias->beforeSets().begin()->toUnqualString());
  }
  return o;
}

// schemas() -> every registered operator schema, for the op generator.
Napi::Value Schemas(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& dispatcher = c10::Dispatcher::singleton();
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (const c10::OperatorName& name : dispatcher.getAllOpNames()) {
    auto handle = dispatcher.findSchema(name);
    if (!handle || !handle->hasSchema()) continue;
    const c10::FunctionSchema& schema = handle->schema();
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", name.name);
    o.Set("overload", name.overload_name);
    std::ostringstream text;
    text << schema;
    o.Set("schema", text.str());
    Napi::Array args = Napi::Array::New(env, schema.arguments().size());
    for (size_t i = 0; i < schema.arguments().size(); i++) {
      args.Set(static_cast<uint32_t>(i), DescribeArgument(env, schema.arguments()[i]));
    }
    o.Set("arguments", args);
    Napi::Array rets = Napi::Array::New(env, schema.returns().size());
    for (size_t i = 0; i < schema.returns().size(); i++) {
      rets.Set(static_cast<uint32_t>(i), DescribeArgument(env, schema.returns()[i]));
    }
    o.Set("returns", rets);
    o.Set("varargs", schema.is_vararg() || schema.is_varret());
    out.Set(n++, o);
  }
  return out;
}

}  // namespace

void InitOps(Napi::Env env, Napi::Object exports) {
  Export<OpHandle>(env, exports, "opHandle");
  Export<CallOp>(env, exports, "callOp");
  Export<Schemas>(env, exports, "schemas");
}

}  // namespace strand
