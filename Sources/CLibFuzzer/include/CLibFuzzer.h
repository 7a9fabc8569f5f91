#ifndef KOTOBA_CLIBFUZZER_H
#define KOTOBA_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that keep their own main (compiler-rt FuzzerInterface.h): it parses the
// libFuzzer flags in argv and calls `callback` for every input. Defined only when linked with -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
