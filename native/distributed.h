// Process groups on libtorch's c10d with Gloo (the engine under PyTorch DDP): rendezvous through
// a TCP or file store, then allreduce, broadcast, allgather and barrier on tensors. Exported as
// `exports.distributed` only when the addon was built with the gloo headers (USE_C10D_GLOO).
#pragma once
#include <napi.h>

namespace strand {
void InitDistributed(Napi::Env env, Napi::Object exports);
}
