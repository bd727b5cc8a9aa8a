#ifndef PATCHFIT_CHDF5_SHIM_H
#define PATCHFIT_CHDF5_SHIM_H
#include <hdf5.h>

// HDF5's predefined type and property-list identifiers are macros that expand to
// H5open() plus a global variable; Swift cannot import them, so expose them as functions.
static inline hid_t pf_H5T_NATIVE_FLOAT(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t pf_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t pf_H5T_NATIVE_INT16(void)  { return H5T_NATIVE_INT16; }
static inline hid_t pf_H5T_NATIVE_INT32(void)  { return H5T_NATIVE_INT32; }
static inline hid_t pf_H5T_NATIVE_INT64(void)  { return H5T_NATIVE_INT64; }
static inline hid_t pf_H5T_NATIVE_UINT8(void)  { return H5T_NATIVE_UINT8; }
static inline hid_t pf_H5T_C_S1(void)          { return H5T_C_S1; }
static inline hid_t pf_H5T_IEEE_F32LE(void)    { return H5T_IEEE_F32LE; }
static inline hid_t pf_H5T_IEEE_F64LE(void)    { return H5T_IEEE_F64LE; }
static inline hid_t pf_H5T_STD_I64LE(void)     { return H5T_STD_I64LE; }
static inline hid_t pf_H5P_DEFAULT(void)       { return H5P_DEFAULT; }
static inline hid_t pf_H5P_FILE_ACCESS(void)   { return H5P_FILE_ACCESS; }
static inline hid_t pf_H5P_DATASET_CREATE(void){ return H5P_DATASET_CREATE; }
static inline hid_t pf_H5P_LINK_CREATE(void)   { return H5P_LINK_CREATE; }
static inline hid_t pf_H5S_ALL(void)           { return H5S_ALL; }
static inline unsigned pf_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned pf_H5F_ACC_TRUNC(void)  { return H5F_ACC_TRUNC; }

/// Silence HDF5's automatic error-stack printing: PatchFit reports errors itself.
static inline void pf_H5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
