// Debian's libtorch-dev ships c10d/reducer.hpp but not the distributed-autograd header it
// includes. The reducer needs only two names from it, declared here exactly as PyTorch 1.13
// declares them (torch/csrc/distributed/autograd/context/context.h): ContextPtr, a shared
// pointer (so the Reducer's layout is the library's), and DistAutogradContext::GradCallback.
// Strand never uses distributed autograd; nothing else of that header is needed.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch {
namespace distributed {
namespace autograd {

class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};

using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace autograd
}  // namespace distributed
}  // namespace torch
