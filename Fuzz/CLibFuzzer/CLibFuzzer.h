// libFuzzer's driver, linked by -sanitize=fuzzer (compiler-rt's FuzzerDriver). SwiftPM links an executable
// target's entry point as `<Target>_main`, so libFuzzer's own `main` is not used; that entry point calls this.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
