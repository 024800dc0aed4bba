#ifndef WHITLOCK_ALLOCATION_COUNTER_H
#define WHITLOCK_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Number of heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign)
/// made by any thread of this process since it started. Counted by interposing the allocator
/// entry points in the benchmark executable itself (no LD_PRELOAD); each call forwards to glibc's
/// __libc_* implementation.
uint64_t whitlock_allocation_count(void);

/// 1 when the interposed allocator is active (a call through malloc was seen), else 0.
int whitlock_allocation_counter_active(void);

/// Restricts the calling process to one CPU (so "one core" is literal); 0 on success.
int whitlock_pin_to_cpu(int cpu);

#endif
