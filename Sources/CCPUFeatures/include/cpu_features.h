#ifndef WHITLOCK_CPU_FEATURES_H
#define WHITLOCK_CPU_FEATURES_H

/// Whether this processor and the operating system support the x86-64-v3 instruction set
/// (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE and the AVX register state): 1 or 0. Always 0 on other
/// architectures.
int whitlock_cpu_supports_x86_64_v3(void);

#endif
