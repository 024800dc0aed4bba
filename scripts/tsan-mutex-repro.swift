// Shows why scripts/tsan.supp exists: ThreadSanitizer reports "Swift access races" on state that is
// only ever touched inside Synchronization.Mutex.withLock (Swift 6.3.1, Linux). The count printed
// is exact, and the same program with NSLock (pthread_mutex, which TSan intercepts) reports
// nothing: TSan does not see the futex-based Mutex lock and unlock in libswiftSynchronization.
//
//   swiftc -sanitize=thread -Onone scripts/tsan-mutex-repro.swift -o /tmp/repro && /tmp/repro
import Foundation
import Synchronization

final class Box: @unchecked Sendable { var values: [Int] = [] }
let box = Box()
let mutex = Mutex(0)
let group = DispatchGroup()
for _ in 0..<4 {
  group.enter()
  Thread.detachNewThread {
    for i in 0..<20000 {
      mutex.withLock {
        $0 += 1; box.values.append(i)
      }
    }
    group.leave()
  }
}
group.wait()
print(mutex.withLock { $0 }, box.values.count)
