#include "dtypes.h"

namespace strand {

struct DTypeEntry {
  const char* name;
  c10::ScalarType type;
};

static const DTypeEntry kDTypes[] = {
    {"float32", c10::kFloat}, {"float64", c10::kDouble}, {"float16", c10::kHalf},
    {"bfloat16", c10::kBFloat16}, {"int64", c10::kLong}, {"int32", c10::kInt},
    {"int16", c10::kShort}, {"int8", c10::kChar}, {"uint8", c10::kByte},
    {"bool", c10::kBool}, {"complex64", c10::kComplexFloat}, {"complex128", c10::kComplexDouble},
};

const char* DTypeName(c10::ScalarType type) {
  for (const auto& e : kDTypes) {
    if (e.type == type) return e.name;
  }
  return c10::toString(type);
}

bool ParseDType(const std::string& name, c10::ScalarType* out) {
  for (const auto& e : kDTypes) {
    if (name == e.name) {
      *out = e.type;
      return true;
    }
  }
  return false;
}

bool ParseLayout(const std::string& name, c10::Layout* out) {
  if (name == "strided") *out = c10::kStrided;
  else if (name == "sparse") *out = c10::kSparse;
  else return false;
  return true;
}

bool ParseMemoryFormat(const std::string& name, c10::MemoryFormat* out) {
  if (name == "contiguous") *out = c10::MemoryFormat::Contiguous;
  else if (name == "preserve") *out = c10::MemoryFormat::Preserve;
  else if (name == "channels_last") *out = c10::MemoryFormat::ChannelsLast;
  else return false;
  return true;
}

}  // namespace strand
