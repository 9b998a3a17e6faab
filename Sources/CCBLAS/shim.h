// OpenBLAS's C interface as Debian installs it (libopenblas-dev).
#include <x86_64-linux-gnu/cblas.h>
