// JS values <-> c10::IValue, driven by the declared schema type of each argument.
#pragma once
#include <ATen/core/ivalue.h>
#include <ATen/core/function_schema.h>
#include <napi.h>
#include <vector>

namespace strand {

// Converts `value` to the IValue the schema argument expects. Throws std::invalid_argument
// with a message naming the argument when the value does not fit.
c10::IValue ToIValue(const Napi::Value& value, const c10::Argument& arg);

// A tensor argument of the call: its JS slot id and its TensorImpl, kept as a plain address
// (never a pointer into the slot table, which moves when a result is stored).
struct InputTensor {
  Napi::Value id;
  const c10::TensorImpl* impl;
};

// Converts an op result to JS. A returned tensor that is one of the tensor `inputs` (an
// in-place op) comes back as the slot id that was passed in; other tensors get new slots.
Napi::Value FromIValue(Napi::Env env, const c10::IValue& value, const std::vector<InputTensor>& inputs);

}  // namespace strand
