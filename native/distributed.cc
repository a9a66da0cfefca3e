#include "distributed.h"

#ifdef USE_C10D_GLOO

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>

#include <chrono>
#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "async_task.h"
#include "errors.h"
#include "tensor_table.h"

namespace strand {

namespace {

using Millis = std::chrono::milliseconds;

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int rank = 0;
  int worldSize = 1;
};

// Groups by id. Never freed at exit: a group's threads may still run when the process ends, and
// destroying them from static destructors could hang; destroy() releases a group on request.
auto& groups = *new std::unordered_map<int, Group>();
int nextGroupId = 1;

struct CreateOptions {
  int rank = 0;
  int worldSize = 1;
  std::string store;  // 'tcp' | 'file'
  std::string host;
  int port = 0;
  bool isServer = false;
  std::string path;
  Millis timeout{0};
  std::string deviceHostname;  // the local address Gloo binds; empty with deviceInterface
  std::string deviceInterface;
};

std::string StringField(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

int IntField(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : 0;
}

CreateOptions ParseCreateOptions(const Napi::Object& o) {
  CreateOptions c;
  c.rank = IntField(o, "rank");
  c.worldSize = IntField(o, "worldSize");
  c.store = StringField(o, "store");
  c.host = StringField(o, "host");
  c.port = IntField(o, "port");
  c.isServer = o.Get("isServer").ToBoolean().Value();
  c.path = StringField(o, "path");
  c.timeout = Millis(static_cast<int64_t>(o.Get("timeoutMs").As<Napi::Number>().DoubleValue()));
  c.deviceHostname = StringField(o, "deviceHostname");
  c.deviceInterface = StringField(o, "deviceInterface");
  return c;
}

std::string JoinRanks(const std::vector<int>& ranks) {
  std::ostringstream s;
  for (size_t i = 0; i < ranks.size(); i++) s << (i ? ", " : "") << ranks[i];
  return s.str();
}

std::string StoreAddress(const CreateOptions& c) {
  return c.store == "tcp" ? c.host + ":" + std::to_string(c.port) : c.path;
}

c10::intrusive_ptr<c10d::Store> OpenStore(const CreateOptions& c) {
  if (c.store == "file") {
    auto store = c10::make_intrusive<c10d::FileStore>(c.path, c.worldSize);
    store->setTimeout(c.timeout);
    return store;
  }
  c10d::TCPStoreOptions o;
  o.port = static_cast<std::uint16_t>(c.port);
  o.isServer = c.isServer;
  o.numWorkers = static_cast<std::size_t>(c.worldSize);
  o.waitWorkers = false;  // Rendezvous() below waits, and names the ranks that did not come
  o.timeout = c.timeout;
  try {
    return c10::make_intrusive<c10d::TCPStore>(c.host, o);
  } catch (const std::exception& e) {
    std::string verb = c.isServer ? "could not start the TCP store at " : "could not reach the TCP store at ";
    throw std::runtime_error(verb + StoreAddress(c) + " within " + std::to_string(c.timeout.count()) +
                             " ms: " + CleanMessage(e));
  }
}

// Every rank announces itself, then waits for all the others, so a rank that never comes is named.
void Rendezvous(c10d::Store& store, const CreateOptions& c) {
  auto key = [](int r) { return "strand/joined/" + std::to_string(r); };
  store.set(key(c.rank), std::vector<uint8_t>{1});
  auto deadline = std::chrono::steady_clock::now() + c.timeout;
  while (true) {
    std::vector<int> missing;
    for (int r = 0; r < c.worldSize; r++) {
      if (!store.check({key(r)})) missing.push_back(r);
    }
    if (missing.empty()) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("waited " + std::to_string(c.timeout.count()) + " ms at the store " + StoreAddress(c) +
                               " for rank" + (missing.size() > 1 ? "s " : " ") + JoinRanks(missing) +
                               ", which never joined");
    }
    std::this_thread::sleep_for(Millis(20));
  }
}

std::shared_ptr<gloo::transport::Device> GlooDevice(const CreateOptions& c) {
  if (!c.deviceInterface.empty()) return c10d::ProcessGroupGloo::createDeviceForInterface(c.deviceInterface);
  if (!c.deviceHostname.empty()) return c10d::ProcessGroupGloo::createDeviceForHostname(c.deviceHostname);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

const Group& GetGroup(const Napi::Value& id) {
  auto it = groups.find(id.As<Napi::Number>().Int32Value());
  if (it == groups.end()) throw Napi::Error::New(id.Env(), "the process group was destroyed");
  return it->second;
}

std::string Where(const char* op, const Group& g) {
  return std::string(op) + " on rank " + std::to_string(g.rank) + " of " + std::to_string(g.worldSize);
}

std::vector<at::Tensor> TensorList(const Napi::Value& value, const char* what) {
  Napi::Array list = value.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < list.Length(); i++) out.push_back(tensors::Get(list.Get(i), what));
  return out;
}

// Tensors of one dtype, flattened into one contiguous buffer (how c10d coalesces a bucket).
struct FlatBucket {
  std::vector<at::Tensor> members;
  at::Tensor flat;
};

std::vector<FlatBucket> FlattenByDtype(const std::vector<at::Tensor>& ts) {
  std::map<c10::ScalarType, std::vector<at::Tensor>> byType;
  for (const auto& t : ts) byType[t.scalar_type()].push_back(t);
  std::vector<FlatBucket> out;
  at::NoGradGuard noGrad;
  for (auto& [type, members] : byType) {
    std::vector<at::Tensor> detached;
    for (const auto& t : members) detached.push_back(t.detach());
    out.push_back({members, at::flatten_dense_tensors(detached)});
  }
  return out;
}

void CopyBack(const FlatBucket& b) {
  at::NoGradGuard noGrad;
  auto parts = at::unflatten_dense_tensors(b.flat, b.members);
  for (size_t i = 0; i < parts.size(); i++) b.members[i].detach().copy_(parts[i]);
}

void WaitAll(const std::vector<c10::intrusive_ptr<c10d::Work>>& works) {
  for (const auto& w : works) w->wait();
}

// create({rank, worldSize, store, host, port, isServer, path, timeoutMs, deviceHostname,
// deviceInterface}) -> Promise<group id>
Napi::Value Create(const Napi::CallbackInfo& info) {
  CreateOptions c = ParseCreateOptions(info[0].As<Napi::Object>());
  auto made = std::make_shared<Group>();
  std::string what = "joining the process group as rank " + std::to_string(c.rank) + " of " + std::to_string(c.worldSize);
  return AsyncTask::Start(
      info.Env(), what,
      [c, made]() {
        made->store = OpenStore(c);
        Rendezvous(*made->store, c);
        auto options = c10d::ProcessGroupGloo::Options::create(c.timeout);
        options->devices.push_back(GlooDevice(c));
        made->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(made->store, c.rank, c.worldSize, options);
        made->rank = c.rank;
        made->worldSize = c.worldSize;
      },
      [made](Napi::Env env) {
        int id = nextGroupId++;
        groups[id] = *made;
        return Napi::Number::New(env, id);
      });
}

c10d::ReduceOp ParseReduceOp(const std::string& name) {
  if (name == "sum" || name == "avg") return c10d::ReduceOp::SUM;
  if (name == "max") return c10d::ReduceOp::MAX;
  if (name == "min") return c10d::ReduceOp::MIN;
  throw std::invalid_argument("unknown reduce op '" + name + "'");
}

// allreduce(group, tensors, op) -> Promise<void>: the tensors reduced in place across ranks,
// one flat buffer per dtype. Collectives are issued here, on the main thread, so every rank
// issues them in its program order; only the waiting happens off the thread.
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  const Group& g = GetGroup(info[0]);
  std::vector<at::Tensor> ts = TensorList(info[1], "allreduce");
  std::string opName = info[2].As<Napi::String>().Utf8Value();
  c10d::AllreduceOptions opts;
  opts.reduceOp = ParseReduceOp(opName);
  auto buckets = FlattenByDtype(ts);
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& b : buckets) {
    std::vector<at::Tensor> one{b.flat};
    works.push_back(g.pg->allreduce(one, opts));
  }
  int worldSize = g.worldSize;
  bool average = opName == "avg";
  return AsyncTask::Start(info.Env(), Where("allreduce", g), [works, buckets, worldSize, average]() {
    WaitAll(works);
    for (const auto& b : buckets) {
      if (average) b.flat.div_(worldSize);
      CopyBack(b);
    }
  });
}

