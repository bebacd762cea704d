#include "common/ordered_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace phase4 {
namespace {

// A write function that records what it wrote; optionally held at a gate.
class Recorder {
 public:
  OrderedWriter::WriteFn Fn() {
    return [this](const std::string& text) {
      std::unique_lock lock(mu_);
      gate_open_.wait(lock, [&] { return open_; });
      if (text == fail_on_) return Status::IoError("cannot write " + text);
      written_.push_back(text);
      return Status::OK();
    };
  }
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    gate_open_.notify_all();
  }
  void FailOn(std::string text) { fail_on_ = std::move(text); }
  std::vector<std::string> written() {
    std::lock_guard lock(mu_);
    return written_;
  }

 private:
  std::mutex mu_;
  std::condition_variable gate_open_;
  bool open_ = true;
  std::string fail_on_;
  std::vector<std::string> written_;
};

std::vector<std::string> Numbers(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
  return out;
}

TEST(OrderedWriterTest, WritesEveryTextInSubmissionOrder) {
  Recorder rec;
  OrderedWriter writer(rec.Fn(), 3);
  for (const auto& t : Numbers(1, 200)) ASSERT_TRUE(writer.Submit(t).ok());
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(rec.written(), Numbers(1, 200));
}

TEST(OrderedWriterTest, SubmitWaitsWhenTheQueueIsFull) {
  Recorder rec;
  rec.Close();  // the first write blocks at the gate
  OrderedWriter writer(rec.Fn(), 2);
  ASSERT_TRUE(writer.Submit("1").ok());  // taken by the writing thread (or queued)
  ASSERT_TRUE(writer.Submit("2").ok());
  std::atomic<int> returned{0};
  std::thread late([&] {
    for (const auto& t : Numbers(3, 5)) {
      ASSERT_TRUE(writer.Submit(t).ok());
      ++returned;
    }
  });
  // With "1" held at the gate at most two more fit: "3" may fit, "4" and
  // "5" cannot until the gate opens.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_LE(returned.load(), 1);
  EXPECT_TRUE(rec.written().empty());
  rec.Open();
  late.join();
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(rec.written(), Numbers(1, 5));
}

TEST(OrderedWriterTest, AFailedWriteDropsTheLaterTextsAndIsReportedFromThenOn) {
  Recorder rec;
  rec.FailOn("3");
  OrderedWriter writer(rec.Fn(), 8);
  for (const auto& t : Numbers(1, 6)) {
    Status s = writer.Submit(t);
    if (!s.ok()) {
      EXPECT_EQ(s.message(), "cannot write 3");  // reported once it happened
    }
  }
  Status flushed = writer.Flush();
  EXPECT_EQ(flushed.code(), Status::Code::kIo);
  EXPECT_EQ(flushed.message(), "cannot write 3");
  EXPECT_EQ(writer.Submit("7").message(), "cannot write 3");
  // Nothing after the failed text was written: no later state lands after a
  // missing one.
  EXPECT_EQ(rec.written(), Numbers(1, 2));
}

TEST(OrderedWriterTest, DestructionWritesWhatIsQueued) {
  Recorder rec;
  rec.Close();
  std::thread opener;
  {
    OrderedWriter writer(rec.Fn(), 4);
    for (const auto& t : Numbers(1, 4)) ASSERT_TRUE(writer.Submit(t).ok());
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      rec.Open();
    });
  }  // waits for the four writes
  opener.join();
  EXPECT_EQ(rec.written(), Numbers(1, 4));
}

// A text's `written` callback runs after that text is written, in order,
// and never for a text whose write failed or that was dropped after it.
TEST(OrderedWriterTest, WrittenCallbacksRunAfterTheirTextIsWritten) {
  Recorder rec;
  rec.FailOn("4");
  std::vector<std::string> seen;  // what was written when each callback ran
  std::vector<std::string> called;
  {
    OrderedWriter writer(rec.Fn(), 8);
    for (const auto& t : Numbers(1, 5))
      (void)writer.Submit(t, [&, t] {
        called.push_back(t);
        seen.push_back(rec.written().back());
      });
    EXPECT_FALSE(writer.Flush().ok());
  }
  EXPECT_EQ(called, Numbers(1, 3));
  EXPECT_EQ(seen, Numbers(1, 3));
}

}  // namespace
}  // namespace phase4
