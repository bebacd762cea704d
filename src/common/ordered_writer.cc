#include "common/ordered_writer.h"

#include <utility>

namespace phase4 {

OrderedWriter::OrderedWriter(WriteFn write, size_t depth)
    : write_(std::move(write)), depth_(depth == 0 ? 1 : depth) {
  thread_ = std::thread([this] { Loop(); });
}

OrderedWriter::~OrderedWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status OrderedWriter::Submit(std::string text, std::function<void()> written) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || queue_.size() < depth_; });
  if (!error_.ok()) return error_;
  queue_.emplace_back(std::move(text), std::move(written));
  changed_.notify_all();
  return Status::OK();
}

Status OrderedWriter::Flush() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || (queue_.empty() && !writing_); });
  return error_;
}

void OrderedWriter::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    // On stop, what is queued is still written: the destructor drains.
    if (queue_.empty() || !error_.ok()) break;
    auto [text, written] = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    Status s = write_(text);
    if (s.ok() && written) written();
    lock.lock();
    writing_ = false;
    if (!s.ok()) {
      error_ = s;
      queue_.clear();  // later states must not land after a missing one
    }
    changed_.notify_all();
  }
}

}  // namespace phase4
