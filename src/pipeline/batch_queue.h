#ifndef BILLFLOW_PIPELINE_BATCH_QUEUE_H_
#define BILLFLOW_PIPELINE_BATCH_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

namespace billflow {

// A blocking FIFO between pipeline threads. Close() wakes every waiter: Push then refuses,
// Pop drains what is left and then returns false. Thread-safe. Unbounded by itself: the
// pipeline bounds memory by circulating a fixed number of batches.
template <typename T>
class BatchQueue {
 public:
  // False (and `item` untouched) when the queue is closed.
  bool Push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }
  // Waits for an item; false when the queue is closed and empty.
  bool Pop(T* item) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    *item = std::move(items_.front());
    items_.pop_front();
    return true;
  }
  void Close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_BATCH_QUEUE_H_