// broadcast(group, tensors, root) -> Promise<void>: root's values copied into every rank's tensors.
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  const Group& g = GetGroup(info[0]);
  std::vector<at::Tensor> ts = TensorList(info[1], "broadcast");
  c10d::BroadcastOptions opts;
  opts.rootRank = info[2].As<Napi::Number>().Int32Value();
  auto buckets = FlattenByDtype(ts);
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& b : buckets) {
    std::vector<at::Tensor> one{b.flat};
    works.push_back(g.pg->broadcast(one, opts));
  }
  bool isRoot = g.rank == opts.rootRank;
  return AsyncTask::Start(info.Env(), Where("broadcast", g), [works, buckets, isRoot]() {
    WaitAll(works);
    if (!isRoot) for (const auto& b : buckets) CopyBack(b);
  });
}

// allgather(group, tensor) -> Promise<tensor handles, one per rank in rank order>.
Napi::Value Allgather(const Napi::CallbackInfo& info) {
  const Group& g = GetGroup(info[0]);
  at::Tensor input = tensors::Get(info[1], "allgather").detach().contiguous();
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < g.worldSize; r++) outputs[0].push_back(at::empty_like(input));
  std::vector<at::Tensor> inputs{input};
  auto work = g.pg->allgather(outputs, inputs);
  return AsyncTask::Start(
      info.Env(), Where("allgather", g), [work]() { work->wait(); },
      [outputs](Napi::Env env) {
        Napi::Array out = Napi::Array::New(env, outputs[0].size());
        for (size_t r = 0; r < outputs[0].size(); r++) out.Set(static_cast<uint32_t>(r), tensors::Put(env, outputs[0][r]));
        return out;
      });
}

