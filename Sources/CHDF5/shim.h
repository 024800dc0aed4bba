// The HDF5 C library (Debian: libhdf5-dev, pkg-config hdf5-serial) plus functions for the values
// HDF5 defines as macros that call into the library (H5T_NATIVE_*, H5F_ACC_*, H5P_* classes),
// which Swift cannot import, and one that renders the error stack as text.
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

static inline hid_t whitlock_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t whitlock_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t whitlock_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t whitlock_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t whitlock_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t whitlock_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t whitlock_h5t_variable(void) { return H5T_VARIABLE; }
static inline unsigned whitlock_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned whitlock_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t whitlock_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t whitlock_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t whitlock_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline hid_t whitlock_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t whitlock_h5s_all(void) { return H5S_ALL; }
static inline hsize_t whitlock_h5s_unlimited(void) { return H5S_UNLIMITED; }

/// Stops HDF5 printing its error stack to stderr; callers report errors themselves.
static inline void whitlock_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct {
  char *buffer;
  size_t capacity;
  size_t used;
} whitlock_h5_error_text;

static inline herr_t whitlock_h5_error_walker(unsigned n, const H5E_error2_t *error, void *data) {
  whitlock_h5_error_text *text = (whitlock_h5_error_text *)data;
  if (text->used + 1 >= text->capacity) return 0;
  int written = snprintf(
    text->buffer + text->used, text->capacity - text->used, "%s%s", text->used ? "; " : "",
    error->desc ? error->desc : "?");
  if (written > 0) text->used += (size_t)written;
  if (text->used >= text->capacity) text->used = text->capacity - 1;
  (void)n;
  return 0;
}

/// Writes the descriptions of the current error stack, innermost first, into `buffer`, then
/// clears the stack. Returns the number of bytes written (without the terminating NUL).
static inline size_t whitlock_h5_error_stack(char *buffer, size_t capacity) {
  if (capacity == 0) return 0;
  buffer[0] = 0;
  whitlock_h5_error_text text = {buffer, capacity, 0};
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, whitlock_h5_error_walker, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.used;
}
