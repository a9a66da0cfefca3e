// Names shared with TypeScript: dtypes as 'float32', 'int64', ...; layouts and memory formats.
#pragma once
#include <c10/core/Layout.h>
#include <c10/core/MemoryFormat.h>
#include <c10/core/ScalarType.h>
#include <string>

namespace strand {
const char* DTypeName(c10::ScalarType type);
bool ParseDType(const std::string& name, c10::ScalarType* out);
bool ParseLayout(const std::string& name, c10::Layout* out);
bool ParseMemoryFormat(const std::string& name, c10::MemoryFormat* out);
}  // namespace strand