// barrier(group) -> Promise<void>. c10d's monitored barrier: on timeout, rank 0 names the ranks
// that did not arrive, the others say that rank 0 did not answer.
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  const Group& g = GetGroup(info[0]);
  auto pg = g.pg;
  return AsyncTask::Start(info.Env(), Where("barrier", g), [pg]() {
    c10d::BarrierOptions opts;
    opts.timeout = pg->getOptions()->timeout;
    pg->monitoredBarrier(opts, true);
  });
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  groups.erase(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// c10d's Reducer (what PyTorch's DistributedDataParallel runs): hooks on every parameter's
// gradient accumulator copy finished gradients into flat buckets and start each bucket's
// allreduce while backward goes on; the end of backward waits for them and writes the means
// back into the gradients. Kept by id; a reducer holds its group's process group alive.
auto& reducers = *new std::unordered_map<int, std::unique_ptr<c10d::Reducer>>();
int nextReducerId = 1;

// reducerCreate(group, params, bucketBytes, firstBucketBytes) -> id. Buckets as DDP builds them:
// assigned over the parameters in order, then reversed (backward produces the last ones first).
Napi::Value ReducerCreate(const Napi::CallbackInfo& info) {
  const Group& g = GetGroup(info[0]);
  std::vector<at::Tensor> params = TensorList(info[1], "reducer");
  auto cap = static_cast<size_t>(info[2].As<Napi::Number>().Int64Value());
  auto first = static_cast<size_t>(info[3].As<Napi::Number>().Int64Value());
  std::vector<bool> sparse(params.size(), false);
  auto [indices, limits] = c10d::compute_bucket_assignment_by_size(params, {first, cap}, sparse);
  std::reverse(indices.begin(), indices.end());
  std::reverse(limits.begin(), limits.end());
  c10::intrusive_ptr<c10d::ProcessGroup> pg = g.pg;
  auto reducer = std::make_unique<c10d::Reducer>(params, indices, limits, pg, sparse, static_cast<int64_t>(cap),
                                                 /*find_unused_parameters=*/false, /*gradient_as_bucket_view=*/false,
                                                 std::unordered_map<size_t, std::string>(), static_cast<int64_t>(first));
  int id = nextReducerId++;
  reducers.emplace(id, std::move(reducer));
  return Napi::Number::New(info.Env(), id);
}

c10d::Reducer& GetReducer(const Napi::Value& id) {
  auto it = reducers.find(id.As<Napi::Number>().Int32Value());
  if (it == reducers.end()) throw Napi::Error::New(id.Env(), "the gradient reducer was destroyed");
  return *it->second;
}

// reducerPrepare(id): the next backward reduces (DDP's prepare_for_backward, no unused-parameter search).
Napi::Value ReducerPrepare(const Napi::CallbackInfo& info) {
  GetReducer(info[0]).prepare_for_backward({});
  return info.Env().Undefined();
}

Napi::Value ReducerDestroy(const Napi::CallbackInfo& info) {
  reducers.erase(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

}  // namespace

void InitDistributed(Napi::Env env, Napi::Object exports) {
  Napi::Object d = Napi::Object::New(env);
  Export<Create>(env, d, "create");
  Export<Allreduce>(env, d, "allreduce");
  Export<Broadcast>(env, d, "broadcast");
  Export<Allgather>(env, d, "allgather");
  Export<Barrier>(env, d, "barrier");
  Export<Destroy>(env, d, "destroy");
  Export<ReducerCreate>(env, d, "reducerCreate");
  Export<ReducerPrepare>(env, d, "reducerPrepare");
  Export<ReducerDestroy>(env, d, "reducerDestroy");
  exports.Set("distributed", d);
}

}  // namespace strand

#else  // built without the gloo headers: no `distributed` export; TypeScript explains what to install

namespace strand {
void InitDistributed(Napi::Env, Napi::Object) {}
}  // namespace strand

#endif
