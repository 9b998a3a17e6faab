// ncursesw with wide-character functions (Debian: libncurses-dev).
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// Swift 6 rejects C globals as not concurrency-safe, and function-like macros are not imported:
// accessors for what the TUI needs.
static inline WINDOW *slicer_stdscr(void) { return stdscr; }
static inline int slicer_lines(void) { return LINES; }
static inline int slicer_cols(void) { return COLS; }
static inline chtype slicer_color_pair(int n) { return COLOR_PAIR(n); }
static inline int slicer_key_f(int n) { return KEY_F(n); }
