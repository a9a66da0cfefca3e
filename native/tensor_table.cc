#include "tensor_table.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "dtypes.h"
#include "errors.h"

namespace strand {
namespace tensors {

namespace {

struct Slot {
  at::Tensor tensor;
  int64_t bytes = 0;  // reported to V8 as external memory, so forgotten tensors prompt a GC
};

// At most 1 MiB of one tensor is reported. V8 starts a major collection whenever external
// memory grows past its limit; reported in full, every large activation of a forward pass did
// that, and concurrent marking took a fifth of the CPU of variant scoring. Tensors are freed by
// dispose / tidy; the GC only catches the forgotten ones, and a capped report still prompts it.
constexpr int64_t kReportedBytesCap = int64_t{1} << 20;

std::vector<Slot> slots;
std::vector<uint32_t> freeSlots;
size_t live = 0;

int64_t StorageBytes(const at::Tensor& t) {
  return t.defined() && t.has_storage() ? static_cast<int64_t>(t.storage().nbytes()) : 0;
}

bool SlotOf(const Napi::Value& value, uint32_t* out) {
  if (!value.IsNumber()) return false;
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d >= static_cast<double>(slots.size()) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    return false;
  }
  *out = static_cast<uint32_t>(d);
  return slots[*out].tensor.defined();
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  uint32_t id;
  if (SlotOf(info[0], &id)) {
    Slot& s = slots[id];
    if (s.bytes != 0) Napi::MemoryManagement::AdjustExternalMemory(info.Env(), -s.bytes);
    s = Slot();
    freeSlots.push_back(id);
    live--;
  }
  return info.Env().Undefined();
}

Napi::Value Shape(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Get(info[0], "shape");
  Napi::Array out = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) out.Set(static_cast<uint32_t>(i), static_cast<double>(t.size(i)));
  return out;
}

Napi::Value DType(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DTypeName(Get(info[0], "dtype").scalar_type()));
}

Napi::Value Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Get(info[0], "device").device().str());
}

Napi::Value LiveTensors(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(live));
}

}  // namespace

Napi::Value Put(Napi::Env env, at::Tensor t) {
  uint32_t id;
  if (!freeSlots.empty()) {
    id = freeSlots.back();
    freeSlots.pop_back();
  } else {
    id = static_cast<uint32_t>(slots.size());
    slots.emplace_back();
  }
  Slot& s = slots[id];
  s.bytes = std::min(StorageBytes(t), kReportedBytesCap);
  s.tensor = std::move(t);
  live++;
  if (s.bytes != 0) Napi::MemoryManagement::AdjustExternalMemory(env, s.bytes);
  return Napi::Number::New(env, id);
}

const at::Tensor* Find(const Napi::Value& value) {
  uint32_t id;
  return SlotOf(value, &id) ? &slots[id].tensor : nullptr;
}

const at::Tensor& Get(const Napi::Value& value, const char* what) {
  const at::Tensor* t = Find(value);
  if (t == nullptr) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a live tensor for ") + what);
  }
  return *t;
}

void Init(Napi::Env env, Napi::Object exports) {
  Export<Release>(env, exports, "release");
  Export<Shape>(env, exports, "shape");
  Export<DType>(env, exports, "dtype");
  Export<Device>(env, exports, "device");
  Export<LiveTensors>(env, exports, "liveTensors");
}

}  // namespace tensors

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
