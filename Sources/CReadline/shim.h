// GNU readline (Debian: libreadline-dev).
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

static inline char *slicer_rl_line_buffer(void) { return rl_line_buffer; }
static inline int slicer_rl_point(void) { return rl_point; }
