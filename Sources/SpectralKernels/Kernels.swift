/// The detector's per-pixel inner loops, compiled twice from these same files.
///
/// `SpectralKernels` builds them for the baseline x86-64 (or whatever the host is);
/// `SpectralKernelsX86_64V3` builds the identical source for x86-64-v3 (AVX2), where the
/// four-lane vectors fill one register instead of two. The detector picks one at run time by
/// asking the processor, so one binary runs everywhere and uses the wider registers where they
/// exist. The arithmetic is the same operation by operation (no fused multiply-adds, the same
/// lane assignment and the same order of every sum), so both builds give bit-identical results:
/// a spectrum analysed on any machine gives the same numbers.
#if WHITLOCK_X86_64_V3
  public enum X86_64V3Kernels {}
  @usableFromInline typealias Kernels = X86_64V3Kernels
#else
  public enum PortableKernels {}
  @usableFromInline typealias Kernels = PortableKernels
#endif
