// OrderedWriter: runs a write function on a background thread, one queued
// text at a time, strictly in the order the texts were submitted.
//
// A backfill saves its checkpoint after every date (decision 17), and each
// save is two fsyncs and a rename: about a millisecond of waiting on the disk
// per date, which on the writing thread added 4-5 s to the full backfill. The
// checkpoint hands its texts to this writer instead, so the next date's
// transaction runs while the previous checkpoint reaches the disk. Every
// submitted text is written (none is skipped or merged), so the file still
// passes through the state of every date.
//
// Errors: the first failed write stops the writer; the texts queued after it
// are dropped, and that error is returned by every later Submit and Flush.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "common/status.h"

namespace phase4 {

class OrderedWriter {
 public:
  using WriteFn = std::function<Status(const std::string& text)>;

  // At most `depth` texts wait at once; Submit blocks beyond that, so a slow
  // disk slows the caller down instead of growing the queue.
  OrderedWriter(WriteFn write, size_t depth);
  // Writes everything still queued (unless a write failed), then stops.
  ~OrderedWriter();
  OrderedWriter(const OrderedWriter&) = delete;
  OrderedWriter& operator=(const OrderedWriter&) = delete;

  // Queues `text` after the earlier ones; `written`, when given, runs on the
  // writer thread once `text` is written (not if the write fails). Returns
  // the error of an earlier failed write instead (and queues nothing).
  Status Submit(std::string text, std::function<void()> written = {});
  // Waits until every submitted text is written; the first write error, if any.
  Status Flush();

 private:
  void Loop();

  const WriteFn write_;
  const size_t depth_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, std::function<void()>>> queue_;
  bool writing_ = false;  // a text taken off the queue is being written
  bool stopping_ = false;
  Status error_;  // the first failed write
  std::thread thread_;
};

}  // namespace phase4
