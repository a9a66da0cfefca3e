// Work that blocks (a rendezvous, waiting for a collective) runs on libuv's thread pool and
// settles a Promise, so the Node event loop keeps turning. A failure rejects with a TorchError
// whose message starts with what was being done.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <utility>

#include "errors.h"

namespace strand {

class AsyncTask : public Napi::AsyncWorker {
 public:
  using Work = std::function<void()>;
  using Result = std::function<Napi::Value(Napi::Env)>;

  // Queues `work` (run off the main thread) and returns the Promise that `result` (run on the
  // main thread afterwards) resolves; `what` prefixes the message of any error.
  static Napi::Promise Start(Napi::Env env, std::string what, Work work, Result result = nullptr) {
    auto* task = new AsyncTask(env, std::move(what), std::move(work), std::move(result));
    Napi::Promise promise = task->deferred_.Promise();
    task->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      work_();
    } catch (const std::exception& e) {
      SetError(what_ + ": " + CleanMessage(e));
    } catch (...) {
      SetError(what_ + ": unknown native exception");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(result_ ? result_(env) : env.Undefined());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(MakeTorchError(env, what_ + ": " + CleanMessage(e), what_, {}).Value());
    }
  }

  void OnError(const Napi::Error& e) override {
    deferred_.Reject(MakeTorchError(Env(), e.Message(), what_, {}).Value());
  }

 private:
  AsyncTask(Napi::Env env, std::string what, Work work, Result result)
      : Napi::AsyncWorker(env, "strand:distributed"),
        deferred_(Napi::Promise::Deferred::New(env)),
        what_(std::move(what)),
        work_(std::move(work)),
        result_(std::move(result)) {}

  Napi::Promise::Deferred deferred_;
  std::string what_;
  Work work_;
  Result result_;
};

}  // namespace strand
