// Tensors live in one table on the native side; JS holds their slot numbers. No JS object is
// made per tensor, so freeing a tensor costs nothing the GC must clean up later, and JS-side
// disposal (explicit, scoped, or FinalizationRegistry) releases the slot.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <cstdint>
#include <string>

namespace strand {

namespace tensors {

// Stores t and returns its slot id (a JS number).
Napi::Value Put(Napi::Env env, at::Tensor t);
// The tensor at slot `value`; throws a JS error naming `what` when the value is not a live slot.
const at::Tensor& Get(const Napi::Value& value, const char* what);
// The tensor at slot `value`, or nullptr when value is not a live slot.
const at::Tensor* Find(const Napi::Value& value);
void Init(Napi::Env env, Napi::Object exports);

}  // namespace tensors

std::string DescribeTensor(const at::Tensor& t);  // "[2, 4, 10] float32"

}  // namespace strand
